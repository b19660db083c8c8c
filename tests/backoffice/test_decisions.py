"""Staff decisions: each one's success, its refusal from a wrong state, concurrency, e-mails."""

from __future__ import annotations

import io
import os
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from raccord.documents.models import DocumentKind, DocumentVersion, ImmutableDocumentError
from raccord.documents.services import document_read
from raccord.dossiers import decisions
from raccord.dossiers.decisions import STALE_MESSAGE, ItemProblem, operator_deadline
from raccord.dossiers.models import Acceptance, Dossier, State
from raccord.dossiers.services import DossierError
from raccord.tracking.messaging import message_post
from raccord.tracking.models import Action, Event, Message
from tests.backoffice.conftest import move

pytestmark = pytest.mark.django_db


def decide(client, dossier, name, **fields):  # type: ignore[no-untyped-def]
    data = {f"{name}-version": dossier.version}
    data.update({f"{name}-{k}": v for k, v in fields.items()})
    return client.post(reverse("backoffice:decide", args=[dossier.number, name]), data)


def page(client, dossier) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()


def subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


@pytest.fixture
def logged(client, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    return client


# --- One by one ---------------------------------------------------------------------------------


def test_take_in_charge_assigns_sets_the_deadline_and_mails(
    logged, dossier, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(logged, dossier, "take_in_charge")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_CHARGE and dossier.taken_at is not None
    assert dossier.assigned_to == instructor
    assert dossier.due_on == timezone.localdate(dossier.submitted_at) + timedelta(days=15)
    assert any("prise en charge" in s for s in subjects())
    assert Event.objects.filter(dossier=dossier, kind="transition:take_in_charge").exists()


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("declare_complete", {}),
        ("accept", {}),
        ("commission", {"on": "2026-01-01"}),
        ("refuse", {"reason": "Hors périmètre"}),
    ],
)
def test_a_decision_from_a_wrong_state_is_refused_with_a_message(logged, dossier, name, fields):
    """SUBMITTED: only « take in charge » and « withdraw » are allowed."""
    before = dossier.version
    response = decide(logged, dossier, name, **fields)
    assert response.status_code == 302
    assert "est impossible : le dossier est à l&#x27;état « Transmise »" in page(logged, dossier)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.version == before
    assert not mail.outbox


def test_declare_complete(logged, dossier, django_capture_on_commit_callbacks):
    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(logged, dossier, "declare_complete").status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.COMPLETE and dossier.completed_at
    assert any("complète" in s for s in subjects())


def test_request_items_creates_an_action_a_message_and_pauses_the_clock(
    logged, dossier, django_capture_on_commit_callbacks
):
    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    due = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            logged,
            dossier,
            "request_items",
            problem=ItemProblem.MISSING,
            item="Certificat de conformité de l'onduleur",
            detail="Joignez le certificat NF EN 50549-10 à un message.",
            due_date=due.isoformat(),
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.WAITING_REQUESTER
    assert dossier.paused_since == timezone.localdate() and dossier.due_on is None
    action = Action.objects.get(dossier=dossier)
    assert action.due_date == due and action.state == Action.State.OPEN
    assert "manquante" in action.label
    message = Message.objects.get(dossier=dossier, direction=Message.Direction.TO_REQUESTER)
    assert "Certificat" in message.subject and due.strftime("%d/%m/%Y") in message.body
    assert any("compléments" in s for s in subjects())


