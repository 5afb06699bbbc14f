"""Facts about stories that other apps react to, sent by this app (never by the listeners).

Listeners connect in their own `AppConfig.ready()`; each takes `sender` (the Article class)
and `story` (the Article), and runs inside the writer's transaction, so anything that must
wait for the commit (a task to queue) goes through `transaction.on_commit`.
"""

from django.dispatch import Signal

# A desk action sent the story out to the public: published now, scheduled or embargoed (it
# goes live by itself at `story.published_at`), or saved again while released. Listeners:
# linkbacks (the sites the story links to are told).
story_published = Signal()

# A desk action took the story away from the public: unpublished or deleted.
story_withdrawn = Signal()
