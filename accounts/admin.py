"""Profiles in the admin, for administrators who look after accounts."""

from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "blog_url", "updated_at"]
    search_fields = ["user__username", "display_name", "blog_url"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
