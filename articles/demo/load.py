"""Load the demo newsroom: sections, the seed story and more, and demo users when asked."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from articles import demo, roles
from articles.authors import author_profile_ensure
from articles.models import Article, Category


@dataclass
class DemoLoadResult:
    """What a load created, and the demo logins to print."""

    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def demo_load(*, with_users: bool) -> DemoLoadResult:
    """Load the demo newsroom. Idempotent: what exists is left exactly as it is."""
    result = DemoLoadResult()
    categories = {}
    for position, (name, slug, description) in enumerate(demo.CATEGORIES):
        category, created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        categories[slug] = category
        if created:
            result.created.append(f"category {slug}")

    groups = roles.roles_ensure()
    author = None
    if with_users:
        author = _demo_users_ensure(groups, result)

    seed = demo.parse_seed_page(demo.SEED_PAGE.read_text(encoding="utf-8"))
    seed_category = next(c for c in categories.values() if c.name == seed.category)
    stories = [
        dict(
            slug="japan-indonesia-automotive-cooperation",
            title=seed.title,
            category=seed_category,
            standfirst="",
            body="\n\n".join(seed.paragraphs),
            status=Article.Status.PUBLISHED,
            published_at=demo.seed_published_at(),
        )
    ]
    more = [
        (*story[:5], Article.Status.PUBLISHED, demo.story_time(story[5])) for story in demo.STORIES
    ]
    more.append((*demo.DRAFT, Article.Status.DRAFT, None))
    more.append((*demo.SCHEDULED, Article.Status.PUBLISHED, demo.scheduled_time()))
    for slug, title, category, standfirst, body, status, published_at in more:
        stories.append(
            dict(
                slug=slug,
                title=title,
                category=categories[category],
                standfirst=standfirst,
                body=body,
                status=status,
                published_at=published_at,
            )
        )

    for fields in stories:
        slug = fields.pop("slug")
        _, created = Article.objects.get_or_create(slug=slug, defaults={**fields, "author": author})
        if created:
            result.created.append(f"story {slug}")
    if author is not None:
        author_profile_ensure(user=author)  # bylines link to the author's page
    return result


def _demo_users_ensure(groups, result):
    """Create the demo users that do not exist yet; return the journalist."""
    User = get_user_model()
    journalist = None
    for username, password, role, full_name in demo.DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": role in ("editor", "journalist"),
                "is_superuser": role == "editor",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            result.created.append(f"user {username}")
        # Verified addresses: the reader and the blogger can send trackbacks at once, and the
        # editor and journalist can enrol their second factor for the admin.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if role == "editor":
            user.groups.add(groups[roles.EDITORS])
        elif role == "journalist":
            user.groups.add(groups[roles.JOURNALISTS])
            journalist = user
        result.logins.append((role, username, password))
    return journalist
