"""The desk's inbox: filters, counts per state, deadlines, assignment, constant query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raccord.dossiers.models import Dossier, Kind, State
from raccord.places.models import Commune
from raccord.tracking.messaging import message_post
from raccord.tracking.models import Message
from tests.backoffice.conftest import move, submitted_dossier
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def bulk(desk, operator, requester, n: int, **fields):  # type: ignore[no-untyped-def]
    """``n`` transmitted dossiers, created directly (no PDF), with one unread message each."""
    made = []
    now = timezone.now()
    for i in range(n):
        d = DossierFactory(
            created_by=requester,
            desk=desk,
            operator=operator,
            state=fields.get("state", State.SUBMITTED),
            submitted_at=now - timedelta(days=i),
            requester_name=f"Demandeur {i}",
        )
        message_post(
            dossier=d,
            author=requester,
            direction=Message.Direction.TO_OPERATOR,
            subject="Question",
            body="Où en est ma demande ?",
        )
        made.append(d)
    return made


@pytest.fixture
def logged(client, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    return client


def inbox(client, **params):  # type: ignore[no-untyped-def]
    response = client.get(reverse("backoffice:inbox"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_query_count_is_constant(logged, desk, operator, requester, instructor):
    bulk(desk, operator, requester, 3)
    inbox(logged)  # warm the per-process caches (regulatory parameters)
    with CaptureQueriesContext(connection) as few:
        inbox(logged)
    bulk(desk, operator, requester, 30)
    Dossier.objects.filter(desk=desk).update(assigned_to=instructor)
    with CaptureQueriesContext(connection) as many:
        html = inbox(logged)
    assert "33 dossiers" in html
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as filtered:
        inbox(logged, non_lus="1", en_retard="1", mes_dossiers="1", lieu="56", tri="recentes")
    assert len(filtered) == len(few)


def test_counts_per_state_and_state_filter(logged, desk, operator, requester):
    bulk(desk, operator, requester, 2)
    bulk(desk, operator, requester, 1, state=State.IN_CHARGE)
    html = inbox(logged)
    assert 'Transmise <span class="badge">2</span>' in html
    assert 'Prise en charge <span class="badge">1</span>' in html
    html = inbox(logged, etat=State.IN_CHARGE)
    assert "1 dossier." in html


def test_overdue_flag_and_sort_by_deadline(logged, desk, operator, requester):
    old, recent = bulk(desk, operator, requester, 2)
    move(old, State.SUBMITTED, submitted_at=timezone.now() - timedelta(days=20))
    html = inbox(logged)
    assert html.index(old.number_display) < html.index(recent.number_display)
    assert "En retard" in html
    overdue = inbox(logged, en_retard="1")
    assert old.number_display in overdue and recent.number_display not in overdue
    expected = timezone.localdate(old.submitted_at) + timedelta(days=15)
    assert expected.strftime("%d/%m/%Y") in overdue


def test_filters_place_kind_unread_and_mine(logged, desk, operator, requester, instructor):
    a, b = bulk(desk, operator, requester, 2)
    paris = Commune.objects.filter(postal_code="75001").first()
    Dossier.objects.filter(pk=b.pk).update(commune=paris, kind=Kind.BT_36_250)
    Message.objects.filter(dossier=a).update(read_at=timezone.now())
    assert b.number_display not in inbox(logged, lieu="56")
    assert a.number_display not in inbox(logged, lieu="75")
    assert a.number_display not in inbox(logged, type=Kind.BT_36_250)
    unread = inbox(logged, non_lus="1")
    assert b.number_display in unread and a.number_display not in unread
    assert "Aucun dossier ne correspond." in inbox(logged, mes_dossiers="1")
    logged.post(reverse("backoffice:assign", args=[a.number]), {"me": "1", "from": "inbox"})
    mine = inbox(logged, mes_dossiers="1")
    assert a.number_display in mine and b.number_display not in mine


def test_pagination(logged, desk, operator, requester):
    bulk(desk, operator, requester, 52)
    html = inbox(logged)
    assert "page 1 sur 2" in html and "Page suivante" in html
    assert "page 2 sur 2" in inbox(logged, page="2")


def test_assign_to_a_colleague_of_the_desk_only(logged, dossier, instructor, colleague, outsider):
    url = reverse("backoffice:assign", args=[dossier.number])
    logged.post(url, {"assign-assignee": colleague.pk})
    dossier.refresh_from_db()
    assert dossier.assigned_to == colleague
    response = logged.post(url, {"assign-assignee": outsider.pk})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.assigned_to == colleague
    logged.post(url, {"me": "1"})
    dossier.refresh_from_db()
    assert dossier.assigned_to == instructor


def test_opening_the_dossier_marks_the_requesters_messages_read_and_is_audited(
    logged, dossier, requester, instructor
):
    from raccord.tracking.models import Event

    message_post(
        dossier=dossier,
        author=requester,
        direction=Message.Direction.TO_OPERATOR,
        subject="Question",
        body="Bonjour",
    )
    html = inbox(logged, non_lus="1")
    assert dossier.number_display in html
    page = logged.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    assert "Bonjour" in page and "Nouveau" in page
    assert Message.objects.get(dossier=dossier).read_at is not None
    assert Event.objects.filter(dossier=dossier, kind="staff_viewed", actor=instructor).exists()
    assert dossier.number_display not in inbox(logged, non_lus="1")


def test_staff_write_to_the_requester(
    logged, client, dossier, requester, django_capture_on_commit_callbacks
):
    from django.core import mail

    url = reverse("backoffice:message", args=[dossier.number])
    response = logged.post(url, {"msg-subject": "", "msg-body": ""})
    assert response.status_code == 400 and "Indiquez l&#x27;objet du message." in (
        response.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(url, {"msg-subject": "Compteur", "msg-body": "Quel est votre compteur ?"})
    message = Message.objects.get(dossier=dossier)
    assert message.direction == Message.Direction.TO_REQUESTER
    assert any("Nouveau message" in m.subject for m in mail.outbox)
    client.force_login(requester)
    html = client.get(reverse("portal:messages", args=[dossier.number])).content.decode()
    assert "Quel est votre compteur ?" in html


def test_full_section_overview_and_documents_are_shown(logged, dossier):
    html = logged.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    assert "12345678901234" in html  # PDL, from the shared section display
    assert "CACSI acceptée par le producteur" in html
    assert "Prendre en charge" in html
    document = dossier.documents.get()
    response = logged.get(reverse("backoffice:document", args=[dossier.number, document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_attachment_download_through_the_staff_view(logged, requester, desk, operator):
    from raccord.dossiers.services import attachment_add

    draft = DossierFactory(created_by=requester, desk=desk, operator=operator, complete=True)
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = attachment_add(
        dossier=draft, user=requester, kind="other", name="plan.pdf", content=pdf
    )
    move(draft, State.SUBMITTED, submitted_at=timezone.now())
    response = logged.get(reverse("backoffice:attachment", args=[draft.number, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf


def test_a_real_submission_appears_with_its_deadline(logged, requester, desk, operator):
    d = submitted_dossier(requester=requester, desk=desk, operator=operator)
    due = timezone.localdate(d.submitted_at) + timedelta(days=15)
    assert due.strftime("%d/%m/%Y") in inbox(logged)
