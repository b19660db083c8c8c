"""The 36-250 kVA BT production request through the portal (Avenant L342-6, fiches de collecte)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from raccord.dossiers.bt_request import (
    BtRequestError,
    bt_classify,
    bt_connection_request,
    l342_6_timing,
)
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.services import dossier_create, dossier_ready
from raccord.operators.models import Desk
from raccord.rules.classification import Path
from raccord.rules.inputs import (
    BeneficiaryKind,
    DecouplingKind,
    InjectionOption,
    L342Timing,
    Withdrawal,
)
from tests.factories import DossierFactory, OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VALID_SIRET = "73282932000074"
BT_ORIENTATION = {
    "service_type": "nouveau_raccordement",
    "usage": "consommation_et_production",
    "power": "de_36_a_250_kva",
}


def bt_complete_data() -> dict[str, dict[str, str]]:
    """Answers that make every BT section complete (a company, surplus, new withdrawal)."""
    return {
        "chantier": {
            "street_number": "4",
            "street_name": "Rue des Forges",
            "metering_location": "limite_domaine_prive",
        },
        "demandeur": {
            "requester_kind": "entreprise",
            "company_name": "Soleil d'Armor",
            "legal_form": "SAS",
            "share_capital": "10000",
            "siret": VALID_SIRET,
            "office_street": "12 quai de la Rabine",
            "office_postal_code": "56000",
            "office_city": "Vannes",
            "rcs_city": "Vannes",
            "signatory_name": "Anne Le Goff",
            "signatory_function": "Présidente",
            "phone": "02 97 00 00 00",
            "email": "contact@soleil-armor.example.test",
            "postal_street": "12 quai de la Rabine",
            "postal_code": "56000",
            "postal_city": "Vannes",
            "has_third_party": "non",
        },
        "adresses": {"documents_same": "oui", "invoice_same": "oui"},
        "exploitant": {"exploitant_same": "oui"},
        "raccordement": {
            "injection_option": "injection_surplus",
            "withdrawal": "nouveau",
            "pracc_sout_kva": "60",
            "installed_power_kva": "100",
            "pracc_inj_kva": "100",
            "phases": "triphase",
        },
        "installation": {
            "sector": "solaire",
            "technology": "photovoltaique",
            "inverter_kind": "onduleur",
            "inverter_make": "Huawei",
            "inverter_model": "SUN2000-50KTL",
            "inverter_count": "2",
            "inverter_unit_kva": "50",
            "decoupling": "relais_b1",
            "storage": "aucun",
            "rfg_scope": "rfg_installation",
        },
        "travaux": {"l342_6": "non"},
        "mise-en-service": {
            "wished_date": (timezone.localdate() + timedelta(days=200)).isoformat()
        },
        "validation": {"sworn_accuracy": "on", "sworn_procedure": "on"},
    }


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


def bt_dossier(user, enedis, *, complete=False, **kwargs):
    data = bt_complete_data() if complete else {}
    return DossierFactory(
        created_by=user,
        operator=enedis,
        desk=enedis.desks.get(),
        kind=Kind.BT_36_250,
        orientation=dict(BT_ORIENTATION),
        data=data,
        requester_name="Soleil d'Armor",
        **kwargs,
    )


def orientation(client, **overrides):
    data = {
        "commune": "",
        "commune_text": "56000",
        "service_type": "nouveau_raccordement",
        "usage": "production_seule",
        "power": "de_36_a_250_kva",
    }
    data.update(overrides)
    return client.post(reverse("portal:new"), data)


def autosave(client, dossier, slug, values):
    return client.post(
        reverse("portal:autosave", args=[dossier.number, slug]), values, HTTP_HX_REQUEST="true"
    )


def error_box(html: str, field: str) -> str:
    return html.split(f'id="err-{field}"')[1].split("</div>")[0]


def upload(client, dossier, kind, name="piece.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("portal:attachments", args=[dossier.number]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def upload_required(client, dossier):
    for kind in ("situation_plan", "ground_plan", "single_line_diagram", "company_extract"):
        assert upload(client, dossier, kind).status_code == 302


# --- Orientation -----------------------------------------------------------------------------


@pytest.mark.parametrize("usage", ["production_seule", "consommation_et_production"])
def test_orientation_36_250_with_production_creates_a_numbered_bt_dossier(client, enedis, usage):
    user = UserFactory(role="company")
    client.force_login(user)
    html = orientation(client, usage=usage).content.decode()
    assert "entre 36 et 250 kVA" in html and 'name="start" value="bt_36_250"' in html
    assert "pas encore proposée en ligne" not in html
    assert not Dossier.objects.exists()
    response = orientation(client, usage=usage, start="bt_36_250")
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:start", args=[dossier.number])
    now = timezone.localtime()
    assert re.fullmatch(rf"{now:%y%m}P4E\d{{6}}", dossier.number)
    assert dossier.kind == Kind.BT_36_250 and dossier.state == State.DRAFT
    assert dossier.orientation == {
        "service_type": "nouveau_raccordement",
        "usage": usage,
        "power": "de_36_a_250_kva",
    }
    assert "technique" not in dossier.data  # no CACSI answer pre-filled
    start = client.get(response["Location"]).content.decode()
    assert "Puissances et raccordement" in start and "Travaux (article L342-6)" in start


def test_a_company_account_gets_its_party_block_pre_filled(enedis):
    from raccord.places.models import Commune

    org = OrganisationFactory(
        kind="producer",
        name="Soleil d'Armor",
        siret=VALID_SIRET,
        legal_form="SAS",
        rcs_city="Vannes",
        signatory_name="Anne Le Goff",
        signatory_function="Présidente",
    )
    user = UserFactory(role="company", organisation=org)
    vannes = Commune.objects.get(postal_code="56000")
    dossier = dossier_create(
        user=user, commune=vannes, orientation=dict(BT_ORIENTATION), kind=Kind.BT_36_250
    )
    requester = dossier.section("demandeur")
    assert requester["requester_kind"] == "entreprise" and requester["siret"] == VALID_SIRET
    assert requester["signatory_name"] == "Anne Le Goff"
    assert requester["office_street"] == "17 allée Diderot"
    assert requester["office_postal_code"] == "56000"
    assert dossier.requester_name == "Soleil d'Armor"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"usage": "consommation_seule"}, "consommation seule"),
        ({"power": "plus_de_250_kva"}, "250 kVA"),
    ],
)
def test_consumption_only_or_above_250_kva_stay_offline(client, enedis, overrides, fragment):
    client.force_login(UserFactory())
    html = orientation(client, start="bt_36_250", **overrides).content.decode()
    assert "pas encore proposée en ligne" in html and fragment in html
    assert not Dossier.objects.exists()


# --- Field rules -----------------------------------------------------------------------------

CONNECTION = bt_complete_data()["raccordement"]


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"installed_power_kva": "300", "pracc_inj_kva": "300"}, "pracc_inj_kva", "HTA"),
        ({"installed_power_kva": "30", "pracc_inj_kva": "30"}, "pracc_inj_kva", "36 kVA"),
        ({"installed_power_kva": "36", "pracc_inj_kva": "36"}, "pracc_inj_kva", "36 kVA"),
        ({"installed_power_kva": "80", "pracc_inj_kva": "100"}, "pracc_inj_kva", "dépasser"),
        (
            {"withdrawal": "aucun", "pracc_sout_kva": ""},
            "withdrawal",
            "suppose un raccordement en soutirage",
        ),
        ({"pracc_sout_kva": "0"}, "pracc_sout_kva", "supérieure à 0"),
        ({"pracc_sout_kva": "300"}, "pracc_sout_kva", "HTA"),
        ({"phases": "monophase"}, "phases", "triphasé"),
    ],
)
def test_each_bad_power_answer_is_explained_at_its_field_and_nothing_is_lost(
    client, enedis, values, field, fragment
):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    typed = {**CONNECTION, **values}
    response = autosave(client, dossier, "raccordement", typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert fragment in error_box(html, field), html
    others = [f for f in CONNECTION if f != field]
    assert all(fragment not in error_box(html, f) for f in others)
    dossier.refresh_from_db()
    saved = {k: v for k, v in dossier.section("raccordement").items() if v}
    assert saved == {k: v for k, v in typed.items() if v}  # kept exactly as typed
    assert dossier.section("chantier") == bt_complete_data()["chantier"]


def test_pracc_inj_below_installed_power_is_allowed_with_export_limitation(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {**CONNECTION, "installed_power_kva": "120", "pracc_inj_kva": "100"}
    html = autosave(client, dossier, "raccordement", values).content.decode()
    assert "Complète" in html and not re.search(r'class="errorlist"', html)
    page = client.get(reverse("portal:section", args=[dossier.number, "raccordement"]))
    assert "bridage dynamique obligatoire" in page.content.decode()
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "bridage dynamique obligatoire" in detail


def test_total_injection_without_withdrawal_is_consistent(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {
        **CONNECTION,
        "injection_option": "injection_totale",
        "withdrawal": "aucun",
        "pracc_sout_kva": "",
    }
    html = autosave(client, dossier, "raccordement", values).content.decode()
    assert 'class="errorlist"' not in html


def test_a_wrong_siret_is_refused_at_its_field(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {**bt_complete_data()["demandeur"], "siret": "73282932000075"}
    html = autosave(client, dossier, "demandeur", values).content.decode()
    assert "clé de contrôle est fausse" in error_box(html, "siret")
    dossier.refresh_from_db()
    assert dossier.section("demandeur")["siret"] == "73282932000075"
    assert dossier.section("demandeur")["company_name"] == "Soleil d'Armor"


def test_a_wished_date_in_the_past_is_refused(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    html = autosave(client, dossier, "mise-en-service", {"wished_date": past}).content.decode()
    assert "ne peut pas être passée" in error_box(html, "wished_date")


def test_inverters_must_add_up_to_the_installed_power(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {**bt_complete_data()["installation"], "inverter_unit_kva": "40"}
    html = autosave(client, dossier, "installation", values).content.decode()
    assert "2 onduleur(s) de 40 kVA font 80 kVA" in error_box(html, "inverter_unit_kva")


def test_an_outdated_certificate_standard_is_refused(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {
        **bt_complete_data()["installation"],
        "decoupling": "dispositif_integre",
        "certificate_standard": "DIN VDE 0126-1-1",
    }
    html = autosave(client, dossier, "installation", values).content.decode()
    assert "n&#x27;est plus accepté" in error_box(html, "certificate_standard")


def test_the_rules_core_input_is_built_from_the_answers_and_errors_are_mapped(enedis):
    dossier = bt_dossier(UserFactory(), enedis, complete=True)
    request = bt_connection_request(dossier)
    assert request.injection_option is InjectionOption.SURPLUS
    assert request.withdrawal is Withdrawal.NEW and request.pracc_sout_kva == 60
    assert request.pracc_inj_kva == 100 and request.installed_power_kva == 100
    assert request.beneficiary is BeneficiaryKind.COMPANY
    assert request.decoupling is DecouplingKind.B1_RELAYS
    assert request.l342_6_timing is L342Timing.FIRST_REQUEST
    assert bt_classify(dossier).path is Path.BT_36_250
    dossier.data["raccordement"].update({"withdrawal": "aucun", "pracc_sout_kva": ""})
    with pytest.raises(BtRequestError) as error:
        bt_classify(dossier)
    assert (error.value.section, error.value.field) == ("raccordement", "withdrawal")
    dossier.data["raccordement"]["installed_power_kva"] = ""
    with pytest.raises(BtRequestError) as error:
        bt_connection_request(dossier)
    assert error.value.field == "installed_power_kva"


# --- Attachments and submission --------------------------------------------------------------


def test_missing_attachments_block_submission(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    for label in ("Plan de situation", "Plan de masse", "Schéma unifilaire", "Kbis"):
        assert label in detail
    assert "Transmettre ma demande</button>" not in detail
    response = client.post(reverse("portal:submit", args=[dossier.number]), follow=True)
    assert "Pièce manquante : Plan de situation." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT


def test_integrated_decoupling_requires_the_certificate(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    upload_required(client, dossier)
    values = {
        **bt_complete_data()["installation"],
        "decoupling": "dispositif_integre",
        "certificate_standard": "NF EN 50549-10",
    }
    autosave(client, dossier, "installation", values)
    client.post(reverse("portal:submit", args=[dossier.number]))
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT
    upload(client, dossier, "decoupling_certificate")
    client.post(reverse("portal:submit", args=[dossier.number]))
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_complete_request_is_transmitted_then_locked_on_the_server(
    client, enedis, django_capture_on_commit_callbacks
):
    user = UserFactory(email="contact@soleil-armor.example.test")
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    upload_required(client, dossier)
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "Transmettre ma demande</button>" in detail
    # No convention to accept for a BT request.
    assert client.get(reverse("portal:convention", args=[dossier.number])).status_code == 302
    preview = reverse("portal:convention_preview", args=[dossier.number])
    assert client.get(preview).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:submit", args=[dossier.number]), follow=True)
    assert "Votre demande a bien été transmise" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.submitted_at is not None
    assert dossier.events.filter(kind="transition:submit").exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert dossier.number_display in mail.outbox[0].subject
    assert "36 à 250 kVA" in body and "Convention de Raccordement Directe" in body
    assert "autoconsommation sans injection" not in body and "15 jours" not in body

    # Site, powers, installation, works, attachments: locked on the server.
    for slug in ("chantier", "raccordement", "installation", "travaux", "mise-en-service"):
        locked = autosave(client, dossier, slug, bt_complete_data()[slug])
        assert locked.status_code == 409, slug
        assert "plus modifiable" in locked.content.decode()
    count = dossier.attachments.count()
    upload(client, dossier, "other")
    assert dossier.attachments.count() == count
    assert client.post(reverse("portal:submit", args=[dossier.number])).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    # The contact data stay editable.
    ok = autosave(
        client, dossier, "demandeur", {**bt_complete_data()["demandeur"], "phone": "0700000000"}
    )
    assert ok.status_code == 200
    # The Demande tab, the list and the tracking tab work for a BT dossier.
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "Verrouillée" in detail and "Soleil d&#x27;Armor" in detail
    assert client.get(reverse("portal:list")).status_code == 200
    assert client.get(reverse("portal:tracking", args=[dossier.number])).status_code == 200


def test_l342_6_may_be_asked_after_the_request_until_the_offer_is_accepted(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True, state=State.SUBMITTED)
    client.force_login(user)
    url = reverse("portal:detail", args=[dossier.number])
    assert (
        "Je souhaite réaliser moi-même une partie des travaux" in client.get(url).content.decode()
    )
    assert client.post(url, {"action": "l342_6"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.data["l342_6_timing"] == "apres_demande"
    assert dossier.data["l342_6_requested_at"][:10] == timezone.localdate().isoformat()
    assert l342_6_timing(dossier) is L342Timing.AFTER_REQUEST
    assert bt_connection_request(dossier).l342_6_timing is L342Timing.AFTER_REQUEST
    assert dossier.events.filter(kind="l342_6_requested").count() == 1
    first = dossier.data["l342_6_requested_at"]
    response = client.post(url, {"action": "l342_6"}, follow=True)
    assert "déjà demandé" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.data["l342_6_requested_at"] == first

    accepted = bt_dossier(user, enedis, complete=True, state=State.ACCEPTED)
    url = reverse("portal:detail", args=[accepted.number])
    response = client.post(url, {"action": "l342_6"}, follow=True)
    assert "plus possible" in response.content.decode()
    accepted.refresh_from_db()
    assert "l342_6_requested_at" not in accepted.data


def test_l342_6_at_the_first_request(enedis):
    dossier = bt_dossier(UserFactory(), enedis, complete=True)
    dossier.data["travaux"]["l342_6"] = "oui"
    assert l342_6_timing(dossier) is L342Timing.FIRST_REQUEST
    assert bt_connection_request(dossier).l342_6_timing is L342Timing.FIRST_REQUEST


# --- Installers and access -------------------------------------------------------------------


def test_an_installer_files_for_a_company_client(client, enedis):
    org = OrganisationFactory(name="Breizh Solaire")
    installer = UserFactory(role="installer", organisation=org, email="pose@breizh.example.test")
    colleague = UserFactory(role="installer", organisation=org)
    client.force_login(installer)
    orientation(client, start="bt_36_250")
    dossier = Dossier.objects.get()
    assert dossier.kind == Kind.BT_36_250 and dossier.organisation == org
    requester = dossier.section("demandeur")
    assert requester["has_third_party"] == "oui"
    assert requester["third_party_organisation"] == "Breizh Solaire"
    data = bt_complete_data()
    client_answers = {
        **data["demandeur"],
        **requester,
        "requester_kind": "entreprise",
        "third_party_phone": "02 97 11 22 33",
    }
    assert autosave(client, dossier, "demandeur", client_answers).status_code == 200
    for slug in ("chantier", "adresses", "exploitant", "raccordement", "installation"):
        assert autosave(client, dossier, slug, data[slug]).status_code == 200
    for slug in ("travaux", "mise-en-service", "validation"):
        assert autosave(client, dossier, slug, data[slug]).status_code == 200
    dossier.refresh_from_db()
    assert dossier.requester_name == "Soleil d'Armor"
    upload_required(client, dossier)
    detail = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "Mandat du tiers habilité" in detail  # the installer's mandate is still missing
    upload(client, dossier, "mandate")
    client.force_login(colleague)  # any member of the organisation may transmit it
    assert dossier_ready(dossier) == []
    client.post(reverse("portal:submit", args=[dossier.number]))
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_a_private_person_needs_no_company_block(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis, complete=True)
    client.force_login(user)
    values = {
        "requester_kind": "particulier",
        "first_name": "Martin",
        "last_name": "Dupont",
        "phone": "06 12 34 56 78",
        "email": "martin@example.test",
        "postal_street": "4 rue des Forges",
        "postal_code": "56000",
        "postal_city": "Vannes",
        "has_third_party": "non",
    }
    html = autosave(client, dossier, "demandeur", values).content.decode()
    assert 'class="badge badge-ok"' in html
    dossier.refresh_from_db()
    assert dossier.requester_name == "Martin DUPONT"
    assert bt_connection_request(dossier).beneficiary is BeneficiaryKind.PERSON


def test_a_stranger_gets_404_on_every_bt_page(client, enedis):
    owner = UserFactory()
    dossier = bt_dossier(owner, enedis, complete=True)
    urls = [
        reverse("portal:detail", args=[dossier.number]),
        reverse("portal:start", args=[dossier.number]),
        reverse("portal:section", args=[dossier.number, "raccordement"]),
        reverse("portal:section", args=[dossier.number, "travaux"]),
        reverse("portal:attachments", args=[dossier.number]),
        reverse("portal:submit", args=[dossier.number]),
        reverse("portal:convention", args=[dossier.number]),
        reverse("portal:tracking", args=[dossier.number]),
    ]
    client.force_login(owner)
    for url in urls:
        assert client.get(url).status_code in (200, 302), url
    for person in (
        UserFactory(),
        UserFactory(role="installer", organisation=OrganisationFactory()),
    ):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert autosave(client, dossier, "raccordement", {"pracc_inj_kva": "1"}).status_code == 404
        assert client.post(urls[5]).status_code == 404
        assert client.post(urls[0], {"action": "l342_6"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and "l342_6_requested_at" not in dossier.data
    assert dossier.section("raccordement") == bt_complete_data()["raccordement"]


def test_a_cacsi_section_slug_does_not_exist_on_a_bt_dossier(client, enedis):
    user = UserFactory()
    dossier = bt_dossier(user, enedis)
    client.force_login(user)
    assert (
        client.get(reverse("portal:section", args=[dossier.number, "technique"])).status_code == 404
    )
    assert autosave(client, dossier, "technique", {"max_power_kva": "3"}).status_code == 404


# --- The « Demandeur » fields both kinds share ------------------------------------------------

_PARTY_FIELDS = [
    "phone",
    "email",
    "postal_street",
    "postal_code",
    "postal_city",
    "has_third_party",
    "third_party_name",
    "third_party_organisation",
    "third_party_email",
    "third_party_phone",
]
_CACSI_REQUESTER = [
    *("requester_kind", "first_name", "last_name", "company_name", "siret", "legal_form"),
    *("share_capital", "rcs_city", "signatory_function", *_PARTY_FIELDS),
]
_BT_REQUESTER = [
    *("requester_kind", "first_name", "last_name", "company_name", "legal_form"),
    *("share_capital", "siret", "office_street", "office_street2", "office_postal_code"),
    *("office_city", "rcs_city", "signatory_name", "signatory_function", *_PARTY_FIELDS),
]


@pytest.mark.parametrize(
    ("kind", "fields", "legal_form_help"),
    [(Kind.CACSI, _CACSI_REQUESTER, False), (Kind.BT_36_250, _BT_REQUESTER, True)],
)
def test_the_requester_section_keeps_its_fields_in_order_on_the_page_and_in_the_answers(
    client, enedis, kind, fields, legal_form_help
):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, operator=enedis, kind=kind, data={})
    client.force_login(user)
    page = client.get(reverse("portal:section", args=[dossier.number, "demandeur"]))
    assert re.findall(r'id="wrap-(\w+)"', page.content.decode()) == fields
    # The help text the BT form adds to a shared field stays its own.
    assert ("Par exemple SAS, SARL" in page.content.decode()) is legal_form_help
    saved = autosave(client, dossier, "demandeur", {"phone": "12"}).content.decode()
    assert re.findall(r'id="err-(\w+)" hx-swap-oob', saved) == fields
    assert "par exemple 06 12 34 56 78" in error_box(saved, "phone")
    dossier.refresh_from_db()
    # Every field saved (PostgreSQL's jsonb keeps keys in its own order, not the form's).
    assert sorted(dossier.section("demandeur")) == sorted(fields)
