"""Two app servers, a balancer, a worker, a PostgreSQL primary with a streaming replica and Redis
(`make cluster`), driven over real HTTP: what one server changes, every server shows at once;
limits are shared; the replica is used, and never shows less than a reader needs."""

import html
import re
import time

import pytest

from .conftest import APP_A, APP_B, BALANCER, shell
from .visitor import Visitor, form_fields, replaced

pytestmark = pytest.mark.cluster


def replica_transactions(cluster) -> int:
    return int(
        cluster.replica_sql(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
    )


def a_story(cluster, **fields) -> dict:
    """A story written straight into the primary, as a journalist's earlier work."""
    fields.setdefault("slug", f"story-{time.time_ns()}")
    values = ", ".join(f"{key}={value!r}" for key, value in fields.items())
    return shell(
        "import json\n"
        "from articles.models import Article\n"
        "from tests.factories import make_article\n"
        "from articles.models import Category\n"
        f"story = make_article(category=Category.objects.get(slug='other'), {values})\n"
        "print(json.dumps({'pk': story.pk, 'path': story.get_absolute_url(),\n"
        "                  'title': story.title}))\n"
    )


def publish(editor, story: dict, through: str) -> None:
    """The editor ticks the story in the admin's list and runs "Publish selected stories now"."""
    listing = f"{through}/admin/articles/article/"
    assert editor.get(listing).status == 200
    answer = editor.post(listing, {"action": "publish_now", "_selected_action": story["pk"]})
    assert answer.status == 302, answer.text[-2000:]


def published_path(cluster, pk: int) -> str:
    return shell(
        "import json\nfrom articles.models import Article\n"
        f"print(json.dumps({{'path': Article.objects.get(pk={pk}).get_absolute_url()}}))\n"
    )["path"]


def test_a_story_published_through_one_server_is_seen_through_the_other_and_the_balancer(
    cluster, editor
):
    title = f"Ferry timetable changes {time.time_ns()}"
    story = a_story(cluster, title=title, status="draft", published_at=None)
    reader = Visitor()
    # Both servers and the balancer hold the home page and the feed before the change.
    for origin in (APP_A, APP_B, BALANCER):
        for path in ("/", "/feed/"):
            answer = reader.get(origin + path)
            assert answer.status == 200 and title not in answer.text

    publish(editor, story, through=APP_A)

    path = published_path(cluster, story["pk"])
    for origin in (APP_B, BALANCER):
        page = reader.get(origin + path)
        assert page.status == 200 and html.escape(title) in page.text
        assert html.escape(title) in reader.get(origin + "/").text
        assert html.escape(title) in reader.get(origin + "/feed/").text


def comment_on(reader: Visitor, origin: str, path: str, body: str, stamp: str):
    return reader.post(
        f"{origin}{path}comments/",
        {"name": "Reader", "email": "reader@example.com", "body": body, "rendered": stamp},
        csrf=False,  # the comment form trusts the browser's Fetch Metadata (delivery/csrf.py)
    )


def fresh_stamps(reader: Visitor, origin: str, path: str, count: int) -> list[str]:
    """Stamps for `count` comment forms, old enough to be accepted (COMMENTS_MIN_SECONDS)."""
    stamps = []
    for _ in range(count):
        answer = reader.get(f"{origin}{path}comments/stamp/")
        assert answer.status == 200
        stamps.append(re.search(r'"rendered": "([^"]+)"', answer.text)[1])
    time.sleep(3.5)
    return stamps


@pytest.mark.parametrize("attempt", [1, 2, 3])  # a race lost one time in four shows up
def test_a_comment_posted_through_one_server_appears_through_the_other(cluster, attempt):
    story = a_story(cluster, title="Harbour dredging starts")
    reader, other_reader = Visitor(), Visitor()
    assert other_reader.get(APP_A + story["path"]).status == 200  # A keeps the page
    [stamp] = fresh_stamps(reader, APP_B, story["path"], 1)
    body = f"The dredger is loud at night {time.time_ns()}"

    answer = comment_on(reader, APP_B, story["path"], body, stamp)

    assert answer.status == 302 and "#c" in answer.location, answer.text[-2000:]  # published
    assert body in other_reader.get(APP_A + story["path"]).text
    assert body in other_reader.get(BALANCER + story["path"]).text


def test_rate_limits_are_shared_by_the_app_servers(cluster):
    story = a_story(cluster, title="Bridge closed for repairs")
    reader = Visitor()
    stamps = fresh_stamps(reader, APP_A, story["path"], 6)
    # The limit counts in fixed windows of COMMENTS_RATE_WINDOW (60 s): keep all six in one.
    if time.time() % 60 > 45:
        time.sleep(60 - time.time() % 60 + 0.5)
    import redis

    connection = redis.Redis.from_url(cluster.REDIS_URL)
    for key in connection.scan_iter("*ratelimit:comments:*"):
        connection.delete(key)  # other tests' comments came from this address too

    answers = [
        comment_on(reader, APP_A, story["path"], f"Comment number {n} on the bridge", stamp)
        for n, stamp in enumerate(stamps[:5])
    ]
    assert [answer.status for answer in answers] == [302] * 5
    sixth = comment_on(reader, APP_B, story["path"], "One more, through B", stamps[5])
    assert sixth.status == 429
    assert "too fast" in sixth.text


def test_anonymous_pages_are_read_from_the_replica(cluster):
    before = replica_transactions(cluster)
    reader = Visitor()
    for n in range(1, 4):
        # Pages no one has asked for yet: rendered, not taken from the page cache.
        assert reader.get(f"{BALANCER}/category/other/?page={n}").status in (200, 404)
        assert reader.get(f"{APP_A}/2026/?page={n}").status in (200, 404)
    assert replica_transactions(cluster) > before


def test_with_the_replica_stopped_pages_are_still_served(cluster):
    cluster.stop_replica()
    try:
        reader = Visitor()
        statuses = [
            reader.get(f"{origin}{path}").status
            for origin in (BALANCER, APP_A, APP_B)
            for path in ("/", "/category/other/", "/feed/", "/search/?q=harbour", "/2026/")
        ]
        assert set(statuses) == {200}, statuses
        story = a_story(cluster, title="Written while the replica is down")
        assert "Written while the replica is down" in reader.get(BALANCER + story["path"]).text
    finally:
        cluster.start_replica()
    # Back: anonymous pages read from it again.
    before = replica_transactions(cluster)
    deadline = time.monotonic() + 30
    while replica_transactions(cluster) <= before + 1 and time.monotonic() < deadline:
        Visitor().get(f"{BALANCER}/category/other/?page={time.time_ns() % 10**9 + 2}")
        time.sleep(0.5)
    assert replica_transactions(cluster) > before + 1


def test_with_replay_paused_an_edit_is_seen_at_once_by_its_writer_and_by_readers(cluster, editor):
    story = a_story(cluster, title="Council meets on Thursday")
    reader = Visitor()
    assert "Council meets on Thursday" in reader.get(BALANCER + story["path"]).text
    change = f"{BALANCER}/admin/articles/article/{story['pk']}/change/"
    title = f"SELECT title FROM articles_article WHERE id = {int(story['pk'])}"  # noqa: S608
    # The replica has the story before replay stops (the page above may have come from the
    # primary while the replica was still behind).
    deadline = time.monotonic() + 10
    while cluster.replica_sql(title) != "Council meets on Thursday":
        assert time.monotonic() < deadline, "the replica never replayed the new story"
        time.sleep(0.1)
    cluster.replica_sql("SELECT pg_wal_replay_pause()")
    try:
        form = editor.get(change)
        assert form.status == 200
        fields = replaced(form_fields(form.text, "article_form"), title="Council meets on Friday")
        answer = editor.post(change, [*fields, ("_continue", "Save and continue editing")])
        assert answer.status == 302, answer.text[-3000:]
        # The replica has not replayed it: a read from it would show the old title.
        assert cluster.primary_sql(title) == "Council meets on Friday"
        assert cluster.replica_sql(title) == "Council meets on Thursday"

        assert "Council meets on Friday" in editor.get(change).text
        assert "Council meets on Friday" in editor.get(BALANCER + story["path"]).text
        for origin in (BALANCER, APP_A, APP_B):
            page = Visitor().get(origin + story["path"]).text
            assert "Council meets on Friday" in page and "Thursday" not in page
    finally:
        cluster.replica_sql("SELECT pg_wal_replay_resume()")


def test_an_image_uploaded_through_one_server_is_served_to_everyone(cluster, editor):
    """Uploads and renditions are on the storage every server shares, not on the disk of the
    server that took the upload: the balancer serves them, the other server's page shows them."""
    import io

    from PIL import Image

    story = a_story(cluster, title="Lighthouse repainted")
    change = f"{APP_A}/admin/articles/article/{story['pk']}/change/"
    form = editor.get(change)
    assert form.status == 200
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), (200, 40, 40)).save(picture, "JPEG")
    fields = replaced(form_fields(form.text, "article_form"), image_alt="A red lighthouse")
    answer = editor.post_files(
        change,
        [*fields, ("_continue", "Save and continue editing")],
        {"image": ("lighthouse.jpg", picture.getvalue(), "image/jpeg")},
    )
    assert answer.status == 302, answer.text[-3000:]

    page = Visitor().get(APP_B + story["path"]).text
    sources = set(re.findall(r'(/media/[^"\s,]+\.(?:jpg|jpeg|webp|avif|png))', page))
    assert sources, "the story page shows no uploaded image"
    for source in sources:
        image = Visitor().get(BALANCER + source)
        assert image.status == 200 and image.headers["content-type"].startswith("image/"), source
