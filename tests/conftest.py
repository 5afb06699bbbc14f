import pytest
from asgiref.local import Local
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs):
    # Django forgets cached caches and storages when a test changes them, but not task backends.
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, plain static storage (no collectstatic), media in a temp folder.

    Tasks run on the spot, as part of the step that queues them; tests of the real queue and
    its worker (tests/newsroom/) switch to the database backend themselves.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.TASKS = IMMEDIATE_TASKS
    settings.SITEMAP_PREBUILD = False  # tests of sitemaps built ahead turn it on


@pytest.fixture
def database_tasks(settings):
    """Queue tasks in the database, as outside the tests; nothing runs until the worker does."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
