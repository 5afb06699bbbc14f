from django import template
from django.conf import settings

from delivery.times import machine_time as _machine_time

register = template.Library()


@register.simple_tag
def site_name() -> str:
    """Give the site's name without a request context (error pages render without one)."""
    return settings.SITE_NAME


@register.filter
def machine_time(value) -> str:
    """A time for machines (`<time datetime>`, sitemaps): ISO 8601 to the second, with offset."""
    return _machine_time(value)
