"""Whatever readers send, the answer is a 4xx or a redirect, and nothing reaches a page raw."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.factories import comment_form_data, make_comment, make_user

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
]
RAW = re.compile(r"<script>alert|<img src=x|href=\"javascript:", re.IGNORECASE)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_name_and_body_is_inert_on_the_page_and_in_the_feed(client, article, payload):
    make_comment(article, name=f"Eve {payload}", body=f"Hi {payload} https://ok.example/")
    page = client.get(article.get_absolute_url()).content.decode()
    discussion = page.split('id="comments"', 1)[1]
    assert not RAW.search(discussion)
    assert "&lt;" in discussion or "javascript:alert(1)" in discussion  # shown, as text
    feed = client.get(reverse("comments:feed", kwargs=article.url_kwargs())).content.decode()
    # RSS descriptions are HTML once the XML is read: a tag must be escaped twice in the XML.
    assert "<script" not in feed and "&lt;script" not in feed.replace("&amp;lt;script", "")
    assert "&lt;img" not in feed.replace("&amp;lt;img", "")


def test_javascript_url_in_body_is_never_linked(client, article):
    make_comment(article, body="javascript:alert(1) and www.example.com")
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in page
    assert 'href="https://www.example.com" rel="nofollow ugc"' in page


OUR_TAGS = {
    "section",
    "h2",
    "h3",
    "ol",
    "li",
    "p",
    "strong",
    "a",
    "time",
    "div",
    "br",
    "em",
    "form",
    "input",
    "button",
    "label",
    "textarea",
    "ul",
    "span",
    "nav",
    "footer",
    "main",
    "body",
    "html",
}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.bad_attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad_attributes.append((tag, name, value))


def assert_only_our_markup(html):
    collector = TagCollector()
    collector.feed(html)
    assert collector.tags <= OUR_TAGS, collector.tags - OUR_TAGS
    assert not collector.bad_attributes


unicode_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\u202e\u200f RTL",
            "\ufffd" * 10,
            "x" * 100_000,
            "<script>",
            '"><img src=x onerror=alert(1)>',
        ]
    ),
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=unicode_text,
    body=unicode_text,
    email=st.one_of(st.just(""), st.just("a@example.com"), unicode_text),
    parent=st.one_of(st.just(""), unicode_text),
    website=st.sampled_from(["", "x"]),
    rendered=st.one_of(st.just(None), unicode_text),
)
def test_any_unicode_in_any_field(
    client, article, settings, name, email, body, parent, website, rendered
):
    settings.COMMENTS_RATE_LIMIT = 10_000
    data = comment_form_data(
        article, name=name, email=email, body=body, parent=parent, website=website
    )
    if rendered is not None:
        data["rendered"] = rendered
    response = client.post(reverse("comments:post", kwargs=article.url_kwargs()), data)
    assert response.status_code in {200, 302, 400, 403, 404, 429}
    if response.status_code == 400:
        assert_only_our_markup(response.content.decode().split('id="comments"', 1)[1])
    # Show whatever was stored, approved, to see it rendered on the page.
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url()).content.decode()
    assert_only_our_markup(page.split('id="comments"', 1)[1])
    assert not RAW.search(page)
    Comment.objects.all().delete()


@pytest.mark.parametrize("value", ["²", "1" * 5000, "-1", "1e3", "١٢"])
def test_odd_numbers_in_query_and_forms_are_ignored(client, article, value):
    assert client.get(article.get_absolute_url(), {"reply": value}).status_code == 200
    client.force_login(make_user())
    response = client.post(reverse("accounts:tokens"), {"revoke": value})
    assert response.status_code == 302
