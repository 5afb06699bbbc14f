"""Author pages in the newsroom: editors fill in bios and photos; the service does the write."""

from django.contrib import admin
from django.db import models

from articles import authors
from articles.models import AuthorProfile

from .forms import LabelledFileInput


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    list_select_related = ["user"]
    search_fields = ["slug", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    fields = ["user", "slug", "bio", "photo"]
    formfield_overrides = {models.ImageField: {"widget": LabelledFileInput}}

    @admin.display(description="name", ordering="user__last_name")
    def name(self, obj):
        return obj.name

    def get_readonly_fields(self, request, obj=None):
        # A page belongs to one writer for good: its address is what other sites link to.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        authors.author_profile_save(profile=obj, by=request.user)
