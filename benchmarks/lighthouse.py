"""Lighthouse 12 on the home, story and author pages, served as `make serve` serves them.

    .venv/bin/python benchmarks/lighthouse.py

Production mode (DEBUG off, gunicorn and the worker, Redis as cache) behind a small front proxy
that serves /media/ as production's reverse proxy does (LIGHTHOUSE_PORT, gunicorn on the next
port; default free ones), with a
fresh SQLite database and media folder in a temporary directory: the demo content, plus a story
with a lead image, comments, a reply and a trackback by a writer with an author page. Lighthouse
12 (npm, `npx lighthouse@12.2.3`) drives the OS's Chromium (CHROME_PATH, default
/usr/bin/chromium) headless, mobile form factor; each page's four scores are printed, with the
audits that cost points. Settings: LIGHTHOUSE_CACHE_URL (default redis://127.0.0.1:6379/14,
flushed), LIGHTHOUSE_RUNS (default 1; the median is kept).
"""

import http.client
import io
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import ROOT, free_port, server_environment, start_server, stop_server, wait_ready

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CACHE_URL = os.environ.get("LIGHTHOUSE_CACHE_URL", "redis://127.0.0.1:6379/14")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))


def content(env: dict) -> dict[str, str]:
    """Migrate, load the demo and a story with everything on it; the paths to audit."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from PIL import Image

    call_command("migrate", "--noinput", verbosity=0)
    call_command("loaddemo", stdout=io.StringIO())
    cache.clear()

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles import services
    from articles.models import Article, Category
    from articles.roles import EDITORS, roles_ensure
    from comments.models import Comment

    editor = get_user_model().objects.create_user(
        "lighthouse-editor", first_name="Ada", last_name="Harbour", is_staff=True
    )
    editor.groups.add(roles_ensure()[EDITORS])
    picture = io.BytesIO()
    Image.new("RGB", (1600, 1000), (40, 90, 140)).save(picture, "JPEG", quality=85)
    story = services.article_save(
        article=Article(
            title="Harbour council approves the new ferry",
            slug="harbour-ferry",
            category=Category.objects.first(),
            standfirst="A vote of seven to four ends ten years of talks.",
            body="The vote was close.\n\n## What happens next\n\n" + "The ferry sails. " * 120,
            author=editor,
            image=SimpleUploadedFile("ferry.jpg", picture.getvalue(), "image/jpeg"),
            image_alt="The old ferry at the quay",
            image_caption="The old ferry, in service since 1987.",
        ),
        by=editor,
    )
    story = services.article_publish(article=story, by=editor)
    first = Comment.objects.create(article=story, name="Bo Reader", body="At last.")
    Comment.objects.create(article=story, name="Cy", body="Agreed.", parent=first)
    Comment.objects.create(
        article=story,
        kind=Comment.Kind.TRACKBACK,
        url="https://blog.example.com/ferry",
        name="Harbour blog",
        title="On the ferry vote",
        body="They voted.",
        verification=Comment.Verification.LINKED,
    )
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "author": editor.author_profile.get_absolute_url(),
    }


def front_proxy(port: int, app_port: int, media: Path) -> ThreadingHTTPServer:
    """What production's reverse proxy does here: /media/ from the folder, the rest to gunicorn."""

    class Front(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/media/"):
                path = (media / self.path.removeprefix("/media/").split("?")[0]).resolve()
                if not path.is_relative_to(media.resolve()) or not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
                self.end_headers()
                self.wfile.write(body)
                return
            upstream = http.client.HTTPConnection("127.0.0.1", app_port, timeout=30)
            try:
                upstream.request("GET", self.path, headers=dict(self.headers))
                answer = upstream.getresponse()
            except OSError:  # gunicorn still starting
                self.send_error(502)
                return
            body = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

    server = ThreadingHTTPServer(("127.0.0.1", port), Front)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def audit(url: str, out: Path) -> dict:
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
    ]
    for attempt in range(3):  # Chrome sometimes loses the trace (NO_NAVSTART): run it again
        done = subprocess.run(command, check=False, env={**os.environ, "CHROME_PATH": chrome})  # noqa: S603
        if done.returncode == 0:
            return json.loads(out.read_text())
        print(f"Lighthouse failed on {url} (attempt {attempt + 1}); trying again.")
    raise SystemExit(f"Lighthouse failed three times on {url}.")


def lost_points(report: dict, category: str) -> list[str]:
    audits = report["audits"]
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        score = audits[ref["id"]]["score"]
        if ref["weight"] and score is not None and score < 1:
            items = (audits[ref["id"]].get("details") or {}).get("items", [])[:3]
            what = "; ".join(json.dumps(i)[:300] for i in items)
            lost.append(f"{ref['id']} ({score}): {what}")
    return lost


def main() -> int:
    port = int(os.environ.get("LIGHTHOUSE_PORT") or free_port())
    app_port = free_port() if not os.environ.get("LIGHTHOUSE_PORT") else port + 1
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as work:
        env = {
            **server_environment(port),
            "PORT": str(app_port),
            "DATABASE_URL": f"sqlite:///{work}/db.sqlite3",
            "CACHE_URL": CACHE_URL,
            "MEDIA_ROOT": f"{work}/media",
            "STATIC_ROOT": f"{work}/static",
            "LOG_LEVEL": "WARNING",
        }
        pages = content(env)
        base = f"http://127.0.0.1:{port}"
        with open(Path(work) / "server.log", "w+") as log:
            server = start_server(env, log)
            front = front_proxy(port, app_port, Path(work) / "media")
            try:
                wait_ready(base, server)
                rows = []
                for name, path in pages.items():
                    reports = [
                        audit(base + path, Path(work) / f"{name}-{n}.json") for n in range(RUNS)
                    ]
                    scores = {
                        c: statistics.median(
                            [round(r["categories"][c]["score"] * 100) for r in reports]
                        )
                        for c in CATEGORIES
                    }
                    rows.append((name, path, scores, reports[-1]))
            finally:
                front.shutdown()
                stop_server(server)
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile, {RUNS} run(s) a page (median)\n")
    print("| page | performance | accessibility | best practices | SEO |")
    print("| --- | --- | --- | --- | --- |")
    for name, path, scores, _ in rows:
        print(f"| {name} `{path}` | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
    for name, _, scores, report in rows:
        for category in CATEGORIES:
            if scores[category] < 100:
                print(f"{name} {category}: {', '.join(lost_points(report, category))}")
    failed = any(scores[c] < 100 for _, _, scores, _ in rows for c in CATEGORIES[1:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
