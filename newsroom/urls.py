from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

# "Newsroom newsroom" read twice; a site called "Harbour Times" gets "Harbour Times newsroom".
_NAME = settings.SITE_NAME
_ADMIN_NAME = _NAME if "newsroom" in _NAME.lower() else f"{_NAME} newsroom"
admin.site.site_header = _ADMIN_NAME
admin.site.site_title = _ADMIN_NAME
admin.site.index_title = "Stories, comments and trackbacks"

urlpatterns = [
    # For load balancers: liveness and readiness, never cached (operations/urls.py).
    path("", include("operations.urls")),
    # Account pages (and the admin's login, which is the site's), ahead of the admin and allauth.
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # django-allauth: login, logout, signup, email, password, two-factor (/accounts/2fa/).
    path("accounts/", include("allauth.urls")),
    path("", include("articles.urls")),
    path("", include("search.urls")),
    path("", include("comments.urls")),
    path("", include("linkbacks.urls")),
    path("", include("api.urls")),
]

# A database outage met by a middleware (sessions, request.user) is a 503, as in a view.
handler500 = "operations.middleware.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
