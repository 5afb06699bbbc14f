import time

from django import forms
from django.conf import settings
from django.core import signing

from .models import Comment

_signer = signing.Signer(salt="comments.form-rendered")


def form_stamp(article_pk: int, *, at: float | None = None, page: bool = False) -> str:
    """Sign the article and the moment a form was rendered; bots that post at once stand out.

    A `page` stamp sits in a page that may have been stored, so it may be older than the visit.
    """
    stamp = {"a": article_pk, "t": int(at if at is not None else time.time())}
    return _signer.sign_object({**stamp, "p": 1} if page else stamp)


def stored_for_at_most() -> int:
    """How long after it was rendered a stored page (here, then in a shared cache) may be served."""
    return (
        settings.PAGE_CACHE_SECONDS
        + max(settings.PAGE_MAX_AGE, settings.PAGE_SHARED_MAX_AGE)
        + settings.PAGE_STALE_WHILE_REVALIDATE
    )


class CommentForm(forms.Form):
    name = forms.CharField(max_length=100)
    email = forms.EmailField(
        required=False, help_text="Optional. Never shown; editors may use it to reach you."
    )
    body = forms.CharField(
        label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Humans never see or fill this field (hidden with CSS); simple bots fill every field.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    rendered = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, article, user, **kwargs):
        self.article = article
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered"] = form_stamp(article.pk, page=True)
        if user.is_authenticated:
            # A logged-in reader posts under their account.
            del self.fields["name"], self.fields["email"]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.automated = False

    def clean_rendered(self):
        try:
            stamp = _signer.unsign_object(self.cleaned_data["rendered"])
            article_pk, rendered_at, from_page = int(stamp["a"]), int(stamp["t"]), "p" in stamp
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                "This form is not valid any more; please send it again."
            ) from error
        age = time.time() - rendered_at
        if article_pk != self.article.pk or age > settings.COMMENTS_FORM_MAX_AGE or age < -60:
            raise forms.ValidationError("This form has expired; please send it again.")
        if age < settings.COMMENTS_MIN_SECONDS:
            self.automated = True
        elif from_page and age < settings.COMMENTS_MIN_SECONDS + stored_for_at_most():
            # The page may be a stored copy fetched a moment ago (no script fetched a fresh
            # stamp): nothing tells a reader from a bot, so the reader confirms once.
            raise forms.ValidationError("Please check your comment and send it again.")
        return self.cleaned_data["rendered"]

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.errors:
            # The form shown again counts from now; its posted stamp may be what failed.
            self.data = self.data.copy()
            self.data["rendered"] = form_stamp(self.article.pk)

    def clean_website(self):
        if self.cleaned_data["website"]:
            self.automated = True
        return ""

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.comments()
            .approved()
            .filter(article=self.article, pk=parent_id)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        depth, ancestor = 1, parent
        while ancestor.parent_id is not None and depth <= settings.COMMENTS_MAX_DEPTH:
            depth += 1
            ancestor = ancestor.parent
        if depth >= settings.COMMENTS_MAX_DEPTH:
            raise forms.ValidationError("This conversation is too deep to reply to here.")
        return parent
