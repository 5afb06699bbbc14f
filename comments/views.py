from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import ArticleDetailView
from newsroom.params import parse_id

from . import services
from .forms import CommentForm
from .models import Comment, TrackbackToken
from .policy import comments_closed
from .ratelimit import client_ip, rate_limit_exceeded, request_identities
from .trackback import MAX_BODY_BYTES, PingError, decode_form, parse_ping, xml_response

AWAITING_MODERATION = "Thank you. Your comment is awaiting moderation."
PUBLISHED = "Thank you. Your comment is published."


class StoryPageView(ArticleDetailView):
    """The story page, answering a POST too: how a rejected comment is shown with its errors."""

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


def public_article_or_404(url_kwargs) -> Article:
    return get_object_or_404(Article.objects.published().at_url(**url_kwargs))


def safe_next(request, fallback: str) -> str:
    """Follow `next` only to a path on this site; anything else falls back to the story."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def refuse(request, article, message: str, status: int):
    return render(
        request, "comments/refused.html", {"article": article, "message": message}, status=status
    )


@require_POST
def comment_post(request, **url_kwargs):
    """Take a reader's comment from the story page's form (CSRF-protected)."""
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
        response = StoryPageView.as_view(extra_context={"comment_form": form})(
            request, **url_kwargs
        )
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


# Trackbacks ------------------------------------------------------------------------------------

NEED_LOGIN = "You need to login."


def _unauthorised():
    return xml_response(NEED_LOGIN, status=401, WWW_Authenticate='Bearer realm="trackback"')


def _session_csrf_failure(request, fields) -> bool:
    """Run Django's own CSRF check on a cookie-authenticated ping."""
    # Hand the middleware the fields we decoded, so it never parses a non-UTF-8 body itself.
    decoded = QueryDict(mutable=True)
    decoded.update(fields)
    request.POST = decoded
    rejection = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    return rejection is not None


@csrf_exempt  # only for token pings: session pings get the CSRF check below
def trackback_ping(request, token=None, **url_kwargs):
    """Receive a TrackBack 1.2 ping from a logged-in user, a Bearer token or a personal URL."""
    if request.method != "POST":
        return xml_response("Trackbacks are sent with POST.", status=405, Allow="POST")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return xml_response("The ping is larger than 64 KB.", status=413)
    # Read and decode the body ourselves: request.POST refuses non-UTF-8 charsets.
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return xml_response("The ping is larger than 64 KB.", status=413)
    content_type = request.META.get("CONTENT_TYPE", "")
    fields, decode_error = {}, None
    try:
        if content_type.lower().startswith("multipart/form-data"):
            # Not TrackBack's format, but what some HTML forms send; Django parses it.
            fields = {name: request.POST.get(name, "") for name in request.POST}
        else:
            fields = decode_form(body, content_type)
    except PingError as error:
        decode_error = error
    except (BadRequest, MultiPartParserError):
        decode_error = PingError("The ping's body could not be read.")

    credential = token
    authorization = request.headers.get("Authorization", "")
    if credential is None and authorization[:7].lower() == "bearer ":
        credential = authorization[7:].strip()
    user = trackback_token = None
    if credential is not None:
        trackback_token = services.trackback_token_authenticate(credential)
        user = trackback_token.user if trackback_token else None
    elif request.user.is_authenticated:
        user = request.user

    limits = {"limit": settings.TRACKBACKS_RATE_LIMIT, "window": settings.TRACKBACKS_RATE_WINDOW}
    too_many = xml_response("Too many pings; try again in a minute.", status=429)
    # Every attempt counts against its address (token guessing included); a user's own count
    # starts only once the request is known to be theirs, so a forged cross-site post cannot
    # use it up.
    if rate_limit_exceeded("trackbacks", [f"ip:{client_ip(request)}"], **limits):
        return too_many
    if user is None:
        return _unauthorised()
    from_form = credential is None
    if from_form and _session_csrf_failure(request, fields):
        return xml_response("The form's security token is missing or wrong.", status=403)
    if rate_limit_exceeded("trackbacks", [f"user:{user.pk}"], **limits):
        return too_many

    article = Article.objects.published().at_url(**url_kwargs).select_related("category").first()
    if article is None:
        return xml_response("No such story.", status=404)
    try:
        if decode_error is not None:
            raise decode_error
        ping = parse_ping(fields)
        services.trackback_receive(
            article=article,
            ping=ping,
            user=user,
            token=trackback_token,
            ip_address=client_ip(request) or None,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except PingError as error:
        if from_form and fields.get("response") == "html":
            return _trackback_form_answer(request, article, error.message, fields)
        return xml_response(error.message, status=error.status)
    if from_form and fields.get("response") == "html":
        return _trackback_form_answer(request, article, None, fields)
    return xml_response()


def _trackback_form_answer(request, article, error, fields):
    """A readable page for pings sent from the story page's form."""
    context = {"article": article, "error": error, "url": fields.get("url", "")}
    return render(request, "comments/trackback_answer.html", context, status=200)


@login_required
def trackback_tokens(request):
    """A user's own tokens: create one (shown once), see when each was used, revoke."""
    tokens = TrackbackToken.objects.filter(user=request.user)
    new_token = None
    if request.method == "POST":
        revoke = request.POST.get("revoke", "")
        if revoke:
            pk = parse_id(revoke)
            chosen = tokens.filter(pk=pk) if pk is not None else tokens.none()
            revoked = services.trackback_tokens_revoke(tokens=chosen)
            messages.success(request, "Token revoked." if revoked else "Nothing to revoke.")
            return redirect("comments:tokens")
        name = request.POST.get("name", "").strip()[:100] or "Personal token"
        _, new_token = services.trackback_token_create(user=request.user, name=name)
    return render(request, "comments/tokens.html", {"tokens": tokens, "new_token": new_token})
