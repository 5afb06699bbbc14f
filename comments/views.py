from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from articles.views import story_page_response
from delivery.csrf import same_site_required

from . import services
from .discussion import story_discussion
from .forms import CommentForm, form_stamp
from .models import Comment
from .policy import comments_closed
from .ratelimit import client_ip, rate_limit_exceeded, request_identities

AWAITING_MODERATION = "Thank you. Your comment is awaiting moderation."
PUBLISHED = "Thank you. Your comment is published."


def public_article_or_404(url_kwargs) -> Article:
    return get_object_or_404(Article.objects.published().at_url(**url_kwargs))


def safe_next(request, fallback: str) -> str:
    """Follow `next` only to a path on this site; anything else falls back to the story."""
    target = request.POST.get("next", "")
    # Only a path: anything else ("0", "story-detail") would be reversed as a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def refuse(request, article, message: str, status: int):
    return render(
        request, "comments/refused.html", {"article": article, "message": message}, status=status
    )


@same_site_required
@require_POST
def comment_post(request, **url_kwargs):
    """Take a reader's comment from the story page's form.

    Protected against cross-site posts by the browser's Fetch Metadata, not a token: the form
    sits on pages that every anonymous reader shares (see delivery/csrf.py).
    """
    article = public_article_or_404(url_kwargs)
    if comments_closed(article):
        return refuse(request, article, "Comments are closed for this story.", 403)
    if settings.COMMENTS_REQUIRE_LOGIN and not request.user.is_authenticated:
        return refuse(request, article, "You need to log in to comment on this story.", 403)
    if not request.user.is_staff and rate_limit_exceeded(
        "comments",
        request_identities(request),
        limit=settings.COMMENTS_RATE_LIMIT,
        window=settings.COMMENTS_RATE_WINDOW,
    ):
        return refuse(
            request,
            article,
            "You are commenting too fast. Please wait a minute and try again.",
            429,
        )

    form = CommentForm(request.POST, article=article, user=request.user)
    if not form.is_valid():
        discussion = story_discussion(request, article, form)
        response = story_page_response(request, url_kwargs, discussion)
        response.status_code = 400
        return response

    story_url = article.get_absolute_url()
    if form.automated:
        # Bots get the answer a held comment gets, and nothing is stored.
        messages.info(request, AWAITING_MODERATION)
        return redirect(f"{story_url}#comments")

    comment = services.comment_post(
        article=article,
        user=request.user,
        name=form.cleaned_data.get("name", ""),
        email=form.cleaned_data.get("email", ""),
        body=form.cleaned_data["body"],
        parent=form.cleaned_data["parent"],
        ip_address=client_ip(request) or None,
        user_agent=request.headers.get("User-Agent", ""),
    )
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, PUBLISHED)
        return redirect(f"{safe_next(request, story_url)}#c{comment.pk}")
    messages.info(request, AWAITING_MODERATION)
    return redirect(f"{safe_next(request, story_url)}#comments")


@never_cache
@require_safe
def comment_stamp(request, **url_kwargs):
    """Give the story's comment form a stamp of this moment (pages may be stored copies)."""
    article = public_article_or_404(url_kwargs)
    if comments_closed(article):
        raise Http404("Comments are closed for this story.")
    return JsonResponse({"rendered": form_stamp(article.pk)})


@require_POST
@login_required
def comment_delete(request, pk, **url_kwargs):
    """Let a logged-in reader take back their own comment."""
    article = public_article_or_404(url_kwargs)
    comment = get_object_or_404(Comment.objects.comments(), pk=pk, article=article)
    try:
        services.comment_delete_own(comment=comment, user=request.user)
    except PermissionError as error:
        raise Http404 from error  # others' comments are not the reader's to see as deletable
    messages.success(request, "Your comment was removed.")
    return redirect(f"{article.get_absolute_url()}#c{comment.pk}")
