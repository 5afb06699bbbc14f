"""What story pages announce: the Webmention and Pingback endpoints (the hook `story_links`)."""

from django.conf import settings
from django.urls import reverse

from delivery.site import absolute_url


def mention_endpoints(article) -> list[tuple[str, str]]:
    """The story's Webmention and Pingback endpoints, while mentions are taken."""
    if not settings.MENTIONS_ENABLED:
        return []
    kwargs = article.url_kwargs()
    return [
        ("webmention", absolute_url(reverse("linkbacks:webmention", kwargs=kwargs))),
        ("pingback", absolute_url(reverse("linkbacks:pingback", kwargs=kwargs))),
    ]
