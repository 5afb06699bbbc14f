"""Account pages. Included at the site's root ahead of the admin and of allauth's own URLs."""

from django.urls import path

from . import entrance, indieauth_views, views

app_name = "accounts"

urlpatterns = [
    # The admin signs in through the site's login, second factor included.
    path("admin/login/", entrance.admin_login, name="admin_login"),
    path("accounts/", views.account_home, name="home"),
    path("accounts/profile/", views.profile_save, name="profile"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/export/", views.export, name="export"),
    path("accounts/delete/", views.delete, name="delete"),
    path("accounts/indieauth/", indieauth_views.start, name="indieauth"),
    path("accounts/indieauth/callback/", indieauth_views.callback, name="indieauth_callback"),
    # allauth's views at allauth's addresses, with the site's rate limits.
    path("accounts/signup/", entrance.SignupView.as_view(), name="signup"),
    path("accounts/password/reset/", entrance.PasswordResetView.as_view(), name="password_reset"),
    # Addresses of Django's own account views before allauth, and the old token page.
    path("accounts/trackback-tokens/", views.tokens_moved, name="tokens_moved"),
    path("accounts/password_reset/", entrance.moved("account_reset_password")),
    path("accounts/password_reset/done/", entrance.moved("account_reset_password_done")),
    path("accounts/reset/<str:uidb64>/<str:token>/", entrance.moved("account_reset_password")),
    path("accounts/reset/done/", entrance.moved("account_login")),
    path("accounts/password_change/", entrance.moved("account_change_password")),
]
