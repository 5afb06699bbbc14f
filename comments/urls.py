from django.urls import path

import articles.converters  # noqa: F401 - registers the story date converters

from . import feeds, views
from .linkbacks import views as linkbacks
from .trackbacks import views as trackbacks

app_name = "comments"

STORY = "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/"

urlpatterns = [
    path("accounts/trackback-tokens/sites/", linkbacks.sites, name="sites"),
    path(f"{STORY}comments/", views.comment_post, name="post"),
    path(f"{STORY}comments/stamp/", views.comment_stamp, name="stamp"),
    path(f"{STORY}comments/feed/", feeds.StoryCommentsFeed(), name="feed"),
    path(f"{STORY}comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    path(f"{STORY}trackback/", trackbacks.trackback_ping, name="trackback"),
    path(f"{STORY}trackback/<str:token>/", trackbacks.trackback_ping, name="trackback_personal"),
    path(f"{STORY}webmention/", linkbacks.webmention, name="webmention"),
    path(f"{STORY}pingback/", linkbacks.pingback, name="pingback"),
]
