import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from linkbacks.tokens import trackback_token_create
from tests.comments.test_hostile_input import RAW, assert_only_our_markup
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def add_trackbacks(article, n, **fields):
    Comment.objects.bulk_create(
        Comment(
            article=article,
            kind="trackback",
            status="approved",
            name=f"Blog {i}",
            title=f"Post {i}",
            body=f"Excerpt {i}",
            url=f"https://b{i}.example/post",
            **fields,
        )
        for i in range(n)
    )


def test_story_page_carries_the_autodiscovery_block(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    permalink = f"http://testserver{article.get_absolute_url()}"
    ping = f"http://testserver{reverse('linkbacks:trackback', kwargs=article.url_kwargs())}"
    rdf = re.search(r"<rdf:RDF.*?</rdf:RDF>", page, re.S).group(0)
    assert f'rdf:about="{permalink}"' in rdf and f'dc:identifier="{permalink}"' in rdf
    assert f'trackback:ping="{ping}"' in rdf and 'dc:title="Harbour reopens"' in rdf


def test_no_autodiscovery_when_trackbacks_are_closed(client, article):
    article.trackbacks_open = False
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "trackback:ping" not in page and "Trackbacks are closed" in page


def test_hostile_title_cannot_break_out_of_the_rdf_comment(client, article):
    article.title = 'Evil --> <script>alert(1)</script> "quoted"'
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    rdf = page[page.index("<!--\n<rdf:RDF") :]
    rdf = rdf[: rdf.index("-->") + 3]
    assert "<script>" not in rdf and rdf.endswith("</rdf:RDF>\n-->")


def test_shown_trackbacks_with_count_escaped_and_nofollow(client, article):
    add_trackbacks(article, 2)
    Comment.objects.create(
        article=article,
        kind="trackback",
        status="approved",
        name="<b>Blog</b>",
        title="<script>alert(1)</script>",
        body='"><img src=x onerror=alert(1)>',
        url="https://evil.example/",
    )
    Comment.objects.create(
        article=article,
        kind="trackback",
        status="spam",
        name="Spam",
        title="Spam title",
        body="",
        url="https://spam.example/",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "3 Trackback(s)" in page
    assert '<a href="https://b0.example/post" rel="nofollow ugc">Post 0</a>' in page
    assert "Spam title" not in page
    assert not RAW.search(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_personal_ping_url_is_shown_to_its_owner_only(client, article):
    owner, other = make_user("owner"), make_user("other")
    _, value = trackback_token_create(user=owner)
    anonymous_page = client.get(article.get_absolute_url()).content.decode()
    assert value not in anonymous_page
    assert "Trackback (<a href" in anonymous_page and "You need to login.</a>)" in anonymous_page
    client.force_login(other)
    other_page = client.get(article.get_absolute_url()).content.decode()
    assert value not in other_page and "Create a personal ping URL" in other_page
    client.force_login(owner)
    owner_page = client.get(article.get_absolute_url()).content.decode()
    assert f"{article.get_absolute_url()}trackback/{value}/" in owner_page
    assert "Send a trackback" in owner_page


def test_reader_creates_and_revokes_a_token_on_their_page(client, article):
    reader = make_user()
    client.force_login(reader)
    created = client.post(reverse("accounts:tokens"), {"name": "My blog"}, follow=True)
    assert created.redirect_chain == [(reverse("accounts:home"), 302)]
    value = re.search(r'<code id="new-token">(tb_[0-9a-f]{40})</code>', created.content.decode())[1]
    # Shown once: the account page does not show it again.
    assert value not in client.get(reverse("accounts:home")).content.decode()
    assert value in client.get(article.get_absolute_url()).content.decode()
    token = reader.trackback_tokens.get()
    client.post(reverse("accounts:tokens"), {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert value not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [0, 10, 49, 50, 60])
def test_story_page_query_count_is_constant_in_trackbacks(
    client, article, settings, django_assert_num_queries, count
):
    settings.TRACKBACKS_PER_PAGE = 50
    add_trackbacks(article, count)
    # story, related, nav, archives, comment counts, comment page, trackbacks with their total
    with django_assert_num_queries(7):
        response = client.get(article.get_absolute_url())
    page = response.content.decode()
    if count:
        assert f"{count} Trackback(s)" in page
    else:
        assert "Trackback(s)" not in page
    assert page.count('class="trackback"') == min(count, 50)


CHARSETS = ["utf-8", "iso-8859-1", "shift_jis", "windows-1252", "utf-7", "koi8-r", "bogus"]
text = st.text(max_size=300) | st.sampled_from(
    ["<script>alert(1)</script>", "&#8217;", "&lt;b&gt;", "\x00", "\u202e", "javascript:x"]
)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=text,
    excerpt=text,
    blog_name=text,
    charset=st.sampled_from(CHARSETS),
    url=st.one_of(text, st.builds(lambda s: f"https://b.example/{quote(s)}", text)),
)
def test_any_field_in_any_charset_never_500_never_raw(
    client, article, settings, title, excerpt, blog_name, charset, url
):
    settings.TRACKBACKS_RATE_LIMIT = 10_000
    user = make_user()
    _, token = trackback_token_create(user=user)
    fields = {"title": title, "excerpt": excerpt, "blog_name": blog_name, "url": url}
    try:
        data = "&".join(f"{k}={quote(v, encoding=charset)}" for k, v in fields.items())
    except (LookupError, UnicodeEncodeError):
        data = "&".join(f"{k}={quote(v)}" for k, v in fields.items())
    response = client.generic(
        "POST",
        reverse("linkbacks:trackback", kwargs=article.url_kwargs()),
        data=data,
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in {200, 413, 429}
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url()).content.decode()
    assert_only_our_markup(page.split('id="trackbacks"', 1)[1].split("<!--")[0])
    assert not RAW.search(page)
    Comment.objects.all().delete()
