"""Headers every response carries: which browser features pages may use (Permissions-Policy)
and who may embed a response (Cross-Origin-Resource-Policy).

Pages, feeds and error pages are this site's own (`same-origin`: no other site's page may load
them into its process); static files, root files such as `favicon.ico`, uploaded images and the
content API are meant for others too (feed readers show the images, the API answers any origin),
so they are `cross-origin`.
"""

from django.conf import settings
from whitenoise.middleware import WhiteNoiseFileResponse


def _shared_with_other_sites(request, response) -> bool:
    if isinstance(response, WhiteNoiseFileResponse):  # static and root files
        return True
    media = "/" + settings.MEDIA_URL.lstrip("/")
    return request.path.startswith((media, "/api/"))


class ResourcePoliciesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        policy = "cross-origin" if _shared_with_other_sites(request, response) else "same-origin"
        response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response
