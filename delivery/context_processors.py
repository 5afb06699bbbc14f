from django.conf import settings

from .site import site_origin


def site(request):
    """Expose the site's identity to every template."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_ORIGIN": site_origin()}
