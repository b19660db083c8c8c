"""Files sent with messages, both ways: content check, size limit at the field, nothing typed
lost on error, download only to people who may see the dossier (404 otherwise)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from raccord.dossiers.services import MAX_ATTACHMENT_BYTES
from raccord.tracking.messaging import MessageError, message_post
from raccord.tracking.models import Event, Message, MessageAttachment
from tests.backoffice.conftest import staff, submitted_dossier
from tests.factories import DeskFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    return OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)


@pytest.fixture
def desk(operator):  # type: ignore[no-untyped-def]
    return DeskFactory(operator=operator, code="P4E", name="AREPROD Bretagne")


@pytest.fixture
def instructor(desk):  # type: ignore[no-untyped-def]
    return staff(desk=desk, operator=desk.operator, first_name="Léa", last_name="Martin")


@pytest.fixture
def outsider(operator):  # type: ignore[no-untyped-def]
    other = DeskFactory(operator=operator, code="P5X", name="AREPROD Normandie")
    return staff(desk=other, operator=operator, last_name="Ailleurs")


@pytest.fixture
def foreign_staff():  # type: ignore[no-untyped-def]
    other = DeskFactory(code="Z9Z", operator=OperatorFactory(name="ELD Sud", short_name="ELD"))
    return staff(desk=other, operator=other.operator, last_name="Autre")


@pytest.fixture
def requester():  # type: ignore[no-untyped-def]
    return UserFactory(email="martin.dupont@example.test")


@pytest.fixture
def dossier(requester, desk, operator):  # type: ignore[no-untyped-def]
    return submitted_dossier(requester=requester, desk=desk, operator=operator)


def portal_url(dossier):  # type: ignore[no-untyped-def]
    return reverse("portal:messages", args=[dossier.number])


def staff_url(dossier):  # type: ignore[no-untyped-def]
    return reverse("backoffice:message", args=[dossier.number])


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The service ---------------------------------------------------------------------------------


def test_message_post_stores_checked_files(dossier, requester):  # type: ignore[no-untyped-def]
    message = message_post(
        dossier=dossier,
        author=requester,
        direction=Message.Direction.TO_OPERATOR,
        subject="Certificat",
        body="Voici le certificat et une photo.",
        files=[("certificat.pdf", PDF), ("photo.png", PNG)],
    )
    files = list(message.attachments.all())
    assert [(f.original_name, f.content_type, f.size) for f in files] == [
        ("certificat.pdf", "application/pdf", len(PDF)),
        ("photo.png", "image/png", len(PNG)),
    ]
    with files[0].file.open("rb") as stored:
        assert stored.read() == PDF
    event = Event.objects.filter(kind="message_sent").last()
    assert event is not None and event.payload["files"] == [f.sha256 for f in files]


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ([("ok.pdf", PDF), ("faux.pdf", b"MZ this is not a PDF")], "n'est ni un PDF"),
        ([("vide.pdf", b"")], "est vide"),
        ([("gros.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)], "la limite est de 5 Mo"),
        ([(f"p{i}.pdf", PDF) for i in range(11)], "10 au plus"),
    ],
)
def test_message_post_refuses_bad_files_and_writes_nothing(dossier, requester, files, error):  # type: ignore[no-untyped-def]
    with pytest.raises(MessageError) as refused:
        message_post(
            dossier=dossier,
            author=requester,
            direction=Message.Direction.TO_OPERATOR,
            subject="Objet",
            body="Texte",
            files=files,
        )
    assert refused.value.field == "files"
    assert error in refused.value.message
    assert not Message.objects.filter(dossier=dossier).exists()
    assert not MessageAttachment.objects.exists()


# --- Requester → operator ------------------------------------------------------------------------


def test_requester_sends_files_and_both_sides_download_them(client, dossier, requester, instructor):  # type: ignore[no-untyped-def]
    client.force_login(requester)
    page = client.get(portal_url(dossier)).content.decode()
    assert f'data-max-bytes-each="{MAX_ATTACHMENT_BYTES}"' in page
    assert "5 Mo au plus par fichier" in page
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        portal_url(dossier),
        {
            "subject": "Certificat",
            "body": "Le voici.",
            "files": [upload("certificat.pdf", PDF), upload("photo.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 302
    files = list(MessageAttachment.objects.filter(message__dossier=dossier))
    assert len(files) == 2
    page = client.get(portal_url(dossier)).content.decode()
    link = reverse("portal:message_attachment", args=[dossier.number, files[0].pk])
    assert f'href="{link}"' in page and "certificat.pdf" in page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    client.force_login(instructor)
    page = client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    staff_link = reverse("backoffice:message_attachment", args=[dossier.number, files[1].pk])
    assert f'href="{staff_link}"' in page
    download = client.get(staff_link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


def test_requester_bad_file_is_refused_at_the_field_and_the_text_is_kept(
    client, dossier, requester
):  # type: ignore[no-untyped-def]
    client.force_login(requester)
    response = client.post(
        portal_url(dossier),
        {
            "subject": "Mon objet tapé",
            "body": "Mon long message tapé.",
            "files": [upload("virus.pdf", b"MZ\x90\x00 not a pdf")],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "n'est ni un PDF" in form.errors["files"][0]
    html = response.content.decode()
    assert 'value="Mon objet tapé"' in html and "Mon long message tapé." in html
    assert not Message.objects.filter(dossier=dossier).exists()


def test_requester_too_big_file_is_refused_at_the_field(client, dossier, requester):  # type: ignore[no-untyped-def]
    client.force_login(requester)
    big = PDF + b"0" * MAX_ATTACHMENT_BYTES
    response = client.post(
        portal_url(dossier),
        {"subject": "Gros", "body": "Trop gros.", "files": [upload("plan.pdf", big)]},
    )
    assert response.status_code == 200
    assert "la limite est de 5 Mo par fichier" in response.context["form"].errors["files"][0]
    assert 'value="Gros"' in response.content.decode()
    assert not Message.objects.filter(dossier=dossier).exists()


def test_an_error_elsewhere_asks_to_choose_the_files_again(client, dossier, requester):  # type: ignore[no-untyped-def]
    client.force_login(requester)
    response = client.post(
        portal_url(dossier), {"subject": "", "body": "Texte", "files": [upload("a.pdf", PDF)]}
    )
    form = response.context["form"]
    assert "subject" in form.errors
    assert "choisissez-les à nouveau" in form.errors["files"][0]
    assert "Texte" in response.content.decode()


# --- Operator → requester ------------------------------------------------------------------------


def test_staff_sends_a_file_the_requester_downloads_it(client, dossier, requester, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    page = client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()
    assert f'data-max-bytes-each="{MAX_ATTACHMENT_BYTES}"' in page
    response = client.post(
        staff_url(dossier),
        {
            "msg-subject": "Schéma annoté",
            "msg-body": "Voyez la photo annotée.",
            "msg-files": [upload("schema.jpg", JPEG, "image/jpeg")],
        },
    )
    assert response.status_code == 302
    attachment = MessageAttachment.objects.get(message__dossier=dossier)
    assert attachment.message.direction == Message.Direction.TO_REQUESTER
    assert attachment.content_type == "image/jpeg"
    assert Event.objects.filter(kind="message_files_added", dossier=dossier).exists()

    client.force_login(requester)
    page = client.get(portal_url(dossier)).content.decode()
    link = reverse("portal:message_attachment", args=[dossier.number, attachment.pk])
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"GIF89a not accepted", "n'est ni un PDF"),
        (PDF + b"0" * MAX_ATTACHMENT_BYTES, "la limite est de 5 Mo par fichier"),
    ],
)
def test_staff_bad_file_is_refused_at_the_field_and_nothing_is_sent(  # type: ignore[no-untyped-def]
    client, dossier, instructor, content, error
):
    from django.core import mail

    mail.outbox.clear()
    client.force_login(instructor)
    response = client.post(
        staff_url(dossier),
        {
            "msg-subject": "Objet tapé",
            "msg-body": "Corps tapé.",
            "msg-files": [upload("x.pdf", content)],
        },
    )
    assert response.status_code == 400
    form = response.context["message_form"]
    assert error in form.errors["files"][0]
    html = response.content.decode()
    assert 'value="Objet tapé"' in html and "Corps tapé." in html
    assert not Message.objects.filter(dossier=dossier).exists()
    assert not MessageAttachment.objects.exists()
    assert not Event.objects.filter(kind="message_sent", dossier=dossier).exists()


# --- Download permission -------------------------------------------------------------------------


@pytest.fixture
def sent(dossier, requester):  # type: ignore[no-untyped-def]
    message = message_post(
        dossier=dossier,
        author=requester,
        direction=Message.Direction.TO_OPERATOR,
        subject="Pièce",
        body="Ci-joint.",
        files=[("piece.pdf", PDF)],
    )
    return message.attachments.get()


def test_strangers_and_other_desks_get_404(client, dossier, sent, outsider, foreign_staff):  # type: ignore[no-untyped-def]
    portal_link = reverse("portal:message_attachment", args=[dossier.number, sent.pk])
    staff_link = reverse("backoffice:message_attachment", args=[dossier.number, sent.pk])
    client.force_login(UserFactory(email="inconnu@example.test"))
    assert client.get(portal_link).status_code == 404
    assert client.get(staff_link).status_code == 404
    for other in (outsider, foreign_staff):
        client.force_login(other)
        assert client.get(staff_link).status_code == 404
    client.logout()
    assert client.get(portal_link).status_code == 302  # to the login page


def test_an_attachment_of_another_dossier_is_not_served(
    client, dossier, sent, requester, desk, operator
):  # type: ignore[no-untyped-def]
    mine = submitted_dossier(requester=requester, desk=desk, operator=operator)
    other_owner = UserFactory(email="autre@example.test")
    theirs = submitted_dossier(requester=other_owner, desk=desk, operator=operator)
    foreign = message_post(
        dossier=theirs,
        author=other_owner,
        direction=Message.Direction.TO_OPERATOR,
        subject="Autre",
        body="Autre.",
        files=[("autre.pdf", PDF)],
    ).attachments.get()
    client.force_login(requester)
    assert (
        client.get(reverse("portal:message_attachment", args=[mine.number, foreign.pk])).status_code
        == 404
    )
