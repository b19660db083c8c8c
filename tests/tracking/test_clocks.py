"""The clocks job: reminders, the CACSI 15-day notice, desk digests, retries — idempotent."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from raccord.dossiers.models import Dossier
from raccord.tracking.clocks import clocks_run
from raccord.tracking.models import Action, Event, Notification
from raccord.tracking.tasks import run_clocks_task
from tests.factories import DeskFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the code, then its on-commit callbacks (the tasks that send), as after a commit."""

    def run(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def dossier_in(state: str, *, days_ago: int = 1, meter: str = "oui", desk=None, **kwargs):  # type: ignore[no-untyped-def]
    dossier = DossierFactory(complete=True, state=state, desk=desk or DeskFactory(), **kwargs)
    data = dossier.data
    data["chantier"]["electronic_meter"] = meter
    dossier.data = data
    dossier.submitted_at = timezone.now() - timedelta(days=days_ago)
    dossier.save(update_fields=["data", "submitted_at"])
    return dossier


def action(dossier, *, due_in: int, label: str = "Pièce manquante : mandat"):  # type: ignore[no-untyped-def]
    return Action.objects.create(
        dossier=dossier, label=label, due_date=timezone.localdate() + timedelta(days=due_in)
    )


def test_dry_run_by_default_reports_and_changes_nothing():
    dossier = dossier_in("waiting_requester")
    action(dossier, due_in=2)
    out = StringIO()
    call_command("run_clocks", stdout=out)
    text = out.getvalue()
    assert "à blanc" in text and "Rappel" in text and dossier.number_display in text
    assert not Notification.objects.exists() and mail.outbox == []
    assert not Event.objects.filter(kind__startswith="clock:").exists()


def test_a_reminder_is_sent_once_per_action_within_the_window(settings, commit):
    settings.RACCORD_REMINDER_DAYS_BEFORE = 3
    dossier = dossier_in("waiting_requester")
    soon = action(dossier, due_in=2)
    action(dossier, due_in=10, label="Plus tard")
    out = StringIO()
    commit(call_command, "run_clocks", "--wet-run", stdout=out)
    assert "Rappels : 1" in out.getvalue()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert "Rappel" in sent.subject and soon.due_date.strftime("%d/%m/%Y") in sent.subject
    assert soon.label in sent.body
    assert sent.to == ["martin.dupont@example.test", dossier.created_by.email]
    # Second run: nothing more.
    report = commit(clocks_run, wet=True)
    assert report.reminders == 0 and len(mail.outbox) == 1
    assert Event.objects.filter(kind="clock:reminder", dossier=dossier).count() == 1


def test_reminders_respect_the_preference():
    producer = UserFactory(email="martin.dupont@example.test", notify_reminders=False)
    dossier = dossier_in("waiting_requester", created_by=producer)
    action(dossier, due_in=1)
    clocks_run(wet=True)
    notification = Notification.objects.get(kind="action_reminder")
    assert notification.status == Notification.Status.SKIPPED and mail.outbox == []


def test_the_15_day_rule_tells_the_requester_once(commit):
    allowed = dossier_in("submitted", days_ago=16)
    dossier_in("submitted", days_ago=16, meter="non")
    dossier_in("submitted", days_ago=10)
    # « Prise en charge » is not an answer (rules.clocks.cacsi_commissioning): still allowed.
    in_charge = dossier_in("in_charge", days_ago=30)
    dossier_in("accepted", days_ago=30)  # answered
    dossier_in("waiting_requester", days_ago=30)  # request for items open
    commit(clocks_run, wet=True)
    notices = Notification.objects.filter(kind="may_commission").order_by("dossier_id")
    assert [n.dossier_id for n in notices] == [allowed.pk, in_charge.pk]
    requester_mails = [m for m in mail.outbox if "mettre votre installation" in m.subject]
    assert len(requester_mails) == 2 and "15 jours" in requester_mails[0].body
    assert Event.objects.filter(kind="clock:may_commission").count() == 2
    commit(clocks_run, wet=True)
    assert Notification.objects.filter(kind="may_commission").count() == 2
    assert Event.objects.filter(kind="clock:may_commission").count() == 2


def test_the_15_day_rule_in_the_clocks_job_does_not_count_waiting_periods(commit):
    """Same reading as the Suivi tab and the operator's due date: paused days extend it."""
    dossier = dossier_in("in_charge", days_ago=16)
    today = timezone.localdate()
    dossier.pauses = [
        [(today - timedelta(days=10)).isoformat(), (today - timedelta(days=8)).isoformat()]
    ]
    dossier.save(update_fields=["pauses"])
    commit(clocks_run, wet=True)
    assert not Notification.objects.filter(kind="may_commission").exists()
    assert Dossier.objects.get(pk=dossier.pk).number  # still there, not told
    from raccord.dossiers.decisions import cacsi_rule, operator_deadline

    rule = cacsi_rule(dossier)
    assert rule is not None and rule.deadline.due == operator_deadline(dossier)
    assert rule.allowed_from == today + timedelta(days=3)


def test_each_desk_gets_one_digest_of_its_overdue_dossiers_per_day(commit):
    desk = DeskFactory(email="areprod@example.test")
    quiet = DeskFactory()
    late = dossier_in("submitted", days_ago=20, desk=desk, requester_name="Ada LOVELACE")
    waiting = dossier_in("waiting_requester", desk=desk)
    action(waiting, due_in=-2, label="Pièce manquante : certificat")
    dossier_in("submitted", days_ago=2, desk=desk)
    dossier_in("submitted", days_ago=1, desk=quiet)
    out = StringIO()
    commit(call_command, "send_digests", "--wet-run", stdout=out)
    assert "Synthèses envoyée(s) : 1" in out.getvalue()
    digests = [m for m in mail.outbox if m.to == ["areprod@example.test"]]
    assert len(digests) == 1
    body = digests[0].body
    assert "2 dossiers en retard" in digests[0].subject
    assert late.number_display in body and "Ada LOVELACE" in body and "15 jours" in body
    assert waiting.number_display in body and "certificat" in body
    assert not [m for m in mail.outbox if m.to == [quiet.email]]
    event = Event.objects.get(kind="clock:digest")
    assert event.payload["count"] == 2 and event.dossier is None
    # Same day, again: nothing.
    assert commit(clocks_run, wet=True).digests == 0
    assert len([m for m in mail.outbox if m.to == ["areprod@example.test"]]) == 1


def test_the_job_retries_due_pending_notifications(settings):
    dossier = dossier_in("submitted")
    Notification.objects.create(
        key="submitted:x",
        kind="submitted",
        dossier=dossier,
        recipients=["martin.dupont@example.test"],
        next_attempt_at=timezone.now() - timedelta(minutes=1),
        attempts=1,
        last_error="SMTPDataError: 451",
    )
    assert clocks_run(wet=False).retried == 1 and mail.outbox == []
    report = clocks_run(wet=True)
    assert report.retried == 1 and len(mail.outbox) == 1
    assert Event.objects.get(kind="clock:retry").payload == {"sent": 1}
    assert clocks_run(wet=True).retried == 0 and len(mail.outbox) == 1


def test_the_task_runs_the_job_wet():
    dossier = dossier_in("waiting_requester")
    action(dossier, due_in=0)
    result = run_clocks_task.enqueue()
    assert result.return_value["reminders"] == 1
    assert Notification.objects.filter(kind="action_reminder").count() == 1
