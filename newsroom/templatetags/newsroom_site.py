from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    """Give the site's name without a request context (error pages render without one)."""
    return settings.SITE_NAME
