"""Newsroom roles as auth groups. Other apps add their own permissions to the same groups."""

from django.contrib.auth.models import Group, Permission

JOURNALISTS = "Journalists"
EDITORS = "Editors"

ROLE_PERMISSIONS = {
    JOURNALISTS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_category",
    ],
    EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.add_category",
        "articles.change_category",
        "articles.delete_category",
        "articles.view_category",
    ],
}


def permissions_named(names: list[str]) -> list[Permission]:
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


def roles_ensure(role_permissions: dict[str, list[str]] = ROLE_PERMISSIONS) -> dict[str, Group]:
    """Create the role groups and add their permissions; running it again changes nothing."""
    groups = {}
    for name, perms in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions_named(perms))
        groups[name] = group
    return groups
