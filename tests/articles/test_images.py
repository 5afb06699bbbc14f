"""Lead images: checked uploads, safe names, renditions made once and served with srcset."""

import io
import logging
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor

pytestmark = pytest.mark.django_db


def image_bytes(fmt="JPEG", size=(1600, 1000), mode="RGB", color=(200, 30, 30), **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def editor_client(client):
    log_in_staff(client, make_editor())
    return client


def post_image(client, article, file, **fields):
    page = client.get(change_url(article))
    data = form_data(
        page,
        image=file,
        image_alt="A red square",
        image_caption="Caption here",
        image_credit="Photo: Newsroom",
        **fields,
    )
    return client.post(change_url(article), data)


def test_upload_makes_renditions_once_and_the_page_uses_srcset(editor_client, settings, caplog):
    article = make_article(title="With a picture")
    caplog.set_level(logging.INFO, logger="articles.images")
    response = post_image(editor_client, article, upload("../../etc/My Photo.JPG", image_bytes()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()

    # The stored name is random and ours: no uploaded name, no path from outside.
    assert re.fullmatch(r"articles/images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.image.name)
    assert (article.image_width, article.image_height) == (1600, 1000)
    files = stored_files(settings)
    stem = Path(article.image.name).stem
    assert files == sorted(
        [
            article.image.name,
            f"articles/renditions/{stem}/1200x630-f50-50.jpg",
            f"articles/renditions/{stem}/16x9-f50-50.jpg",
            f"articles/renditions/{stem}/1x1-f50-50.jpg",
            f"articles/renditions/{stem}/400w.jpg",
            f"articles/renditions/{stem}/4x3-f50-50.jpg",
            f"articles/renditions/{stem}/800w.jpg",
        ]
    )
    sizes = {name: Image.open(Path(settings.MEDIA_ROOT) / name).size for name in files}
    assert sizes[f"articles/renditions/{stem}/1200x630-f50-50.jpg"] == (1200, 630)
    assert sizes[f"articles/renditions/{stem}/800w.jpg"] == (800, 500)
    assert sizes[f"articles/renditions/{stem}/400w.jpg"] == (400, 250)
    # Rich results: 16:9, 4:3 and 1:1, 1200 px wide, cropped around the focal point.
    assert sizes[f"articles/renditions/{stem}/16x9-f50-50.jpg"] == (1200, 675)
    assert sizes[f"articles/renditions/{stem}/4x3-f50-50.jpg"] == (1200, 900)
    assert sizes[f"articles/renditions/{stem}/1x1-f50-50.jpg"] == (1200, 1200)
    assert len([r for r in caplog.records if r.getMessage().startswith("Made rendition")]) == 6

    # Page views make nothing: the same files, untouched, and no rendition made.
    mtimes = {f: (Path(settings.MEDIA_ROOT) / f).stat().st_mtime_ns for f in files}
    caplog.clear()
    editor_client.logout()
    for _ in range(2):
        page = editor_client.get(article.get_absolute_url()).content.decode()
        home = editor_client.get(reverse("articles:home")).content.decode()
    assert not [r for r in caplog.records if r.getMessage().startswith("Made rendition")]
    assert {f: (Path(settings.MEDIA_ROOT) / f).stat().st_mtime_ns for f in files} == mtimes
    srcset = (
        f"/media/articles/renditions/{stem}/400w.jpg 400w, "
        f"/media/articles/renditions/{stem}/800w.jpg 800w"
    )
    assert f'srcset="{srcset}"' in page and f'srcset="{srcset}"' in home
    assert f'src="/media/articles/renditions/{stem}/800w.jpg"' in page
    assert 'width="800" height="500" alt="A red square"' in page
    assert "Caption here" in page and "Photo: Newsroom" in page


def test_saving_again_reuses_renditions_and_a_new_focal_point_recrops_only_the_card(
    editor_client, settings, caplog
):
    article = make_article()
    post_image(editor_client, article, upload("a.png", image_bytes("PNG"), "image/png"))
    article.refresh_from_db()
    before = stored_files(settings)
    caplog.set_level(logging.INFO, logger="articles.images")
    caplog.clear()
    page = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), form_data(page, body="New body."))
    assert response.status_code == 302
    assert stored_files(settings) == before
    assert not [r for r in caplog.records if r.getMessage().startswith("Made rendition")]

    page = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), form_data(page, image_focal_x="10", image_focal_y="90")
    )
    assert response.status_code == 302
    made = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Made rendition")]
    # Only the focal crops are made again: the social card and the three rich-result shapes.
    assert sorted(m.rsplit("/", 1)[1] for m in made) == [
        "1200x630-f10-90.jpg",
        "16x9-f10-90.jpg",
        "1x1-f10-90.jpg",
        "4x3-f10-90.jpg",
    ]


