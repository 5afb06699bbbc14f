"""Search, list and sitemap latency at 100,000 stories (or any number): the tables of issue 17.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_100k \\
        .venv/bin/python benchmarks/search_latency.py --stories 100000 [--runs 20]

Uses the database named by DATABASE_URL (created if missing; never point it at the development
or test database): migrates it, adds `generate_load_data` stories until it holds --stories
generated ones (Zipf vocabulary, dates over ten years), VACUUM ANALYZE, then prints Markdown
tables:
- search: whole `GET /search/` through Django's test client (count, page, snippets, HTML) and
  the ranked window alone (the backend's query), p50/p95/p99 of --runs runs after one warm-up;
- lists and sitemaps: each page rendered (no stored copy: PAGE_CACHE_SECONDS=0), and each page
  as served to a second anonymous reader (stored copy, versioned keys: CACHE_URL must be a
  shared cache, e.g. redis://127.0.0.1:6379/N), medians of --list-runs.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SITE_URL", "http://testserver")

QUERIES = [
    "automotive",
    "Kartasasmita",
    '"electric vehicle"',
    "harbour -council",
    "budget OR tariff",
]
DEEP_PAGE = 1000


def ensure_database(url: str) -> None:
    """Create the benchmark database on PostgreSQL if it does not exist yet."""
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill(stories: int) -> None:
    from django.core.management import call_command

    from articles.demo.load import demo_load
    from articles.models import Article
    from comments.load_data import SLUG_PREFIX

    demo_load(with_users=False)
    have = Article.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if have < stories:
        call_command("generate_load_data", stories=stories - have, index_after=True)
    else:
        print(f"database already holds {have} generated stories")


def common_word(connection) -> str:
    """The load data's most frequent word that is no stop word: found in nearly every story."""
    from comments.load_data import _Text

    for word in _Text(random.Random(11)).words[:50]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [word])
            if cursor.fetchone()[0]:
                return word
    raise SystemExit("no common word found")


def timed(fn, runs: int) -> list[float]:
    fn()  # warm caches and the connection
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def pct(samples: list[float], share: float) -> float:
    return samples[min(len(samples) - 1, max(0, round(len(samples) * share) - 1))]


def stats(samples: list[float]) -> str:
    return " | ".join(f"{pct(samples, p):.1f} ms" for p in (0.5, 0.95, 0.99))


def ranked_window(query: str):
    """The first page's queries alone, through whichever search code this checkout has."""
    if (ROOT / "search").exists():
        from search.backends import search_backend
    elif (ROOT / "articles" / "search_backends").exists():  # issue 17 until issue 24
        from articles.search_backends import search_backend
    else:  # before issue 17
        from articles.search import search_articles

        return lambda: list(search_articles(query)[:21])

    backend = search_backend()
    return lambda: backend.window(query, start=0, stop=21, count=backend.count(query))


def match_count(client, query: str) -> str:
    import re

    html = client.get("/search/", {"q": query}).content.decode()
    found = re.search(r'role="status">(.*?) for <strong>', html, re.S)
    text = re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else "?"
    # Which way the page was ranked: every match, or the newest and the title matches.
    return text + (" (newest ranked)" if "ranked among the" in html else "")


def search_table(client, settings, queries: list[str], runs: int) -> None:
    """Whole requests rendered every time (no stored page: SEARCH_CACHE_SECONDS=0, the shared
    fragments cached as usual), the search's queries alone, and the stored page served."""
    print(
        "\n| query | matches | GET /search/ rendered p50 | p95 | p99 | queries alone p50 | p95 "
        "| p99 | stored page served p50 | p95 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    healthz = timed(lambda: client.get("/healthz"), runs)
    print(f"| (trivial view `/healthz`, same run) | | {stats(healthz)} | | | | | |")
    seconds = getattr(settings, "SEARCH_CACHE_SECONDS", None)
    for query in queries:
        settings.SEARCH_CACHE_SECONDS = 0
        whole = timed(lambda q=query: client.get("/search/", {"q": q}), runs)
        settings.SEARCH_CACHE_SECONDS = seconds
        alone = timed(ranked_window(query), runs)
        stored = timed(lambda q=query: client.get("/search/", {"q": q}), runs)
        served = " | ".join(f"{pct(stored, p):.1f} ms" for p in (0.5, 0.95))
        print(
            f"| `{query}` | {match_count(client, query)} | {stats(whole)} | {stats(alone)} "
            f"| {served} |"
        )


def list_table(client, settings, runs: int) -> None:
    from django.core.cache import cache

    from articles.models import Category

    section = Category.objects.order_by("position", "pk").first().get_absolute_url()
    pages = [
        ("home", "/"),
        ("a section, page 1", section),
        (f"a section, page {DEEP_PAGE:,}", f"{section}?page={DEEP_PAGE}"),
        ("`/sitemap.xml` (index)", "/sitemap.xml"),
        ("one sitemap page (`/sitemap-stories.xml`)", "/sitemap-stories.xml"),
        ("`/news-sitemap.xml`", "/news-sitemap.xml"),
    ]
    print("\n| page | status | size | rendered, median | served (stored copy), median |")
    print("| --- | --- | --- | --- | --- |")
    for label, url in pages:
        seconds = settings.PAGE_CACHE_SECONDS
        settings.PAGE_CACHE_SECONDS = 0
        response = client.get(url)
        rendered = timed(lambda u=url: client.get(u), runs)
        settings.PAGE_CACHE_SECONDS = seconds
        cache.delete_many([])  # nothing: the stored copy is made by the first request below
        served = timed(lambda u=url: client.get(u), runs)
        size = len(response.content) if not response.streaming else 0
        print(
            f"| {label} | {response.status_code} | {size / 1000:,.0f} kB "
            f"| {statistics.median(rendered):.1f} ms | {statistics.median(served):.1f} ms |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--list-runs", type=int, default=5)
    parser.add_argument("--skip-lists", action="store_true")
    parser.add_argument(
        "--common",
        help="the word found in nearly every story (default: the load data's most frequent word)",
    )
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    import newsroom.wsgi  # the application as the server loads it: set up, startup frozen
    from articles.models import Article

    call_command("migrate", verbosity=0)
    fill(args.stories)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_article")  # as autovacuum keeps it
    # Migrating and loading made objects the server would not hold: out of collections too.
    newsroom.wsgi.freeze_startup_objects()
    total = Article.objects.published().count()
    print(f"{connection.vendor} {connection.settings_dict['NAME']}: {total:,} published stories")
    # Plain static storage: the benchmark renders pages without running collectstatic.
    plain = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=plain).enable()
    client = Client()
    search_table(client, settings, [*QUERIES, args.common or common_word(connection)], args.runs)
    if not args.skip_lists:
        list_table(client, settings, args.list_runs)


if __name__ == "__main__":
    main()
