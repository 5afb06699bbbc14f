"""/favicon.ico: browsers ask for it on a first visit; answer with the site's icon, not 404."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe

ICON = "img/favicon.ico"


@cache
def _icon() -> bytes:
    path = finders.find(ICON)
    with open(path, "rb") as file:
        return file.read()


@require_safe
def favicon(request):
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
