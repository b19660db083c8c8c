"""Fixtures of the offer tests: a complete 36-250 kVA dossier and a full preparation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from raccord.documents.offer_builder import example_offer
from raccord.dossiers.models import Dossier, Kind, State
from tests.backoffice.conftest import (  # noqa: F401  (fixtures)
    SECRET,
    admin,
    desk,
    foreign_staff,
    instructor,
    media,
    operator,
    other_desk,
    outsider,
    requester,
    staff,
)
from tests.factories import DossierFactory, cacsi_complete_data

EXAMPLE = example_offer()


@pytest.fixture(autouse=True)
def rules_request(monkeypatch):  # type: ignore[no-untyped-def]
    """The 36-250 kVA form's rules input is built by another module: use the worked example."""
    monkeypatch.setattr(
        "raccord.offers.preparation.connection_request", lambda dossier: EXAMPLE.request
    )
    return EXAMPLE.request


def bt_dossier(*, requester, desk, operator, number: str = "2611P4E000901") -> Dossier:  # type: ignore[no-untyped-def]  # noqa: F811
    data = cacsi_complete_data()
    data["demandeur"].update(
        {
            "requester_kind": "entreprise",
            "company_name": "SOLEIL D'ARMOR",
            "legal_form": "SAS",
            "siret": "55214450300017",
            "rcs_city": "VANNES",
            "signatory_function": "Président",
        }
    )
    now = timezone.now()
    return DossierFactory(
        kind=Kind.BT_36_250,
        created_by=requester,
        desk=desk,
        operator=operator,
        number=number,
        data=data,
        state=State.COMPLETE,
        submitted_at=now,
        taken_at=now,
        completed_at=now,
        requester_name="SOLEIL D'ARMOR",
    )


@pytest.fixture
def bt(requester, desk, operator):  # type: ignore[no-untyped-def]  # noqa: F811
    return bt_dossier(requester=requester, desk=desk, operator=operator)


def full_values(l342: bool = True) -> dict[str, str]:
    """POST values of a complete preparation (the worked example of the issue)."""
    v = {
        "solution-connection_kind": "extension",
        "solution-bt_feeder": "KERLANN 2",
        "solution-bt_feeder_code": "D0456",
        "solution-substation": "KERLANN",
        "solution-substation_code": "P0123",
        "solution-hta_feeder": "THEIX",
        "solution-primary_substation": "VANNES EST",
        "solution-primary_substation_code": "PS056",
        "solution-private_works": "Niche du coffret de comptage et tranchée en domaine privé.",
        "bt_created-0-kind": "extension",
        "bt_created-0-description": "Création d'une extension de réseau 3x150 mm² Alu (180 m)",
        "bt_created-0-location": "depart_bt",
        "ct-0-ratio": "200 A / 5 A",
        "ct-0-accuracy_class": "0,5",
        "ct-0-burden_va": "15",
        "ct-0-meter_type": "PME/PMI 4Q",
        "study-extension_needed": "oui",
        "study-s3renr": "non",
        "study-private_works_needed": "oui",
        "study-tariff_signal_filter_needed": "non",
        "study-harmonics_filter_needed": "non",
        "study-mobile_coverage": "oui",
        "study-anticipated_connection_offered": "non",
        "study-dso_signs_by_delegation": "on",
        "study-meter_type": "PME/PMI 4Q",
        "voltage-hta_max_kv": "20,6",
        "voltage-hta_nominal_kv": "20",
        "voltage-transformer_kva": "400",
        "voltage-transformer_resistance_ohm": "0,006",
        "voltage-secondary_no_load_v": "400",
        "voltage-tan_phi": "-0,35",
        "voltage-feeder_type": "mixte",
        "voltage-substation_winter_peak_kw": "300",
        "voltage-feeder_winter_peak_kw": "100",
        "voltage-consumption_share_percent": "20",
        "voltage-upstream_resistance_ohm": "0,04",
        "voltage-existing_producers_kva": "36",
        "voltage-extension_type": "souterrain",
        "voltage-extension_length_km": "0,18",
        "voltage-extension_section_mm2": "150",
        "costs-0-category": "travaux_domaine_prive",
        "costs-0-amount_ht": "1850",
        "costs-1-category": "branchement",
        "costs-1-amount_ht": "3420,50",
        "costs-2-category": "reseau_bt",
        "costs-2-amount_ht": "12 480",
        "costs-3-category": "poste_hta_bt",
        "costs-3-amount_ht": "2150",
        "money-deposit_percent": "30",
        "money-mandataire_description": "Tranchée, fourreaux et pose du câble de l'extension",
        "money-mandataire_cost_ht": "9800",
        "money-mandataire_delay_weeks": "26",
        "delays-works_months": "6",
        "delays-source_months": "0",
        "delays-payment_entity": "Enedis Agence Raccordement Bretagne",
        "delays-payment_address": "2 rue Jacques Prévert\n35000 RENNES",
        "delays-payee": "Enedis",
        "delays-place": "Rennes",
        "parties-beneficiary_name": "SOLEIL D'ARMOR",
        "parties-beneficiary_address": "12 rue du Port\n56000 VANNES",
        "parties-beneficiary_legal_form": "SAS",
        "parties-beneficiary_share_capital": "50000",
        "parties-beneficiary_rcs_city": "VANNES",
        "parties-beneficiary_siren": "552144503",
        "parties-beneficiary_siret": "552 144 503 00017",
        "parties-site_name": "Hangar agricole de Kerlann",
        "parties-site_address": "Lieu-dit Kerlann\n56000 VANNES",
        "parties-production_type": "photovoltaïque",
        "parties-representative_name": "Claire LE BRIS",
        "parties-representative_function": "Directrice Régionale",
        "parties-requester_signatory_name": "Yann KERGOAT",
        "parties-requester_signatory_function": "Président",
        "parties-operator_signatory_name": "Marc LE GOFF",
        "parties-operator_signatory_function": "Responsable de l'Agence Raccordement",
        "parties-operator_delegator_name": "Claire LE BRIS",
        "parties-operator_delegator_function": "Directrice Régionale",
    }
    if l342:
        v["study-l342_requested"] = "on"
    return v


def prepare_complete(dossier: Dossier, user) -> None:  # type: ignore[no-untyped-def]
    """Save the full preparation, then confirm every choice the rules leave to a person."""
    from raccord.offers.services import draft_for, draft_save, preparation_for

    draft = draft_for(dossier)
    draft_save(
        dossier=dossier, user=user, version=draft.version, values=full_values(), confirmations={}
    )
    prep = preparation_for(dossier)
    confirmations = {r.group: (r.block or "-") for r in prep.plan_rows if r.needs_confirmation}
    draft = draft_for(dossier)
    draft_save(
        dossier=dossier,
        user=user,
        version=draft.version,
        values=full_values(),
        confirmations=confirmations,
    )
