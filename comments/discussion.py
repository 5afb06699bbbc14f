"""The discussion under a story page: what comments adds to the story view's context.

The thread is handed over as a callable the page calls only where it shows it: a thread kept as
a fragment (see `thread_fragment`) costs no query at all. The trackbacks are linkbacks' to add.
"""

import hashlib
from functools import cache, partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template.context_processors import csrf
from django.template.loader import render_to_string

from delivery.pagecache import fragment_context, page_unstored
from delivery.pagination import rows_at
from guards.params import parse_id

from .forms import CommentForm
from .models import Comment
from .policy import comments_closed


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


def comment_section(request, article, form=None) -> dict:
    """ "N Comment(s)", one page of the thread and the form; two queries whatever the size."""
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
        **csrf(request),
    }


def thread_fragment(request, seconds: int) -> dict:
    """How long the comment thread is kept (0: not) and under which key, by reader and page."""
    user = request.user
    thread_params = "comments" in request.GET or "reply" in request.GET
    # Anonymous pages with these parameters are stored whole, once per canonical page; any other
    # spelling is rendered each time, and keeping its thread would let anyone fill the cache.
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


def _rendered(template_name: str, context) -> str:
    return render_to_string(template_name, context())


def story_discussion(request, story, form=None) -> dict:
    """The story page's discussion (`form`: a refused comment, shown with its errors)."""
    fragments = fragment_context(request)
    section = partial(comment_section, request, story, form)
    return {
        "comment_thread": thread_fragment(request, fragments["fragment_seconds"]),
        "comment_section": cache(partial(_rendered, "comments/section.html", section)),
    }
