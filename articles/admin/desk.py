"""What the newsroom desk on the admin index shows editors about stories."""

from django.urls import reverse

from articles import desk, workflow
from articles.models import Article


def _for_editors(request, label: str, stories, publication: str) -> desk.DeskItem | None:
    """Count `stories` for editors, linking to the story list filtered the same way."""
    if not workflow.can_publish(request.user):
        return None
    url = reverse("admin:articles_article_changelist") + f"?publication={publication}"
    return desk.DeskItem(label, stories.count(), url)


def review_queue(request):
    """Count the stories waiting for an editor's review."""
    return _for_editors(
        request, "Stories waiting for review", Article.objects.in_review(), "review"
    )


def scheduled_stories(request):
    """Count the stories released for a time still to come."""
    return _for_editors(request, "Stories scheduled", Article.objects.scheduled(), "scheduled")


def returned_to_me(request):
    """Count the writer's stories an editor sent back with a note, not yet resubmitted."""
    if not request.user.has_perm("articles.change_article"):
        return None
    count = Article.objects.returned_to(request.user).count()
    if count == 0 and workflow.can_publish(request.user):
        return None  # editors write less; the line shows when they have something back
    url = reverse("admin:articles_article_changelist") + "?publication=returned"
    return desk.DeskItem("Returned to me", count, url)


def pending_changes(request):
    """Count the live stories whose pending changes wait for an editor."""
    return _for_editors(
        request,
        "Live stories with pending changes",
        Article.objects.with_pending_changes(),
        "pending",
    )


def embargoed_stories(request):
    """Count the stories held under an embargo still to end."""
    return _for_editors(request, "Stories under embargo", Article.objects.embargoed(), "embargoed")
