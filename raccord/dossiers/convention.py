"""From a CACSI dossier to the data its convention prints (raccord/documents/contracts.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from raccord.documents.contracts import (
    CacsiData,
    CompanyData,
    InstallationData,
    InverterData,
    OperatorData,
    PersonData,
    ProducerData,
    ThirdPartyData,
    format_capital,
    format_date,
    format_dossier_number,
    format_kva,
    format_kwh,
    format_siren,
)
from raccord.dossiers.cacsi_sections import SECTORS, TECHNOLOGIES
from raccord.dossiers.models import Dossier
from raccord.operators.models import Operator


def _dec(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None


def _kva(value: Any) -> str:
    number = _dec(value)
    return format_kva(number) if number is not None else ""


def operator_data(operator: Operator) -> OperatorData:
    return {
        "name": operator.name,
        "short_name": operator.short_name,
        "legal_form": operator.legal_form,
        "share_capital": format_capital(operator.share_capital) or "",
        "registered_office": operator.registered_office,
        "rcs_city": operator.rcs_city,
        "siren": format_siren(operator.siren),
        "representative": operator.regional_director_title,
        "election_of_domicile": operator.election_of_domicile,
    }


def site_address_lines(dossier: Dossier) -> list[str]:
    site = dossier.section("chantier")
    street = " ".join(p for p in (site.get("street_number", ""), site.get("street_name", "")) if p)
    lines = [street, site.get("address_complement", ""), dossier.commune.label_postal]
    return [line for line in lines if line]


def producer_display(dossier: Dossier) -> str:
    requester = dossier.section("demandeur")
    if requester.get("requester_kind") == "entreprise":
        return str(requester.get("company_name", ""))
    return (
        f"{requester.get('first_name', '')} {str(requester.get('last_name', '')).upper()}".strip()
    )


def cacsi_data(
    dossier: Dossier,
    *,
    producer_accepted_on: date | None,
    operator_accepted_on: date | None,
    preview: bool,
    today: date,
) -> CacsiData:
    requester = dossier.section("demandeur")
    technique = dossier.section("technique")
    postal = [
        str(requester.get("postal_street", "")),
        " ".join(
            (str(requester.get("postal_code", "")), str(requester.get("postal_city", "")).upper())
        ).strip(),
    ]
    postal = [line for line in postal if line]
    person: PersonData | None = None
    company: CompanyData | None = None
    if requester.get("requester_kind") == "entreprise":
        company = {
            "name": str(requester.get("company_name", "")),
            "legal_form": str(requester.get("legal_form", "")),
            "share_capital": format_capital(_dec(requester.get("share_capital"))),
            "registered_office_lines": postal,
            "rcs_city": str(requester.get("rcs_city", "")),
            "siren": format_siren(str(requester.get("siret", ""))[:9]),
            "signatory_name": " ".join(
                str(requester.get(k, "")) for k in ("first_name", "last_name")
            ).strip(),
            "signatory_function": str(requester.get("signatory_function", "")),
        }
    else:
        person = {
            "first_name": str(requester.get("first_name", "")),
            "last_name": str(requester.get("last_name", "")).upper(),
            "address_lines": postal,
        }
    producer: ProducerData = {
        "kind": "company" if company else "person",
        "person": person,
        "company": company,
        "phone": str(requester.get("phone", "")),
        "email": str(requester.get("email", "")),
    }
    third_party: ThirdPartyData | None = None
    if requester.get("has_third_party") == "oui":
        third_party = {
            "name": str(requester.get("third_party_name", "")),
            "organisation": str(requester.get("third_party_organisation", "")),
            "email": str(requester.get("third_party_email", "")),
            "phone": str(requester.get("third_party_phone", "")),
        }
    sector = SECTORS.get(str(technique.get("sector", "")))
    technology = dict(TECHNOLOGIES).get(str(technique.get("technology", "")), "")
    inverters: list[InverterData] = []
    if technique.get("inverter_kind") in ("onduleur", "micro_onduleurs"):
        count = str(technique.get("inverter_count", "0"))
        inverters.append(
            {
                "make": str(technique.get("inverter_make", "")),
                "model": str(technique.get("inverter_model", "")),
                "count": int(count) if count.isdigit() else 0,
                "unit_power_kva": _kva(technique.get("inverter_unit_kva")),
            }
        )
    three_phase = technique.get("phases") == "triphase"
    wished = dossier.section("mise-en-service").get("wished_date")
    installation: InstallationData = {
        "sector": str(sector[0]) if sector else "",
        "technology": str(technology),
        "max_power_kva": _kva(technique.get("max_power_kva")),
        "connection_power_kva": _kva(technique.get("connection_power_kva")),
        "phases": "Triphasé" if three_phase else "Monophasé",
        "phase_powers_kva": (
            [_kva(technique.get(f"phase{i}_kva")) for i in (1, 2, 3)] if three_phase else []
        ),
        "storage_present": technique.get("storage") == "batterie",
        "storage_capacity_kwh": (
            format_kwh(_dec(technique.get("storage_capacity_kwh")))
            if technique.get("storage") == "batterie"
            else None
        ),
        "inverters": inverters,
        "decoupling": "integrated"
        if technique.get("decoupling") == "integree"
        else "automatic_disconnector",
        "certificate_standard": str(technique.get("certificate_standard", "")),
        "commissioning_date": format_date(date.fromisoformat(wished)) if wished else None,
    }
    site = dossier.section("chantier")
    return {
        "number": dossier.number,
        "number_display": format_dossier_number(dossier.number),
        "operator": operator_data(dossier.operator),
        "producer": producer,
        "third_party": third_party,
        "site": {
            "address_lines": site_address_lines(dossier),
            "pdl": str(site.get("pdl", "")),
            "building": {
                "individuel": "Maison individuelle",
                "collectif": "Immeuble ou site collectif",
            }.get(str(site.get("site_type", "")), ""),
        },
        "installation": installation,
        "acceptances": {
            "producer": format_date(producer_accepted_on),
            "operator": format_date(operator_accepted_on),
        },
        "generated_on": format_date(today) or "",
        "preview": preview,
    }
