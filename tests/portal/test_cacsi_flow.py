"""The requester's CACSI journey through the portal (seed cacsi-enedis-connect-guide)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from raccord.dossiers.models import Acceptance, Dossier, State
from raccord.operators.models import Desk
from tests.factories import (
    DossierFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
    cacsi_complete_data,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def enedis():
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    desk.departments.add("56")
    return operator


def orientation(client, **overrides):
    data = {
        "commune": "",
        "commune_text": "56000",
        "service_type": "nouveau_raccordement",
        "usage": "production_seule",
        "power": "jusqu_a_36_kva",
    }
    data.update(overrides)
    return client.post(reverse("portal:new"), data)


def test_orientation_leads_to_the_self_consumption_declaration_and_numbers_the_dossier(
    client, enedis
):
    user = UserFactory()
    client.force_login(user)
    response = orientation(client)
    assert "Déclarer une installation d&#x27;autoconsommation" in response.content.decode()
    response = orientation(client, declaration="autoconsommation")
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    now = timezone.localtime()
    assert re.fullmatch(rf"{now:%y%m}P4E\d{{6}}", dossier.number)
    assert dossier.number_display == f"{now:%y} {now:%m} P4E {dossier.number[7:]}"
    assert dossier.state == State.DRAFT and dossier.desk.code == "P4E"
    assert dossier.section("demandeur")["email"] == user.email  # pre-filled from the profile
    assert response["Location"] == reverse("portal:start", args=[dossier.number])


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"usage": "consommation_seule"}, "consommation seule"),
        ({"power": "plus_de_250_kva"}, "250 kVA"),
    ],
)
def test_other_paths_are_told_they_are_not_online_yet(client, enedis, overrides, fragment):
    client.force_login(UserFactory())
    html = orientation(client, **overrides).content.decode()
    assert "pas encore proposée en ligne" in html and fragment in html
    assert not Dossier.objects.exists()


def test_injection_choice_is_refused_with_a_message(client, enedis):
    client.force_login(UserFactory())
    response = orientation(client, declaration="injection")
    assert response.status_code == 200
    assert "pas encore proposé en ligne" in response.content.decode()
    assert not Dossier.objects.exists()


def test_unknown_postal_code_gets_a_message_at_the_commune_field(client, enedis):
    client.force_login(UserFactory())
    response = orientation(client, commune_text="99999")
    assert response.context["form"].errors["commune"] == [
        "Aucune commune ne correspond au code postal 99999."
    ]


def test_numbers_are_unique_and_sequential_per_desk(enedis):
    from raccord.dossiers.services import dossier_create
    from raccord.places.models import Commune

    user = UserFactory()
    vannes = Commune.objects.get(postal_code="56000")
    numbers = [dossier_create(user=user, commune=vannes, orientation={}).number for _ in range(5)]
    assert len(set(numbers)) == 5
    sequence = [int(n[7:]) for n in numbers]
    assert sequence == sorted(sequence) and sequence[-1] - sequence[0] == 4


def autosave(client, dossier, slug, values):
    return client.post(
        reverse("portal:autosave", args=[dossier.number, slug]), values, HTTP_HX_REQUEST="true"
    )


def test_autosave_keeps_invalid_input_and_explains_at_the_field(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    response = autosave(
        client, dossier, "chantier", {"street_name": "Allée Diderot", "pdl": "1234"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enregistré à" in html
    assert 'id="err-pdl"' in html and "exactement 14 chiffres" in html
    assert "Le numéro de PDL" not in html.split('id="err-street_name"')[1].split("</div>")[0]
    dossier.refresh_from_db()
    assert dossier.section("chantier")["pdl"] == "1234"  # kept as typed
    assert dossier.section("chantier")["street_name"] == "Allée Diderot"


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"max_power_kva": "40"}, "max_power_kva", "au plus 36 kVA"),
        (
            {
                "max_power_kva": "18",
                "phases": "triphase",
                "phase1_kva": "6",
                "phase2_kva": "6",
                "phase3_kva": "5",
            },
            "phase3_kva",
            "totalisent 17 kVA au lieu des 18 kVA",
        ),
        (
            {"max_power_kva": "6", "connection_power_kva": "3"},
            "connection_power_kva",
            "au moins égale",
        ),
        (
            {
                "max_power_kva": "6",
                "inverter_kind": "onduleur",
                "inverter_count": "2",
                "inverter_unit_kva": "2",
            },
            "inverter_unit_kva",
            "2 onduleur(s) de 2 kVA font 4 kVA",
        ),
    ],
)
def test_technical_rules_answer_at_the_right_field(client, enedis, values, field, fragment):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    html = autosave(client, dossier, "technique", values).content.decode()
    box = html.split(f'id="err-{field}"')[1].split("</div>")[0]
    assert fragment in box


def test_a_certificate_standard_no_longer_accepted_is_refused_with_the_accepted_one(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    values = {"decoupling": "integree", "certificate_standard": "DIN VDE 0126-1-1"}
    html = autosave(client, dossier, "technique", values).content.decode()
    box = html.split('id="err-certificate_standard"')[1].split("</div>")[0]
    assert "n&#x27;est plus accepté" in box and "NF EN 50549-10" in box


def test_commissioning_date_in_the_past_is_refused(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    html = autosave(client, dossier, "mise-en-service", {"wished_date": past}).content.decode()
    assert "ne peut pas être passée" in html


def test_expired_session_on_autosave_gets_401_not_a_login_page(client, enedis):
    dossier = DossierFactory(operator=enedis)
    response = autosave(client, dossier, "chantier", {"street_name": "X"})
    assert response.status_code == 401
    assert "session a expiré" in response.json()["error"]


def upload(client, dossier, kind, name, content):
    return client.post(
        reverse("portal:attachments", args=[dossier.number]),
        {"kind": kind, "file": _file(name, content)},
    )


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_attachment_type_is_checked_by_content_and_size(client, enedis, settings):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    response = upload(client, dossier, "decoupling_certificate", "certificat.pdf", b"MZ not a pdf")
    assert "ni un PDF, ni une image JPEG ou PNG" in response.context["form"].errors["file"][0]
    big = PDF + b"0" * (5 * 1024 * 1024)
    response = upload(client, dossier, "decoupling_certificate", "gros.pdf", big)
    assert "la limite est de 5 Mo" in response.context["form"].errors["file"][0]
    response = upload(client, dossier, "decoupling_certificate", "certificat.pdf", PDF)
    assert response.status_code == 302
    attachment = dossier.attachments.get()
    download = client.get(reverse("portal:attachment", args=[dossier.number, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


def fill(dossier):
    dossier.data = cacsi_complete_data()
    dossier.save()


def test_full_journey_accept_submit_lock_and_mail(
    client, enedis, django_capture_on_commit_callbacks
):
    user = UserFactory(email="martin.dupont@example.test")
    dossier = DossierFactory(created_by=user, operator=enedis, desk=enedis.desks.get())
    fill(dossier)
    client.force_login(user)
    # Integrated decoupling requires the inverter certificate.
    autosave(
        client,
        dossier,
        "technique",
        {
            **cacsi_complete_data()["technique"],
            "decoupling": "integree",
            "certificate_standard": "NF EN 50549-10",
        },
    )
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "Manquante" in detail and "Certificat de conformité" in detail
    assert client.get(reverse("portal:convention", args=[dossier.number])).context["problems"]
    upload(client, dossier, "decoupling_certificate", "certificat.pdf", PDF)

    preview = client.get(reverse("portal:convention_preview", args=[dossier.number]))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(preview.content)).pages)
    assert dossier.number in text and "APERÇU" in text and "Accepté le" not in text

    response = client.get(reverse("portal:convention", args=[dossier.number]), {"next": "1"})
    assert not response.context["problems"], response.context["problems"]
    assert "Cochez" in response.content.decode()
    response = client.get(
        reverse("portal:convention", args=[dossier.number]), {"next": "1", "bon_pour_accord": "on"}
    )
    assert response.status_code == 302
    confirm = client.get(response["Location"])
    html = confirm.content.decode()
    for expected in ("12345678901234", "Martin DUPONT", "18 kVA", "OUI", "Intégrée aux onduleurs"):
        assert expected in html
    response = client.post(
        reverse("portal:confirm", args=[dossier.number]),
        {"bon_pour_accord": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    acceptance = Acceptance.objects.get(dossier=dossier)
    assert acceptance.user == user and acceptance.ip_address == "203.0.113.7"
    stored = acceptance.document
    today = timezone.localdate().strftime("%d/%m/%Y")
    accepted_text = "".join(
        p.extract_text() for p in PdfReader(BytesIO(stored.file.open("rb").read())).pages
    )
    assert f"Accepté le {today}" in accepted_text and accepted_text.count("Accepté le") == 1
    # Accepted: the form is locked even before submission.
    assert autosave(client, dossier, "chantier", {"street_name": "Autre"}).status_code == 409

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit", args=[dossier.number]))
    assert "Votre demande a bien été envoyée." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.submitted_at is not None
    assert len(mail.outbox) == 1 and dossier.number_display in mail.outbox[0].subject

    # After submission: site, technical details and attachments are locked on the server.
    locked = autosave(client, dossier, "technique", {"max_power_kva": "3"})
    assert locked.status_code == 409 and "AREPROD" not in locked.content.decode()
    assert "plus modifiable" in locked.content.decode()
    response = upload(client, dossier, "other", "autre.pdf", PDF)
    assert dossier.attachments.count() == 1
    # …while the contact data stay editable.
    ok = autosave(
        client,
        dossier,
        "demandeur",
        {**cacsi_complete_data()["demandeur"], "phone": "07 00 00 00 00"},
    )
    assert ok.status_code == 200


def test_accepting_twice_or_incomplete_is_refused(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    response = client.post(
        reverse("portal:confirm", args=[dossier.number]), {"bon_pour_accord": "on"}
    )
    assert response.status_code == 302
    assert not Acceptance.objects.exists()


def test_an_installer_sees_its_organisation_dossiers_and_nobody_else_does(client, enedis):
    org = OrganisationFactory()
    colleague = UserFactory(role="installer", organisation=org)
    installer = UserFactory(role="installer", organisation=org)
    dossier = DossierFactory(created_by=colleague, organisation=org, operator=enedis, complete=True)
    stranger = UserFactory()
    other_installer = UserFactory(role="installer", organisation=OrganisationFactory())
    urls = [
        reverse("portal:detail", args=[dossier.number]),
        reverse("portal:start", args=[dossier.number]),
        reverse("portal:section", args=[dossier.number, "chantier"]),
        reverse("portal:attachments", args=[dossier.number]),
        reverse("portal:convention", args=[dossier.number]),
        reverse("portal:convention_preview", args=[dossier.number]),
        reverse("portal:confirm", args=[dossier.number]),
        reverse("portal:submit", args=[dossier.number]),
    ]
    client.force_login(installer)
    assert client.get(urls[0]).status_code == 200
    for person in (stranger, other_installer):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert autosave(client, dossier, "chantier", {"street_name": "pirate"}).status_code == 404
        assert client.post(urls[-2], {"bon_pour_accord": "on"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.section("chantier")["street_name"] == "Allée Diderot"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_many_are_created_at_once(enedis):
    """Eight threads create dossiers at the same moment (seed shape, 6-digit sequence)."""
    import threading

    from django.db import connection

    from raccord.dossiers.services import dossier_create
    from raccord.places.models import Commune

    user = UserFactory()
    vannes = Commune.objects.get(postal_code="56000")
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                numbers.append(dossier_create(user=user, commune=vannes, orientation={}).number)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(numbers) == 24 and len(set(numbers)) == 24


def test_the_accepted_pdf_downloads_as_the_same_bytes_every_time(client, enedis):
    import hashlib

    from raccord.dossiers.signing import convention_accept

    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis, complete=True)
    acceptance = convention_accept(
        dossier=dossier, user=user, ip_address="127.0.0.1", user_agent="t"
    )
    client.force_login(user)
    url = reverse("portal:document", args=[dossier.number, acceptance.document.pk])
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == acceptance.document.sha256


def test_answering_a_request_for_items_resumes_the_dossier_and_only_for_its_owner(client, enedis):
    from raccord.tracking.models import Action

    user = UserFactory()
    dossier = DossierFactory(
        created_by=user, operator=enedis, complete=True, state="waiting_requester"
    )
    Action.objects.create(
        dossier=dossier, label="Fournir le certificat", due_date=timezone.localdate()
    )
    url = reverse("portal:answer", args=[dossier.number])
    client.force_login(UserFactory())
    assert client.post(url, {"answer": "pirate"}).status_code == 404
    client.force_login(user)
    response = client.post(url, {"answer": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.WAITING_REQUESTER  # an empty answer changes nothing
    # While waiting, the requester may add the requested attachment.
    assert upload(client, dossier, "decoupling_certificate", "c.pdf", PDF).status_code == 302
    client.post(url, {"answer": "Voici le certificat."})
    dossier.refresh_from_db()
    assert dossier.state == State.IN_CHARGE
    assert not Action.objects.filter(dossier=dossier, state=Action.State.OPEN).exists()


def test_numbers_typed_the_french_way_are_understood(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis)
    client.force_login(user)
    values = {"requester_kind": "entreprise", "share_capital": "50 000,50"}
    html = autosave(client, dossier, "demandeur", values).content.decode()
    assert "share_capital" in html and "nombre" not in html.split('id="err-share_capital"')[1][:200]
    values = {"storage": "batterie", "storage_capacity_kwh": "13,5", "max_power_kva": "1 2,5"}
    html = autosave(client, dossier, "technique", values).content.decode()
    for field in ("storage_capacity_kwh", "max_power_kva"):
        assert "<li>" not in html.split(f'id="err-{field}"')[1].split("</div>")[0]
