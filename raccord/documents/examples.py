"""Example data for the document templates: the seed's CACSI (used by tests, bench and demos)."""

from __future__ import annotations

from decimal import Decimal

from raccord.documents.contracts import (
    TYPOGRAPHIC_APOSTROPHE,
    CacsiData,
    de_operator,
    format_capital,
    format_dossier_number,
    format_kva,
    format_kwh,
)


def cacsi_example_data(
    *,
    producer_accepted: str | None = "05/12/2017",
    operator_accepted: str | None = None,
    preview: bool = False,
) -> CacsiData:
    """The CACSI of the Enedis-Connect guide: PARTENAIRE PRO, 17 allée Diderot, Vannes, 18 kVA."""
    number = "1706P4E948637"
    return {
        "number": number,
        "number_display": format_dossier_number(number),
        "operator": {
            "name": "Enedis",
            "short_name": "Enedis",
            "de_short_name": de_operator("Enedis", TYPOGRAPHIC_APOSTROPHE),
            "legal_form": "Société anonyme à directoire et à conseil de surveillance",
            "share_capital": format_capital(Decimal("270037000")) or "",
            "registered_office": "Tour Enedis, 34 place des Corolles\n92079 PARIS LA DEFENSE CEDEX",
            "rcs_city": "Nanterre",
            "siren": "B 444 608 442",
            "representative": "le Directeur Régional de la région",
            "election_of_domicile": "BP 17, 29801 BREST",
        },
        "producer": {
            "kind": "company",
            "person": None,
            "company": {
                "name": "PARTENAIRE PRO",
                "legal_form": "SARL",
                "share_capital": format_capital(Decimal("10000")),
                "registered_office_lines": [
                    "57, RUE DANTON",
                    "COMPLEMENT DEMANDEUR",
                    "92500 RUEIL-MALMAISON",
                ],
                "rcs_city": "Nanterre",
                "siren": "552 144 503",
                "signatory_name": "Armelle JOLY",
                "signatory_function": "Gérante",
            },
            "phone": "01 00 00 00 00",
            "email": "contact@partenaire-pro.example",
        },
        "third_party": {
            "name": "Martin DUPONT",
            "organisation": "TIERS MANDATÉ",
            "email": "martin.dupont@tiers-mandate.example",
            "phone": "02 97 00 00 00",
        },
        "site": {
            "address_lines": ["17 ALLEE DIDEROT", "56000 VANNES"],
            "pdl": "12345678901234",
            "building": "",
        },
        "installation": {
            "sector": "Solaire",
            "technology": "Photovoltaïque",
            "max_power_kva": format_kva(Decimal("18")),
            "connection_power_kva": format_kva(Decimal("18")),
            "phases": "Triphasé",
            "phase_powers_kva": [format_kva(Decimal("6"))] * 3,
            "storage_present": True,
            "storage_capacity_kwh": format_kwh(Decimal("13.5")),
            "inverters": [
                {
                    "make": "Fronius",
                    "model": "Symo 9.0-3-M",
                    "count": 2,
                    "unit_power_kva": format_kva(Decimal("9")),
                }
            ],
            "decoupling": "automatic_disconnector",
            "certificate_standard": "NF EN 50549-1",
            "commissioning_date": "15/01/2018",
        },
        "acceptances": {"producer": producer_accepted, "operator": operator_accepted},
        "generated_on": "06/12/2017",
        "preview": preview,
    }
