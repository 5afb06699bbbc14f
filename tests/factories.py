"""Small builders for tests: real rows, sensible defaults, every field overridable."""

import itertools
from datetime import timedelta
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Category

_seq = itertools.count(1)


def make_user(
    username=None, *, password="pass-for-tests", groups=(), email_verified=True, **fields
):
    """A user whose email address is verified (allauth's EmailAddress row) unless told not."""
    from allauth.account.models import EmailAddress

    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=username or f"user{n}",
        password=password,
        email=fields.pop("email", f"user{n}@example.com"),
        **fields,
    )
    if user.email:
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=email_verified
        )
    if groups:
        user.groups.add(*groups)
    return user


def make_category(name=None, **fields):
    n = next(_seq)
    name = name or f"Section {n}"
    return Category.objects.create(name=name, slug=fields.pop("slug", f"section-{n}"), **fields)


def make_article(*, category=None, status=Article.Status.PUBLISHED, published_at=None, **fields):
    n = next(_seq)
    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timedelta(hours=n)
    return Article.objects.create(
        title=fields.pop("title", f"Story number {n}"),
        slug=fields.pop("slug", f"story-{n}"),
        category=category or make_category(),
        body=fields.pop("body", f"Body of story {n}.\n\nSecond paragraph."),
        status=status,
        published_at=published_at,
        **fields,
    )


def make_hidden_stories(category=None, **fields):
    """One story of each kind the public must never see: draft, in review, scheduled."""
    category = category or make_category()
    when = timezone.now() - timedelta(minutes=30)
    return {
        "draft": make_article(
            category=category,
            status=Article.Status.DRAFT,
            title="Hidden draft story",
            published_at=when,
            **fields,
        ),
        "review": make_article(
            category=category,
            status=Article.Status.IN_REVIEW,
            title="Hidden story in review",
            published_at=when,
            **fields,
        ),
        "scheduled": make_article(
            category=category,
            title="Hidden scheduled story",
            published_at=timezone.now() + timedelta(hours=2),
            **fields,
        ),
    }


def make_comment(article, *, status=None, **fields):
    from comments.models import Comment

    n = next(_seq)
    return Comment.objects.create(
        article=article,
        name=fields.pop("name", f"Reader {n}"),
        body=fields.pop("body", f"Comment number {n}."),
        status=status or Comment.Status.APPROVED,
        **fields,
    )


def comment_form_data(article, *, seconds_ago=10, **fields):
    """What the story page's comment form sends, rendered `seconds_ago` seconds before."""
    import time

    from comments.forms import form_stamp

    return {
        "name": "Ana Reader",
        "email": "ana@example.com",
        "body": "A thoughtful comment.",
        "website": "",
        "parent": "",
        "rendered": form_stamp(article.pk, at=time.time() - seconds_ago),
        **fields,
    }


def make_journalist(username=None, **fields):
    from articles.roles import JOURNALISTS, roles_ensure

    return make_user(username, is_staff=True, groups=[roles_ensure()[JOURNALISTS]], **fields)


def make_editor(username=None, **fields):
    from articles.roles import EDITORS, roles_ensure

    return make_user(username, is_staff=True, groups=[roles_ensure()[EDITORS]], **fields)


class _FormReader(HTMLParser):
    """Collect what a browser would submit from one <form>: inputs, textareas, selects."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # Browsers drop the one newline that follows <textarea>.
            self.data[self._textarea] = self.data[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(response, form_id="article_form", **overrides):
    """The fields a browser would post back from an admin page's form, with `overrides`."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.data, f"no form #{form_id} on the page"
    data = {**reader.data, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def make_trackback(article, url, **fields):
    """A received trackback, by default pending and not yet checked."""
    from comments.models import Comment

    return Comment.objects.create(
        article=article,
        kind=Comment.Kind.TRACKBACK,
        url=url,
        name=fields.pop("name", "A blog"),
        title=fields.pop("title", "A post"),
        body=fields.pop("body", ""),
        status=fields.pop("status", Comment.Status.PENDING),
        verification=fields.pop("verification", Comment.Verification.UNCHECKED),
        **fields,
    )


def make_image_upload(name="photo.jpg", *, fmt="JPEG", size=(1600, 1000)):
    """An image file as an upload or an import hands it over: not stored yet, size not known."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=Image.MIME[fmt])
