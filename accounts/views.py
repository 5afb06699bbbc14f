"""The account page: profile, email and password, two-factor, tokens, verified sites, data."""

import json

from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from comments.models import Comment
from guards.params import parse_id
from linkbacks.models import TrackbackToken, VerifiedSite
from linkbacks.receive import VERIFY_EMAIL_FIRST, address_unverified
from linkbacks.site_proof import META_NAME, WELL_KNOWN_PATH
from linkbacks.tokens import trackback_token_create, trackback_tokens_revoke

from .exports import account_export
from .forms import DeleteAccountForm, ProfileForm
from .models import Profile
from .services import StaffAccountError, account_delete, profile_update

RECENT = 50  # comments and trackbacks listed on the page (the download has them all)


@login_required
def account_home(request):
    """Everything about one's account on one page; each form posts to its own small view."""
    user = request.user
    profile = Profile.objects.filter(user=user).first()
    discussion = (
        Comment.objects.filter(user=user).select_related("article").order_by("-created_at", "-pk")
    )
    context = {
        "profile_form": ProfileForm(
            initial={
                "display_name": profile.display_name if profile else user.get_full_name(),
                "blog_url": profile.blog_url if profile else "",
            }
        ),
        "emails": list(EmailAddress.objects.filter(user=user).order_by("-primary", "email")),
        "mfa_enabled": is_mfa_enabled(user),
        "tokens": list(TrackbackToken.objects.filter(user=user)),
        "new_token": request.session.pop("accounts.new_token", None),
        "sites": list(VerifiedSite.objects.filter(user=user)),
        "mentions_enabled": settings.MENTIONS_ENABLED,
        "meta_name": META_NAME,
        "well_known_path": WELL_KNOWN_PATH,
        "comments": list(discussion.comments()[:RECENT]),
        "trackbacks": list(discussion.trackbacks()[:RECENT]),
    }
    return render(request, "accounts/home.html", context)


@login_required
@require_POST
def profile_save(request):
    form = ProfileForm(request.POST)
    if form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
    else:
        messages.error(
            request,
            "The profile was not saved: "
            + " ".join(error for errors in form.errors.values() for error in errors),
        )
    return redirect("accounts:home")


@login_required
@require_POST
def tokens(request):
    """Create a token (shown once, on the account page) or revoke one."""
    mine = TrackbackToken.objects.filter(user=request.user)
    revoke = request.POST.get("revoke", "")
    if revoke:
        pk = parse_id(revoke)
        revoked = trackback_tokens_revoke(tokens=mine.filter(pk=pk) if pk else mine.none())
        messages.success(request, "Token revoked." if revoked else "Nothing to revoke.")
    elif address_unverified(request.user):
        messages.error(request, VERIFY_EMAIL_FIRST)
    else:
        _, value = trackback_token_create(user=request.user, name=request.POST.get("name", ""))
        # Shown once, on the page this redirects to; never in a URL.
        request.session["accounts.new_token"] = value
    return redirect("accounts:home")


@login_required
def export(request):
    """Download everything the site keeps about the account, as JSON."""
    data = account_export(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="account-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete(request):
    """Close the account for good, keeping (anonymised) or deleting its comments."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            account_delete(user=user, keep_comments=form.cleaned_data["comments"] == "anonymise")
        except StaffAccountError as error:
            messages.error(request, str(error))
            return redirect("accounts:home")
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for reading.")
        return redirect("articles:home")
    return render(request, "accounts/delete.html", {"form": form})


def tokens_moved(request):
    """The old token page's address: the tokens live on the account page now."""
    return HttpResponsePermanentRedirect(reverse("accounts:home") + "#tokens")
