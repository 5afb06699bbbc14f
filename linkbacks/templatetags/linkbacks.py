"""Template tags that show a story's trackbacks and how a logged-in user pings it."""

from django import template
from django.conf import settings
from django.db.models import Count, Window
from django.urls import reverse

from comments.models import Comment
from comments.policy import trackbacks_closed
from delivery.site import absolute_url

from ..tokens import trackback_token_value

register = template.Library()


@register.inclusion_tag("linkbacks/trackback_list.html")
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


@register.inclusion_tag("linkbacks/trackback_form.html", takes_context=True)
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
            reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": value})
        )
    return {
        "show": True,
        "ping_url": _ping_url(article),
        "personal_ping_url": personal_ping_url,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


def _ping_url(article) -> str:
    return absolute_url(reverse("linkbacks:trackback", kwargs=article.url_kwargs()))