def test_request_items_errors_are_shown_at_the_fields(logged, dossier):
    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    response = decide(logged, dossier, "request_items", problem="", item="", detail="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choisissez la nature du problème." in html
    assert "Indiquez la pièce ou l&#x27;information concernée." in html
    assert 'aria-invalid="true"' in html
    dossier.refresh_from_db()
    assert dossier.state == State.IN_CHARGE


def test_the_default_due_date_comes_from_the_action_response_clock(logged, dossier, instructor):
    from raccord.core.parameters import parameters_current
    from raccord.rules.clocks import ClockRule, deadline_compute

    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    expected = deadline_compute(
        parameters_current(), rule=ClockRule.ACTION_RESPONSE, start=timezone.localdate()
    ).due
    assert expected.isoformat() in page(logged, dossier)
    result = decisions.dossier_request_items(
        dossier=dossier,
        user=instructor,
        version=dossier.version,
        problem=ItemProblem.EXPIRED,
        item="Attestation",
        detail="Fournissez une attestation à jour.",
    )
    assert result.action.due_date == expected and "périmée" in result.action.label


def test_refuse_needs_a_reason(logged, dossier, django_capture_on_commit_callbacks):
    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    response = decide(logged, dossier, "refuse", reason="  ")
    assert response.status_code == 400 and "Indiquez le motif." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        decide(logged, dossier, "refuse", reason="L'installation injecte sur le réseau.")
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED and dossier.closed_at
    assert dossier.close_reason == "L'installation injecte sur le réseau."
    assert "injecte" in mail.outbox[-1].body


def test_withdraw_at_the_requesters_demand(logged, dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(logged, dossier, "withdraw", reason="Le producteur renonce (courriel du 02/03).")
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN and "renonce" in dossier.close_reason
    assert any("close à votre demande" in s for s in subjects())


def test_accept_then_commission(
    logged, client, dossier, requester, django_capture_on_commit_callbacks
):
    decide(logged, dossier, "take_in_charge")
    dossier.refresh_from_db()
    decide(logged, dossier, "declare_complete")
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(logged, dossier, "accept").status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.ACCEPTED and dossier.accepted_at
    accepted = mail.outbox[-1]
    assert "acceptée" in accepted.subject and "Documents" in accepted.body

    # The stored PDF: both « Accepté le », a new immutable version.
    version = DocumentVersion.objects.get(dossier=dossier, kind=DocumentKind.CACSI_ACCEPTED)
    assert version.title == "CACSI Acceptée Enedis" and version.visible_to_requester
    assert version.filename == f"CACSI Acceptee Enedis-{dossier.number}.pdf"
    pdf = document_read(version=version)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    producer = Acceptance.objects.get(dossier=dossier, party=Acceptance.Party.PRODUCER)
    assert text.count("Accepté le") == 2
    assert f"Accepté le {timezone.localdate(producer.accepted_at):%d/%m/%Y}" in text
    assert f"Accepté le {timezone.localdate():%d/%m/%Y}" in text
    operator_acceptance = Acceptance.objects.get(dossier=dossier, party="operator")
    assert operator_acceptance.document == version and operator_acceptance.ip_address
    with pytest.raises(ImmutableDocumentError):
        version.save()
    # The producer's own version is still there, unchanged.
    assert DocumentVersion.objects.filter(dossier=dossier).count() == 2

    # The requester sees it in the Documents tab and downloads it.
    client.force_login(requester)
    html = client.get(reverse("portal:documents", args=[dossier.number])).content.decode()
    assert "CACSI Acceptée Enedis" in html
    download = client.get(reverse("portal:document", args=[dossier.number, version.pk]))
    assert b"".join(download.streaming_content) == pdf

    # Accepting twice is refused; commissioning closes the dossier.
    client.force_login(operator_acceptance.user)
    dossier.refresh_from_db()
    decide(client, dossier, "accept")
    assert "déjà été acceptée" in page(client, dossier)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = decide(client, dossier, "commission", on=future)
    assert "ne peut pas être future" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, dossier, "commission", on=timezone.localdate().isoformat())
    dossier.refresh_from_db()
    assert dossier.state == State.COMMISSIONED and dossier.commissioned_at
    assert any("mise en service" in s for s in subjects())


# --- The requester's answer ---------------------------------------------------------------------


def test_the_requester_answer_resumes_the_dossier_and_records_the_pause(
    dossier, instructor, requester
):
    move(dossier, State.SUBMITTED, submitted_at=timezone.now() - timedelta(days=5))
    decisions.dossier_take_in_charge(dossier=dossier, user=instructor, version=dossier.version)
    dossier.refresh_from_db()
    before = operator_deadline(dossier)
    assert before == timezone.localdate() + timedelta(days=10)
    decisions.dossier_request_items(
        dossier=dossier,
        user=instructor,
        version=dossier.version,
        problem=ItemProblem.INCORRECT,
        item="PDL",
        detail="Le PDL ne correspond pas au compteur.",
    )
    dossier.refresh_from_db()
    # Three days later, the requester answers.
    start = dossier.paused_since
    Dossier.objects.filter(pk=dossier.pk).update(paused_since=start - timedelta(days=2))
    dossier.refresh_from_db()
    with pytest.raises(DossierError):
        decisions.dossier_answer(dossier=dossier, user=instructor, message="Voici")
    posted = message_post(
        dossier=dossier,
        author=requester,
        direction=Message.Direction.TO_OPERATOR,
        subject="PDL",
        body="Le bon PDL est 12345678901235.",
    )
    decisions.dossier_answer(dossier=dossier, user=requester, message=posted)
    dossier.refresh_from_db()
    assert dossier.state == State.IN_CHARGE
    assert dossier.paused_since is None and dossier.paused_days == 3
    assert dossier.pauses == [[(start - timedelta(days=2)).isoformat(), start.isoformat()]]
    assert Action.objects.get(dossier=dossier).state == Action.State.DONE
    assert dossier.due_on == before + timedelta(days=3)
    event = Event.objects.get(dossier=dossier, kind="requester_answered")
    assert event.payload["message"] == posted.pk
    assert Event.objects.filter(dossier=dossier, kind="transition:answer").exists()
    # Not waiting any more: a second answer is refused.
    with pytest.raises(DossierError, match="impossible"):
        decisions.dossier_answer(dossier=dossier, user=requester, message="Encore")


def test_an_answer_given_as_text_is_posted_as_a_message(dossier, instructor, requester):
    decisions.dossier_take_in_charge(dossier=dossier, user=instructor, version=dossier.version)
    dossier.refresh_from_db()
    decisions.dossier_request_items(
        dossier=dossier,
        user=instructor,
        version=dossier.version,
        problem=ItemProblem.MISSING,
        item="Certificat",
        detail="Envoyez-le.",
    )
    dossier.refresh_from_db()
    decisions.dossier_answer(dossier=dossier, user=requester, message="Le voici en pièce.")
    assert Message.objects.filter(
        dossier=dossier, direction=Message.Direction.TO_OPERATOR, body="Le voici en pièce."
    ).exists()


# --- Concurrency --------------------------------------------------------------------------------


def test_two_staff_at_the_same_moment_one_wins_the_other_is_told(
    client, dossier, instructor, colleague
):
    from django.test import Client

    other = Client()
    client.force_login(instructor)
    other.force_login(colleague)
    rendered = dossier.version  # both pages were rendered with this version
    first = client.post(
        reverse("backoffice:decide", args=[dossier.number, "take_in_charge"]),
        {"take_in_charge-version": rendered},
    )
    second = other.post(
        reverse("backoffice:decide", args=[dossier.number, "withdraw"]),
        {"withdraw-version": rendered, "withdraw-reason": "Abandon"},
        follow=True,
    )
    assert first.status_code == 302
    assert "Ce dossier a été modifié entre-temps" in second.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.IN_CHARGE and dossier.version == rendered + 1


def test_a_stale_version_changes_nothing_in_the_service(dossier, instructor):
    with pytest.raises(DossierError) as error:
        decisions.dossier_take_in_charge(
            dossier=dossier, user=instructor, version=dossier.version - 1
        )
    assert error.value.message == STALE_MESSAGE
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="row locks across threads need PostgreSQL (set DATABASE_URL)",
)
def test_threads_on_postgresql_exactly_one_decision_applies(requester, desk, operator):
    from tests.backoffice.conftest import staff, submitted_dossier

    dossier = submitted_dossier(requester=requester, desk=desk, operator=operator)
    people = [staff(desk=desk, operator=operator) for _ in range(4)]
    version = dossier.version
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def run(user) -> None:  # type: ignore[no-untyped-def]
        close_old_connections()
        barrier.wait()
        try:
            decisions.dossier_take_in_charge(dossier=dossier, user=user, version=version)
            outcomes.append("ok")
        except DossierError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert outcomes.count(STALE_MESSAGE) == len(people) - 1
    dossier.refresh_from_db()
    assert dossier.version == version + 1
