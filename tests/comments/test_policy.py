"""Each moderation rule, through the real posting view."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, ModerationRule
from tests.conftest import REDIS_KEY_PREFIX, log_in_staff
from tests.factories import comment_form_data, make_article, make_user

pytestmark = pytest.mark.django_db


def post(client, url, article, remote_addr="127.0.0.1", **fields):
    return client.post(url, comment_form_data(article, **fields), REMOTE_ADDR=remote_addr)


def test_clean_comment_is_approved_at_once(client, article, post_url):
    post(client, post_url, article, body="Good piece, with one link https://example.org")
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_premoderation_holds_everything(client, article, post_url, settings):
    settings.COMMENTS_PREMODERATE = True
    response = post(client, post_url, article)
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert response["Location"].endswith("#comments")
    page = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in page
    assert "A thoughtful comment." not in page


def test_more_links_than_allowed_are_held(client, article, post_url, settings):
    settings.COMMENTS_MAX_LINKS = 2
    post(client, post_url, article, body="https://a.example http://b.example")
    post(client, post_url, article, body="https://a.example http://b.example www.c.example")
    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Comment.Status.APPROVED, Comment.Status.PENDING]


def test_moderation_list_word_holds(client, article, post_url):
    ModerationRule.objects.create(kind=ModerationRule.Kind.HOLD_WORD, value="lawsuit")
    post(client, post_url, article, body="This smells like a LAWSUIT to me.")
    post(client, post_url, article, body="Lawsuits are not the same word.")
    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Comment.Status.PENDING, Comment.Status.APPROVED]


def test_settings_lists_apply_beside_the_admin_lists(client, article, post_url, settings):
    settings.COMMENTS_SPAM_WORDS = ["casino"]
    post(client, post_url, article, body="Best casino bonus")
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        (ModerationRule.Kind.SPAM_WORD, "cheap pills", {"body": "Buy Cheap Pills now"}),
        (ModerationRule.Kind.SPAM_WORD, "viagra", {"name": "Viagra Seller"}),
        (
            ModerationRule.Kind.BLOCKED_EMAIL,
            "spammer@example.com",
            {"email": "SPAMMER@example.com"},
        ),
        (ModerationRule.Kind.BLOCKED_IP, "127.0.0.1", {}),
    ],
)
def test_block_list_marks_spam(client, article, post_url, kind, value, fields):
    ModerationRule.objects.create(kind=kind, value=value)
    response = post(client, post_url, article, **fields)
    assert response.status_code == 302  # a spammer learns nothing
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert "A thoughtful comment." not in client.get(article.get_absolute_url()).content.decode()


def test_filled_honeypot_is_dropped_silently(client, article, post_url):
    response = post(client, post_url, article, website="http://spam.example")
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert "awaiting moderation" in client.get(response["Location"]).content.decode()


def test_form_sent_too_fast_is_dropped_silently(client, article, post_url, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    response = post(client, post_url, article, seconds_ago=1)
    assert response.status_code == 302
    assert not Comment.objects.exists()
    post(client, post_url, article, seconds_ago=4)
    assert Comment.objects.count() == 1


def test_expired_form_is_refused_with_a_message(client, article, post_url, settings):
    response = post(client, post_url, article, seconds_ago=settings.COMMENTS_FORM_MAX_AGE + 10)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_repeated_identical_comment_is_stored_once(client, article, post_url):
    first = post(client, post_url, article, body="Same words.")
    second = post(client, post_url, article, body="Same words.")
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]
    post(client, post_url, article, body="Same words.", name="Another Reader", email="b@x.org")
    assert Comment.objects.count() == 2


def test_editor_can_close_comments_on_a_story(client, article, post_url):
    article.comments_open = False
    article.save()
    response = post(client, post_url, article)
    assert response.status_code == 403
    assert "Comments are closed for this story." in response.content.decode()
    assert not Comment.objects.exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'class="form comment-form"' not in page
    assert "Comments are closed for this story." in page


def test_comments_close_by_themselves_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(published_at=timezone.now() - timedelta(days=31))
    recent = make_article(published_at=timezone.now() - timedelta(days=29))
    assert post(client, f"{old.get_absolute_url()}comments/", old).status_code == 403
    assert post(client, f"{recent.get_absolute_url()}comments/", recent).status_code == 302
    assert 'class="form comment-form"' in client.get(recent.get_absolute_url()).content.decode()


def test_close_date_in_the_future_is_not_an_error(client, settings):
    # django-contrib-comments' moderator once crashed on a close date still ahead.
    settings.COMMENTS_CLOSE_AFTER_DAYS = 100000
    article = make_article()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert post(client, f"{article.get_absolute_url()}comments/", article).status_code == 302


def test_require_login_setting(client, article, post_url, settings):
    settings.COMMENTS_REQUIRE_LOGIN = True
    assert post(client, post_url, article).status_code == 403
    page = client.get(article.get_absolute_url()).content.decode()
    assert "create an account</a> to comment" in page
    client.force_login(make_user())
    assert post(client, post_url, article).status_code == 302
    assert Comment.objects.count() == 1


def test_rate_limit_per_ip(client, article, post_url, settings):
    settings.COMMENTS_RATE_LIMIT = 5
    for i in range(5):
        assert post(client, post_url, article, body=f"comment {i}").status_code == 302
    response = post(client, post_url, article, body="one too many")
    assert response.status_code == 429
    assert "too fast" in response.content.decode()
    assert Comment.objects.count() == 5
    # Another address is not held back by the first one's limit.
    other = post(client, post_url, article, body="from elsewhere", remote_addr="192.0.2.7")
    assert other.status_code == 302


def test_rate_limit_per_user_across_addresses(client, article, post_url, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    client.force_login(make_user())
    for i, ip in enumerate(["192.0.2.1", "192.0.2.2"]):
        assert post(client, post_url, article, body=f"c{i}", remote_addr=ip).status_code == 302
    assert post(client, post_url, article, body="c3", remote_addr="192.0.2.3").status_code == 429


def test_staff_are_not_rate_limited(client, article, post_url, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    log_in_staff(client, make_user(is_staff=True))
    for i in range(3):
        assert post(client, post_url, article, body=f"staff {i}").status_code == 302


def test_rate_limit_is_shared_through_redis(client, article, post_url, settings):
    """Two processes share the limit when the cache is Redis: count in Redis itself."""
    import redis
    from django.core.cache import caches

    # Clearing the cache deletes this run's keys only (tests/conftest.py).
    db = int(os.environ.get("TEST_REDIS_DB", "15"))

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{db}",
            "KEY_PREFIX": f"test-{article.pk}-{timezone.now().timestamp()}",
        }
    }
    settings.COMMENTS_RATE_LIMIT = 2
    try:
        for i in range(2):
            assert post(client, post_url, article, body=f"r{i}").status_code == 302
        keys = redis.Redis(host="127.0.0.1", port=6379, db=db).keys(
            f"{REDIS_KEY_PREFIX}*ratelimit:comments:ip*"
        )
        assert keys, "the counter is not in Redis"
        assert post(client, post_url, article, body="r3").status_code == 429
    finally:
        caches["default"].clear()


def test_bare_domains_and_addresses_count_as_links(client, article, post_url, settings):
    settings.COMMENTS_MAX_LINKS = 2
    client.post(
        post_url,
        comment_form_data(article, body="Deals: casino.com pills.net loans.org spam@casino.com"),
    )
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_close_date_beyond_the_calendar_keeps_comments_open(client, article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3_650_000
    settings.TRACKBACKS_CLOSE_AFTER_DAYS = 3_650_000
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and b'class="form comment-form"' in page.content
