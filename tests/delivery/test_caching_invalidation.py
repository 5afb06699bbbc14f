"""Changes that reach stored pages by other doors than a story's or a comment's own row."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles import services
from tests.factories import make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_restore_forgets_the_stored_pages(client, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    editor = make_editor("editor", is_superuser=True)
    story = make_article(title="Harbour reopens", slug="harbour-reopens")
    out = StringIO()
    call_command("backup", stdout=out)
    archive = Path(out.getvalue().splitlines()[-1])
    story.title = "Libellous headline"
    services.article_save(article=story, by=editor)
    assert b"Libellous headline" in client.get(story.get_absolute_url()).content  # stored
    call_command("restore", str(archive), interactive=False, stdout=StringIO())
    page = client.get(story.get_absolute_url()).content
    assert b"Libellous headline" not in page and b"Harbour reopens" in page


def test_generated_load_data_shows_on_the_stored_home_page(client):
    make_article(title="Written by hand")
    assert b"load-0" not in client.get("/").content  # stored
    call_command("generate_load_data", stories=3, stdout=StringIO())  # rows with no signals
    assert b"load-0" in client.get("/").content


def test_renaming_the_author_shows_on_the_next_page(client):
    writer = make_journalist("kim", first_name="Kim", last_name="Old")
    story = make_article(author=writer, title="Byline story")
    assert b"Kim Old" in client.get(story.get_absolute_url()).content
    writer.last_name = "New"
    writer.save()
    assert b"Kim New" in client.get(story.get_absolute_url()).content


def test_a_login_keeps_the_stored_pages(client, django_assert_num_queries):
    writer = make_journalist("writer")
    writer.set_password("pw-for-the-test")
    writer.save()
    story = make_article(author=writer)
    client.get(story.get_absolute_url())  # stored
    assert Client().login(username="writer", password="pw-for-the-test")  # saves last_login
    with django_assert_num_queries(0):
        client.get(story.get_absolute_url())


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ("COMMENTS_CLOSE_AFTER_DAYS", b'id="comment-form"'),
        ("TRACKBACKS_CLOSE_AFTER_DAYS", b"trackback:ping="),
    ],
)
def test_discussion_closing_by_age_shows_on_the_stored_page(client, settings, setting, shown):
    setattr(settings, setting, 1)
    story = make_article(published_at=timezone.now() - timedelta(hours=23, minutes=50))
    assert shown in client.get(story.get_absolute_url()).content
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        assert shown in client.get(story.get_absolute_url()).content  # still open, stored
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        page = client.get(story.get_absolute_url())
    assert shown not in page.content
    assert "max-age=0" not in page["Cache-Control"]  # closed for good: no end in sight


def test_the_deploy_salt_follows_the_code_and_templates(settings, tmp_path):
    from delivery.release import deploy_salt

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>Old wording</p>")
    settings.BASE_DIR = tmp_path
    try:
        deploy_salt.cache_clear()
        before = deploy_salt()
        deploy_salt.cache_clear()
        assert deploy_salt() == before  # the same code, the same salt (every worker agrees)
        template.write_text("<p>New wording</p>")
        deploy_salt.cache_clear()
        assert deploy_salt() != before
    finally:
        deploy_salt.cache_clear()


@pytest.mark.parametrize("package", ["delivery", "linkbacks", "search", "hooks", "api"])
def test_the_deploy_salt_follows_every_package_that_renders_pages(settings, tmp_path, package):
    """Stored pages are rendered by code outside articles and comments too (the page cache and
    machine_time in delivery, the trackback section and the Link header in linkbacks, the
    search page): a release that changes only that code must not serve the old renderings."""
    from delivery.release import deploy_salt

    (tmp_path / package).mkdir()
    module = tmp_path / package / "rendering.py"
    module.write_text("WORDING = 'old'\n")
    settings.BASE_DIR = tmp_path
    try:
        deploy_salt.cache_clear()
        before = deploy_salt()
        module.write_text("WORDING = 'new'\n")
        deploy_salt.cache_clear()
        assert deploy_salt() != before
    finally:
        deploy_salt.cache_clear()


def test_a_new_deploy_renders_the_pages_again(client, settings, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from delivery.release import deploy_salt

    story = make_article()
    client.get(story.get_absolute_url())  # stored under this code's salt
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "new.html").write_text("a release with another template")
    settings.BASE_DIR = tmp_path
    deploy_salt.cache_clear()
    try:
        with CaptureQueriesContext(connection) as queries:
            client.get(story.get_absolute_url())
    finally:
        deploy_salt.cache_clear()
    assert len(queries) > 0, "the page stored by the previous release was served"
