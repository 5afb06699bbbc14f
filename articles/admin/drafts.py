"""The desk's extra doors on the story form: pending changes on a live story, autosave, the
live Markdown preview and images uploaded into the body. Every write calls `articles.drafting`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import drafting, services, workflow
from articles.models import Article, BodyImage, ReviewNote
from articles.rendering import render_markdown
from articles.revisions import when_text

from .forms import LeadImageField

PREVIEW_MAX_CHARS = 500_000
DRAFT_KINDS = {"pending": drafting.Kind.PENDING, "autosave": drafting.Kind.AUTOSAVE}


class BodyImageForm(forms.ModelForm):
    class Meta:
        model = BodyImage
        fields = ["image", "alt"]
        field_classes = {"image": LeadImageField}


def _errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in e.messages] for name, e in error.error_dict.items()}
    return {"__all__": error.messages}


class DraftViewsMixin:
    """For ArticleAdmin: the views and form hooks of drafts (relies on RevisionViewsMixin)."""

    def get_urls(self):
        def post(func, route, name):
            return path(
                route,
                self.admin_site.admin_view(require_POST(func)),
                name=f"articles_article_{name}",
            )

        return [
            post(self.markdown_preview_view, "markdown-preview/", "markdown_preview"),
            post(self.body_image_view, "body-images/", "body_image"),
            post(self.autosave_new_view, "add/autosave/", "autosave_new"),
            post(self.autosave_new_discard_view, "add/autosave/discard/", "autosave_new_discard"),
            post(self.autosave_view, "<path:object_id>/autosave/", "autosave"),
            post(
                self.draft_action_view,
                "<path:object_id>/draft/<str:kind>/<str:action>/",
                "draft_action",
            ),
            post(self.send_back_view, "<path:object_id>/send-back/", "send_back"),
            *super().get_urls(),
        ]

    def markdown_preview_view(self, request):
        """The body rendered by the public page's own renderer and sanitiser (JSON)."""
        if not self.has_add_permission(request) and not self.has_change_permission(request):
            raise PermissionDenied
        body = request.POST.get("body", "")
        if len(body) > PREVIEW_MAX_CHARS:
            return JsonResponse({"error": "The text is too long to preview."}, status=413)
        return JsonResponse({"html": render_markdown(body.replace("\r\n", "\n"))})

    def body_image_view(self, request):
        """Upload an image for the body; answers the Markdown that inserts it (JSON)."""
        form = BodyImageForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        try:
            image = drafting.body_image_add(
                upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"], by=request.user
            )
        except ValidationError as error:
            return JsonResponse({"errors": _errors(error)}, status=400)
        return JsonResponse({"markdown": image.markdown, "url": image.image.url}, status=201)

    def autosave_view(self, request, object_id):
        """Keep the form's text as this user's autosave of the story (JSON)."""
        article = self._article_or_404(request, object_id, change=True)
        try:
            draft = drafting.autosave_store(article=article, by=request.user, data=request.POST)
        except ValidationError as error:
            return JsonResponse({"errors": _errors(error)}, status=400)
        saved_at = timezone.localtime(draft.saved_at)
        return JsonResponse(
            {"saved_at": saved_at.isoformat(), "message": f"Autosaved at {saved_at:%H:%M:%S}"}
        )

    def autosave_new_view(self, request):
        """Keep the add form's text as this user's story in progress (JSON)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            draft = drafting.autosave_new_store(by=request.user, data=request.POST)
        except ValidationError as error:
            return JsonResponse({"errors": _errors(error)}, status=400)
        saved_at = timezone.localtime(draft.saved_at)
        return JsonResponse(
            {"saved_at": saved_at.isoformat(), "message": f"Autosaved at {saved_at:%H:%M:%S}"}
        )

    def autosave_new_discard_view(self, request):
        drafting.autosave_discard(article=None, by=request.user)
        self.message_user(request, "Autosaved text discarded.")
        return HttpResponseRedirect(reverse("admin:articles_article_add"))

    def draft_action_view(self, request, object_id, kind, action):
        """Publish or discard pending changes; discard an autosave (forms on the change page)."""
        article = self._article_or_404(request, object_id, change=True)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        try:
            match kind, action:
                case "pending", "publish":
                    drafting.pending_publish(
                        article=article, by=request.user, seen=request.POST.get("pending_seen")
                    )
                    self.message_user(request, f"“{article}”: pending changes published.")
                case "pending", "discard":
                    drafting.pending_discard(article=article, by=request.user)
                    self.message_user(request, "Pending changes discarded; the live story stays.")
                case "autosave", "discard":
                    drafting.autosave_discard(article=article, by=request.user)
                    self.message_user(request, "Autosaved text discarded.")
                case _:
                    raise PermissionDenied
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(change_url)

    def send_back_view(self, request, object_id):
        """An editor returns a story in review to its journalist with a note."""
        article = self._article_or_404(request, object_id, change=True)
        try:
            services.article_return(
                article=article, by=request.user, note=request.POST.get("review_note", "")
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        self.message_user(request, f"“{article}” sent back to its journalist with your note.")
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    # Hooks into the change form and the preview.

    def draft_requested(self, request, article):
        """The draft named by `?draft=pending|autosave` on a GET, or None."""
        kind = DRAFT_KINDS.get(request.GET.get("draft", ""))
        if kind is None or article is None or request.method != "GET":
            return None
        if not self.has_change_permission(request, article):
            return None  # words not yet public are for those who may change the story
        return drafting.draft_for(article, kind, request.user)

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        draft = self.draft_requested(request, article)
        if draft is not None:
            drafting.draft_apply(article, draft)
            request.draft_shown = draft
        return article

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("draft") == "autosave":
            draft = drafting.draft_for(None, drafting.Kind.AUTOSAVE, request.user)
            if draft is not None:
                initial.update({name: getattr(draft, name) for name in drafting.DRAFT_FIELDS})
                request.draft_shown = draft
        return initial

    def new_drafts_context(self, request):
        """The add form: this user's autosaved story in progress, offered or restored."""
        draft = drafting.draft_for(None, drafting.Kind.AUTOSAVE, request.user)
        shown = getattr(request, "draft_shown", None)
        return {
            "new_autosave": draft,
            "draft_shown": shown,
            "autosave_at": draft and when_text(draft.saved_at),
        }

    def drafts_context(self, request, article, can_change):
        if article is None or article.pk is None or not can_change:
            return {}
        pending = drafting.draft_for(article, drafting.Kind.PENDING)
        autosave = drafting.draft_for(article, drafting.Kind.AUTOSAVE, request.user)
        shown = getattr(request, "draft_shown", None)
        if autosave is not None and shown is None and not drafting.draft_differs(article, autosave):
            autosave = None
        notes = ReviewNote.objects.filter(article=article, resolved_at=None)
        open_note = notes.select_related("by").first()
        return {
            "review_note": open_note,
            "review_note_by": open_note
            and open_note.by
            and (open_note.by.get_full_name() or open_note.by.username),
            "review_note_at": open_note and when_text(open_note.created_at),
            "can_publish_pending": workflow.can_edit(request.user, article),
            "can_send_back": article.status == Article.Status.IN_REVIEW
            and workflow.can_publish(request.user),
            "pending": pending,
            "pending_token": drafting.pending_token(pending),
            "pending_by": pending and (pending.user.get_full_name() or pending.user.username),
            "pending_at": pending and when_text(pending.saved_at),
            "autosave": autosave,
            "autosave_at": autosave and when_text(autosave.saved_at),
            "draft_shown": shown,
            "can_save_pending": article.is_public,
        }

    def render_change_form(self, request, context, *args, **kwargs):
        shown = getattr(request, "draft_shown", None)
        form = context["adminform"].form if "adminform" in context else None
        if shown is not None and shown.base_revision and form is not None and not form.is_bound:
            # Restored words were written on an older revision: saving them goes through the
            # usual conflict check, which shows what changed since instead of undoing it.
            form.initial["base_revision"] = shown.base_revision
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request, obj):
        if "_pending" in request.POST:
            self.message_user(
                request,
                f"Pending changes to “{obj}” saved: readers still see the live story until "
                "you publish them.",
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