def test_replacing_the_image_deletes_the_old_one_after_commit(
    editor_client, settings, django_capture_on_commit_callbacks
):
    article = make_article()
    post_image(editor_client, article, upload("a.jpg", image_bytes()))
    article.refresh_from_db()
    old = article.image.name
    with django_capture_on_commit_callbacks(execute=True):
        post_image(editor_client, article, upload("b.webp", image_bytes("WEBP"), "image/webp"))
    article.refresh_from_db()
    files = stored_files(settings)
    assert article.image.name.endswith(".webp") and article.image.name in files
    assert not any(Path(old).stem in f for f in files)
    assert len(files) == 7  # the original and six renditions


def bomb_png():
    # 20000 x 20000 one-bit pixels: 400 megapixels that compress to a few kilobytes.
    return image_bytes("PNG", size=(20000, 20000), mode="1", color=0)


def gif_named_jpg():
    return image_bytes("GIF", size=(1, 1), mode="P", color=0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pixel.jpg", gif_named_jpg, "This is a GIF image; upload a JPEG, PNG or WebP."),
        ("notes.png", lambda: b"Meeting notes, not a picture.\n" * 20, "not an image we can read"),
        ("bomb.png", bomb_png, "at most 40 megapixels"),
        # Between Pillow's own warning and error thresholds: refused all the same.
        (
            "warn.png",
            lambda: image_bytes("PNG", size=(10000, 10000), mode="1", color=0),
            "at most 40 megapixels",
        ),
        (
            "wide.png",
            lambda: image_bytes("PNG", size=(10000, 4001), mode="1", color=0),
            "(10000 by 4001 pixels); images may have at most 40 megapixels",
        ),
        ("big.jpg", lambda: image_bytes() + b"\0" * (10 * 1024 * 1024), "at most 10 MB"),
        ("cut.jpg", lambda: image_bytes()[:2000], "not an image we can read"),
        ("empty.jpg", lambda: b"", "The submitted file is empty."),
    ],
)
def test_bad_uploads_are_form_errors_and_leave_no_file(
    editor_client, settings, name, content, message
):
    article = make_article(body="Kept body.")
    response = post_image(editor_client, article, upload(name, content()), body="Typed body.")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert any(message in error for error in errors), errors
    assert stored_files(settings) == []
    article.refresh_from_db()
    assert not article.image and article.body == "Kept body."


def test_alt_text_is_required_with_an_image(editor_client, settings):
    article = make_article()
    page = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), form_data(page, image=upload("a.jpg", image_bytes()), image_alt="  ")
    )
    assert response.status_code == 200
    assert "alt text" in str(response.context["adminform"].form.errors["image_alt"])
    assert stored_files(settings) == []


def test_focal_point_outside_the_image_is_a_form_error(editor_client):
    article = make_article()
    page = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), form_data(page, image_focal_x="101"))
    assert "image_focal_x" in response.context["adminform"].form.errors


