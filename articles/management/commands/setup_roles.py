from django.core.management.base import BaseCommand

from articles.roles import role_permissions, roles_ensure


class Command(BaseCommand):
    help = (
        "Create the Journalists and Editors groups and give them their permissions, including "
        "those other apps contribute. Safe to run again: it changes nothing when all is in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also take away permissions a group has beyond its definition.",
        )

    def handle(self, *args, prune=False, **options):
        definitions = role_permissions()
        groups = roles_ensure(definitions, prune=prune)
        for name, group in groups.items():
            extra = group.permissions.count() - len(definitions[name])
            note = f" (+{extra} given by hand; --prune removes them)" if extra > 0 else ""
            self.stdout.write(f"{name}: {len(definitions[name])} permissions{note}")
