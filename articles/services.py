"""Writes for stories live here; views, admin and commands call these functions."""

from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import default_task_backend

from . import demo, roles
from .models import Article, Category
from .tasks import send_trackbacks
from .trackbacks import parse_targets


@dataclass
class DemoLoadResult:
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
    for slug, title, category, standfirst, body, days in demo.STORIES:
        stories.append(
            dict(
                slug=slug,
                title=title,
                category=categories[category],
                standfirst=standfirst,
                body=body,
                status=Article.Status.PUBLISHED,
                published_at=demo.story_time(days),
            )
        )
    for (slug, title, category, standfirst, body), status, published_at in [
        (demo.DRAFT, Article.Status.DRAFT, None),
        (demo.SCHEDULED, Article.Status.PUBLISHED, demo.scheduled_time()),
    ]:
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
    return result


def _demo_users_ensure(groups, result):
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
        if role == "editor":
            user.groups.add(groups[roles.EDITORS])
        elif role == "journalist":
            user.groups.add(groups[roles.JOURNALISTS])
            journalist = user
        result.logins.append((role, username, password))
    return journalist


def article_trackbacks_queue(*, article: Article, permalink: str) -> bool:
    """Have the story's trackbacks sent after this transaction: now, or when it goes live.

    A slow or dead remote site never holds up or fails the save that publishes the story.
    """
    if not parse_targets(article.trackback_targets):
        return False
    if article.is_public:
        transaction.on_commit(partial(send_trackbacks.enqueue, article.pk, permalink))
        return True
    scheduled = article.status == Article.Status.PUBLISHED and article.published_at is not None
    if scheduled and default_task_backend.supports_defer:
        deferred = send_trackbacks.using(run_after=article.published_at)
        transaction.on_commit(partial(deferred.enqueue, article.pk, permalink))
        return True
    return False  # `manage.py send_trackbacks` (cron) catches scheduled stories up
