"""The story form's helpers: the live Markdown preview (the public page's own sanitiser) and
images uploaded for bodies (checked as lead images are, inserted as Markdown)."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import BodyImage
from articles.rendering import render_markdown
from tests.conftest import log_in_staff
from tests.factories import make_article, make_image_upload, make_journalist, make_user

pytestmark = pytest.mark.django_db

PREVIEW = reverse("admin:articles_article_markdown_preview")
UPLOAD = reverse("admin:articles_article_body_image")


@pytest.fixture
def journalist_client(client):
    log_in_staff(client, make_journalist("jamie"))
    return client


def test_live_preview_renders_with_the_public_sanitiser(journalist_client):
    body = "# Heading\n\n**bold** [x](javascript:alert(1))\n\n<script>alert(2)</script>"
    response = journalist_client.post(PREVIEW, {"body": body})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Heading</h2>" in html and "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "<a" not in html


def test_live_preview_is_for_staff_with_a_csrf_token(journalist_client):
    assert Client().post(PREVIEW, {"body": "x"}).status_code == 302  # the login page
    reader = Client()
    log_in_staff(reader, make_user("reader"))
    assert reader.post(PREVIEW, {"body": "x"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    log_in_staff(strict, make_journalist())
    assert strict.post(PREVIEW, {"body": "x"}).status_code == 403
    assert journalist_client.get(PREVIEW).status_code == 405
    assert journalist_client.post(PREVIEW, {"body": "x" * 500_001}).status_code == 413


def test_an_image_upload_answers_markdown_that_renders_on_the_page(journalist_client):
    response = journalist_client.post(
        UPLOAD, {"image": make_image_upload("holiday snap.png", fmt="PNG"), "alt": "The ferry"}
    )
    assert response.status_code == 201
    image = BodyImage.objects.get()
    assert (image.width, image.height, image.uploaded_by.username) == (1600, 1000, "jamie")
    assert image.image.name.startswith("articles/body/") and image.image.name.endswith(".png")
    assert default_storage.exists(image.image.name)
    markdown = response.json()["markdown"]
    assert markdown == f"![The ferry]({image.image.url})"

    # Narrower copies are made once, and the page offers them with srcset (never enlarged).
    assert image.image.name.endswith("-1600x1000.png")
    renditions = [image.image.name.replace(".png", f"-{w}w.png") for w in (400, 800, 1200)]
    assert all(default_storage.exists(name) for name in renditions)
    story = make_article(body=f"Before.\n\n{markdown}\n\nAfter.")
    page = Client().get(story.get_absolute_url()).content.decode()
    url = image.image.url
    srcset = ", ".join(
        [*(url.replace(".png", f"-{w}w.png") + f" {w}w" for w in (400, 800, 1200)), f"{url} 1600w"]
    )
    assert (
        f'<img alt="The ferry" src="{url}" width="1600" height="1000" srcset="{srcset}" '
        'sizes="(max-width: 45rem) 100vw, 45rem" loading="lazy">'
    ) in page


def test_a_small_image_is_never_enlarged(journalist_client):
    response = journalist_client.post(
        UPLOAD, {"image": make_image_upload(size=(500, 300)), "alt": "Small"}
    )
    image = BodyImage.objects.get()
    assert image.image.name.endswith("-500x300.jpg")
    assert default_storage.exists(image.image.name.replace(".jpg", "-400w.jpg"))
    assert not default_storage.exists(image.image.name.replace(".jpg", "-800w.jpg"))
    html = render_markdown(response.json()["markdown"])
    assert "-400w.jpg 400w" in html and "500w" in html and "800w" not in html


@pytest.mark.parametrize(
    "src",
    [
        "/media/articles/body/a&quot;onerror=&quot;x-10x10.jpg",
        "/media/articles/body/../images/a-10x10.jpg",
    ],
)
def test_only_names_the_site_writes_get_srcset(src):
    html = render_markdown(f'<img alt="x" src="{src}">')
    assert "srcset" not in html and " onerror" not in html


@pytest.mark.parametrize(
    ("upload", "alt", "field"),
    [
        (SimpleUploadedFile("notes.png", b"just text", content_type="image/png"), "x", "image"),
        (make_image_upload("anim.gif", fmt="GIF"), "x", "image"),
        (make_image_upload(), "", "alt"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(journalist_client, upload, alt, field):
    response = journalist_client.post(UPLOAD, {"image": upload, "alt": alt})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not BodyImage.objects.exists()
    assert not default_storage.exists("articles/body")


def test_uploads_need_the_right_to_add_images():
    reader = Client()
    log_in_staff(reader, make_user("reader", is_staff=True))
    response = reader.post(UPLOAD, {"image": make_image_upload(), "alt": "x"})
    assert response.status_code == 400 or response.status_code == 403
    assert not BodyImage.objects.exists()


def test_without_javascript_images_are_uploaded_in_their_own_admin_page(journalist_client):
    response = journalist_client.post(
        reverse("admin:articles_bodyimage_add"), {"image": make_image_upload(), "alt": "A pier"}
    )
    assert response.status_code == 302
    image = BodyImage.objects.get()
    listing = journalist_client.get(reverse("admin:articles_bodyimage_changelist")).content.decode()
    assert f"![A pier]({image.image.url})" in listing


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(max_size=400)
    | st.lists(
        st.sampled_from(
            [
                "<script>",
                "javascript:",
                "](",
                "[x",
                "# ",
                "<img src=x onerror=1>",
                "data:",
                "\n",
                "a",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_the_live_preview_answers_any_text_with_inert_html(journalist_client, body):
    response = journalist_client.post(PREVIEW, {"body": body})
    assert response.status_code == 200
    html = response.json()["html"]
    lowered = html.lower()
    assert "<script" not in lowered and " onerror" not in lowered
    # No link address runs a script: a scheme, if any, is http(s) or mailto; images are ours.
    for address in re.findall(r'href="([^"]*)"', lowered):
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", address)
        assert scheme is None or scheme[1] in ("http", "https", "mailto")
    for address in re.findall(r'src="([^"]*)"', lowered):
        assert address.startswith("/media/articles/body/")
