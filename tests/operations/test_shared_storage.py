"""Uploads on a storage every app server shares: an S3-compatible server (moto's, in server mode,
on 127.0.0.1) receives the upload and its renditions through django-storages; pages link to it;
nothing lands on the local disk. Backups say clearly that they need the file system storage."""

import importlib
import re
import socket
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.articles.test_images import image_bytes, post_image, upload
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor

pytest.importorskip("storages", reason="the S3 storage is an extra: pip install -e .[s3]")
moto_server = pytest.importorskip("moto.server", reason="moto[server] (dev extra) serves S3")
boto3 = pytest.importorskip("boto3")

BUCKET = "newsroom-media"
KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


def _free_port() -> int:
    """A free port of this helper's range (8300-8349), else any."""
    for port in range(8300, 8350):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=_free_port(), verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": "public-read",
                **KEYS,
            },
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_an_upload_and_its_renditions_go_to_the_bucket_and_pages_link_there(
    s3, s3_endpoint, client, settings
):
    log_in_staff(client, make_editor())
    article = make_article(title="With a picture")
    response = post_image(client, article, upload("photo.jpg", image_bytes()))
    assert response.status_code == 302
    article.refresh_from_db()
    stem = Path(article.image.name).stem
    assert keys(s3) == sorted(
        [
            article.image.name,
            *(
                f"articles/renditions/{stem}/{name}.jpg"
                for name in (
                    "1200x630-f50-50",
                    "16x9-f50-50",
                    "1x1-f50-50",
                    "400w",
                    "4x3-f50-50",
                    "800w",
                )
            ),
        ]
    )
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # no local copy

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    src = re.search(r'<img[^>]+src="([^"]+800w\.jpg)"', page).group(1)
    assert src == f"{s3_endpoint}/{BUCKET}/articles/renditions/{stem}/800w.jpg"
    with urllib.request.urlopen(src, timeout=10) as answer:  # noqa: S310 - our own test server
        from PIL import Image

        assert Image.open(answer).size == (800, 500)


@pytest.mark.django_db
def test_a_body_image_is_named_by_its_site_path_and_shown_from_the_bucket(s3, s3_endpoint, client):
    from articles.models import BodyImage
    from tests.factories import make_image_upload, make_journalist

    log_in_staff(client, make_journalist())
    response = client.post(
        reverse("admin:articles_article_body_image"),
        {"image": make_image_upload("ferry.png", fmt="PNG"), "alt": "Ferry"},
    )
    assert response.status_code == 201, response.content
    image = BodyImage.objects.get()
    stem = image.image.name.removesuffix(".png")
    assert keys(s3) == sorted([image.image.name, *(f"{stem}-{w}w.png" for w in (400, 800, 1200))])
    # The body keeps the site path (no bucket address in a story); the page shows the bucket's.
    markdown = response.json()["markdown"]
    assert markdown == f"![Ferry](/media/{image.image.name})"
    story = make_article(body=f"Before.\n\n{markdown}\n\nAfter.")
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'src="{s3_endpoint}/{BUCKET}/{image.image.name}"' in page
    assert f"{s3_endpoint}/{BUCKET}/{stem}-400w.png 400w" in page
    with urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{stem}-800w.png", timeout=10) as answer:  # noqa: S310
        assert answer.status == 200


@pytest.mark.django_db
def test_backup_and_restore_say_they_need_the_file_system_storage(s3, settings, tmp_path):
    backups = tmp_path / "backups"
    with pytest.raises(CommandError, match="file system storage"):
        call_command("backup", "--dir", str(backups))
    with pytest.raises(CommandError, match="file system storage"):
        call_command("restore", str(backups / "any.tar.gz"))  # refused before any question
    assert not backups.exists()


def test_the_bucket_settings_come_from_the_environment(monkeypatch):
    from newsroom.settings import storage as storage_settings

    monkeypatch.setenv("STORAGE_BUCKET", "news-media")
    monkeypatch.setenv("STORAGE_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("STORAGE_ACCESS_KEY", "key-id")
    monkeypatch.setenv("STORAGE_SECRET_KEY", "key-secret")
    try:
        storage = importlib.reload(storage_settings).MEDIA_STORAGE
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"] == {
            "bucket_name": "news-media",
            "endpoint_url": "http://127.0.0.1:9000",
            "region_name": None,
            "access_key": "key-id",
            "secret_key": "key-secret",
            "querystring_auth": False,
            "custom_domain": None,
            "addressing_style": None,
            "default_acl": None,
            "file_overwrite": False,
        }
        monkeypatch.delenv("STORAGE_BUCKET")
        storage = importlib.reload(storage_settings).MEDIA_STORAGE
        assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    finally:
        monkeypatch.undo()
        importlib.reload(storage_settings)


def test_a_bucket_without_django_storages_installed_stops_the_start(monkeypatch):
    import sys

    from django.core.exceptions import ImproperlyConfigured

    from newsroom.settings import storage as storage_settings

    monkeypatch.setenv("STORAGE_BUCKET", "news-media")
    monkeypatch.setitem(sys.modules, "storages", None)  # as if not installed
    try:
        with pytest.raises(ImproperlyConfigured, match=r"pip install -e '\.\[s3\]'"):
            importlib.reload(storage_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(storage_settings)
