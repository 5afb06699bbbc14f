"""Every linkback protocol (TrackBack, Pingback, Webmention): how sites tell each other "I link
to you", and how we check it; the one app that speaks them.

Wire formats, one module per protocol, both ways: `trackback`, `pingback`, `webmention`.
Shared by every protocol: `fetching` (SSRF-safe outbound HTTP), `links` (does a page link to
another), `discovery` (a page's endpoint), `answers` (what an answer means), `sending` (telling
a page by whichever protocol it offers), `site_proof` (proving a site is someone's).
Sending from stories: `outgoing` (targets and the record of each try), `services` (queued on
publish, an editor's retry). Receiving: `auth` and `tokens` (who sends a TrackBack), `sites`
(verified sites, who may send a Webmention or Pingback), `receive` (storing a ping as a
`comments.Comment`), `verify` (checking sources and sites), `views`, and `advertise` (what story
pages announce). Records in `models`: `SentLinkback`, `TrackbackToken`, `VerifiedSite`.
"""
