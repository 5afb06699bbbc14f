"""Drill: many readers post comments at once against a running server; nothing may be lost.

Run against `make serve` (or any server of this project) on this machine, with the comment rate
limit raised (every client here shares one IP address) and cookies allowed over plain HTTP:

    COMMENTS_RATE_LIMIT=100000 SECURE_COOKIES=0 ... make serve
    .venv/bin/python benchmarks/drill_comments.py http://127.0.0.1:8000/2024/06/23/<slug>/ \
        --posts 1000 --clients 50

It prints the status histogram and latency percentiles, then (with the server's DATABASE_URL in
the environment) how many of the posted comments are stored. Traffic goes to loopback only.
"""

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HIDDEN = re.compile(r'<input[^>]*name="(csrfmiddlewaretoken|rendered)"[^>]*value="([^"]*)"')
ACTION = re.compile(r'<form[^>]*action="([^"]*/comments/)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client_session(story_url: str):
    """A reader's browser: cookies, the comment form's hidden fields and where it posts."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(story_url, timeout=30).read().decode()
    fields = dict(HIDDEN.findall(page))
    action = ACTION.search(page)
    # Anonymous pages carry no CSRF token: the browser's Origin header vouches for the post.
    if "rendered" not in fields or action is None:
        sys.exit("The story page has no comment form (are comments open?).")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(story_url))
    # As the page's script does when a reader first focuses the form: a fresh stamp.
    stamp = opener.open(origin + action.group(1) + "stamp/", timeout=30)
    fields["rendered"] = json.load(stamp)["rendered"]
    return opener, fields, origin + action.group(1)


def post_comments(story_url, count, run_id, client_no, results, lock):
    opener, fields, action = client_session(story_url)
    time.sleep(float(os.environ.get("COMMENTS_MIN_SECONDS", 3)) + 0.5)  # a human types first
    for n in range(count):
        data = urlencode(
            {
                **fields,
                "name": f"Reader {client_no}",
                "email": "",
                "body": f"{run_id} comment {client_no}-{n}",
                "website": "",
                "parent": "",
            }
        ).encode()
        request = urllib.request.Request(action, data=data, method="POST")  # noqa: S310 - http(s) only
        request.add_header("Referer", story_url)
        request.add_header("Origin", "{0.scheme}://{0.netloc}".format(urlsplit(story_url)))
        started = time.perf_counter()
        try:
            status = opener.open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = f"error: {error.__class__.__name__}"
        elapsed = time.perf_counter() - started
        with lock:
            results.append((status, elapsed))


def stored_count(run_id: str) -> int | None:
    if "DATABASE_URL" not in os.environ:
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from comments.models import Comment

    return Comment.objects.filter(body__startswith=run_id).count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story_url")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    if urlsplit(args.story_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("The drill only runs against a server on this machine.")

    run_id = f"drill-{uuid.uuid4().hex[:8]}"
    per_client = [
        args.posts // args.clients + (i < args.posts % args.clients) for i in range(args.clients)
    ]
    results, lock = [], threading.Lock()
    threads = [
        threading.Thread(target=post_comments, args=(args.story_url, n, run_id, i, results, lock))
        for i, n in enumerate(per_client)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    latencies = sorted(elapsed for _, elapsed in results)
    print(f"run {run_id}: {len(results)} posts from {args.clients} clients in {wall:.1f} s")
    for status, n in sorted(Counter(str(s) for s, _ in results).items()):
        print(f"  {status}: {n}")
    if latencies:
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(
            f"  p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
    stored = stored_count(run_id)
    if stored is not None:
        print(f"  stored: {stored} of {len(results)}")


if __name__ == "__main__":
    main()
