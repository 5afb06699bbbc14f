from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from articles.demo.load import demo_load
from delivery.site import absolute_url


class Command(BaseCommand):
    help = "Load the demo newsroom (seed story, more stories, and demo users when DEBUG is on)."

    def handle(self, *args, **options):
        result = demo_load(with_users=settings.DEBUG)
        if result.created:
            self.stdout.write(f"Created {len(result.created)} demo objects.")
        else:
            self.stdout.write("Demo content already loaded; nothing changed.")
        if result.logins:
            login = absolute_url(reverse("account_login"))
            self.stdout.write(f"Demo logins (DEBUG only) at {login}:")
            for role, username, password in result.logins:
                self.stdout.write(f"  {role:<11} {username} / {password}")
