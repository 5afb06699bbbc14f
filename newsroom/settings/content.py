"""Reading the content: listings, search, sitemaps, the archive and the content API."""

from .base import BASE_DIR, env

ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=20)

# Content API (api/): at most API_RATE_LIMIT requests per client address in API_RATE_WINDOW
# seconds (then 429 with Retry-After); the address is read as NUM_PROXIES says.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=120)
API_RATE_WINDOW = env.int("API_RATE_WINDOW", default=60)
# Under these paths the request guards (guards/) refuse in the API's JSON error shape.
JSON_ERROR_PATHS = ("/api/",)

# How long the footer's archive months are cached; a new month shows up within this time.
ARCHIVE_CACHE_SECONDS = env.int("ARCHIVE_CACHE_SECONDS", default=600)

# The worker builds every sitemap page into the page cache after each write (README: sitemaps).
SITEMAP_PREBUILD = env.bool("SITEMAP_PREBUILD", default=True)
# Search (README: "Search"): "database" or "tantivy" (an embedded index the worker keeps); with
# RUM every match is ranked up to SEARCH_RANK_ALL matches, past it (and without RUM) the newest
# SEARCH_RANK_LIMIT matches and title matches; counts exact up to SEARCH_EXACT_COUNT.
SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="database")
SEARCH_INDEX_DIR = env.path("SEARCH_INDEX_DIR", default=BASE_DIR / "search-index")
SEARCH_RANK_ALL = env.int("SEARCH_RANK_ALL", default=10_000)
SEARCH_RANK_LIMIT = env.int("SEARCH_RANK_LIMIT", default=100)
SEARCH_EXACT_COUNT = env.int("SEARCH_EXACT_COUNT", default=200)
SEARCH_MAX_PAGES = env.int("SEARCH_MAX_PAGES", default=50)
# A page of results is stored for anonymous readers (under the site's version) this long at most:
# readers' words make endless distinct pages, which should not stay as long as the site's own.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=300)
