"""The linkback protocols: how sites tell each other "I link to you", and how we check it.

One module per concern, shared by every protocol: `http` (safe outbound fetching), `links`
(does a page link to another), `discovery` (finding a page's ping URL), and one module per
protocol's wire format (`trackback`; Pingback and Webmention join beside it). No models here:
the apps keep their own records (`articles` the pings it sends, `comments` the pings it receives).
"""
