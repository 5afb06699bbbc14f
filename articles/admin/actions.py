"""The story list's workflow actions: each calls the service per story and reports refusals."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from articles import services
from articles.workflow import Transition

from .forms import ScheduleForm


class WorkflowActionsMixin:
    """Submit, publish, schedule and unpublish the selected stories (for ArticleAdmin)."""

    actions = ["submit_for_review", "publish_now", "schedule", "unpublish"]

    def _apply_each(self, request, queryset, transition, at=None):
        done, refused = 0, []
        for article in queryset:
            try:
                services.article_apply(
                    article=article, by=request.user, transition=transition, at=at
                )
                done += 1
            except PermissionDenied as exc:
                refused.append(str(exc) or f"You may not change “{article}”.")
            except ValidationError as exc:
                if "published_at" in getattr(exc, "error_dict", {}):
                    raise  # the time asked for, the same for every story: the form says why
                refused.append(" ".join(exc.messages))
        if done:
            stories = "1 story" if done == 1 else f"{done} stories"
            self.message_user(request, f"{transition.reason}: {stories}.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(permissions=["change"], description="Submit selected stories for review")
    def submit_for_review(self, request, queryset):
        self._apply_each(request, queryset, Transition.SUBMIT)

    @admin.action(permissions=["publish"], description="Publish selected stories now")
    def publish_now(self, request, queryset):
        self._apply_each(request, queryset, Transition.PUBLISH)

    @admin.action(permissions=["publish"], description="Schedule selected stories…")
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                # All or none: a refused time leaves every selected story as it was.
                with transaction.atomic():
                    self._apply_each(
                        request, queryset, Transition.SCHEDULE, at=form.cleaned_data["at"]
                    )
                return None
            except ValidationError as refusal:
                form.refuse(refusal)
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule stories",
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/schedule_selected.html", context)

    @admin.action(permissions=["publish"], description="Unpublish selected stories")
    def unpublish(self, request, queryset):
        self._apply_each(request, queryset, Transition.UNPUBLISH)
