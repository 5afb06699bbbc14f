"""One form for times that machines read: HTML `datetime`, JSON-LD, sitemaps, feeds."""

from datetime import datetime

from django.utils import timezone


def machine_time(value: datetime | None) -> str:
    """ISO 8601 in the site's time zone, to the second, with its UTC offset (never microseconds).

    The HTML `datetime` attribute allows at most three digits of a fraction of a second, and
    search engines want W3C times: seconds are what every reader of these values needs.
    """
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
