"""Files: static files, uploaded media (the file system or a shared S3-compatible bucket)."""

from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured

from .base import BASE_DIR, DEBUG, env

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_ROOT = BASE_DIR / "delivery" / "public"  # /favicon.ico and other root files
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Uploaded images and their renditions: the file system (MEDIA_ROOT) unless a bucket is named,
# then an S3-compatible store through django-storages (`pip install -e .[s3]`), which every app
# server shares. The keys come from the environment only.
STORAGE_BUCKET = env.str("STORAGE_BUCKET", default="")
if STORAGE_BUCKET and not (find_spec("storages") and find_spec("boto3")):
    # At start, not at the first upload: a server that cannot store images must not serve.
    raise ImproperlyConfigured(
        "STORAGE_BUCKET is set but django-storages is not installed: pip install -e '.[s3]'."
    )
if STORAGE_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": env.str("STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env.str("STORAGE_REGION", default="") or None,
            "access_key": env.str("STORAGE_ACCESS_KEY", default="") or None,
            "secret_key": env.str("STORAGE_SECRET_KEY", default="") or None,
            # Public images: plain URLs, cacheable by browsers and CDNs (no signed query).
            "querystring_auth": env.bool("STORAGE_SIGNED_URLS", default=False),
            "custom_domain": env.str("STORAGE_CUSTOM_DOMAIN", default="") or None,
            "addressing_style": env.str("STORAGE_ADDRESSING_STYLE", default="") or None,
            # Readers fetch images from the bucket: make it readable by a bucket policy, or
            # give each object an ACL here (`public-read`) where the store takes ACLs.
            "default_acl": env.str("STORAGE_DEFAULT_ACL", default="") or None,
            # Names are random already; never overwrite a file another server just wrote.
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
