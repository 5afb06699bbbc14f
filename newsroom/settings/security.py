"""Security: cookies, TLS, proxies, the content security policy and hostile input."""

from django.utils.csp import CSP

from .base import DEBUG, env

# Safe by default, switches for deployments behind TLS and a proxy.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# --- Serving: every deploy check settable from the environment (`check --deploy` passes).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Load balancers probe health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# --- end serving
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of the site uses, refused to it and to anything it embeds (passkeys'
# publickey-credentials stay at their default, the site's own pages). delivery/headers.py.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
)
# --- Hostile input ---------------------------------------------------------------------------
# A failed CSRF check gets the site's 403 page. Views that decode their own body (TrackBack
# pings honour the charset they declare) are skipped by guards.middleware.HostileInputMiddleware.
CSRF_FAILURE_VIEW = "operations.errors.csrf_failure"
VIEWS_READING_OWN_BODY = [
    "linkbacks:trackback",
    "linkbacks:trackback_personal",
    "linkbacks:webmention",
    "linkbacks:pingback",
]
# ---------------------------------------------------------------------------------------------
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
else:
    SECURE_PROXY_SSL_HEADER = None
    USE_X_FORWARDED_HOST = False

# How many reverse proxies stand in front of the site; the client IP is read from
# X-Forwarded-For accordingly (0: REMOTE_ADDR, never a header a client can forge).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    # No nonce: it would make every copy of a page differ, and no page has an inline script
    # (the JSON-LD block is data, which script-src does not govern).
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
