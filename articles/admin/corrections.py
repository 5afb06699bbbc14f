"""Corrections in the story admin: listed on the change form, appended on their own page."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import workflow
from articles.corrections import correction_add
from articles.models import Correction


class CorrectionForm(forms.Form):
    wrong = forms.CharField(label="What was wrong", widget=forms.Textarea(attrs={"rows": 3}))
    right = forms.CharField(label="What is right", widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionInline(admin.TabularInline):
    """A story's corrections, read-only: they are appended on their own page, never edited."""

    model = Correction
    extra = 0
    can_delete = False
    fields = readonly_fields = ["created_at", "wrong", "right", "created_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CorrectionViewsMixin:
    """The "Add a correction" page of a live story, for editors (ArticleAdmin)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correction_view),
                name="articles_article_correct",
            ),
            *super().get_urls(),
        ]

    def correction_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        form = CorrectionForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                correction_add(article=article, by=request.user, **form.cleaned_data)
            except ValidationError as refusal:
                for name, errors in getattr(refusal, "error_dict", {None: refusal}).items():
                    form.add_error(name, errors)
            else:
                self.message_user(request, f"Correction added to “{article}”.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        context = self._context(
            request, article, "Add a correction", form=form, can_correct=article.is_public
        )
        return TemplateResponse(request, "admin/articles/article/correction_add.html", context)
