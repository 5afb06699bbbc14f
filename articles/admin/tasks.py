"""The desk's count of background tasks that failed (mail, checks, pings)."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import desk


def failed_tasks(request):
    """Background tasks that failed for good (after their retries), for those who may see them."""
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return None
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    return desk.DeskItem("Background tasks failed", DBTaskResult.objects.failed().count(), url)
