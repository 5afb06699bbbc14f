"""Old addresses of stories (and editors' own redirects) answer 301 instead of 404."""

from django.http import HttpResponsePermanentRedirect

from .redirects import redirect_target


class StoryRedirectMiddleware:
    """Like django.contrib.redirects, but the target is a story: it follows the story's moves
    (chains collapse) and leads nowhere while the story is not public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = redirect_target(request.path)
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
