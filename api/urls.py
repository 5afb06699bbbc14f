from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("api/v1/stories/", views.story_list, name="stories"),
    path("api/v1/stories/<int:pk>/", views.story_detail, name="story"),
    path("api/v1/sections/", views.section_list, name="sections"),
    path("api/v1/openapi.json", views.openapi_document, name="openapi"),
]
