"""Newsroom roles as auth groups. Other apps add their own permissions to the same groups.

An app contributes with `roles.contribute(roles.EDITORS, ["comments.can_moderate"])` in its
`AppConfig.ready()`; `python manage.py setup_roles` then puts every contribution in place.
"""

from django.apps import apps as global_apps

JOURNALISTS = "Journalists"
EDITORS = "Editors"

# Journalists write; whose stories they may change, and when, is decided in `workflow`.
ROLE_PERMISSIONS = {
    JOURNALISTS: ["articles.add_article", "articles.change_article", "articles.view_article",
                  "articles.view_category"],
    EDITORS: ["articles.add_article", "articles.change_article", "articles.delete_article",
              "articles.view_article", "articles.publish_article", "articles.edit_any_article",
              "articles.add_category", "articles.change_category", "articles.delete_category",
              "articles.view_category",
              # Lets editors pick any staff member as a story's author (admin autocomplete).
              "auth.view_user"],
}  # fmt: skip

_contributions: dict[str, list[str]] = {}


def contribute(role: str, permissions: list[str]) -> None:
    """Add another app's permissions to a role (call from that app's `ready()`)."""
    known = _contributions.setdefault(role, [])
    known.extend(name for name in permissions if name not in known)


def role_permissions() -> dict[str, list[str]]:
    """Every role with its own permissions and those other apps contributed."""
    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for role, perms in _contributions.items():
        merged.setdefault(role, []).extend(p for p in perms if p not in merged[role])
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
