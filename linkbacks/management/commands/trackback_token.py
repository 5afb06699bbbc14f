from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from linkbacks.tokens import trackback_token_create


class Command(BaseCommand):
    help = "Create a personal trackback token for a user; the token alone is the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Personal token")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if not user.is_active:
            raise CommandError(f"{username} is not active; their tokens would not work.")
        token, value = trackback_token_create(user=user, name=name)
        self.stdout.write(
            f"Created token {token.name!r} for {username}. Copy it now (its owner also finds it"
            " in their personal ping URL under each story):"
        )
        self.stdout.write(value)
