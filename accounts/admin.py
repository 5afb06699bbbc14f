"""Verified sites and profiles in the admin, for administrators who look after accounts."""

from django.contrib import admin

from .models import Profile, VerifiedSite


@admin.register(VerifiedSite)
class VerifiedSiteAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "method", "verified_at"]
    list_filter = ["method"]
    search_fields = ["url", "user__username", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "verified_at"
    readonly_fields = ["url", "user", "method", "verified_at"]

    def has_add_permission(self, request):
        return False  # a site is verified by its owner's IndieAuth sign-in, never typed in


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "blog_url", "updated_at"]
    search_fields = ["user__username", "display_name", "blog_url"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
