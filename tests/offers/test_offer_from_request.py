"""The offer of a 36-250 kVA request filed through the portal form, end to end without the
worked example: the requester's answers (posted section by section to the autosave endpoints)
flow through ``bt_connection_request`` into the plan, the money and the CRD and Avenant PDFs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from raccord.dossiers.bt_request import bt_connection_request
from raccord.dossiers.decisions import dossier_declare_complete, dossier_take_in_charge
from raccord.dossiers.models import Dossier, Kind, State
from raccord.offers import services
from raccord.offers.models import Offer
from raccord.offers.preparation import initial_data
from raccord.rules.inputs import InjectionOption, L342Timing, Withdrawal
from tests.factories import DossierFactory
from tests.offers.conftest import full_values
from tests.portal.test_bt_request import BT_ORIENTATION, autosave, bt_complete_data, upload

pytestmark = pytest.mark.django_db

#: The operator's own values of the preparation (everything else comes from the request).
STAFF_ONLY = (
    "parties-representative_name",
    "parties-representative_function",
    "parties-operator_signatory_name",
    "parties-operator_signatory_function",
    "parties-operator_delegator_name",
    "parties-operator_delegator_function",
)


@pytest.fixture(autouse=True)
def rules_request():  # type: ignore[no-untyped-def]
    """No worked example here: the real ``bt_connection_request`` reads the answers."""
    return None


def pdf_text(offer: Offer) -> str:
    from raccord.documents.services import document_read

    reader = PdfReader(io.BytesIO(document_read(version=offer.document)))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return text.replace("\u2019", "'")


def test_offer_is_prepared_and_sent_from_real_form_answers(
    client, requester, desk, operator, instructor, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(
        kind=Kind.BT_36_250,
        created_by=requester,
        desk=desk,
        operator=operator,
        orientation=dict(BT_ORIENTATION),
        data={},
        requester_name="",
    )
    answers = bt_complete_data()
    answers["demandeur"].update(
        {
            "company_name": "SOLEIL D'ARMOR",
            "share_capital": "50000",
            "signatory_name": "Anne LE GOFF",
        }
    )
    answers["raccordement"].update({"pracc_sout_kva": "48", "installed_power_kva": "120"})
    answers["installation"].update({"inverter_count": "3", "inverter_unit_kva": "40"})
    answers["travaux"]["l342_6"] = "oui"
    answers["mise-en-service"]["wished_date"] = (
        timezone.localdate() + timedelta(days=300)
    ).isoformat()
    client.force_login(requester)
    for slug, values in answers.items():
        response = autosave(client, dossier, slug, values)
        assert response.status_code == 200, slug
    for kind in ("situation_plan", "ground_plan", "single_line_diagram", "company_extract"):
        assert upload(client, dossier, kind).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:submit", args=[dossier.number]))
    dossier.refresh_from_db()
    from raccord.dossiers.services import dossier_ready

    assert dossier.state == State.SUBMITTED, dossier_ready(dossier)
    assert dossier.data["raccordement"]["pracc_inj_kva"] == "100"  # stored as typed

    # The rules core reads the typed answers, not a worked example.
    request = bt_connection_request(dossier)
    assert request.pracc_inj_kva == 100 and request.installed_power_kva == 120
    assert request.injection_option is InjectionOption.SURPLUS
    assert request.withdrawal is Withdrawal.NEW and request.pracc_sout_kva == 48
    assert request.l342_6_timing is L342Timing.FIRST_REQUEST

    # Staff take it in charge, declare it complete, prepare from the request's values.
    dossier = dossier_take_in_charge(dossier=dossier, user=instructor, version=dossier.version)
    dossier = dossier_declare_complete(dossier=dossier, user=instructor, version=dossier.version)
    initial = initial_data(dossier)
    assert initial["parties-beneficiary_name"] == "SOLEIL D'ARMOR"
    assert initial["parties-beneficiary_address"] == "12 quai de la Rabine\n56000 VANNES"
    assert initial["parties-requester_signatory_name"] == "Anne LE GOFF"
    assert initial["parties-beneficiary_siren"] == "732829320"
    assert initial["study-l342_requested"] == "on"
    staff = {
        k: v for k, v in full_values().items() if not k.startswith("parties-") or k in STAFF_ONLY
    }
    values = {**staff, **initial, "delays-place": "Rennes"}
    services.draft_save(
        dossier=dossier,
        user=instructor,
        version=services.draft_for(dossier).version,
        values=values,
        confirmations={},
    )
    prep = services.preparation_for(dossier)
    assert prep.request == bt_connection_request(dossier)
    assert prep.voltage is not None and prep.contributions
    confirmations = {r.group: (r.block or "-") for r in prep.plan_rows if r.needs_confirmation}
    services.draft_save(
        dossier=dossier,
        user=instructor,
        version=services.draft_for(dossier).version,
        values=values,
        confirmations=confirmations,
    )
    assert services.preparation_for(dossier).ready() == []
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.offer_send(dossier=dossier, user=instructor, version=dossier.version)
    assert Dossier.objects.get(pk=dossier.pk).state == State.OFFER_SENT
    kinds = {o.document_kind: o for o in sent.offers}
    assert set(kinds) == {"crd", "avenant"}

    for kind, offer in kinds.items():
        text = pdf_text(offer)
        number = dossier.number_display
        assert number in text, kind
        assert "SOLEIL D'ARMOR" in text
        assert "dont le siège social est situé 12 quai de la Rabine, 56000 VANNES" in text
        assert "représentée par Anne LE GOFF, Présidente" in text
        assert "SAS au capital de 50 000 €" in text
        assert "Puissance de raccordement en injection de 100 kVA" in text, kind
        assert "Puissance de raccordement en soutirage de 48 kVA" in text, kind
        assert "Le surplus de la production alimentant le Site sera injecté" in text, kind
        assert "4 Rue des Forges, 56000 VANNES" in text
        assert "Site de Site de" not in text
    avenant = pdf_text(kinds["avenant"])
    assert "article L342-6" in avenant and "Travaux Mandataire" in avenant
    assert "Travaux Mandataire" not in pdf_text(kinds["crd"])
