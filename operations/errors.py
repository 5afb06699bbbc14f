"""Error pages that render without the database, the session or the request body."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

CSRF_FAILED = (
    "This form's security check failed, usually because the page was open for a long time "
    "or cookies are blocked. Go back, reload the page and send the form again."
)


def error_page(status: int, *, message: str = "", retry_after: int | None = None) -> HttpResponse:
    """Render `<status>.html` with no request context, so nothing it shows can fail."""
    response = HttpResponse(render_to_string(f"{status}.html", {"message": message}), status=status)
    response["Cache-Control"] = "no-store"
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """Answer a failed CSRF check with the site's 403 page (Django's reason only with DEBUG)."""
    return error_page(403, message=f"{CSRF_FAILED} ({reason})" if settings.DEBUG else CSRF_FAILED)
