"""The data and the rows of `make bench`: its database, the URLs measured, results.md.

Runs in the driver's process with the server's settings (bench.py sets the environment first),
so Django here reads the same database and cache as the server does.
"""

import datetime
import http.cookies
import json
import os
import platform
import re
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import bench_wrk
from benchmarks.bench_wrk import Row

SEED_SLUG = "japan-indonesia-automotive-cooperation"
SECTION = "politics"
DEEP_PAGE = 1000
SEARCH = "automotive"
READER = "bench-reader"
HIDDEN = re.compile(r'<input[^>]*name="(csrfmiddlewaretoken|rendered)"[^>]*value="([^"]*)"')
RUN = uuid.uuid4().hex[:8]  # marks this run's comments, to count them afterwards


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist (never the development one)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def missing_load_data(stories: int, comments: int) -> tuple[int, int] | None:
    """How many generated stories and comments to add, or None when the database is filled."""
    _django()
    from articles.models import Article
    from comments.load_data import SLUG_PREFIX
    from comments.models import Comment

    have_stories = Article.objects.filter(slug__startswith=SLUG_PREFIX).count()
    have_comments = Comment.objects.filter(article__slug__startswith=SLUG_PREFIX).count()
    if have_stories >= stories and have_comments >= comments:
        print(f"bench data in place: {have_stories} stories, {have_comments} comments")
        return None
    if have_stories:  # a run stopped half-way: start afresh, or the long thread would repeat
        Article.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    return stories, comments


def clear_cache() -> None:
    """Start from an empty cache (the bench's own Redis database), as after a deploy."""
    _django()
    from django.core.cache import cache

    cache.clear()


def _story_with_comments(count: int):
    """A generated story with exactly `count` comments (held and removed ones included)."""
    from django.db.models import Count

    from articles.models import Article

    return (
        Article.objects.published()
        .filter(slug__startswith="load-")
        .annotate(comment_count=Count("comments"))
        .filter(comment_count=count)
        .order_by("-published_at")
        .first()
    )


def _logged_in_cookie() -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username=READER, defaults={"email": "bench-reader@example.com"}
    )
    client = Client()
    client.force_login(user)
    # A browser keeps the CSRF cookie its first logged-in page set, and sends it back each time.
    client.get("/", HTTP_HOST="127.0.0.1")
    return "; ".join(f"{name}={client.cookies[name].value}" for name in ("sessionid", "csrftoken"))


def _comment_form(base: str, story_url: str) -> tuple[dict, str]:
    """A reader's first visit: the form's hidden fields and the cookies the page set."""
    with urllib.request.urlopen(base + story_url, timeout=30) as page:  # noqa: S310
        html = page.read().decode()
        cookies = http.cookies.SimpleCookie()
        for header in page.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    fields = dict(HIDDEN.findall(html))
    if "rendered" not in fields:
        raise SystemExit(f"{story_url} shows no comment form.")
    return fields, "; ".join(f"{k}={v.value}" for k, v in cookies.items())


def _validators(base: str, url: str) -> dict:
    """The If-None-Match / If-Modified-Since a browser would send again, if the page has any."""
    with urllib.request.urlopen(base + url, timeout=30) as page:  # noqa: S310
        headers = page.headers
    validators = {}
    if headers.get("ETag"):
        validators["If-None-Match"] = headers["ETag"]
    if headers.get("Last-Modified"):
        validators["If-Modified-Since"] = headers["Last-Modified"]
    return validators


