from django.urls import path

import articles.converters  # noqa: F401 - registers the story date converters

from . import views

app_name = "linkbacks"

STORY = "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/"

urlpatterns = [
    path("accounts/trackback-tokens/sites/", views.sites, name="sites"),
    path(f"{STORY}trackback/", views.trackback_ping, name="trackback"),
    path(f"{STORY}trackback/<str:token>/", views.trackback_ping, name="trackback_personal"),
    path(f"{STORY}webmention/", views.webmention, name="webmention"),
    path(f"{STORY}pingback/", views.pingback, name="pingback"),
]
