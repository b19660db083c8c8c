"""Instant review: automatic checks after submission, automatic acceptance when enabled."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from raccord.documents.models import DocumentKind, DocumentVersion
from raccord.dossiers.models import Acceptance, State
from raccord.dossiers.review import review_apply, review_run
from raccord.dossiers.signing import convention_accept, dossier_submit
from raccord.tracking.models import Event
from tests.factories import DeskFactory, DossierFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    return OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)


def accepted_draft(operator, **technique):  # type: ignore[no-untyped-def]
    user = UserFactory()
    dossier = DossierFactory(
        complete=True, created_by=user, operator=operator, desk=DeskFactory(operator=operator)
    )
    if technique:
        data = dossier.data
        data["technique"].update(technique)
        dossier.data = data
        dossier.save(update_fields=["data"])
    convention_accept(dossier=dossier, user=user, ip_address="203.0.113.7", user_agent="test")
    return dossier, user


def submit(dossier, user, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        dossier_submit(dossier=dossier, user=user)
    dossier.refresh_from_db()
    return dossier


def pdf_text(version: DocumentVersion) -> str:
    with version.file.open("rb") as handle:
        return "".join(p.extract_text() for p in PdfReader(BytesIO(handle.read())).pages)


def test_given_instant_review_on_and_all_checks_pass_then_the_convention_is_accepted(
    operator, django_capture_on_commit_callbacks
):
    operator.instant_review_enabled = True
    operator.save()
    dossier, user = accepted_draft(operator)
    dossier = submit(dossier, user, django_capture_on_commit_callbacks)

    assert dossier.state == State.ACCEPTED and dossier.accepted_at is not None
    acceptance = Acceptance.objects.get(dossier=dossier, party=Acceptance.Party.OPERATOR)
    assert not acceptance.user.is_active and not acceptance.user.has_usable_password()
    stored = DocumentVersion.objects.get(dossier=dossier, kind=DocumentKind.CACSI_ACCEPTED)
    assert acceptance.document == stored and stored.visible_to_requester
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert pdf_text(stored).count(f"Accepté le {today}") == 2
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        "transition:submit",
        "review_passed",
        "transition:auto_accept",
        "convention_accepted",
    ]
    auto = dossier.events.get(kind="transition:auto_accept")
    assert auto.actor is None and (auto.from_state, auto.to_state) == ("submitted", "accepted")
    passed = dossier.events.get(kind="review_passed")
    assert passed.payload["auto_accept"] is True and passed.payload["failed"] == []
    assert {c["name"] for c in passed.payload["checks"]} == {
        "pdl",
        "technique",
        "classification",
        "decoupling_certificate",
        "attachments",
    }
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and "acceptée" in subjects[1]


def test_given_instant_review_off_then_the_checks_are_recorded_and_nothing_moves(
    operator, django_capture_on_commit_callbacks
):
    dossier, user = accepted_draft(operator)
    dossier = submit(dossier, user, django_capture_on_commit_callbacks)
    assert dossier.state == State.SUBMITTED
    event = dossier.events.get(kind="review_passed")
    assert event.payload["auto_accept"] is False
    assert not dossier.acceptances.filter(party=Acceptance.Party.OPERATOR).exists()
    assert len(mail.outbox) == 1


def test_given_a_failing_check_then_review_failed_lists_it_and_the_dossier_waits_for_staff(
    operator, django_capture_on_commit_callbacks
):
    operator.instant_review_enabled = True
    operator.save()
    dossier, user = accepted_draft(operator)
    # After the producer's acceptance, the data no longer satisfy the checks (e.g. changed
    # by the operator's staff or a stale certificate standard).
    data = dossier.data
    data["technique"].update({"decoupling": "integree", "certificate_standard": "DIN VDE 0126-1-1"})
    data["chantier"]["pdl"] = "1234"
    dossier.data = data
    dossier.save(update_fields=["data"])
    dossier = submit(dossier, user, django_capture_on_commit_callbacks)

    assert dossier.state == State.SUBMITTED
    event = dossier.events.get(kind="review_failed")
    failed = {c["name"]: c["detail_fr"] for c in event.payload["failed"]}
    assert set(failed) == {"pdl", "technique", "decoupling_certificate", "attachments"}
    assert "DIN VDE 0126-1-1" in failed["decoupling_certificate"]
    assert "n'est plus acceptée" in failed["decoupling_certificate"]
    assert "Certificat de conformité" in failed["attachments"]
    assert event.payload["auto_accept"] is False
    assert not Event.objects.filter(kind="transition:auto_accept").exists()
    # Reviewed once: a second call does nothing.
    assert review_apply(dossier_id=dossier.pk) is None
    assert dossier.events.filter(kind__startswith="review_").count() == 1


@pytest.mark.parametrize(
    ("technique", "failing"),
    [
        ({"max_power_kva": "40", "connection_power_kva": "40"}, {"technique", "classification"}),
        ({"phase3_kva": "5"}, {"technique", "classification"}),
        ({"decoupling": "integree", "certificate_standard": "NF EN 50549-10"}, {"attachments"}),
    ],
)
def test_review_run_reports_each_failing_check(operator, technique, failing):
    dossier = DossierFactory(complete=True, operator=operator, state="submitted")
    data = dossier.data
    data["technique"].update(technique)
    dossier.data = data
    dossier.submitted_at = timezone.now()
    result = review_run(dossier=dossier)
    assert not result.passed
    assert {c.name for c in result.failed} == failing
    assert all(c.detail_fr for c in result.checks)


def test_review_run_passes_a_complete_cacsi(operator):
    dossier = DossierFactory(complete=True, operator=operator, state="submitted")
    result = review_run(dossier=dossier)
    assert result.passed, result.failed


# The worker closes the database connection between tasks: a test in a transaction cannot
# survive it, so this one commits for real.
@pytest.mark.django_db(transaction=True)
def test_given_a_task_queue_then_submission_only_enqueues_the_review_and_the_worker_runs_it(
    operator, django_capture_on_commit_callbacks, settings
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    operator.instant_review_enabled = True
    operator.save()
    dossier, user = accepted_draft(operator)
    dossier = submit(dossier, user, django_capture_on_commit_callbacks)

    # The request that submits does not review: the review waits in the queue.
    assert dossier.state == State.SUBMITTED
    assert not dossier.events.filter(kind__startswith="review_").exists()
    queued = DBTaskResult.objects.get(task_path="raccord.dossiers.tasks.review_dossier_task")
    assert queued.args_kwargs["kwargs"] == {"dossier_id": dossier.pk}

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    dossier.refresh_from_db()
    assert dossier.state == State.ACCEPTED
    assert dossier.events.filter(kind="review_passed").count() == 1
    # Run again (a retried task): reviewed once, accepted once.
    review_apply(dossier_id=dossier.pk)
    assert dossier.events.filter(kind="review_passed").count() == 1
    assert dossier.acceptances.filter(party=Acceptance.Party.OPERATOR).count() == 1
