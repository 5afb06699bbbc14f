"""WSGI entry point: `gunicorn newsroom.wsgi`."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Leave what the process loaded at start out of every later garbage collection.

    Django, its apps and their modules are some 125,000 objects that live as long as the
    process. Each full collection scanned them all: a 50 ms pause for whichever reader's request
    it fell on, every few hundred requests. Frozen, collections scan only what requests make.
    """
    import_module(settings.ROOT_URLCONF)  # with every view module: now, not on a request
    gc.collect()
    gc.freeze()


freeze_startup_objects()
