from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.services import AccountExistsError, editor_create
from delivery.site import absolute_url


class Command(BaseCommand):
    help = (
        "Make an editor (staff, in the Editors role, the address verified) and print a one-time "
        "link to choose the password; the desk then asks for an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The editor's email address.")
        parser.add_argument("--username", default="", help="Default: the address's local part.")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also a superuser (every permission, the Users page included).",
        )

    def handle(self, *args, email, username, superuser, **options):
        try:
            user = editor_create(email=email, username=username, superuser=superuser)
        except AccountExistsError as error:
            raise CommandError(f"{error} Give it the Editors role in the admin instead.") from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        key = f"{user_pk_to_url_str(user)}-"
        key += allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        role = "editor and superuser" if superuser else "editor"
        self.stdout.write(
            f"Made {user.username} <{user.email}> an {role}. The password is chosen at this "
            "link, which works once:\n"
            f"  {absolute_url(path.replace('UID-KEY', key))}\n"
            "Then log in and open /admin/: the desk asks to set up an authenticator app first."
        )
