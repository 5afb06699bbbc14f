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

# A desk action took the story away from the public: unpublished, or deleted (sent before the
# row goes). The fact for apps that tell others a story is gone (a webhook, a Fediverse
# Delete); the pages showing it are forgotten through `story_changed` like any other write.
story_withdrawn = Signal()

# Any write to a story, whatever door it came through (the desk's services, the admin, the
# shell, the demo loader, test builders): sent from this app's row signals, after the row is
# saved or deleted. Arguments: `story` (the Article) and `deleted` (True after a delete).
# Listeners: delivery/invalidation.py (the pages showing the story are forgotten).
story_changed = Signal()

# A section was stored, changed or deleted. Arguments: `section` (the Category), `deleted`.
section_changed = Signal()

# What a byline shows changed: the name of a user who is a story's author (`author`, the user;
# `page` None), or an author page (`page`, the AuthorProfile stored, changed or deleted;
# `author` None, the page's user not being read). Argument `deleted`: the page was deleted.
byline_changed = Signal()
