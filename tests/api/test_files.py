"""Attachments, documents and messages of a dossier through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from raccord.documents.models import DocumentKind
from raccord.documents.services import document_store
from raccord.dossiers.models import Attachment, State
from raccord.dossiers.services import LOCKED_MESSAGE, MAX_ATTACHMENT_BYTES
from raccord.tracking.models import Event, Message, MessageAttachment
from tests.api.conftest import PDF, PNG
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def base(dossier) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/dossiers/{dossier.number}"


def upload(client, dossier, *, kind="decoupling_certificate", content=PDF, name="cert.pdf"):  # type: ignore[no-untyped-def]
    data = {"kind": kind}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(f"{base(dossier)}/attachments", data)


# --- Attachments ----------------------------------------------------------------------------


def test_given_a_pdf_when_uploading_then_stored_listed_and_downloadable(me, dossier):
    dossier.data["technique"]["decoupling"] = "integree"
    dossier.save()
    assert me.api.get(f"{base(dossier)}/attachments").json()["missing"] == [
        "Certificat de conformité de la protection de découplage (onduleur)"
    ]
    response = upload(me.api, dossier)
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "decoupling_certificate" and body["content_type"] == "application/pdf"
    assert body["name"] == "cert.pdf" and body["size"] == len(PDF)
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.uploaded_by == me.user
    assert Event.objects.filter(dossier=dossier, kind="attachment_added", actor=me.user).exists()

    listing = me.api.get(f"{base(dossier)}/attachments").json()
    assert [a["id"] for a in listing["items"]] == [attachment.pk]
    assert listing["missing"] == [] and listing["editable"] is True
    assert {"value": "mandate", "label": "Mandat du tiers habilité"} in listing["kinds"]

    download = me.api.get(body["download_url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="cert.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"content": b"MZ\x90\x00 not a document", "name": "virus.pdf"},
            "file",
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG : seuls ces formats sont "
            "acceptés.",
        ),
        (
            {"content": PDF + b"0" * MAX_ATTACHMENT_BYTES},
            "file",
            "Ce fichier fait 5,0 Mo : la limite est de 5 Mo.",
        ),
        ({"content": b""}, "file", "Le fichier soumis est vide."),
        ({"kind": "signed_offer"}, "kind", "Sélectionnez un choix valide"),
        ({"content": None}, "file", "Ce champ est obligatoire."),
    ],
)
def test_given_a_bad_file_when_uploading_then_422_with_the_portals_message(
    me, dossier, kwargs, field, message
):
    response = upload(me.api, dossier, **kwargs)
    assert response.status_code == 422
    assert any(message in m for m in response.json()["errors"][field]), response.json()
    assert not Attachment.objects.exists()


def test_given_a_png_is_accepted_by_content_whatever_its_name(me, dossier):
    response = upload(me.api, dossier, content=PNG, name="photo.pdf", kind="other")
    assert response.status_code == 201 and response.json()["content_type"] == "image/png"


def test_given_a_transmitted_request_then_attachments_are_locked(me, enedis):
    dossier = DossierFactory(created_by=me.user, state=State.SUBMITTED)
    assert me.api.get(f"{base(dossier)}/attachments").json()["lock_reason"] == LOCKED_MESSAGE
    response = upload(me.api, dossier)
    assert response.status_code == 409 and response.json() == {"detail": LOCKED_MESSAGE}
    # When the operator asks for items, the requester may add some again (as in the portal).
    dossier.state = State.WAITING_REQUESTER
    dossier.save()
    assert upload(me.api, dossier).status_code == 201


def test_given_a_removed_attachment_then_it_is_neither_listed_nor_served(me, dossier):
    from django.utils import timezone

    attachment_id = upload(me.api, dossier).json()["id"]
    Attachment.objects.filter(pk=attachment_id).update(removed_at=timezone.now())
    assert me.api.get(f"{base(dossier)}/attachments").json()["items"] == []
    assert me.api.get(f"{base(dossier)}/attachments/{attachment_id}").status_code == 404


# --- Documents ------------------------------------------------------------------------------


def test_given_documents_when_listing_then_only_those_for_the_requester(me, dossier):
    shown = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="CACSI acceptée",
        filename="CACSI.pdf",
        pdf=PDF,
        created_by=None,
        comment="Votre convention",
    )
    hidden = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_PRODUCER_ACCEPTED,
        title="Interne",
        filename="interne.pdf",
        pdf=PDF,
        created_by=None,
        visible_to_requester=False,
    )
    items = me.api.get(f"{base(dossier)}/documents").json()["items"]
    assert [d["id"] for d in items] == [shown.pk]
    assert items[0]["title"] == "CACSI acceptée" and items[0]["comment"] == "Votre convention"
    assert items[0]["kind_label"] == "CACSI acceptée par le gestionnaire de réseau"
    download = me.api.get(f"{base(dossier)}/documents/{shown.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert me.api.get(f"{base(dossier)}/documents/{hidden.pk}").status_code == 404


def test_given_a_document_changed_on_disk_then_503_in_french(me, dossier):
    version = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="CACSI",
        filename="CACSI.pdf",
        pdf=PDF,
        created_by=None,
    )
    with open(version.file.path, "ab") as f:
        f.write(b"tampered")
    response = me.api.get(f"{base(dossier)}/documents/{version.pk}")
    assert response.status_code == 503
    assert "momentanément indisponible" in response.json()["detail"]


# --- Messages -------------------------------------------------------------------------------


def test_given_a_draft_when_writing_then_409_and_the_list_says_why(me, dossier):
    listing = me.api.get(f"{base(dossier)}/messages").json()
    assert listing == {
        "items": [],
        "can_write": False,
        "blocked_reason": "Vous pourrez écrire au gestionnaire de réseau une fois votre demande "
        "transmise.",
    }
    response = me.api.post(f"{base(dossier)}/messages", {"subject": "Bonjour", "body": "Texte"})
    assert response.status_code == 409
    assert response.json()["detail"] == listing["blocked_reason"]
    assert not Message.objects.exists()


def test_given_a_transmitted_request_when_writing_then_sent_with_files(me, enedis):
    dossier = DossierFactory(created_by=me.user, state=State.SUBMITTED)
    response = me.api.post(
        f"{base(dossier)}/messages",
        {
            "subject": "Onduleur",
            "body": "Voici le certificat.",
            "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["direction"] == "to_operator" and body["author"] == me.user.display_name
    assert [f["name"] for f in body["files"]] == ["a.pdf", "b.png"]
    message = Message.objects.get(pk=body["id"])
    assert message.author == me.user and message.attachments.count() == 2
    assert Event.objects.filter(dossier=dossier, kind="message_sent", actor=me.user).exists()
    file_url = body["files"][0]["download_url"].removeprefix("http://testserver")
    download = me.api.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # Without files, a url-encoded form is enough.
    plain = me.api.post(
        f"{base(dossier)}/messages",
        "subject=Question&body=Quand+passera+le+technicien+%3F",
        content_type="application/x-www-form-urlencoded",
    )
    assert plain.status_code == 201 and plain.json()["body"] == "Quand passera le technicien ?"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"subject": " ", "body": "Texte"}, "subject", "Indiquez l'objet de votre message."),
        ({"subject": "Objet", "body": ""}, "body", "Écrivez votre message."),
        ({"subject": "x" * 121, "body": "T"}, "subject", "L'objet compte 121 caractères"),
        (
            {"subject": "Objet", "body": "T", "files": [SimpleUploadedFile("x.exe", b"MZ..")]},
            "files",
            "n'est ni un PDF, ni une image JPEG ou PNG",
        ),
        ({"body": "Texte"}, "subject", "Ce champ est obligatoire."),
    ],
)
def test_given_a_bad_message_then_422_per_field(me, enedis, data, field, message):
    dossier = DossierFactory(created_by=me.user, state=State.SUBMITTED)
    response = me.api.post(f"{base(dossier)}/messages", data)
    assert response.status_code == 422
    assert any(message in m for m in response.json()["errors"][field]), response.json()
    assert not Message.objects.exists()


def test_given_received_messages_when_listing_then_they_are_marked_read(me, enedis):
    dossier = DossierFactory(created_by=me.user, state=State.IN_CHARGE)
    staff_message = Message.objects.create(
        dossier=dossier,
        direction=Message.Direction.TO_REQUESTER,
        author=me.user,
        subject="Complément",
        body="Merci de préciser.",
    )
    MessageAttachment.objects.create(
        message=staff_message,
        original_name="note.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
        file="messages/note.pdf",
    )
    peek = me.api.get(f"{base(dossier)}/messages", {"mark_read": "false"}).json()
    (item,) = peek["items"]
    assert item["author"] == "Enedis" and item["read_at"] is None and peek["can_write"] is True
    assert item["direction_label"] == "Envoyé au demandeur"
    assert item["files"][0]["name"] == "note.pdf"
    staff_message.refresh_from_db()
    assert staff_message.read_at is None
    me.api.get(f"{base(dossier)}/messages")
    staff_message.refresh_from_db()
    assert staff_message.read_at is not None
    closed = DossierFactory(created_by=me.user, state=State.REFUSED)
    assert (
        me.api.get(f"{base(closed)}/messages")
        .json()["blocked_reason"]
        .startswith("Ce dossier est clos")
    )
