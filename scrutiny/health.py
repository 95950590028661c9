"""``/health/``: for the load balancer and the council's monitoring. No sign-in and no secrets:
whether the database answers a query and whether the task workers are keeping up (the age of
the oldest task waiting to run). 200 when both are well, 503 otherwise, with JSON saying which.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_check() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"ok": False, "detail": "the database did not answer"}
    return {"ok": True}


def workers_check() -> dict[str, object]:
    """Healthy when no task has waited longer than HEALTH_MAX_TASK_WAIT_SECONDS to be taken."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "detail": "tasks run without workers"}
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values("enqueued_at").first()
    except DatabaseError:
        return {"ok": False, "detail": "the task queue could not be read"}
    if oldest is None:
        return {"ok": True, "oldest_waiting_seconds": 0}
    waited = max(0, int((timezone.now() - oldest["enqueued_at"]).total_seconds()))
    limit = settings.HEALTH_MAX_TASK_WAIT_SECONDS
    return {
        "ok": waited <= limit,
        "oldest_waiting_seconds": waited,
        **({} if waited <= limit else {"detail": f"a task has waited more than {limit} s"}),
    }


@login_not_required
@never_cache
@require_safe
def health(request):
    checks = {"database": database_check()}
    checks["workers"] = workers_check() if checks["database"]["ok"] else {"ok": False}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