def test_exif_rotated_photo_gets_its_upright_size(editor_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees: stored 1600 x 1000, shown 1000 x 1600
    article = make_article()
    response = post_image(
        editor_client, article, upload("phone.jpg", image_bytes(exif=exif.tobytes()))
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.image_width, article.image_height) == (1000, 1600)
    rendition = images.lead_image(article).renditions["800w"]
    with Image.open(Path(article.image.storage.path(rendition.name))) as made:
        assert made.size == (rendition.width, rendition.height) == (800, 1280)


def test_narrow_images_are_not_enlarged():
    article = Article(image="articles/images/2026/01/abc.png", image_width=300, image_height=200)
    image = images.lead_image(article)
    assert image.renditions["800w"].width == 300
    assert image.srcset() == "/media/articles/renditions/abc/400w.png 300w"


@pytest.mark.parametrize(
    ("focal", "box"),
    [
        ((50, 50), (0, 180, 1600, 1020)),
        ((0, 0), (0, 0, 1600, 840)),
        ((100, 100), (0, 360, 1600, 1200)),
    ],
)
def test_social_crop_keeps_the_focal_point(focal, box):
    assert images.focal_crop_box((1600, 1200), (1200, 630), focal) == box


def test_upload_names_never_come_from_the_upload():
    name = images.lead_image_upload_to(None, "../../../etc/passwd")
    assert re.fullmatch(r"articles/images/\d{4}/\d{2}/[0-9a-f]{32}\.img", name)
    assert images.lead_image_upload_to(None, "image.webp").endswith(".webp")
    assert images.lead_image_upload_to(None, "x.png") != images.lead_image_upload_to(None, "x.png")


@pytest.mark.parametrize("stories", [1, 12])
def test_images_add_no_queries_to_lists(client, django_assert_num_queries, stories, settings):
    for _ in range(stories):
        make_article(
            image="articles/images/2026/01/abc.jpg",
            image_width=1600,
            image_height=900,
            image_alt="Alt",
        )
    with django_assert_num_queries(4):  # the same as the home page without images
        page = client.get(reverse("articles:home")).content.decode()
    assert page.count('srcset="') == stories


def test_make_renditions_fills_in_what_an_import_left_out(editor_client, settings):
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.management import call_command

    article = make_article()
    # An import that sets the image without the admin: no renditions yet.
    # An import sets the file and its alt text, not its size.
    article.image.save("imported.jpg", ContentFile(image_bytes()), save=False)
    article.image_alt = "Imported"
    article.save()
    before = stored_files(settings)
    assert not [name for name in before if "renditions" in name]
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "Made 6 rendition(s)." in out.getvalue()
    made = [name for name in stored_files(settings) if "renditions" in name]
    assert len(made) == 6
    call_command("make_renditions", stdout=out)
    assert "Made 0 rendition(s)." in out.getvalue()


def test_deleting_a_story_deletes_its_image_and_renditions(
    editor_client, settings, django_capture_on_commit_callbacks
):
    article = make_article()
    post_image(editor_client, article, upload("photo.jpg", image_bytes()))
    assert len(stored_files(settings)) == 7  # the original and six renditions
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert stored_files(settings) == []


def test_bulk_delete_also_deletes_the_files(
    editor_client, settings, django_capture_on_commit_callbacks
):
    stories = [make_article(), make_article()]
    for article in stories:
        post_image(editor_client, article, upload("photo.jpg", image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [a.pk for a in stories],
            },
        )
    assert not Article.objects.exists()
    assert stored_files(settings) == []


def test_a_new_focal_point_replaces_the_old_social_crop(
    editor_client, settings, django_capture_on_commit_callbacks
):
    article = make_article()
    post_image(editor_client, article, upload("photo.jpg", image_bytes()))
    for focal in ("10", "90"):
        page = editor_client.get(change_url(article))
        with django_capture_on_commit_callbacks(execute=True):
            editor_client.post(
                change_url(article), form_data(page, image_focal_x=focal, image_focal_y=focal)
            )
    crops = [name for name in stored_files(settings) if "-f" in name.rsplit("/", 1)[1]]
    assert len(crops) == 4 and all("f90-90" in crop for crop in crops)


def test_phone_jpegs_with_extra_frames_are_accepted(editor_client, settings):
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (1200, 800), "red"), Image.new("RGB", (1200, 800), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(buffer.getvalue())) as opened:
        assert opened.format == "MPO"  # what phones write and Pillow reports
    article = make_article()
    response = post_image(editor_client, article, upload("phone.jpg", buffer.getvalue()))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name.endswith(".jpg") and article.image_width == 1200