def prepare(base: str, unstored_base: str, work: Path) -> list[Row]:
    """The table's rows, with the URLs, cookies and forms of this database.

    `unstored_base` is the same site with PAGE_CACHE_SECONDS=0: neither pages nor fragments
    are kept, so every answer is rendered whole, as the first one after an edit is.
    """
    from django.urls import reverse

    from articles.models import Article, Category
    from search.backends import search_backend

    seed = Article.objects.get(slug=SEED_SLUG).get_absolute_url()
    # The newest generated story holds the long thread (generate_load_data --thread 2000).
    long_thread = Article.objects.get(slug="load-0")
    short_thread = _story_with_comments(20)
    section = Category.objects.get(slug=SECTION).get_absolute_url()
    post_story = Article.objects.get(slug="load-1")
    fields, cookies = _comment_form(base, post_story.get_absolute_url())
    # As the page's script does when a reader first focuses the form: a fresh stamp (a stored
    # page's own stamp is only trusted once it is older than any stored copy can be).
    stamp_url = base + reverse("comments:stamp", kwargs=post_story.url_kwargs())
    with urllib.request.urlopen(stamp_url, timeout=30) as answer:  # noqa: S310
        fields["rendered"] = json.load(answer)["rendered"]
    # The form's timestamp must be older than COMMENTS_MIN_SECONDS, as a human's would be.
    time.sleep(int(os.environ.get("COMMENTS_MIN_SECONDS", 3)) + 0.5)
    # Lua's string.format fills the two %d; the form's own escapes (%3A) are doubled.
    form = urlencode({**fields, "name": "Bench reader", "email": "", "website": "", "parent": ""})
    body = form.replace("%", "%%") + f"&body=bench+{RUN}+{bench_wrk.EACH_RUN}+%d-%d"
    validators = _validators(base, seed)
    matches = search_backend().count(SEARCH)
    rows = [
        Row("trivial Django view (/healthz)", "/healthz", trivial=True),
        Row("seed story, anonymous (cache hit)", seed),
        Row(
            "seed story, first render after an edit",
            seed,
            base=unstored_base,
            note="a server that keeps no page and no fragment: every answer rendered whole",
        ),
        Row(
            "seed story, unstored query string",
            seed,
            unique=True,
            note="a query string never seen before on every request: the page is rendered, "
            "from the fragments it keeps",
        ),
        Row("seed story, logged-in reader", seed, headers={"Cookie": _logged_in_cookie()}),
        Row(
            "seed story, conditional GET (304)",
            seed,
            headers=validators,
            expected=304,
            check_status=True,
            note="" if validators else "the page sends no ETag/Last-Modified",
        ),
        Row(
            f"story with {long_thread.comments.count():,} comments", long_thread.get_absolute_url()
        ),
        Row("story with 20 comments", short_thread.get_absolute_url()) if short_thread else None,
        Row(
            f"story with {long_thread.comments.count():,} comments, first render",
            long_thread.get_absolute_url(),
            base=unstored_base,
            note="rendered whole on every request (50 comments a page)",
        ),
        Row(
            "story with 20 comments, first render",
            short_thread.get_absolute_url(),
            base=unstored_base,
            note="rendered whole on every request",
        )
        if short_thread
        else None,
        Row("home page", "/"),
        Row("category page 1", section),
        Row(f"category page {DEEP_PAGE:,}", f"{section}?page={DEEP_PAGE}"),
        Row(
            f"search ({SEARCH!r}, {'' if matches.exact else 'about '}{matches.value:,} matches)",
            f"/search/?q={SEARCH}",
        ),
        Row("feed (/feed/)", "/feed/"),
        Row(
            "comment POST, c=16",
            reverse("comments:post", kwargs=post_story.url_kwargs()),
            method="POST",
            body=body,
            expected=302,
            check_status=True,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookies,
                "Origin": base,
                "Referer": base + post_story.get_absolute_url(),
            },
        ),
    ]
    return [row for row in rows if row is not None]


def comments_stored(rows: list[Row]) -> dict:
    """How many of this run's comments the database holds, by row."""
    from comments.models import Comment

    stored = Comment.objects.filter(body__startswith=f"bench {RUN} ").count()
    return {row.name: stored for row in rows if row.method == "POST"}


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError:
        return "unknown"
    return ((done.stdout or done.stderr).strip().splitlines() or ["unknown"])[0]


def machine_description(
    wrk: str, *, workers: int, seconds: int, rounds: int, load: tuple[float, float]
) -> str:
    import django
    from django.core.cache import cache
    from django.db import connection

    from articles.models import Article
    from comments.models import Comment

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME")
        ),
        platform.platform(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis = cache._cache.get_client().info().get("redis_version", "?")
    commit = _first_line(
        ["git", "-C", str(Path(__file__).parents[1]), "describe", "--always", "--dirty"]
    )
    return "\n".join(
        [
            f"- when: {datetime.date.today():%Y-%m-%d}, commit {commit}",
            f"- machine: {cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GB RAM, "
            f"{os_name}, Linux {platform.release()}",
            f"- software: Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {postgres}, Redis {redis}, {_first_line([wrk, '-v'])}",
            f"- server: `make serve`'s code path (DEBUG off), gunicorn {workers} workers "
            "x 4 threads (gthread), the task worker beside it, Redis as cache, on 127.0.0.1",
            f"- data: {Article.objects.count():,} stories, {Comment.objects.count():,} comments "
            "(`generate_load_data`)",
            f"- load: wrk -t2 -c16, {seconds} s per run, {rounds} interleaved rounds, medians; "
            "share = req/s over the trivial view's req/s in the same round",
            f"- machine load (1-minute average) when measuring began: {load[0]:.1f}, when it "
            f"ended: {load[1]:.1f} (wrk and the server alone make about 2; more means other "
            "processes shared the cores)",
        ]
    )


def write_results(path: Path, label: str, description: str, table: str) -> None:
    """Put this run under `## label` in results.md, replacing an earlier run of that label."""
    label = label or f"Run of {datetime.date.today():%Y-%m-%d}"
    intro = (
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/bench.py); each "
        "section is one run, labelled with BENCH_LABEL.\n"
    )
    text = path.read_text() if path.exists() else intro
    sections = re.split(r"(?m)^(?=## )", text)
    head, runs = sections[0], [s for s in sections[1:] if not s.startswith(f"## {label}\n")]
    runs.append(f"## {label}\n\n{description}\n\n{table}\n\n")
    runs = [run.rstrip("\n") + "\n\n" for run in runs]  # a blank line between sections
    path.write_text(head.rstrip("\n") + "\n\n" + "".join(runs).rstrip("\n") + "\n")
