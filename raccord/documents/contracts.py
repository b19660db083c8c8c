"""The JSON contracts between Raccord and its Typst templates, and the formatting helpers.

Every template receives one JSON object (see ``docs/documents.md``). The caller formats every
number, amount and date as the French text to print (``"18 kVA"``, ``"270 037 000 €"``,
``"05/12/2017"``): the templates only lay text out, they never compute or format.

The dictionaries below are ``TypedDict`` so that the caller builds plain JSON-ready data that a
type checker can verify; :func:`raccord.documents.renderer.render_pdf` serialises them as they are.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, NotRequired, TypedDict

from raccord.core.templatetags.raccord_french import de_operator
from raccord.rules.money import NBSP, format_eur, format_kva

# The apostrophe of the PDFs (Typst prints the templates' own apostrophes typographic).
TYPOGRAPHIC_APOSTROPHE = "\u2019"

__all__ = [
    "TYPOGRAPHIC_APOSTROPHE",
    "AcceptancesData",
    "CacsiData",
    "CompanyData",
    "DecouplingCode",
    "InstallationData",
    "InverterData",
    "OperatorData",
    "PersonData",
    "ProducerData",
    "SiteData",
    "ThirdPartyData",
    "de_operator",
    "format_capital",
    "format_date",
    "format_dossier_number",
    "format_kva",
    "format_kwh",
    "format_siren",
]


class OperatorData(TypedDict):
    """The operator's identity as printed in « Et : … D'autre part » (from ``Operator``)."""

    name: str
    short_name: str
    # « d'Enedis » / « de SER » (``de_operator``); filled from short_name by ``cacsi_render``.
    de_short_name: NotRequired[str]
    legal_form: str
    share_capital: str  # "270 037 000 €"
    registered_office: str
    rcs_city: str
    siren: str  # "444 608 442" (or "B 444 608 442")
    representative: str  # "le Directeur Régional de la région"
    election_of_domicile: str  # "" when none: the clause is left out


class PersonData(TypedDict):
    """A private producer: « M. Prénom NOM, demeurant … »."""

    civility: NotRequired[str]  # "M.", "Mme" or "" (optional)
    first_name: str
    last_name: str
    address_lines: list[str]


class CompanyData(TypedDict):
    """A producer company; empty strings (or ``None`` for the capital) leave a clause out."""

    name: str
    legal_form: str
    share_capital: str | None  # "10 000 €" or None
    registered_office_lines: list[str]
    rcs_city: str
    siren: str
    signatory_name: str
    signatory_function: str


class ProducerData(TypedDict):
    """The producer party: ``kind`` says which of ``person`` / ``company`` is filled."""

    kind: Literal["person", "company"]
    person: PersonData | None
    company: CompanyData | None
    phone: str
    email: str


class ThirdPartyData(TypedDict):
    """The « tiers habilité » (installer) who files the request for the producer."""

    name: str
    organisation: str
    email: str
    phone: str


class SiteData(TypedDict):
    """The site of the installation (chantier)."""

    address_lines: list[str]
    pdl: str  # 14 digits, "" when not known yet
    building: str  # "" when none


class InverterData(TypedDict):
    """One line of the inverter table."""

    make: str
    model: str
    count: int
    unit_power_kva: str  # "3 kVA"


DecouplingCode = Literal["integrated", "automatic_disconnector"]
"""``integrated``: the separation device integrated in each inverter, conforming to
``certificate_standard``; ``automatic_disconnector``: « assurée par un sectionneur automatique »."""


class InstallationData(TypedDict):
    """Technical data of the production installation, all pre-formatted."""

    sector: str  # "Solaire"
    technology: str  # "Photovoltaïque"
    max_power_kva: str  # "18 kVA"
    connection_power_kva: str  # "18 kVA"
    phases: str  # "Monophasé" | "Triphasé"
    phase_powers_kva: list[str]  # ["6 kVA", "6 kVA", "6 kVA"] or [] when not given
    storage_present: bool
    storage_capacity_kwh: str | None  # "10 kWh"
    inverters: list[InverterData]
    decoupling: DecouplingCode
    certificate_standard: str  # "NF EN 50549-1", "" when not relevant
    commissioning_date: str | None  # "jj/mm/aaaa"


class AcceptancesData(TypedDict):
    """Electronic acceptance dates (« Accepté le jj/mm/aaaa »), ``None`` = box left empty."""

    producer: str | None
    operator: str | None


class CacsiData(TypedDict):
    """Everything ``templates_typ/cacsi.typ`` prints."""

    number: str  # "2611P4E000123"
    number_display: str  # "26 11 P4E 000123"
    operator: OperatorData
    producer: ProducerData
    third_party: ThirdPartyData | None
    site: SiteData
    installation: InstallationData
    acceptances: AcceptancesData
    generated_on: str  # "jj/mm/aaaa"
    preview: bool


# --- Formatting helpers (the caller formats, templates print) ---------------------------------


def format_date(value: date | None) -> str | None:
    """``05/12/2017`` (``None`` stays ``None``: an empty acceptance box, no date)."""
    return None if value is None else value.strftime("%d/%m/%Y")


def format_capital(amount: Decimal | None) -> str | None:
    """A share capital: ``270 037 000 €`` when whole euros, else ``1 234,50 €``."""
    if amount is None:
        return None
    text = format_eur(amount)
    return text.replace(f",00{NBSP}€", f"{NBSP}€")


def format_kwh(energy: Decimal | None) -> str | None:
    """A storage capacity: ``13,5 kWh``."""
    return None if energy is None else format_kva(energy, unit="kWh")


def format_siren(siren: str) -> str:
    """``444608442`` → ``444 608 442`` (other values are returned unchanged)."""
    digits = siren.replace(" ", "")
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return siren


def format_dossier_number(number: str) -> str:
    """``1706P4E948637`` → ``17 06 P4E 948637`` as the seed displays it."""
    if len(number) == 13:
        return f"{number[:2]} {number[2:4]} {number[4:7]} {number[7:]}"
    return number
