"""Webmentions and Pingbacks received, and the verified sites that may send them.

A mention counts as an authenticated trackback from the user whose verified site it comes
from: it is stored, checked and moderated exactly as a trackback (comments/trackbacks/).
The wire formats and the fetching live in `newsroom.linkbacks`.
"""
