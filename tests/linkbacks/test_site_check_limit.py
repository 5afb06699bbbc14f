"""Review: asking for a verified site's check queues worker fetches; a user cannot flood them."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from linkbacks.models import VerifiedSite
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_check_now_cannot_flood_the_worker_queue(
    client, database_tasks, django_capture_on_commit_callbacks
):
    user = make_user("owner")
    site = VerifiedSite.objects.create(user=user, origin="https://blog.example", code="nrv-x")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(50):
            assert client.post(reverse("linkbacks:sites"), {"check": site.pk}).status_code == 302
    queued = DBTaskResult.objects.filter(task_path="linkbacks.tasks.verify_site").count()
    assert 1 <= queued <= 5
    # Another user's checks are counted on their own.
    other = make_user("other")
    theirs = VerifiedSite.objects.create(user=other, origin="https://other.example", code="y")
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("linkbacks:sites"), {"check": theirs.pk})
    assert (
        DBTaskResult.objects.filter(task_path="linkbacks.tasks.verify_site").count() == queued + 1
    )
