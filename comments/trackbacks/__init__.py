"""TrackBacks received: personal tokens, who may ping, storing a ping and checking its source.

The wire format and the fetching live in `newsroom.linkbacks`; this package keeps the records.
"""
