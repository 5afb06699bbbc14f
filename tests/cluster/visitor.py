"""A browser for the cluster tests: real HTTP to any of the cluster's addresses, its own cookies,
the headers a browser sends with a form, and no redirect followed unasked."""

import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser. Cookies are per host, not per port, as browsers keep them: a visitor who logs
    in through the balancer is logged in on both app servers too."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def get(self, url: str) -> Answer:
        return self._send(urllib.request.Request(url))  # noqa: S310 (the cluster's http://)

    def post(self, url: str, fields: dict | list, *, csrf: bool = True) -> Answer:
        """A form sent from a page of the same origin, as a browser sends it."""
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf and (token := self.cookie("csrftoken")):
            fields.append(("csrfmiddlewaretoken", token))
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        request = urllib.request.Request(  # noqa: S310 (the cluster's http://)
            url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": url,
                "Sec-Fetch-Site": "same-origin",
            },
        )
        return self._send(request)

    def post_files(self, url: str, fields: list, files: dict[str, tuple[str, bytes, str]]):
        """A multipart form (an upload) with its CSRF token, from a page of the same origin."""
        boundary = f"----newsroom{uuid.uuid4().hex}"
        fields = [*fields, ("csrfmiddlewaretoken", self.cookie("csrftoken") or "")]
        chunks = []
        for name, value in fields:
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in files.items():
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        chunks.append(f"--{boundary}--\r\n".encode())
        parts = urllib.parse.urlsplit(url)
        request = urllib.request.Request(  # noqa: S310 (the cluster's http://)
            url,
            data=b"".join(chunks),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": f"{parts.scheme}://{parts.netloc}",
                "Referer": url,
            },
        )
        return self._send(request)

    def _send(self, request) -> Answer:
        request.add_header("User-Agent", "newsroom-cluster-test")
        try:
            with self.opener.open(request, timeout=30) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return Answer(
            status=status,
            headers={name.lower(): value for name, value in headers.items()},
            text=body.decode("utf-8", "replace"),
        )


NOT_SENT = ("submit", "file", "button", "image")  # inputs a browser sends only when clicked/chosen


class _FormFields(HTMLParser):
    """The fields a browser would send from one form: inputs, checked boxes, text areas, and
    the selected options of selects."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in NOT_SENT:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if "checked" in attrs else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def replaced(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name, value)) for name, value in fields]
