"""Every operation on a dossier answers 404 for a dossier the caller may not see, exactly as for
a dossier that does not exist (no existence leak), and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from raccord.accounts.models import User
from raccord.api.views import api
from raccord.documents.models import DocumentKind
from raccord.documents.services import document_store
from raccord.dossiers.models import Attachment, Dossier, State
from raccord.dossiers.services import attachment_add
from raccord.tracking.messaging import message_post
from raccord.tracking.models import Event, Message
from tests.api.conftest import PDF
from tests.factories import DossierFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# (method, path under /api/v1, body maker)
OPERATIONS = [
    ("get", "/dossiers/{number}", None),
    ("get", "/dossiers/{number}/sections", None),
    ("get", "/dossiers/{number}/sections/{section}", None),
    ("put", "/dossiers/{number}/sections/{section}", "section"),
    ("get", "/dossiers/{number}/attachments", None),
    ("post", "/dossiers/{number}/attachments", "attachment"),
    ("get", "/dossiers/{number}/attachments/{attachment_id}", None),
    ("get", "/dossiers/{number}/documents", None),
    ("get", "/dossiers/{number}/documents/{document_id}", None),
    ("get", "/dossiers/{number}/messages", None),
    ("post", "/dossiers/{number}/messages", "message"),
    ("get", "/dossiers/{number}/messages/attachments/{attachment_id}", None),
]


def test_every_operation_on_a_dossier_is_in_this_list():
    paths = api.get_openapi_schema()["paths"]
    declared = {
        (method, path.removeprefix("/api/v1"))
        for path, item in paths.items()
        for method in item
        if "{number}" in path
    }
    assert declared == {(m, p) for m, p, _b in OPERATIONS}


@pytest.fixture
def theirs(enedis):  # type: ignore[no-untyped-def]
    """Another person's transmitted dossier with an attachment, a document and a message file."""
    owner = UserFactory(email="autre@example.test")
    dossier = DossierFactory(created_by=owner, state=State.WAITING_REQUESTER)
    attachment = attachment_add(
        dossier=dossier, user=owner, kind="other", name="plan.pdf", content=PDF
    )
    document = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="CACSI",
        filename="CACSI.pdf",
        pdf=PDF,
        created_by=None,
    )
    message = message_post(
        dossier=dossier,
        author=owner,
        direction=Message.Direction.TO_OPERATOR,
        subject="Objet",
        body="Texte",
        files=[("note.pdf", PDF)],
    )
    return {
        "dossier": dossier,
        "ids": {
            "section": "demandeur",
            "attachment_id": attachment.pk,
            "document_id": document.pk,
            "message_attachment_id": message.attachments.get().pk,
        },
    }


def call(client: Client, method: str, path: str, body: str | None, ids: dict, number: str):  # type: ignore[no-untyped-def]
    url = "/api/v1" + path.format(
        number=number,
        section=ids["section"],
        document_id=ids["document_id"],
        attachment_id=(
            ids["message_attachment_id"] if "/messages/" in path else ids["attachment_id"]
        ),
    )
    if body == "section":
        return client.put(
            url, {"values": {"phone": "07 00 00 00 00"}}, content_type="application/json"
        )
    if body == "attachment":
        return client.post(url, {"kind": "other", "file": SimpleUploadedFile("x.pdf", PDF)})
    if body == "message":
        return client.post(url, {"subject": "Intrus", "body": "Bonjour"})
    return getattr(client, method)(url)


def _snapshot() -> tuple:
    return (
        list(Dossier.objects.values_list("pk", "version", "data")),
        Attachment.objects.count(),
        Message.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_given_another_persons_dossier_then_404_like_a_missing_one(me, theirs, method, path, body):
    before = _snapshot()
    response = call(me.api, method, path, body, theirs["ids"], theirs["dossier"].number)
    assert response.status_code == 404
    missing = call(me.api, method, path, body, theirs["ids"], "2611XXX999999")
    assert missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Dossier introuvable."}
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_given_an_installer_of_another_company_then_404(enedis, theirs, method, path, body):
    from raccord.api.services import token_create
    from tests.api.conftest import bearer_client

    org = OrganisationFactory()
    Dossier.objects.filter(pk=theirs["dossier"].pk).update(organisation=org)
    stranger = UserFactory(role=User.Role.INSTALLER, organisation=OrganisationFactory())
    client = bearer_client(token_create(user=stranger, name="x", expires_on=None).raw)
    response = call(client, method, path, body, theirs["ids"], theirs["dossier"].number)
    assert response.status_code == 404

    colleague = UserFactory(role=User.Role.INSTALLER, organisation=org)
    client = bearer_client(token_create(user=colleague, name="x", expires_on=None).raw)
    response = call(client, method, path, body, theirs["ids"], theirs["dossier"].number)
    assert response.status_code in (200, 201), response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/{number}/attachments/{attachment_id}",
        "/dossiers/{number}/documents/{document_id}",
        "/dossiers/{number}/messages/attachments/{attachment_id}",
    ],
)
def test_given_a_file_of_another_dossier_under_my_number_then_404(me, dossier, theirs, path):
    response = call(me.api, "get", path, None, theirs["ids"], dossier.number)
    assert response.status_code == 404
    assert response.json()["detail"] in ("Pièce jointe introuvable.", "Document introuvable.")


def test_given_another_persons_dossier_then_it_is_not_listed(me, theirs):
    assert me.api.get("/api/v1/dossiers").json()["count"] == 0
