"""Readers' discussion: comments, trackbacks and the linkbacks verified sites send."""

from .base import DEBUG, env

# Comments: defaults follow WordPress's discussion settings.
COMMENTS_REQUIRE_LOGIN = env.bool("COMMENTS_REQUIRE_LOGIN", default=False)
COMMENTS_PREMODERATE = env.bool("COMMENTS_PREMODERATE", default=False)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=3)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=None)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
COMMENTS_FORM_MAX_AGE = env.int("COMMENTS_FORM_MAX_AGE", default=2 * 24 * 3600)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)
COMMENTS_RATE_WINDOW = env.int("COMMENTS_RATE_WINDOW", default=60)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_HOLD_WORDS = env.list("COMMENTS_HOLD_WORDS", default=[])
COMMENTS_SPAM_WORDS = env.list("COMMENTS_SPAM_WORDS", default=[])

# Django 2028 links bare domains with https://; opt in now.
URLIZE_ASSUME_HTTPS = True

# Trackbacks (TrackBack 1.2, for logged-in users and their personal tokens).
TRACKBACKS_PREMODERATE = env.bool("TRACKBACKS_PREMODERATE", default=False)
TRACKBACKS_CLOSE_AFTER_DAYS = env.int("TRACKBACKS_CLOSE_AFTER_DAYS", default=None)
TRACKBACKS_RATE_LIMIT = env.int("TRACKBACKS_RATE_LIMIT", default=20)
TRACKBACKS_RATE_WINDOW = env.int("TRACKBACKS_RATE_WINDOW", default=60)
TRACKBACKS_PER_PAGE = env.int("TRACKBACKS_PER_PAGE", default=50)
# Webmention and Pingback received from sites their owners verified (counted as trackbacks, with
# the same limits), and advertised on story pages.
MENTIONS_ENABLED = env.bool("MENTIONS_ENABLED", default=True)
# Fetching sources (verification) and sending pings: private, loopback and link-local addresses
# are refused unless allowed; DEBUG allows them so `make run` can verify pages on 127.0.0.1.
TRACKBACK_ALLOW_PRIVATE_SOURCES = env.bool("TRACKBACK_ALLOW_PRIVATE_SOURCES", default=DEBUG)
TRACKBACK_SOURCE_ALLOWLIST = env.list("TRACKBACK_SOURCE_ALLOWLIST", default=[])
TRACKBACK_FETCH_TIMEOUT = env.float("TRACKBACK_FETCH_TIMEOUT", default=5.0)
TRACKBACK_FETCH_MAX_BYTES = env.int("TRACKBACK_FETCH_MAX_BYTES", default=1024 * 1024)
TRACKBACK_FETCH_MAX_REDIRECTS = 3
