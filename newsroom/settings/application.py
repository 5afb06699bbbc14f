"""The applications, the middleware in the order requests cross it, URLs and templates."""

from .base import BASE_DIR

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    # Operations listed first, so its `db_worker` command wins over django_tasks_db's.
    "operations",
    "delivery",
    "guards",
    "articles",
    "search",
    "comments",
    "linkbacks",
    "api",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # --- Serving: the task queue in the database; its worker is `manage.py db_worker`, which
    # operations extends with a heartbeat for /readyz.
    "django_tasks_db",
    # Login throttling (django-axes, settings in accounts.py): attempts are kept in the database,
    # so throttling holds while Redis is down.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "delivery.headers.ResourcePoliciesMiddleware",  # Permissions-, Cross-Origin-Resource-Policy
    "delivery.compression.SecretFreeCompressionMiddleware",  # above the page cache; BREACH
    "delivery.compression.NegotiatingWhiteNoiseMiddleware",  # WhiteNoise, honouring q-values
    # Speed: anonymous readers get stored pages here, before sessions or the database.
    "delivery.pagecache.PageCacheMiddleware",
    # Outages: a database outage answers 503, not 500.
    "operations.middleware.DatabaseOutageMiddleware",
    # Scale-out: anonymous readers read from the replica when one is set (operations/replica).
    "operations.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Hostile input: undecodable bodies answer 400 before CSRF reads them.
    "guards.middleware.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff reach the admin only after a second factor (TOTP, passkey or recovery code).
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "delivery.context_processors.site",
                "articles.context_processors.navigation",
            ],
            "builtins": ["delivery.templatetags.newsroom_site"],  # machine_time in every template
        },
    },
]
