"""Settings for running several app servers: the front cache's purge hook and shared storage.

Read from the environment like every other setting; newsroom/settings.py imports them all and
puts `MEDIA_STORAGE` in `STORAGES["default"]`.
"""

from importlib.util import find_spec

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# A cache in front (Varnish, a CDN) told of every change by HTTP PURGE (newsroom/purge.py):
# e.g. http://127.0.0.1:6081. Empty: nothing is sent. The token goes as `X-Purge-Token`.
FRONTEND_PURGE_URL = env.str("FRONTEND_PURGE_URL", default="")
FRONTEND_PURGE_TOKEN = env.str("FRONTEND_PURGE_TOKEN", default="")
FRONTEND_PURGE_TIMEOUT = env.float("FRONTEND_PURGE_TIMEOUT", default=5.0)

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
