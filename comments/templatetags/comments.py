"""Template tags that show comments under a story; the articles app never imports this one."""

import hashlib

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Window
from django.urls import reverse

from delivery.pagecache import page_unstored
from delivery.pagination import rows_at
from delivery.site import absolute_url
from guards.params import parse_id

from ..forms import CommentForm
from ..models import Comment
from ..policy import comments_closed, trackbacks_closed
from ..trackbacks.tokens import trackback_token_value

register = template.Library()


def thread(comments):
    """Nest a page of comments under their parents; an orphaned reply starts a thread."""
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)
    return roots


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """Render "N Comment(s)", one page of the thread and the form; two queries whatever the size."""
    request = context["request"]
    visible = Comment.objects.comments().in_thread().filter(article=article)
    counts = visible.aggregate(
        shown=Count("pk"), approved=Count("pk", filter=Q(status=Comment.Status.APPROVED))
    )
    paginator = Paginator(visible.order_by("created_at", "pk"), settings.COMMENTS_PER_PAGE)
    paginator.count = counts["shown"]  # already counted above: no second COUNT query
    requested = request.GET.get("comments")
    page = paginator.get_page(requested)
    # Slice with the full page size even when nothing is there, so the query count is the same
    # for 0 and 500 comments (an empty slice would skip its query).
    start = (page.number - 1) * paginator.per_page
    shown = list(rows_at(paginator.object_list, start, start + paginator.per_page))
    closed = comments_closed(article)
    reply_to = parse_id(request.GET.get("reply"))
    # A thread page past the last, or a reply to a comment not shown here: rendered as asked,
    # never stored, or every number would be a page of its own.
    if (requested is not None and parse_id(requested) != page.number) or (
        "reply" in request.GET and (closed or reply_to not in {c.pk for c in shown})
    ):
        page_unstored(request)
    form = context.get("comment_form")
    if form is None and not closed:
        initial = {}
        if reply_to is not None:
            initial["parent"] = reply_to
        form = CommentForm(article=article, user=request.user, initial=initial)
    return {
        "article": article,
        "approved_count": counts["approved"],
        "page": page,
        "comments": thread(shown),
        "form": form,
        "closed": closed,
        "login_required": settings.COMMENTS_REQUIRE_LOGIN and not request.user.is_authenticated,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def thread_fragment(context) -> dict:
    """How long the comment thread is kept (0: not) and under which key, by reader and page."""
    request = context["request"]
    user = request.user
    thread_params = "comments" in request.GET or "reply" in request.GET
    # Anonymous pages with these parameters are stored whole, once per canonical page; any other
    # spelling is rendered each time, and keeping its thread would let anyone fill the cache.
    seconds = context.get("fragment_seconds") or 0
    if not user.is_authenticated and thread_params:
        seconds = 0
    reader = ""
    if user.is_authenticated:
        # Their own comments carry delete forms with their CSRF token: per reader and session.
        secret = request.META.get("CSRF_COOKIE", "")
        digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
        reader = f"{user.pk}:{request.session.session_key}:{digest}"
    numbers = (parse_id(request.GET.get(name)) for name in ("comments", "reply"))
    return {"seconds": seconds, "key": ":".join(map(str, numbers)) + "|" + reader}


@register.simple_tag
def story_url(name: str, article, **extra):
    """Reverse a URL under a story's path: `{% story_url "comments:post" article %}`."""
    return reverse(name, kwargs={**article.url_kwargs(), **extra})


@register.inclusion_tag("comments/trackbacks.html", takes_context=True)
def trackback_section(context, article):
    """Render "Trackback(s)": the approved pings and the auto-discovery block, the same for every
    reader (kept as a fragment under the story's versions), then how a logged-in user pings."""
    return {
        "article": article,
        "user": context["request"].user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "fragment_seconds": context.get("fragment_seconds") or 0,
        "page_version": context.get("page_version", ""),
    }


@register.inclusion_tag("comments/trackback_list.html")
def trackback_list(article, logged_in):
    """The section's heading, the approved pings and the RDF block: nothing per reader."""
    # One query: the first page, each row carrying the total (a window count over all shown).
    shown = (
        Comment.objects.trackbacks()
        .approved()
        .filter(article=article)
        .annotate(total=Window(Count("pk")))
        .order_by("created_at", "pk")
    )
    trackbacks = list(shown[: settings.TRACKBACKS_PER_PAGE])
    return {
        "article": article,
        "trackbacks": trackbacks,
        "count": trackbacks[0].total if trackbacks else 0,
        "closed": trackbacks_closed(article),
        "permalink": article.permalink,
        "ping_url": _ping_url(article),
        "logged_in": logged_in,
    }


@register.inclusion_tag("comments/trackback_form.html", takes_context=True)
def trackback_form(context, article):
    """A logged-in user's way to ping this story: their personal ping URL and the form."""
    request = context["request"]
    if not request.user.is_authenticated or trackbacks_closed(article):
        return {"show": False}
    token = request.user.trackback_tokens.filter(revoked_at__isnull=True).first()
    value = trackback_token_value(token) if token is not None else None
    personal_ping_url = None
    if value is not None:
        personal_ping_url = absolute_url(
            reverse("comments:trackback_personal", kwargs={**article.url_kwargs(), "token": value})
        )
    return {
        "show": True,
        "ping_url": _ping_url(article),
        "personal_ping_url": personal_ping_url,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


def _ping_url(article) -> str:
    return absolute_url(reverse("comments:trackback", kwargs=article.url_kwargs()))
