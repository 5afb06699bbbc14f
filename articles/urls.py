from django.urls import path

from . import converters, views  # noqa: F401 - importing converters registers them

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("<yyyy:year>/", views.YearArchiveView.as_view(), name="archive_year"),
    path("<yyyy:year>/<dd:month>/", views.MonthArchiveView.as_view(), name="archive_month"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
]
