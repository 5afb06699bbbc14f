from django import forms
from django.contrib import admin
from django.utils import timezone

from newsroom.site import absolute_url

from . import services
from .models import Article, Category, TrackbackPing


class ArticleAdminForm(forms.ModelForm):
    # Model and fields come from ArticleAdmin (modelform_factory).

    def clean(self):
        cleaned = super().clean()
        # "Published" with no time means "now"; a future time schedules the story.
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
            self.instance.published_at = cleaned["published_at"]
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class TrackbackPingInline(admin.TabularInline):
    """What each "send trackbacks to" target answered."""

    model = TrackbackPing
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "target_url",
        "ping_url",
        "status",
        "message",
        "attempts",
        "last_attempt_at",
    ]
    verbose_name = "trackback sent"
    verbose_name_plural = "trackbacks sent"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "category", "author", "published_at", "updated_at"]
    list_filter = ["status", "category", "author"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    raw_id_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "standfirst", "body"]}),
        ("Publication", {"fields": ["status", "published_at", "author", "byline"]}),
        ("Discussion", {"fields": ["comments_open", "trackbacks_open", "trackback_targets"]}),
    ]
    inlines = [TrackbackPingInline]

    def view_on_site(self, obj):
        # Only public stories have a page; others would 404.
        return obj.get_absolute_url() if obj.is_public else None

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        permalink = absolute_url(request, obj.get_absolute_url())
        services.article_trackbacks_queue(article=obj, permalink=permalink)
