"""Staff use the admin only after a second factor: enrol one first, or prove the one you have."""

from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from .second_factor import second_factor_used

ENROL = "The newsroom needs a second factor: set up an authenticator app to continue."
PROVE = "Confirm it is you with your authenticator app to open the newsroom."


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(admin)
            and request.path != reverse("admin:logout")
            and user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not second_factor_used(request, user)
        ):
            query = urlencode({"next": request.get_full_path()})
            if is_mfa_enabled(user):
                messages.info(request, PROVE)
                return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
            messages.info(request, ENROL)
            return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)
