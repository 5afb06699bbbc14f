"""Newsroom roles as auth groups; each app gives the permissions its roles need.

An app registers a function under the `role_permissions` hook in its `AppConfig.ready()`,
answering `{roles.EDITORS: ["comments.can_moderate"]}`; `python manage.py setup_roles` then puts
every app's permissions in place.
Whose stories a journalist may change, and when, is decided in `articles.workflow`.
"""

from django.apps import apps as global_apps

import hooks

JOURNALISTS = "Journalists"
EDITORS = "Editors"


def role_permissions() -> dict[str, list[str]]:
    """Every role with the permissions the apps give it (each once, in the order given)."""
    merged: dict[str, list[str]] = {}
    for permissions_of in hooks.get("role_permissions"):
        for role, permissions in permissions_of().items():
            known = merged.setdefault(role, [])
            known.extend(name for name in permissions if name not in known)
    return merged


def permissions_named(names: list[str], *, apps=global_apps) -> list:
    Permission = apps.get_model("auth", "Permission")
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in wanted]
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    if len(found) != len(wanted):
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return found


def permissions_make(app_labels: list[str], *, apps) -> None:
    """Create the apps' permissions now, inside a migration (Django makes them after the last)."""
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        config = apps.get_app_config(label)
        config.models_module = True  # the migration state's stub has none; create_permissions asks
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None


def roles_ensure(
    definitions: dict[str, list[str]] | None = None, *, prune: bool = False, apps=global_apps
) -> dict:
    """Create the role groups and give them their permissions; running it again changes nothing.

    With `prune`, permissions a group has beyond its definition are taken away.
    """
    Group = apps.get_model("auth", "Group")
    groups = {}
    for name, perms in (definitions or role_permissions()).items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = permissions_named(perms, apps=apps)
        if prune:
            group.permissions.set(wanted)
        else:
            group.permissions.add(*wanted)
        groups[name] = group
    return groups
