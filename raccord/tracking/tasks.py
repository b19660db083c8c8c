"""Background tasks of the follow-up: each takes ids (or nothing), calls one service.

No scheduler ships with django-tasks: run ``python manage.py run_clocks --wet-run`` from cron
(e.g. every 15 minutes) or enqueue ``run_clocks_task`` from the worker host's scheduler.
"""

from __future__ import annotations

from django_tasks import task

from raccord.tracking.notify import notification_send, notifications_send_pending


@task()
def send_notification_task(*, notification_id: int) -> bool:
    """Send one outbox notification (no-op if it was already sent)."""
    return notification_send(notification_id=notification_id)


@task()
def send_pending_notifications_task() -> int:
    """Retry the due pending notifications; how many were sent."""
    return notifications_send_pending()


@task()
def run_clocks_task() -> dict[str, int]:
    """The clocks job, applied (what ``run_clocks --wet-run`` does)."""
    from raccord.tracking.clocks import clocks_run

    return clocks_run(wet=True).counts()
