"""The linkback protocols: how sites tell each other "I link to you", and how we check it.

One module per concern, shared by every protocol: `http` (safe outbound fetching), `links`
(does a page link to another), `discovery` (finding a page's endpoint, for every protocol),
`answers` (what an answer means: accepted, refused, temporary), `sending` (telling a page by
whichever protocol it offers), `sites` (proving a site is someone's) and `advertise` (what story
pages announce); and one module per protocol's wire format, both ways: `trackback`, `pingback`,
`webmention`. No models here: the apps keep their own records (`articles` the pings it sends,
`comments` the pings it receives and the verified sites).
"""
