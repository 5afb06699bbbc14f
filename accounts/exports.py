"""A person's data, as the account page's download gives it (JSON)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from comments.models import Comment
from linkbacks.models import TrackbackToken, VerifiedSite

from .models import Profile


def _when(value):
    return value.isoformat() if value else None


def account_export(user) -> dict:
    """Everything the site keeps about `user`, secrets (password hash, token values) left out."""
    profile = Profile.objects.filter(user=user).first()
    discussion = Comment.objects.filter(user=user).select_related("article").order_by("pk")
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "display_name": profile.display_name if profile else "",
            "blog_url": profile.blog_url if profile else "",
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "verified_sites": [
            {"site": s.origin, "verified_at": _when(s.verified_at), "note": s.check_note}
            for s in VerifiedSite.objects.filter(user=user)
        ],
        "second_factors": [
            {
                "type": a.type,
                "created_at": _when(a.created_at),
                "last_used_at": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "trackback_tokens": [
            {
                "name": t.name,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in TrackbackToken.objects.filter(user=user)
        ],
        "comments": [_discussion_item(c) for c in discussion if c.kind == Comment.Kind.COMMENT],
        "trackbacks": [_discussion_item(c) for c in discussion if c.kind == Comment.Kind.TRACKBACK],
    }


def _discussion_item(item: Comment) -> dict:
    return {
        "story": item.article.title,
        "story_url": item.article.get_absolute_url(),
        "name": item.name,
        "title": item.title,
        "url": item.url,
        "body": item.body,
        "status": item.status,
        "created_at": _when(item.created_at),
        "ip_address": item.ip_address,
        "user_agent": item.user_agent,
    }
