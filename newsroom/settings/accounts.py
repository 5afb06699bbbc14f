"""Accounts: sign-in and its throttle, passwords, sign-up, two-factor (allauth), IndieAuth."""

from datetime import timedelta

from .base import env

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = "articles:home"
AUTHENTICATION_BACKENDS = [
    "accounts.login_throttle.LoginThrottleBackend",
    # Django's model backend, taking a username or an email address (django-allauth).
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Login throttling (django-axes, accounts/login_throttle.py): after LOGIN_FAILURE_LIMIT failures
# for one username (or email), or from one address, /accounts/login/ (where /admin/login/ sends)
# refuses for LOGIN_COOLOFF_MINUTES with a clear message (429), the same for accounts that exist
# and ones that do not.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success clears that username's failures, never the address's (accounts.login_throttle).
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "accounts.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "guards.clients.client_group"  # an IPv6 client by its /64
# allauth's form names its field `login` (a username or an email address).
AXES_USERNAME_CALLABLE = "accounts.login_throttle.login_name"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
# Password reset: the mail is sent by the worker; at most PASSWORD_RESET_RATE_LIMIT requests per
# address and per email address in PASSWORD_RESET_RATE_WINDOW seconds (then 429).
PASSWORD_RESET_RATE_LIMIT = env.int("PASSWORD_RESET_RATE_LIMIT", default=5)
PASSWORD_RESET_RATE_WINDOW = env.int("PASSWORD_RESET_RATE_WINDOW", default=3600)

# Sign-up at /accounts/signup/ is open unless ACCOUNTS_SIGNUP_OPEN is off; at most
# ACCOUNTS_SIGNUP_RATE_LIMIT sign-ups per address in ACCOUNTS_SIGNUP_RATE_WINDOW seconds, and a
# form sent sooner than COMMENTS_MIN_SECONDS after it was shown, or with the honeypot filled,
# is refused as comments are (accounts.forms).
ACCOUNTS_SIGNUP_OPEN = env.bool("ACCOUNTS_SIGNUP_OPEN", default=True)
ACCOUNTS_SIGNUP_RATE_LIMIT = env.int("ACCOUNTS_SIGNUP_RATE_LIMIT", default=5)
ACCOUNTS_SIGNUP_RATE_WINDOW = env.int("ACCOUNTS_SIGNUP_RATE_WINDOW", default=3600)

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Optional: an account may log in (and comment) at once; trackbacks wait for the verified
# address (linkbacks.receive), and so does enrolling a second factor.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{env.str('SITE_NAME', default='Newsroom')}] "
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Adding or changing an address (where a password reset would go) asks for the password again
# (or a code mailed to a verified address, or a second factor), however the session began.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# A mail to the account's address when its password, email address or second factors change:
# a stolen password used to enrol someone else's authenticator does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
# allauth's own limits (in Django's cache; they refuse while the cache is down) stay on for
# second-factor codes, email changes and password changes. Logins are throttled by django-axes
# (accounts.login_throttle), sign-ups and reset requests by the site's own counters (which let
# requests through while the cache is down, like comments).
ACCOUNT_RATE_LIMITS = {"login": False, "signup": False, "reset_password": False}

# Two-factor: TOTP, recovery codes and passkeys (WebAuthn). Staff must have one to use the admin
# (accounts.middleware); anyone else may enrol from the account page.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Newsroom")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("DEBUG", default=False)

# IndieAuth: how long a sign-in may take between leaving for the blogger's site and coming back.
INDIEAUTH_STATE_SECONDS = env.int("INDIEAUTH_STATE_SECONDS", default=600)
