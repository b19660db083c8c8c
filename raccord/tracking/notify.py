"""The outbox: every e-mail of the application is a ``Notification`` row before it is a mail.

``notify_dossier(dossier_id=..., kind=...)`` is the one entry point for mails about a dossier;
call it inside ``transaction.on_commit`` (or from code that already runs after the commit).

* **Never doubled.** A notification is identified by its key (kind + dossier + discriminator:
  the ``key`` argument, else the id of the dossier's latest audit event, i.e. the event that
  triggered it). The key is unique, so asking twice creates one row. Sending re-reads the row
  under a lock (``select_for_update`` plus a conditional update, which also serialises on
  SQLite) and marks it sent in that same transaction: a task that runs twice sends once.
  The remaining window is a crash after the SMTP server accepted the mail and before the
  commit; the mail may then be sent again on retry (at-least-once, never concurrently).
* **Never lost.** The row is committed before the send task is enqueued; if the task cannot be
  enqueued or the SMTP server refuses (``smtplib.SMTPException``, ``OSError``), the row stays
  pending with its error and a ``next_attempt_at`` (exponential backoff);
  ``notifications_send_pending`` (task ``send_pending_notifications_task``, command
  ``send_pending_notifications``, and ``run_clocks``) sends the due ones again.
* **Preferences.** Recipients are computed when the row is written
  (raccord/dossiers/notifications.py): legally required mails ignore the preferences.
* **The desk.** A request transmitted to a desk (``desk_submitted``) and a message from the
  requester's side (``desk_message``) are mailed at once to the desk's instructors who did
  not turn them off (« étapes », « messages »): the audit chain's ``event_recorded`` signal
  calls :func:`desk_notify_on_event`, which writes :func:`desk_notify_event` after the commit
  of the audit event (``DESK_EVENTS``), whatever path wrote it (portal, API, answer to a
  request for items). Same outbox, unique key per event, same retries.

Templates: ``dossiers/email/<kind>_subject.txt`` and ``_message.txt``, else
``tracking/email/<kind>_…``. Context: ``dossier`` (if any), ``desk`` (if any), ``data`` (the
frozen ``Notification.context``) and ``site_url``.

Settings (all optional): ``RACCORD_NOTIFICATION_RETRY_SECONDS`` (first delay, 60),
``RACCORD_NOTIFICATION_RETRY_MAX_SECONDS`` (longest delay, 6 h),
``RACCORD_NOTIFICATION_MAX_ATTEMPTS`` (then the row is marked failed, 12).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone

from raccord.tracking.models import Event, Notification

if TYPE_CHECKING:
    from raccord.dossiers.models import Dossier
    from raccord.operators.models import Desk

logger = logging.getLogger(__name__)

SEND_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def retry_delay(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: 1 min, 2, 4… up to 6 h."""
    base = _setting("RACCORD_NOTIFICATION_RETRY_SECONDS", 60)
    cap = _setting("RACCORD_NOTIFICATION_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _enqueue(notification: Notification) -> None:
    from raccord.tracking.tasks import send_notification_task

    pk = notification.pk

    def enqueue() -> None:
        try:
            send_notification_task.enqueue(notification_id=pk)
        except Exception:  # the row stays pending: the retry job will send it
            logger.exception("Could not enqueue notification %s; left for the retry job", pk)

    transaction.on_commit(enqueue)


def notification_create(
    *,
    key: str,
    kind: str,
    recipients: list[str],
    dossier: Dossier | None = None,
    desk: Desk | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[Notification, bool]:
    """Write one notification (or find the one with the same key) and enqueue its sending.

    Returns ``(notification, created)``. A notification without recipients is stored as
    skipped (the decision is recorded; nothing to send).
    """
    notification, created = Notification.objects.get_or_create(
        key=key[:200],
        defaults={
            "kind": kind,
            "dossier": dossier,
            "desk": desk,
            "recipients": recipients,
            "context": context or {},
            "status": Notification.Status.PENDING if recipients else Notification.Status.SKIPPED,
            # The enqueued task sends it now; the retry job only after a grace delay.
            "next_attempt_at": timezone.now() + retry_delay(1),
        },
    )
    if created and notification.status == Notification.Status.PENDING:
        _enqueue(notification)
    return notification, created


def dossier_notification_key(*, dossier_id: int, kind: str, key: str = "") -> str:
    """``<kind>:<dossier id>:<key>``, the key defaulting to ``e<id of the latest event>``."""
    if not key:
        latest = (
            Event.objects.filter(dossier_id=dossier_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        key = f"e{latest or 0}"
    return f"{kind}:{dossier_id}:{key}"


def notify_dossier(
    *, dossier_id: int, kind: str, key: str = "", context: dict[str, Any] | None = None
) -> None:
    """Write the ``kind`` notification of a dossier to the outbox and enqueue its sending.

    ``key`` tells notifications of the same kind apart (default: the dossier's latest audit
    event, the one that triggered the mail); the same (kind, dossier, key) is written once.
    ``context`` (JSON values) is frozen in the notification and given to the templates as
    ``data``.
    """
    from raccord.dossiers.models import Dossier
    from raccord.dossiers.notifications import recipients

    dossier = Dossier.objects.select_related("created_by").get(pk=dossier_id)
    notification_create(
        key=dossier_notification_key(dossier_id=dossier_id, kind=kind, key=key),
        kind=kind,
        dossier=dossier,
        recipients=recipients(dossier, kind),
        context=context,
    )


DESK_EVENTS: dict[str, str] = {
    "transition:submit": "desk_submitted",
    "message_sent": "desk_message",
}
"""Audit event kind → the desk notification it triggers (``desk_notify_event``)."""


def desk_event_kind(event: Event) -> str | None:
    """The desk notification kind ``event`` triggers, if any (messages: only the requester's)."""
    kind = DESK_EVENTS.get(event.kind)
    if kind is None or event.dossier_id is None:
        return None
    if kind == "desk_message" and event.payload.get("direction") != "to_operator":
        return None
    return kind


def desk_notify_event(*, event_id: int) -> Notification | None:
    """Write the desk notification an audit event triggers (once: keyed by the event)."""
    from raccord.dossiers.models import Dossier
    from raccord.dossiers.notifications import recipients

    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.dossier_id is None:
        return None
    kind = desk_event_kind(event)
    if kind is None:
        return None
    dossier = Dossier.objects.select_related("created_by").get(pk=event.dossier_id)
    context: dict[str, Any] = {}
    if kind == "desk_message":
        from raccord.tracking.models import Message

        message = Message.objects.filter(pk=event.payload.get("message")).first()
        if message is not None:
            context = {"subject": message.subject, "author": message.author.display_name}
    notification, _created = notification_create(
        key=dossier_notification_key(dossier_id=dossier.pk, kind=kind, key=f"e{event.pk}"),
        kind=kind,
        dossier=dossier,
        desk=dossier.desk,
        recipients=recipients(dossier, kind),
        context=context,
    )
    return notification


def desk_notify_on_event(sender: object, *, event: Event, **kwargs: Any) -> None:
    """Receiver of ``event_recorded``: schedule the desk notification of ``event``, if any."""
    if desk_event_kind(event) is None:
        return
    pk = event.pk

    def write() -> None:
        try:
            desk_notify_event(event_id=pk)
        except Exception:  # the event is committed; a lost desk mail must not break the caller
            logger.exception("Could not write the desk notification of event %s", pk)

    transaction.on_commit(write)


def _render(notification: Notification) -> tuple[str, str]:
    dossier = None
    if notification.dossier_id is not None:
        from raccord.dossiers.models import Dossier

        dossier = Dossier.objects.select_related("operator", "desk", "commune").get(
            pk=notification.dossier_id
        )
    context = {
        "dossier": dossier,
        "desk": notification.desk,
        "data": notification.context,
        "site_url": getattr(settings, "RACCORD_SITE_URL", ""),
    }
    kind = notification.kind
    subject = select_template(
        [f"dossiers/email/{kind}_subject.txt", f"tracking/email/{kind}_subject.txt"]
    ).render(context)
    body = select_template(
        [f"dossiers/email/{kind}_message.txt", f"tracking/email/{kind}_message.txt"]
    ).render(context)
    return " ".join(subject.split()), body


def _record_failure(pk: int, attempts: int, error: str, now: datetime) -> None:
    max_attempts = _setting("RACCORD_NOTIFICATION_MAX_ATTEMPTS", 12)
    given_up = attempts >= max_attempts
    Notification.objects.filter(pk=pk, sent_at__isnull=True).update(
        attempts=attempts,
        last_attempt_at=now,
        last_error=error[:2000],
        next_attempt_at=None if given_up else now + retry_delay(attempts),
        status=Notification.Status.FAILED if given_up else Notification.Status.PENDING,
    )
    logger.warning("Notification %s not sent (attempt %s): %s", pk, attempts, error)


def message_id(notification: Notification) -> str:
    """The notification's own Message-ID, the same at every try.

    Sending is at-least-once: if the process dies after the SMTP server took the mail but
    before the row is marked sent, the next try sends it again. With the same Message-ID the
    copies are one message for the mail systems and clients that de-duplicate on it.
    """
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:16]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "raccord.invalid"
    return f"<notification.{notification.pk}.{digest}@{domain}>"


def notification_send(*, notification_id: int) -> bool:
    """Send one pending notification; True if this call sent it.

    Safe to call any number of times, concurrently: the row is locked and re-checked in the
    transaction that marks it sent. A refused send records the attempt, the error and the
    next try, and returns False.
    """
    now = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None or row.sent_at is not None or row.status != Notification.Status.PENDING:
            return False
        # Take the write lock on SQLite too (select_for_update is a no-op there) and re-check.
        claimed = Notification.objects.filter(pk=row.pk, sent_at__isnull=True).update(
            last_attempt_at=now
        )
        if not claimed:
            return False
        attempts = row.attempts + 1
        try:
            subject, body = _render(row)
        except TemplateDoesNotExist as missing:
            _record_failure(row.pk, attempts, f"Gabarit manquant : {missing}", now)
            return False
        message = EmailMessage(
            subject=subject,
            body=body,
            to=list(row.recipients),
            headers={"Message-ID": message_id(row)},
        )
        try:
            message.send(fail_silently=False)
        except SEND_ERRORS as error:
            _record_failure(row.pk, attempts, f"{type(error).__name__}: {error}", now)
            return False
        Notification.objects.filter(pk=row.pk).update(
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            attempts=attempts,
            last_error="",
            next_attempt_at=None,
        )
    logger.info("Notification %s (%s) sent to %s", row.pk, row.kind, len(row.recipients))
    return True


def notifications_due(*, now: datetime | None = None, limit: int = 200) -> list[Notification]:
    """Pending notifications whose next try is due (oldest first, at most ``limit``)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            status=Notification.Status.PENDING,
            sent_at__isnull=True,
            next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk")[:limit]
    )


def notifications_send_pending(*, now: datetime | None = None, limit: int = 200) -> int:
    """Try again every due pending notification (at most ``limit``); how many were sent."""
    sent = 0
    for notification in notifications_due(now=now, limit=limit):
        if notification_send(notification_id=notification.pk):
            sent += 1
    return sent


def send_pending_notifications(*, now: datetime | None = None, limit: int = 200) -> int:
    """Alias of :func:`notifications_send_pending` (the name used in the issue)."""
    return notifications_send_pending(now=now, limit=limit)
