"""Staff-only notes and tags (never shown to the requester) and the expert-opinion round trip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raccord.backoffice.models import ExpertRequest, StaffNote, StaffTag
from raccord.tracking.models import Event

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Voisin déjà raccordé : vérifier la charge du poste"
SECRET_TAG = "poste-saturé"


def requester_pages(client, dossier) -> str:  # type: ignore[no-untyped-def]
    names = ("detail", "tracking", "actions", "messages", "documents", "contact")
    return (
        "".join(
            client.get(reverse(f"portal:{n}", args=[dossier.number])).content.decode()
            for n in names
        )
        + client.get(reverse("portal:list")).content.decode()
    )


def test_notes_and_tags_are_never_shown_to_the_requester(client, dossier, instructor, requester):
    client.force_login(instructor)
    client.post(reverse("backoffice:note_add", args=[dossier.number]), {"note-body": SECRET_NOTE})
    client.post(reverse("backoffice:tag_add", args=[dossier.number]), {"tag-text": SECRET_TAG})
    assert StaffNote.objects.get(dossier=dossier).body == SECRET_NOTE
    assert StaffTag.objects.get(dossier=dossier).text == SECRET_TAG
    html = client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    assert SECRET_NOTE in html and SECRET_TAG in html
    # Audit events carry no staff-only text.
    payloads = str(list(Event.objects.filter(dossier=dossier).values_list("payload", flat=True)))
    assert SECRET_NOTE not in payloads

    client.force_login(requester)
    pages = requester_pages(client, dossier)
    assert SECRET_NOTE not in pages and SECRET_TAG not in pages
    assert "Note interne" not in pages


def test_empty_note_is_refused_at_the_field(client, dossier, instructor):
    client.force_login(instructor)
    response = client.post(reverse("backoffice:note_add", args=[dossier.number]), {"note-body": ""})
    assert response.status_code == 400 and "Écrivez la note." in response.content.decode()


def test_tag_removal(client, dossier, instructor):
    client.force_login(instructor)
    client.post(reverse("backoffice:tag_add", args=[dossier.number]), {"tag-text": "urgent"})
    tag = StaffTag.objects.get()
    client.post(reverse("backoffice:tag_remove", args=[dossier.number, tag.pk]))
    assert not StaffTag.objects.exists()


def test_expert_opinion_round_trip(client, dossier, instructor, outsider, foreign_staff):
    """An instructor asks a colleague of another desk of the same operator; he answers."""
    client.force_login(instructor)
    ask = reverse("backoffice:expert_ask", args=[dossier.number])
    # A person of another operator cannot be chosen.
    response = client.post(ask, {"expert-expert": foreign_staff.pk, "expert-question": "?"})
    assert response.status_code == 400
    client.post(
        ask, {"expert-expert": outsider.pk, "expert-question": "Le poste accepte-t-il 18 kVA ?"}
    )
    request = ExpertRequest.objects.get()
    assert request.pending and request.expert == outsider

    # The colleague sees it in his inbox, opens the dossier (read only) and answers.
    client.force_login(outsider)
    inbox = client.get(reverse("backoffice:inbox")).content.decode()
    assert "Avis demandés par vos collègues (1)" in inbox and "18 kVA" in inbox
    page = client.get(reverse("backoffice:dossier", args=[dossier.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "vous demande votre avis" in html and "Prendre en charge" not in html
    # Reading is all an expert may do: decisions and notes stay 404.
    assert (
        client.post(reverse("backoffice:note_add", args=[dossier.number]), {"note-body": "x"})
    ).status_code == 404
    answer = reverse("backoffice:expert_answer", args=[dossier.number, request.pk])
    assert client.post(answer, {f"answer-{request.pk}-answer": ""}).status_code == 400
    client.post(answer, {f"answer-{request.pk}-answer": "Oui, marge de 40 kVA au poste."})
    request.refresh_from_db()
    assert not request.pending and "40 kVA" in request.answer
    assert "Avis demandés" not in client.get(reverse("backoffice:inbox")).content.decode()

    # Both appear in the history the instructor reads.
    client.force_login(instructor)
    html = client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    history = html[html.index('id="historique"') :]
    assert "Avis demandé" in history and "Le poste accepte-t-il 18 kVA ?" in history
    assert "Avis donné" in history and "Oui, marge de 40 kVA au poste." in history


def test_only_the_asked_colleague_may_answer(client, dossier, instructor, colleague):
    request = ExpertRequest.objects.create(
        dossier=dossier, asked_by=instructor, expert=colleague, question="?"
    )
    client.force_login(instructor)
    url = reverse("backoffice:expert_answer", args=[dossier.number, request.pk])
    assert client.post(url, {f"answer-{request.pk}-answer": "moi"}).status_code == 404
