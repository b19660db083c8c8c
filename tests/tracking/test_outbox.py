"""The outbox: notifications are written once, sent once, retried until a real SMTP accepts."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from raccord.dossiers.notifications import recipients
from raccord.tracking.models import Notification
from raccord.tracking.notify import (
    notification_send,
    notifications_send_pending,
    notify_dossier,
    retry_delay,
)
from raccord.tracking.services import event_record
from raccord.tracking.tasks import send_notification_task, send_pending_notifications_task
from tests.factories import DeskFactory, DossierFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


class FlakyHandler:
    """Answers « 451 Try again later » to DATA while ``refuse`` is set, else keeps the mail."""

    def __init__(self) -> None:
        self.refuse = True
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.refuse:
            return "451 Try again later"
        self.received.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self, handler: FlakyHandler) -> None:
        self.handler = handler
        self.port = _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server(settings):  # type: ignore[no-untyped-def]
    server = Server(FlakyHandler())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def smtp(server):  # type: ignore[no-untyped-def]
    return server.handler


def submitted_dossier(**kwargs):  # type: ignore[no-untyped-def]
    desk = DeskFactory()
    dossier = DossierFactory(complete=True, state="submitted", desk=desk, **kwargs)
    dossier.submitted_at = timezone.now()
    dossier.save(update_fields=["submitted_at"])
    event_record(
        kind="transition:submit", dossier=dossier, from_state="draft", to_state="submitted"
    )
    return dossier


@pytest.mark.smtp
def test_given_a_refusing_smtp_when_it_accepts_later_then_the_mail_is_sent_exactly_once(
    smtp, django_capture_on_commit_callbacks
):
    dossier = submitted_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")

    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING and notification.sent_at is None
    assert notification.attempts == 1 and "451" in notification.last_error
    assert notification.next_attempt_at > timezone.now()
    assert smtp.received == []
    # Not yet due: the retry job leaves it alone.
    assert notifications_send_pending() == 0

    smtp.refuse = False
    later = timezone.now() + retry_delay(1) + timedelta(seconds=1)
    assert notifications_send_pending(now=later) == 1
    assert len(smtp.received) == 1
    parsed = message_from_bytes(smtp.received[0], policy=policy.default)
    assert dossier.number_display in str(parsed["Subject"])
    assert parsed["To"] == "martin.dupont@example.test, " + dossier.created_by.email
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.sent_at is not None
    assert notification.attempts == 2 and notification.last_error == ""

    # Nothing doubled: the retry job, the task run again, and a second request all do nothing.
    assert notifications_send_pending(now=later + timedelta(days=1)) == 0
    assert notification_send(notification_id=notification.pk) is False
    send_notification_task.enqueue(notification_id=notification.pk)
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    assert Notification.objects.count() == 1
    assert len(smtp.received) == 1


@pytest.mark.smtp
def test_given_a_stopped_smtp_server_then_the_error_is_kept_and_backoff_grows(
    server, smtp, django_capture_on_commit_callbacks
):
    smtp.refuse = False
    server.stop()
    dossier = submitted_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING
    assert "Connection" in notification.last_error or "Errno" in notification.last_error
    first_next = notification.next_attempt_at
    assert notifications_send_pending(now=first_next + timedelta(seconds=1)) == 0
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at - notification.last_attempt_at == retry_delay(2)
    server.start()
    send_pending_notifications_task.enqueue()  # not due yet: nothing
    assert smtp.received == []
    assert notifications_send_pending(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(smtp.received) == 1


def test_given_max_attempts_then_the_notification_is_marked_failed(settings, monkeypatch):
    settings.RACCORD_NOTIFICATION_MAX_ATTEMPTS = 2
    dossier = submitted_dossier()
    notify_dossier(dossier_id=dossier.pk, kind="submitted")  # sent at once (locmem)
    notify_dossier(dossier_id=dossier.pk, kind="unknown_kind", key="x")
    notification = Notification.objects.get(kind="unknown_kind")
    notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "Gabarit manquant" in notification.last_error
    notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (
        notification.status == Notification.Status.FAILED and notification.next_attempt_at is None
    )


@pytest.mark.smtp
def test_given_a_crash_after_the_smtp_accepted_then_the_resend_carries_the_same_message_id(
    smtp, django_capture_on_commit_callbacks
):
    smtp.refuse = False
    dossier = submitted_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    notification = Notification.objects.get()
    # The process died after the server's 250 and before the row was marked sent.
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING, sent_at=None
    )
    assert notification_send(notification_id=notification.pk) is True
    first, second = (message_from_bytes(raw, policy=policy.default) for raw in smtp.received)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<notification.{notification.pk}.")
    assert first["Message-ID"].endswith("@raccord.test>")
    # Another notification of the same dossier gets its own.
    event_record(kind="transition:submit", dossier=dossier)
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    third = message_from_bytes(smtp.received[2], policy=policy.default)
    assert third["Message-ID"] != first["Message-ID"]


@pytest.mark.smtp
def test_same_trigger_gives_one_notification_a_new_event_gives_another(
    django_capture_on_commit_callbacks,
):
    dossier = submitted_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    event_record(kind="transition:submit", dossier=dossier)
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="submitted")
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_recipients_are_the_requester_and_the_installer_who_created_it():
    installer = UserFactory(role="installer", organisation=OrganisationFactory())
    dossier = DossierFactory(complete=True, created_by=installer)
    assert recipients(dossier, "submitted") == ["martin.dupont@example.test", installer.email]
    data = dossier.data
    data["demandeur"].update({"has_third_party": "oui", "third_party_email": "Tiers@Example.test"})
    dossier.data = data
    assert recipients(dossier, "submitted") == [
        "martin.dupont@example.test",
        "tiers@example.test",
        installer.email,
    ]


def test_preferences_apply_except_to_legally_required_mails(django_capture_on_commit_callbacks):
    producer = UserFactory(email="martin.dupont@example.test", notify_steps=False)
    installer = UserFactory(role="installer", notify_reminders=False)
    dossier = submitted_dossier(created_by=installer)
    assert producer.email in recipients(dossier, "accepted")
    assert recipients(dossier, "taken_in_charge") == [installer.email]
    assert recipients(dossier, "action_reminder") == [producer.email]
    installer.notify_steps = False
    installer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_dossier(dossier_id=dossier.pk, kind="taken_in_charge", key="t1")
    skipped = Notification.objects.get()
    assert skipped.status == Notification.Status.SKIPPED and skipped.recipients == []
    assert mail.outbox == []
