"""Measure search latency with 10,000 published stories.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python benchmarks/search_latency.py [--stories 10000] [--runs 30]

Uses its own database (default `newsroom_bench`, created if missing; never the development or
test database): migrates it, fills it once with the demo newsroom plus generated stories of
300-600 words drawn from a Zipf-distributed vocabulary, then times whole GET /search/ requests
through Django's test client (count, page, snippets, template) and the bare ranked queryset.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

QUERIES = [
    "automotive",
    "Kartasasmita",
    '"electric vehicle"',
    "harbour -council",
    "budget OR tariff",
]


def ensure_database(url: str) -> None:
    """Create the benchmark database on PostgreSQL if it does not exist yet."""
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def vocabulary(rng: random.Random) -> list[str]:
    from articles.demo import SEED_PAGE

    words = {w.strip(".,\"'()").lower() for w in SEED_PAGE.read_text().split()}
    syllables = ["ka", "ro", "mi", "ten", "sal", "bor", "vin", "qua", "del", "pho", "lux", "ter"]
    while len(words) < 6000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    # Rare words last, so the Zipf weights make them rare; the rest in random order.
    extra = ["harbour", "council", "budget", "tariff", "electric", "vehicle", "automotive"]
    common = sorted(w for w in words if w and w not in extra)
    rng.shuffle(common)
    return common + extra


def fill(stories: int) -> None:
    from django.utils import timezone

    from articles.demo.load import demo_load
    from articles.models import Article, Category

    demo_load(with_users=False)
    have = Article.objects.count()
    if have >= stories:
        print(f"database already holds {have} stories")
        return
    rng = random.Random(6)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]  # Zipf: few common, many rare
    categories = list(Category.objects.all())
    now = timezone.now()
    batch = []
    for n in range(have, stories):
        body_words = rng.choices(vocab, weights, k=rng.randint(300, 600))
        paragraphs = [" ".join(body_words[i : i + 60]) + "." for i in range(0, len(body_words), 60)]
        batch.append(
            Article(
                title=" ".join(rng.choices(vocab, weights, k=8)).capitalize(),
                slug=f"bench-{n}",
                category=categories[n % len(categories)],
                standfirst=" ".join(rng.choices(vocab, weights, k=20)).capitalize() + ".",
                body="\n\n".join(paragraphs),
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=7 * n),
            )
        )
        if len(batch) == 1000:
            Article.objects.bulk_create(batch)  # the database trigger indexes each row
            batch = []
    Article.objects.bulk_create(batch)
    print(f"created {stories - have} stories")


def timed(fn, runs: int) -> list[float]:
    fn()  # warm caches and the connection
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"  {label:<44} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from articles.models import Article
    from articles.search import search_articles

    call_command("migrate", verbosity=0)
    fill(args.stories)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")  # fresh statistics, as autovacuum keeps
    total = Article.objects.published().count()
    print(f"{connection.vendor} {connection.settings_dict['NAME']}: {total} published stories")
    client = Client()
    # Plain static storage: the benchmark renders pages without running collectstatic.
    plain = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    override_settings(STORAGES=plain).enable()
    # And the worst case: the vocabulary's most common word, found in most stories.
    common = vocabulary(random.Random(6))[0]
    for query in [*QUERIES, common]:
        matches = search_articles(query).count()
        print(f"query {query!r}: {matches} matches")
        report("GET /search/ (count, page, snippets, HTML)", timed(
            lambda q=query: client.get("/search/", {"q": q}), args.runs))  # fmt: skip
        report("ranked queryset, first page only", timed(
            lambda q=query: list(search_articles(q)[:20]), args.runs))  # fmt: skip


if __name__ == "__main__":
    main()
