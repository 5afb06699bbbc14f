"""Admin for the desk's own rows: redirects editors add by hand, images for story bodies.
Both save through services (`articles.redirects`, `articles.drafting`), never by themselves."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from articles import drafting, redirects
from articles.models import BodyImage, StoryRedirect

from .drafts import BodyImageForm


class StoryRedirectForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_path"):
            try:
                cleaned["old_path"] = redirects.redirect_check(
                    cleaned["old_path"], cleaned.get("article")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(StoryRedirect)
class StoryRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at", "created_by"]
    search_fields = ["old_path", "article__title"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        redirects.redirect_save(redirect=obj, by=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StoryRedirectForm
        return super().get_form(request, obj, change, **kwargs)


@admin.register(BodyImage)
class BodyImageAdmin(admin.ModelAdmin):
    """Without JavaScript: upload here, then copy the Markdown into the body."""

    form = BodyImageForm
    list_display = ["thumbnail", "alt", "markdown_column", "uploaded_by", "uploaded_at"]
    search_fields = ["alt"]

    def has_change_permission(self, request, obj=None):
        return False  # a picture in published bodies stays as it was; upload a new one

    def save_model(self, request, obj, form, change):
        try:
            saved = drafting.body_image_add(
                upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"], by=request.user
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        obj.pk, obj.image = saved.pk, saved.image

    @admin.display(description="Image")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" width="80">', obj.image.url)

    @admin.display(description="Markdown to insert")
    def markdown_column(self, obj):
        return format_html("<code>{}</code>", obj.markdown)
