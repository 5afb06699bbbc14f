"""What the site keeps about a person beyond Django's user: the profile they show.

Verified sites live with the linkbacks they vouch for (linkbacks.models.VerifiedSite)."""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The name a person shows, and their blog, as typed at sign-up or on the account page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=100, blank=True)
    blog_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.display_name or str(self.user)
