"""The desk's counts of background tasks that failed, and of those waiting to try again (mail
waiting for its server, checks, pings)."""

from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from articles import desk


def failed_tasks(request):
    """Background tasks that failed for good (after their retries), for those who may see them."""
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return None
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    return desk.DeskItem("Background tasks failed", DBTaskResult.objects.failed().count(), url)


def waiting_tasks(request):
    """Background tasks deferred to a later time: retries waiting for their next attempt (mail
    waiting for its server) and work due later; the task list shows when each runs."""
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return None
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=READY"
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__gt=timezone.now()
    ).exclude(run_after=get_date_max())
    return desk.DeskItem("Background tasks waiting to run later", waiting.count(), url)
