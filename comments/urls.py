from django.urls import path

import articles.converters  # noqa: F401 - registers the story date converters

from . import feeds, views

app_name = "comments"

STORY = "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/"

urlpatterns = [
    path(f"{STORY}comments/", views.comment_post, name="post"),
    path(f"{STORY}comments/stamp/", views.comment_stamp, name="stamp"),
    path(f"{STORY}comments/feed/", feeds.StoryCommentsFeed(), name="feed"),
    path(f"{STORY}comments/<int:pk>/delete/", views.comment_delete, name="delete"),
]
