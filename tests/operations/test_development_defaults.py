"""`PORT=8500 make run` as a newcomer runs it: every absolute link (pages, feeds, mail, the demo
login line) names the port the site is served on, and development mail is printed readable, with
its verification link whole, so that the link copied from the terminal works."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.core import mail

from operations.mail import readable_mail
from tests.operations.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"""https?://[^\s"'<>)\]]+""")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "testserver")

# What a developer's `make run` would do, in a settings process of its own: migrate, the demo
# content, the pages, then a sign-up whose mail the worker writes (to this process's stdout).
DEVELOPMENT_SITE = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
django.setup()
from pathlib import Path
from django.core.management import call_command
from django.test import Client
from articles.models import Article
from tests.accounts.conftest import signup_data

call_command("migrate", verbosity=0)
call_command("loaddemo")
pages = Path(os.environ["PAGES_DIR"])
client = Client(HTTP_HOST="127.0.0.1:" + os.environ["PORT"])
story = Article.objects.published().get(slug="japan-indonesia-automotive-cooperation")
for name, path in [("home", "/"), ("story", story.get_absolute_url()), ("rss", "/feed/"),
                   ("atom", "/feed/atom/")]:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    (pages / name).write_bytes(answer.content)
assert client.post("/accounts/signup/", signup_data()).status_code == 302
call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
"""

# The verification link, as copied from the terminal: opened, then confirmed.
FOLLOW_LINK = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
django.setup()
from allauth.account.models import EmailAddress
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1:" + os.environ["PORT"])
path = sys.argv[1]
print(client.get(path).status_code, client.post(path).status_code)
print(EmailAddress.objects.get(email="ana@example.com").verified)
"""


def development_environ(tmp_path, port: int) -> dict[str, str]:
    """`make run`'s environment: DEBUG and PORT, nothing else of the site's settings."""
    unset = {"SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS", "CACHE_URL", "EMAIL_URL", "TASKS_BACKEND"}
    unset |= {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    base = {name: value for name, value in os.environ.items() if name not in unset}
    return {
        **base,
        "ENV_FILE": "",
        "DEBUG": "1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "PAGES_DIR": str(tmp_path),
    }


def run(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def local_links(text: str) -> list[str]:
    """Absolute links to this machine (a demo story's links to other sites are left out)."""
    return [url for url in URL.findall(text) if url.split("/")[2].split(":")[0] in LOCAL_HOSTS]


def at(origin: str, link: str) -> bool:
    return link == origin or link.startswith(origin + "/")


def test_a_development_site_on_another_port_links_to_that_port_everywhere(tmp_path):
    port = closed_port()
    origin = f"http://127.0.0.1:{port}"
    env = development_environ(tmp_path, port)
    site = run(DEVELOPMENT_SITE, env)

    assert f"Demo logins (DEBUG only) at {origin}/accounts/login/:" in site.stdout
    for page in ("home", "story", "rss", "atom"):
        links = local_links((tmp_path / page).read_text())
        assert links, page
        assert {link for link in links if not at(origin, link)} == set(), page
    # The mail, as printed: headers and text readable, every link whole and on this port.
    assert "Subject: [Newsroom] Welcome: verify your email address" in site.stdout
    assert "Content-Transfer-Encoding" not in site.stdout and "=\n" not in site.stdout
    mail_links = local_links(site.stdout.split("Mail (development", 1)[1])
    assert mail_links and all(at(origin, link) for link in mail_links), mail_links
    [verify] = [link for link in mail_links if "/accounts/confirm-email/" in link]

    followed = run(FOLLOW_LINK, env, verify.removeprefix(origin))
    assert followed.stdout.split() == ["200", "302", "True"]


def test_the_development_mail_shows_the_text_part_decoded_with_long_links_whole():
    link = "http://127.0.0.1:8500/accounts/confirm-email/" + "Mg:1uXyZ-" * 12 + "/"
    message = mail.EmailMultiAlternatives(
        "Vérifiez votre adresse",
        f"Bonjour Zoë,\n\nouvrez ce lien :\n\n{link}\n\n-- \nNewsroom · café",
        "newsroom@localhost",
        ["zoe@example.com"],
        cc=["desk@example.com"],
    )
    message.attach_alternative(f'<a href="{link}">vérifier</a>', "text/html")
    message.attach("notes.txt", "x", "text/plain")
    printed = readable_mail(message)
    assert f"\n{link}\n" in printed
    assert "Subject: Vérifiez votre adresse" in printed and "Bonjour Zoë," in printed
    assert "To: zoe@example.com" in printed and "Cc: desk@example.com" in printed
    assert "Also in it: text/html, attachment notes.txt" in printed
    assert "Newsroom · café" in printed and "=C3" not in printed and "<a href" not in printed
