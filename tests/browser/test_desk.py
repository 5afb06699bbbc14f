"""The desk in a real browser: a journalist (phone) and an editor (desktop) take a story from
draft to live and then change it live, through the toolbar, live preview, image upload,
autosave, review with a note, publishing and pending changes."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, BodyImage, DraftRevision, ReviewNote
from tests.factories import make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db(transaction=True)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def change_url(story):
    return f"/admin/articles/article/{story.pk}/change/"


def test_journalist_and_editor_take_a_story_from_draft_to_a_live_change(open_page, log_in):
    journalist = make_journalist("jamie", first_name="Jamie", last_name="Writer")
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    story = make_article(
        title="Ferry strike ends",
        slug="ferry-strike-ends",
        author=journalist,
        status=Article.Status.DRAFT,
        body="Notes.",
    )

    # The journalist writes on a phone with the toolbar and sees the live preview.
    writer = open_page("phone")
    log_in(writer, journalist)
    writer.goto(change_url(story))
    body = writer.locator("#id_body")
    body.fill("The ferry strike ended at dawn.\n\n")
    body.press("End")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    writer.get_by_role("button", name="Bold", exact=True).click()
    body.type("Boats sail again")
    preview = writer.locator(".md-preview-body")
    expect(preview.locator("strong")).to_have_text("Boats sail again")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    body.type(" and ")
    body.press("Control+i")  # the word processor's shortcut
    body.type("ferries")
    expect(preview.locator("em")).to_have_text("ferries")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    body.press("Enter")
    body.press("Enter")
    body.type("Timeline")
    writer.get_by_role("button", name="Heading", exact=True).click()
    expect(preview.locator("h2")).to_have_text("Timeline")

    # An image, uploaded through the admin into the media storage, inserted as Markdown.
    writer.get_by_role("button", name="Image…").click()
    writer.set_input_files(
        "#md-image-file",
        files=[{"name": "quay.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    writer.fill("#md-image-alt", "Ferries at the quay")
    writer.get_by_role("button", name="Upload and insert").click()
    expect(writer.locator(".md-image-note")).to_have_text("Image inserted.")
    image = BodyImage.objects.get()
    assert f"![Ferries at the quay]({image.image.url})" in body.input_value()
    expect(preview.locator("img")).to_have_attribute("alt", "Ferries at the quay")

    # Autosave (the 20-second timer, asked now), then the form is reopened and offers it.
    writer.evaluate("window.newsroomAutosave()")
    expect(writer.locator(".md-autosave")).to_contain_text("Autosaved at")
    typed = body.input_value()
    assert DraftRevision.objects.get(kind="autosave").body == typed
    story.refresh_from_db()
    assert story.body == "Notes."
    writer.goto(change_url(story))
    expect(writer.get_by_text("You have unsaved changes to this story")).to_be_visible()
    writer.get_by_role("link", name="Restore unsaved changes").click()
    expect(writer.get_by_text("Restored unsaved changes from")).to_be_visible()
    assert writer.locator("#id_body").input_value() == typed

    # Submit for review.
    writer.get_by_role("button", name="Save and submit for review").click()
    writer.wait_for_load_state()
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW and "Boats sail again" in story.body
    assert not DraftRevision.objects.exists()

    # The editor sends it back with a note.
    desk = open_page("desktop")
    log_in(desk, editor)
    desk.goto(change_url(story))
    desk.get_by_text("Send back to the journalist with a note").click()
    desk.fill("#id_review_note", "Say who announced the end of the strike.")
    desk.get_by_role("button", name="Send back with this note").click()
    desk.wait_for_load_state()
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT

    # The journalist sees the note on the desk and the form, changes the story and resubmits.
    writer.goto("/admin/")
    writer.get_by_role("link", name=re.compile("Returned to me")).click()
    writer.get_by_role("link", name="Ferry strike ends").click()
    expect(writer.get_by_text("Say who announced the end of the strike.")).to_be_visible()
    body = writer.locator("#id_body")
    body.fill(body.input_value().replace("ended at dawn", "ended at dawn, the union said"))
    writer.get_by_role("button", name="Save and submit for review").click()
    writer.wait_for_load_state()
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
    assert ReviewNote.objects.get().resolved_at is not None

    # The editor publishes it.
    desk.goto(change_url(story))
    desk.get_by_role("button", name="Save and publish now").click()
    desk.wait_for_load_state()
    story.refresh_from_db()
    assert story.is_public
    reader = open_page("phone")
    reader.goto(story.get_absolute_url())
    expect(reader.locator(".story-body")).to_contain_text("the union said")

    # Edit live with pending changes: readers keep the live text until the change is published.
    desk.goto(change_url(story))
    desk_body = desk.locator("#id_body")
    desk_body.fill(desk_body.input_value() + "\n\nThe first ferry left at 7:10.")
    desk.get_by_role("button", name="Save as pending changes").click()
    expect(desk.get_by_text("Pending changes by Erin Editor")).to_be_visible()
    reader.reload()
    expect(reader.locator(".story-body")).not_to_contain_text("The first ferry left")
    desk.get_by_role("link", name="Preview pending changes").first.click()
    expect(desk.locator(".story-body")).to_contain_text("The first ferry left at 7:10.")
    desk.go_back()
    desk.get_by_role("button", name="Publish pending changes").click()
    expect(desk.get_by_text("pending changes published")).to_be_visible()
    reader.reload()
    expect(reader.locator(".story-body")).to_contain_text("The first ferry left at 7:10.")
    expect(reader.locator(".story-body h2")).to_have_text("Timeline")
