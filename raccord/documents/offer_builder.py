"""Build the JSON of the Avenant L342-6 / CRD Conditions Particulières (pure functions).

:func:`offer_data` turns the document plan, the request, the study facts, what staff entered
(:class:`OfferInput`), the computed contribution (:func:`raccord.rules.money.contribution_compute`)
and the voltage study (:func:`raccord.rules.voltage.voltage_study`) into :class:`OfferData`,
every value formatted in French. It raises :class:`OfferDataError` listing every value a chosen
block needs and staff did not enter, so that a document never prints an empty merge field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from raccord.documents.contracts import (
    TYPOGRAPHIC_APOSTROPHE,
    de_operator,
    format_capital,
    format_dossier_number,
    format_siren,
)
from raccord.documents.offer_contracts import (
    CertificateData,
    ChangeLogEntry,
    ContributionData,
    CurrentTransformerData,
    MandataireData,
    MeterData,
    OfferData,
    QuotePartData,
    ReactiveData,
    S3renrData,
    SignatoryData,
    StudyRowData,
    WorkRowData,
)
from raccord.rules.consequences import technical_consequences
from raccord.rules.inputs import (
    BeneficiaryKind,
    BreakingDevice,
    ConnectionRequest,
    CutOutGrouping,
    DecouplingKind,
    InjectionOption,
    L342Timing,
    MeteringLocation,
    Phases,
    RfgScope,
    ServiceType,
    StudyFacts,
    Usage,
    Withdrawal,
)
from raccord.rules.money import NBSP, Contribution, format_eur, format_kva
from raccord.rules.parameters import DEFAULT_PARAMETERS, ParameterSet
from raccord.rules.variants import DocumentKind, DocumentPlan
from raccord.rules.voltage import VoltageStudy

__all__ = [
    "CHANGELOG",
    "CertificateInput",
    "CurrentTransformer",
    "NetworkNames",
    "OfferDataError",
    "OfferInput",
    "OperatorIdentity",
    "PartyIdentity",
    "Signatory",
    "WorkItem",
    "WorkKind",
    "WorkLocation",
    "format_number",
    "offer_data",
]

MODEL_REFERENCE = "Enedis-FOR-RES_052E"
MODEL_VERSION = "5"
MANDATE_REFERENCE = "Enedis-FOR-RES_050E"

CHANGELOG: tuple[ChangeLogEntry, ...] = (
    {
        "version": "4",
        "date": "16/05/2024",
        "nature": "Engagement de bridage dynamique et performances associées, précision sur la "
        "P100",
        "replaces": "",
    },
    {
        "version": "5",
        "date": "01/01/2025",
        "nature": "Mise en application des normes NF EN 50549 Fusion avec la note "
        "Enedis-FOR-RES_051E",
        "replaces": "",
    },
)

ASSOCIATED_DOCUMENTS: tuple[tuple[str, str], ...] = (
    (
        "Enedis-FOR-RES_17E",
        "Convention de raccordement au Réseau Public de Distribution BT d'une Installation de "
        "production de puissance comprise entre 36 et 250 kVA - Conditions Générales",
    ),
    (
        "Enedis-PRO-RES_67E",
        "Procédure de traitement des demandes de raccordement d'une Installation de Production en "
        "BT de puissance supérieure à 36 kVA et en HTA, au Réseau Public de Distribution géré par "
        "Enedis",
    ),
    (
        "Enedis-PRO-RES_65E",
        "Conditions de raccordement des Installations de Production relevant d'un Schéma "
        "Régional de Raccordement au Réseau des Énergies Renouvelables ou d'un volet géographique",
    ),
    (
        "Enedis-PRO-RES_78E",
        "Conditions de raccordement des installations susceptibles d'injecter et de soutirer",
    ),
    (
        "Enedis-PRO-RES_64E",
        "Modalités du contrôle de performances des Installations de Production raccordées au "
        "Réseau Public de Distribution géré par Enedis",
    ),
    (MANDATE_REFERENCE, "Contrat de Mandat - L342-6"),
    (
        "Enedis-NOI-RES_080E",
        "Cahier des Charges Technique Particulier (CCTP) applicable aux prestations d'études de "
        "réalisation pour la construction des Ouvrages dédiés, sous la responsabilité du "
        "Mandataire en application de l'article L342-6 du code de l'énergie",
    ),
    (
        "Enedis-NOI-RES_081E",
        "Cahier des Charges Techniques Particulières (CCTP) applicable aux prestations d'études "
        "de Sol pour la construction des Ouvrages dédiés, sous la responsabilité du Mandataire en "
        "application de l'article L342-6 du code de l'énergie",
    ),
    (
        "Enedis-NOI-RES_082E",
        "Cahier des Charges Technique Particulier (CCTP) applicable aux prestations de travaux de "
        "forage dirigé pour la construction des Ouvrages dédiés, sous la responsabilité du "
        "Mandataire en application de l'article L342-6 du code de l'énergie",
    ),
    (
        "Enedis-NOI-RES_083E",
        "Cahier des Charges Technique Particulier (CCTP) applicable aux prestations "
        "d'investigations Complémentaires (IC) et d'Opérations de Localisation (OL) non "
        "intrusives pour la construction des Ouvrages dédiés, sous la responsabilité du "
        "Mandataire en application de l'article L342-6 du code de l'énergie",
    ),
    (
        "Enedis-NOI-RES_084E",
        "Cahier des Charges Technique Particulier applicable aux prestations de Repérage Avant "
        "Travaux amiante et HAP dans les enrobés, pour la construction des Ouvrages dédiés, sous "
        "la responsabilité du Mandataire en application de l'article L342-6 du code de l'énergie",
    ),
    (
        "Enedis-NOI-RES_085E",
        "Cahier des Charges Technique Particulier (CCTP) applicable aux prestations de travaux "
        "pour la construction des Ouvrages dédiés, sous la responsabilité du Mandataire en "
        "application de l'article L342-6 du code de l'énergie",
    ),
)

CRD_ONLY_DOCUMENTS = frozenset({MANDATE_REFERENCE, *(f"Enedis-NOI-RES_08{i}E" for i in range(6))})
"""Associated documents listed in the Avenant only (the L342-6 Mandataire documents)."""


class OfferDataError(ValueError):
    """Values that the chosen blocks print are missing (``missing``: field names)."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("Valeurs manquantes pour le document : " + ", ".join(self.missing))


# --- What staff enter -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OperatorIdentity:
    """The operator's record (« Auteur de la Convention de Raccordement Directe »)."""

    name: str
    short_name: str
    legal_form: str
    share_capital: Decimal
    registered_office: str
    rcs_city: str
    siren: str
    representative_name: str
    representative_function: str
    website: str = "www.enedis.fr"


@dataclass(frozen=True, slots=True)
class PartyIdentity:
    """The beneficiary (the Demandeur): a person (name, address) or a company (all fields)."""

    name: str
    address_lines: tuple[str, ...]
    legal_form: str = ""
    share_capital: Decimal | None = None
    rcs_city: str = ""
    siren: str = ""
    siret: str = ""
    signatory_name: str = ""
    signatory_function: str = ""


@dataclass(frozen=True, slots=True)
class NetworkNames:
    """Names and GDO codes of the network the works sit on (§ 4.2)."""

    bt_feeder: str = ""
    bt_feeder_code: str = ""
    substation: str = ""  # poste HTA/BT
    substation_code: str = ""
    hta_feeder: str = ""
    primary_substation: str = ""  # Poste Source
    primary_substation_code: str = ""


class WorkKind(StrEnum):
    """Row category of the § 4.2 tables; its label depends on the S3REnR variant."""

    PRIVATE_BRANCH = "branchement_domaine_prive"
    PUBLIC_BRANCH = "branchement_domaine_public"
    EXTENSION = "extension"


class WorkLocation(StrEnum):
    """Which network location text follows the description (§ 4.2 tables)."""

    NONE = "aucun"
    BT_FEEDER = "depart_bt"  # « sur le départ BT … issu du poste HTA/BT … »
    DIRECT_FEEDER = "depart_bt_direct"  # « constituant un départ BT direct … depuis le poste … »
    SUBSTATION = "poste_hta_bt"  # « [poste] [code] sur le départ HTA … issu du Poste Source … »
    PRIMARY_SUBSTATION = "poste_source"  # « issu du Poste Source … »


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A row of a § 4.2 table: « Création d'un câble 3x95 mm² Alu + 1x50 mm² Alu »."""

    kind: WorkKind
    description: str
    location: WorkLocation = WorkLocation.NONE


@dataclass(frozen=True, slots=True)
class CurrentTransformer:
    """A row of § 4.3.2 (« TC 200 A / 5 A, classe 0,5, 15 VA, ICE 4Q »)."""

    ratio: str
    accuracy_class: Decimal
    burden_va: Decimal
    meter_type: str
    reference: str = "TC"


@dataclass(frozen=True, slots=True)
class Signatory:
    """A signatory; the delegator is printed when the § 8 delegation block is in."""

    name: str
    function: str
    delegator_name: str = ""
    delegator_function: str = ""


@dataclass(frozen=True, slots=True)
class CertificateInput:
    """Annex 6: a standard, what it certifies, and whether the certificate was supplied (the
    uploaded files are given to :func:`raccord.documents.offer_render.offer_render`)."""

    standard: str
    subject: str
    supplied: bool


@dataclass(frozen=True, slots=True)
class OfferInput:
    """What staff enter to issue the offer (the rest comes from the request and the rules)."""

    number: str
    operator: OperatorIdentity
    beneficiary: PartyIdentity
    site_name: str
    site_address_lines: tuple[str, ...]
    production_type: str  # « photovoltaïque »
    network: NetworkNames
    payment_entity: str
    payment_address_lines: tuple[str, ...]
    requester_signatory: Signatory
    operator_signatory: Signatory
    place: str
    works_months: int
    source_months: int = 0
    bt_created: tuple[WorkItem, ...] = ()
    bt_adapted: tuple[WorkItem, ...] = ()
    upper_created: tuple[WorkItem, ...] = ()
    upper_adapted: tuple[WorkItem, ...] = ()
    private_works: str = ""
    current_transformers: tuple[CurrentTransformer, ...] = ()
    s3renr_region: str = ""
    s3renr_approved_on: date | None = None
    s3renr_other_region: str = ""
    s3renr_other_approved_on: date | None = None
    s3renr_source_substation: str = ""
    mandataire_description: str = ""
    mandataire_delay_weeks: int | None = None
    l342_requested_on: date | None = None
    previous_offer_on: date | None = None
    crd_number: str = ""
    tariff_filter_kind: str = ""
    tariff_filter_specs: str = ""
    harmonics_filter_kind: str = ""
    harmonics_filter_specs: str = ""
    certificates: tuple[CertificateInput, ...] = ()
    study_reference: str = ""
    study_tool: str = "ARPE V5"
    study_on: date | None = None
    payee: str = ""
    cg_version: str = "V5"
    procedure_version: str = "V6"
    signed_on: date | None = None
    preview: bool = False
    extra_collection_rows: tuple[tuple[str, str], ...] = field(default=())


# --- Formatting -------------------------------------------------------------------------------


def _d(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def format_number(value: Decimal) -> str:
    """``Decimal("0.35")`` → ``0,35``; ``Decimal("1250.50")`` → ``1 250,5`` (no unit)."""
    return format_kva(value, unit="").rstrip(NBSP)


def _percent(rate: Decimal) -> str:
    return f"{format_number(rate * 100)}{NBSP}%"


def _kva(value: Decimal) -> str:
    return format_kva(value)


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _location_text(location: WorkLocation, n: NetworkNames) -> str:
    substation = _joined(n.substation, n.substation_code)
    primary = _joined(n.primary_substation, n.primary_substation_code)
    upstream = f"sur le départ HTA {n.hta_feeder} issu du Poste Source {primary}"
    if location is WorkLocation.BT_FEEDER:
        return (
            f"sur le départ BT {_joined(n.bt_feeder, n.bt_feeder_code)} issu du poste HTA/BT de "
            f"Distribution Publique {substation} {upstream}"
        )
    if location is WorkLocation.DIRECT_FEEDER:
        return (
            f"constituant un départ BT direct {_joined(n.bt_feeder, n.bt_feeder_code)} depuis le "
            f"poste HTA/BT de Distribution Publique {substation} {upstream}"
        )
    if location is WorkLocation.SUBSTATION:
        return f"{substation} {upstream}"
    if location is WorkLocation.PRIMARY_SUBSTATION:
        return f"issu du Poste Source {primary}"
    return ""


_LOCATION_FIELDS: dict[WorkLocation, tuple[str, ...]] = {
    WorkLocation.NONE: (),
    WorkLocation.BT_FEEDER: (
        "bt_feeder",
        "substation",
        "hta_feeder",
        "primary_substation",
    ),
    WorkLocation.DIRECT_FEEDER: ("bt_feeder", "substation", "hta_feeder", "primary_substation"),
    WorkLocation.SUBSTATION: ("substation", "hta_feeder", "primary_substation"),
    WorkLocation.PRIMARY_SUBSTATION: ("primary_substation",),
}

_WORK_LABELS: dict[tuple[WorkKind, bool], str] = {
    (WorkKind.PRIVATE_BRANCH, True): "Ouvrages propres en domaine privé du Demandeur",
    (WorkKind.PUBLIC_BRANCH, True): "Ouvrages propres",
    (WorkKind.EXTENSION, True): "Ouvrages propres",
    (WorkKind.PRIVATE_BRANCH, False): "Ouvrages de branchement en domaine privé du Demandeur",
    (WorkKind.PUBLIC_BRANCH, False): "Ouvrages de branchement en domaine public",
    (WorkKind.EXTENSION, False): "Ouvrages d'extension",
}


def _work_rows(
    items: Sequence[WorkItem],
    *,
    s3renr: bool,
    network: NetworkNames,
    table: str,
    missing: list[str],
) -> list[WorkRowData]:
    rows: list[WorkRowData] = []
    for i, item in enumerate(items):
        if not item.description.strip():
            missing.append(f"{table}[{i}].description")
        for name in _LOCATION_FIELDS[item.location]:
            if not getattr(network, name).strip():
                missing.append(f"network.{name}")
        text = _joined(item.description.strip(), _location_text(item.location, network))
        rows.append({"label": _WORK_LABELS[item.kind, s3renr], "description": text})
    return rows


# --- Annex 1: the collection sheet ------------------------------------------------------------

_LABELS: dict[StrEnum, str] = {
    ServiceType.NEW_CONNECTION: "Nouveau raccordement",
    ServiceType.POWER_INCREASE: "Augmentation de puissance",
    ServiceType.MODIFICATION: "Modification de l'installation",
    Usage.CONSUMPTION_ONLY: "Consommation seule",
    Usage.PRODUCTION_ONLY: "Production seule",
    Usage.CONSUMPTION_AND_PRODUCTION: "Consommation et production",
    InjectionOption.TOTAL: "Injection en totalité",
    InjectionOption.SURPLUS: "Injection du surplus",
    InjectionOption.NONE: "Autoconsommation totale",
    Phases.SINGLE: "Monophasé",
    Phases.THREE: "Triphasé",
    Withdrawal.NONE: "Aucun",
    Withdrawal.NEW: "Nouveau raccordement en soutirage",
    Withdrawal.EXISTING: "Raccordement existant en soutirage",
    DecouplingKind.B1_RELAYS: "Protection de découplage de type B.1",
    DecouplingKind.SEPARATION_DEVICE: "Dispositif de séparation intégré",
    RfgScope.WHOLE: "Soumise au code RfG",
    RfgScope.NEW_OR_MODIFIED_PARTS: "Soumise au code RfG pour ses parties neuves ou modifiées",
    RfgScope.NOT_SUBJECT: "Non soumise au code RfG",
    MeteringLocation.PRIVATE_DOMAIN_LIMIT: "En limite de domaine privé",
    MeteringLocation.PRIVATE_PREMISES: "En domaine privé",
    BreakingDevice.CIRCUIT_BREAKER: "Disjoncteur",
    BreakingDevice.SWITCH_DISCONNECTOR_BREAKER: "Sectionneur-disjoncteur",
    BreakingDevice.WITHDRAWABLE_BREAKER: "Disjoncteur débrochable",
    CutOutGrouping.GROUPED_ECP3D: "Regroupés dans un même appareillage (ECP3D)",
    CutOutGrouping.SEPARATE: "Séparés",
    BeneficiaryKind.PERSON: "Particulier",
    BeneficiaryKind.COMPANY: "Société",
    BeneficiaryKind.LOCAL_AUTHORITY: "Collectivité locale",
    L342Timing.AFTER_REQUEST: "Après la demande de raccordement",
    L342Timing.FIRST_REQUEST: "Dès la demande initiale",
}


def _label(value: StrEnum | None, fallback: str = "Non précisé") -> str:
    return fallback if value is None else _LABELS[value]


def _yes(value: bool) -> str:
    return "Oui" if value else "Non"


def collection_rows(request: ConnectionRequest, offer: OfferInput) -> list[list[str]]:
    """Annex 1 « Caractéristiques de la demande »: rows ``[section]`` or ``[label, value]``."""
    r = request
    b = offer.beneficiary
    rows: list[list[str]] = [
        ["Demandeur"],
        ["Nom ou raison sociale", b.name],
        ["Nature du Demandeur", _label(r.beneficiary)],
        ["Adresse", ", ".join(b.address_lines)],
        *([["N° SIRET", b.siret]] if b.siret else []),
        ["Site"],
        ["Nom du site", offer.site_name],
        ["Adresse du site", ", ".join(offer.site_address_lines)],
        ["Demande"],
        ["Type de prestation", _label(r.service_type)],
        ["Usage", _label(r.usage)],
        ["Demande recevable le", _d(r.reference_date)],
        ["Article L342-6 demandé", _label(r.l342_6_timing)],
        ["Installation de production"],
        ["Type de production", offer.production_type],
        ["Option d'injection", _label(r.injection_option)],
        ["Puissance installée", _kva(r.installed_power_kva)],
        ["Puissance de raccordement en injection", _kva(r.pracc_inj_kva)],
        ["Raccordement en soutirage", _label(r.withdrawal)],
        *(
            [["Puissance de raccordement en soutirage", _kva(r.pracc_sout_kva)]]
            if r.withdrawal is not Withdrawal.NONE
            else []
        ),
        ["Type de raccordement", _label(r.phases)],
        *(
            [["Puissance par phase", " / ".join(_kva(p) for p in r.phase_powers_kva)]]
            if any(r.phase_powers_kva)
            else []
        ),
        ["Stockage", _yes(r.storage)],
        ["Onduleurs", _yes(r.has_inverters)],
        *(
            [["Puissance unitaire des onduleurs", _kva(r.inverter_unit_kva)]]
            if r.inverter_unit_kva is not None
            else []
        ),
        ["Machines tournantes", _yes(r.rotating_machines)],
        ["Protection de découplage", _label(r.decoupling)],
        [
            "Normes des certificats",
            ", ".join(r.certificate_standards) if r.certificate_standards else "Aucune",
        ],
        ["Certificats de conformité remis", _yes(r.certificates_supplied)],
        ["Code RfG", _label(r.rfg_scope)],
        ["Point De Livraison"],
        ["Emplacement du comptage", _label(r.metering_location)],
        ["Appareil de coupure", _label(r.breaking_device)],
        ["Coupe-circuits injection / soutirage", _label(r.cut_out_grouping)],
        *([[k, v] for k, v in offer.extra_collection_rows]),
    ]
    return rows


# --- Annex 4 ----------------------------------------------------------------------------------


def _study_value(value: Decimal | str | None, unit: str) -> str:
    if value is None:
        return "—"
    text = format_number(value) if isinstance(value, Decimal) else value
    return f"{text}{NBSP}{unit}" if unit else text


def study_rows(voltage: VoltageStudy) -> list[StudyRowData]:
    """The « Fiche de contrôle de l'étude » rows, values formatted in French."""
    return [
        {
            "section": row.section,
            "label": row.label,
            "value": _study_value(row.value, row.unit),
            "comment": row.comment,
        }
        for row in voltage.rows
    ]


# --- The document ------------------------------------------------------------------------------


def _signatory(s: Signatory, delegated: bool, prefix: str, missing: list[str]) -> SignatoryData:
    if not s.name.strip():
        missing.append(f"{prefix}.name")
    if not s.function.strip():
        missing.append(f"{prefix}.function")
    if delegated and not s.delegator_name.strip():
        missing.append(f"{prefix}.delegator_name")
    return {
        "name": s.name,
        "function": s.function,
        "delegator_name": s.delegator_name if delegated else "",
        "delegator_function": s.delegator_function if delegated else "",
    }


def offer_data(
    *,
    plan: DocumentPlan,
    request: ConnectionRequest,
    study: StudyFacts,
    offer: OfferInput,
    contribution: Contribution,
    voltage: VoltageStudy,
    today: date,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> OfferData:
    """The JSON of ``avenant.typ`` for ``plan.document`` (Avenant or CRD).

    Raises :class:`OfferDataError` when a chosen block needs a value ``offer`` lacks.
    """
    has = plan.includes
    missing: list[str] = []
    avenant = plan.document is DocumentKind.AVENANT
    r = request
    c = technical_consequences(request=r, study=study, params=params)
    s3 = has("4.O")
    o = offer.operator
    b = offer.beneficiary

    def need(value: object, name: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(name)

    for attr in ("name", "short_name", "legal_form", "registered_office", "rcs_city", "siren"):
        need(getattr(o, attr), f"operator.{attr}")
    need(o.representative_name, "operator.representative_name")
    need(o.representative_function, "operator.representative_function")
    need(b.name, "beneficiary.name")
    need(offer.site_name, "site_name")
    need(offer.production_type, "production_type")
    need(offer.place, "place")
    need(offer.payment_entity, "payment_entity")
    if not offer.payment_address_lines:
        missing.append("payment_address_lines")
    if has("BENEF.PERSONNE") and not b.address_lines:
        missing.append("beneficiary.address_lines")
    if has("BENEF.SOCIETE"):
        for attr in ("legal_form", "siren", "signatory_name", "signatory_function"):
            need(getattr(b, attr), f"beneficiary.{attr}")
        if r.beneficiary is BeneficiaryKind.COMPANY:
            need(b.rcs_city, "beneficiary.rcs_city")
        if not b.address_lines:
            missing.append("beneficiary.address_lines")

    # § 4.1 S3REnR
    s3renr: S3renrData | None = None
    if s3:
        need(offer.s3renr_region, "s3renr_region")
        need(offer.s3renr_approved_on, "s3renr_approved_on")
        if has("4.1.V2") or has("4.1.V3"):
            need(offer.s3renr_other_region, "s3renr_other_region")
            need(offer.s3renr_other_approved_on, "s3renr_other_approved_on")
        if has("4.1.V3"):
            need(offer.s3renr_source_substation, "s3renr_source_substation")
        s3renr = {
            "region": offer.s3renr_region,
            "approved_on": _d(offer.s3renr_approved_on),
            "other_region": offer.s3renr_other_region,
            "other_approved_on": _d(offer.s3renr_other_approved_on),
            "source_substation": offer.s3renr_source_substation,
        }

    # § 2.1, § 7.1
    if has("2.1.V1"):
        need(offer.l342_requested_on, "l342_requested_on")
    if has("2.1.V1") or has("2.1.V2"):
        need(offer.crd_number, "crd_number")
    if has("7.1.V1"):
        need(offer.previous_offer_on, "previous_offer_on")
    if has("4.4.V1"):
        need(offer.private_works, "private_works")
    if has("5.2.V2"):
        need(offer.tariff_filter_kind, "tariff_filter_kind")
        need(offer.tariff_filter_specs, "tariff_filter_specs")
    if has("5.4.V2"):
        need(offer.harmonics_filter_kind, "harmonics_filter_kind")
        need(offer.harmonics_filter_specs, "harmonics_filter_specs")

    # § 3.2 variant 3
    reactive: ReactiveData = {
        "tan_phi": "",
        "cos_phi": "",
        "threshold": "",
        "min_ratio": "",
        "max_ratio": "",
    }
    rs = c.reactive
    if rs is not None and rs.control is not None and has("3.2.V3"):
        reactive = {
            "tan_phi": format_number(abs(rs.tan_phi)),
            "cos_phi": format_number(rs.cos_phi),
            "threshold": format_number(rs.control.threshold_ratio),
            "min_ratio": format_number(rs.control.min_absorbed_ratio),
            "max_ratio": format_number(rs.control.max_absorbed_ratio),
        }

    # § 4.3
    meters: list[MeterData] = []
    if c.metering is not None:
        meters = [
            {
                "meter_type": m.meter_type,
                "energies": [e.label for e in m.energies],
                "codes": [e.code for e in m.energies],
                "owner": m.owner,
            }
            for m in c.metering.meters
        ]
    cts: list[CurrentTransformerData] = [
        {
            "reference": ct.reference,
            "ratio": ct.ratio,
            "accuracy_class": format_number(ct.accuracy_class),
            "burden": f"{format_number(ct.burden_va)}{NBSP}VA",
            "meter_type": ct.meter_type,
        }
        for ct in offer.current_transformers
    ]
    decoupling_standards = (
        " / ".join(c.decoupling.accepted_standards) if c.decoupling is not None else ""
    )
    if has("5.1.2.1.V2") and not decoupling_standards:
        missing.append("decoupling.accepted_standards")

    # § 7
    ct = contribution
    rate_text = _percent(ct.refaction_rate)
    quote_part: QuotePartData | None = None
    if has("7.2.2.O"):
        qp = ct.quote_part
        if qp is None:
            missing.append("contribution.quote_part")
        else:
            quote_part = {
                "region": offer.s3renr_region or qp.region.capitalize(),
                "power_mw": format_number(qp.power_mw),
                "keur_per_mw": format_number(qp.keur_per_mw),
                "refaction": "Exonérée"
                if qp.exempt
                else (f"Oui (r = {_percent(qp.refaction_rate)})" if qp.refaction_rate else "Non"),
                "billed": format_eur(qp.billed_ht),
            }
    mandataire: MandataireData | None = None
    if has("7.2.4.PO"):
        m = ct.mandataire
        need(offer.mandataire_description, "mandataire_description")
        need(offer.mandataire_delay_weeks, "mandataire_delay_weeks")
        if m is None:
            missing.append("contribution.mandataire")
        else:
            mandataire = {
                "description": offer.mandataire_description,
                "cost_ht": format_eur(m.works_ht),
                "refaction_cap_ht": format_eur(m.cap_ht),
                "delay_weeks": str(offer.mandataire_delay_weeks),
            }
    if not ct.lines:
        missing.append("contribution.lines")
    contribution_data: ContributionData = {
        "lines": [
            [
                line.label,
                f"Oui ({rate_text})" if line.refaction_applies else "Non",
                format_eur(line.billed_ht),
            ]
            for line in ct.lines
        ],
        "total_ht": format_eur(ct.total_ht),
        "vat_label": f"TVA ({_percent(ct.vat_rate)})",
        "vat": format_eur(ct.vat),
        "total_ttc": format_eur(ct.total_ttc),
        "quote_part": quote_part,
        "deposit_percent": format_number(ct.deposit_percent),
        "deposit_ttc": format_eur(ct.deposit_ttc),
        "balance_ttc": format_eur(ct.balance_ttc),
        "mandataire": mandataire,
        "payment": {
            "entity": offer.payment_entity,
            "address_lines": list(offer.payment_address_lines),
            "payee": offer.payee or o.short_name,
        },
    }

    # Annexes
    # The files themselves are appended by offer_render, which fills "files" / "unreadable".
    certificates: list[CertificateData] = [
        {
            "standard": x.standard,
            "subject": x.subject,
            "supplied": x.supplied,
            "files": [],
            "unreadable": [],
        }
        for x in offer.certificates
    ]
    if not certificates:
        certificates = [
            {
                "standard": s,
                "subject": "Protection de découplage",
                "supplied": r.certificates_supplied,
                "files": [],
                "unreadable": [],
            }
            for s in r.certificate_standards
        ]
    identification = [
        ["Référence de l'étude", offer.study_reference or offer.number],
        ["Nom de la commune", offer.site_address_lines[-1] if offer.site_address_lines else ""],
        ["Date de l'étude", _d(offer.study_on or today)],
        ["Nom du départ HTA", offer.network.hta_feeder],
        ["Nom du poste HTA/BT", _joined(offer.network.substation, offer.network.substation_code)],
        ["Nom du Producteur", b.name],
        ["Lieu de production", ", ".join(offer.site_address_lines)],
        ["Type de production", offer.production_type],
    ]
    identification = [[k, v or "—"] for k, v in identification]

    if offer.works_months < 0 or offer.source_months < 0:
        missing.append("works_months")
    requester = _signatory(
        offer.requester_signatory, has("8.DELEG.DEMANDEUR"), "requester_signatory", missing
    )
    operator_signatory = _signatory(
        offer.operator_signatory, has("8.DELEG.ENEDIS"), "operator_signatory", missing
    )

    work_args = {"s3renr": s3, "network": offer.network, "missing": missing}
    works_data = {
        "bt_created": _work_rows(offer.bt_created, table="bt_created", **work_args),  # type: ignore[arg-type]
        "bt_adapted": _work_rows(offer.bt_adapted, table="bt_adapted", **work_args),  # type: ignore[arg-type]
        "upper_created": _work_rows(offer.upper_created, table="upper_created", **work_args),  # type: ignore[arg-type]
        "upper_adapted": _work_rows(offer.upper_adapted, table="upper_adapted", **work_args),  # type: ignore[arg-type]
        "private_works": offer.private_works if has("4.4.V1") else "",
    }
    if missing:
        raise OfferDataError(sorted(set(missing)))

    documents = [
        [ref, title]
        for ref, title in ASSOCIATED_DOCUMENTS
        if avenant or ref not in CRD_ONLY_DOCUMENTS
    ]
    company = None
    person = None
    if has("BENEF.SOCIETE"):
        company = {
            "name": b.name,
            "legal_form": b.legal_form,
            "share_capital": format_capital(b.share_capital) or "",
            "registered_office_lines": list(b.address_lines),
            "rcs_city": b.rcs_city,
            "siren": format_siren(b.siren),
            "signatory_name": b.signatory_name,
            "signatory_function": b.signatory_function,
        }
    else:
        person = {"name": b.name, "address_lines": list(b.address_lines)}
    works_label = c.works.power_label if c.works is not None else "en injection"
    signed_on = _d(offer.signed_on or today)
    return {
        "document": "avenant" if avenant else "crd",
        "blocks": sorted(plan.chosen),
        "number": offer.number,
        "number_display": format_dossier_number(offer.number),
        "identification": {
            "reference": MODEL_REFERENCE,
            "version": MODEL_VERSION,
            "changelog": list(CHANGELOG),
            "associated_documents": documents,
        },
        "cg_version": offer.cg_version,
        "procedure_version": offer.procedure_version,
        "establishment": {
            "name": b.name,
            "siret": b.siret,
            "address_lines": list(offer.site_address_lines),
        },
        "site_name": offer.site_name,
        "operator": {
            "name": o.name,
            "short_name": o.short_name,
            "de_short_name": de_operator(o.short_name, TYPOGRAPHIC_APOSTROPHE),
            "legal_form": o.legal_form,
            "share_capital": (format_capital(o.share_capital) or "").replace("€", "euros"),
            "registered_office": o.registered_office,
            "rcs_city": o.rcs_city,
            "siren": format_siren(o.siren),
            "representative_name": o.representative_name,
            "representative_function": o.representative_function,
            "website": o.website,
        },
        "beneficiary": {"person": person, "company": company},  # type: ignore[typeddict-item]
        "powers": {
            "pracc_inj": _kva(r.pracc_inj_kva),
            "pracc_sout": _kva(r.pracc_sout_kva) if r.withdrawal is not Withdrawal.NONE else "",
            "installed": _kva(r.installed_power_kva),
            "production_label": f"de Production {offer.production_type}",
            "works_power_label": works_label,
        },
        "reactive": reactive,
        "s3renr": s3renr,
        "works": works_data,  # type: ignore[typeddict-item]
        "technical": {
            "meters": meters,
            "current_transformers": cts,
            "decoupling_standards": decoupling_standards,
            "tariff_filter_kind": offer.tariff_filter_kind,
            "tariff_filter_specs": offer.tariff_filter_specs,
            "harmonics_standard": c.harmonics.standard if c.harmonics is not None else "",
            "harmonics_filter_kind": offer.harmonics_filter_kind,
            "harmonics_filter_specs": offer.harmonics_filter_specs,
        },
        "contribution": contribution_data,
        "deadlines": {
            "works_months": str(offer.works_months),
            "source_months": str(offer.source_months),
            "receivable_on": _d(r.reference_date),
            "l342_requested_on": _d(offer.l342_requested_on),
            "previous_offer_on": _d(offer.previous_offer_on),
            "crd_number": offer.crd_number,
        },
        "signatures": {
            "place": offer.place,
            "date": signed_on,
            "requester": requester,
            "operator": operator_signatory,
        },
        "annexes": {
            "collection": collection_rows(r, offer),
            "situation_plan": {"provided": False, "pages": 0},
            "single_line_diagram": {"provided": False, "pages": 0},
            "study": {
                "tool": f"Étude réalisée {offer.study_tool} du {_d(offer.study_on or today)}",
                "identification": identification,
                "rows": study_rows(voltage),
                "verdict": (
                    "La tension reste dans la plage admissible après le raccordement."
                    if voltage.compliant
                    else "La tension sort de la plage admissible : la solution prévoit les "
                    "ouvrages décrits à l'article 4."
                ),
            },
            "mandate_reference": MANDATE_REFERENCE,
            "certificates": certificates,
            "certificate_files": [],
        },
        "generated_on": _d(today),
        "preview": offer.preview,
    }


# --- Example (tests, bench, demos) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferExample:
    """Everything :func:`offer_data` needs for one dossier, plus the money and study inputs."""

    request: ConnectionRequest
    study: StudyFacts
    offer: OfferInput
    contribution: Contribution
    voltage: VoltageStudy
    today: date


def example_offer_input(**overrides: object) -> OfferInput:
    """Staff input of the worked example (SAS SOLEIL D'ARMOR, Vannes); ``overrides`` replace
    fields."""
    from dataclasses import replace

    base = OfferInput(
        number="2506P4E000421",
        operator=OperatorIdentity(
            name="Enedis",
            short_name="Enedis",
            legal_form="société anonyme",
            share_capital=Decimal("270037000"),
            registered_office="4, place de la Pyramide, 92800 Puteaux",
            rcs_city="NANTERRE",
            siren="444608442",
            representative_name="Claire LE BRIS",
            representative_function="Directrice Régionale Enedis Bretagne",
        ),
        beneficiary=PartyIdentity(
            name="SOLEIL D'ARMOR",
            address_lines=("12 rue du Port", "56000 VANNES"),
            legal_form="SAS",
            share_capital=Decimal("50000"),
            rcs_city="VANNES",
            siren="552144503",
            siret="552 144 503 00017",
            signatory_name="Yann KERGOAT",
            signatory_function="Président",
        ),
        site_name="Hangar agricole de Kerlann",
        site_address_lines=("Lieu-dit Kerlann", "56000 VANNES"),
        production_type="photovoltaïque",
        network=NetworkNames(
            bt_feeder="KERLANN 2",
            bt_feeder_code="D0456",
            substation="KERLANN",
            substation_code="P0123",
            hta_feeder="THEIX",
            primary_substation="VANNES EST",
            primary_substation_code="PS056",
        ),
        bt_created=(
            WorkItem(WorkKind.PRIVATE_BRANCH, "Création d'un câble 3x95 mm² Alu + 1x50 mm² Alu"),
            WorkItem(
                WorkKind.PUBLIC_BRANCH,
                "Création d'un câble 3x95 mm² Alu + 1x50 mm² Alu",
                WorkLocation.BT_FEEDER,
            ),
            WorkItem(
                WorkKind.EXTENSION,
                "Création d'une extension de réseau 3x150 mm² Alu + 1x70 mm² Alu (180 m)",
                WorkLocation.BT_FEEDER,
            ),
        ),
        bt_adapted=(
            WorkItem(
                WorkKind.EXTENSION,
                "Modifications dans poste existant (changement de tableau BT)",
                WorkLocation.SUBSTATION,
            ),
        ),
        current_transformers=(
            CurrentTransformer("200 A / 5 A", Decimal("0.5"), Decimal("15"), "PME/PMI 4Q"),
        ),
        payment_entity="Enedis Agence Raccordement Bretagne",
        payment_address_lines=("2 rue Jacques Prévert", "35000 RENNES"),
        requester_signatory=Signatory(
            "Yann KERGOAT", "Président", "Anne KERGOAT", "Directrice générale"
        ),
        operator_signatory=Signatory(
            "Marc LE GOFF",
            "Responsable de l'Agence Raccordement",
            "Claire LE BRIS",
            "Directrice Régionale Enedis Bretagne",
        ),
        place="Rennes",
        works_months=6,
        source_months=0,
        private_works="Réalisation par le Demandeur de la niche d'encastrement du coffret de "
        "comptage et de la tranchée avec fourreaux en domaine privé (40 m).",
        s3renr_region="Bretagne",
        s3renr_approved_on=date(2023, 6, 29),
        s3renr_other_region="Pays de la Loire",
        s3renr_other_approved_on=date(2023, 3, 14),
        s3renr_source_substation="VANNES EST",
        mandataire_description="Tranchée, fourreaux et pose du câble 3x150 mm² Alu de "
        "l'extension de réseau en domaine public (180 m)",
        mandataire_delay_weeks=26,
        l342_requested_on=date(2025, 5, 2),
        previous_offer_on=date(2024, 11, 20),
        crd_number="2506P4E000421-CRD",
        tariff_filter_kind="passif",
        tariff_filter_specs="Filtre bouchon 175 Hz, atténuation ≥ 20 dB.",
        harmonics_filter_kind="actif",
        harmonics_filter_specs="Filtre actif 60 A, rangs 3 à 50.",
        certificates=(
            CertificateInput("NF EN 50549-1", "Onduleurs (protection de découplage)", True),
            CertificateInput("FD C11-519-11", "Contrôle de performances (annexe C)", True),
        ),
        study_reference="ARPE-2025-0421",
        study_on=date(2025, 6, 10),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def example_offer(
    *,
    request: ConnectionRequest | None = None,
    study: StudyFacts | None = None,
    offer: OfferInput | None = None,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> OfferExample:
    """The worked example of the issue: 100 kVA surplus injection, new 60 kVA withdrawal,
    L342-6 at the first request, no S3REnR, branch and extension; money and voltage computed."""
    from raccord.rules.inputs import Usage as _Usage
    from raccord.rules.money import (
        ContributionRequest,
        CostCategory,
        CostLine,
        QuotePartRequest,
        contribution_compute,
    )
    from raccord.rules.voltage import (
        ExistingProducer,
        Extension,
        FeederType,
        VoltageStudyInput,
        voltage_study,
    )

    r = request or ConnectionRequest(
        service_type=ServiceType.NEW_CONNECTION,
        usage=_Usage.CONSUMPTION_AND_PRODUCTION,
        injection_option=InjectionOption.SURPLUS,
        phases=Phases.THREE,
        installed_power_kva=Decimal("110"),
        pracc_inj_kva=Decimal("100"),
        reference_date=date(2025, 6, 2),
        pracc_sout_kva=Decimal("60"),
        withdrawal=Withdrawal.NEW,
        inverter_unit_kva=Decimal("50"),
        decoupling=DecouplingKind.SEPARATION_DEVICE,
        certificate_standards=("NF EN 50549-1",),
        breaking_device=BreakingDevice.CIRCUIT_BREAKER,
        l342_6_timing=L342Timing.FIRST_REQUEST,
    )
    s = study or StudyFacts(
        extension_needed=True,
        s3renr=False,
        private_works_needed=True,
        tariff_signal_filter_needed=False,
        harmonics_filter_needed=False,
        mobile_coverage=True,
        anticipated_connection_offered=False,
        dso_signs_by_delegation=True,
        meter_type="PME/PMI 4Q",
    )
    o = offer or example_offer_input()
    on = r.reference_date
    contribution = contribution_compute(
        params,
        request=ContributionRequest(
            on=on,
            lines=(
                CostLine(CostCategory.PRIVATE_DOMAIN, Decimal("1850.00")),
                CostLine(CostCategory.BRANCH, Decimal("3420.50")),
                CostLine(CostCategory.BT_NETWORK, Decimal("12480.00")),
                CostLine(CostCategory.SUBSTATION, Decimal("2150.00")),
            ),
            refaction_power_kw=r.pracc_inj_kva,
            pracc_inj_kva=r.pracc_inj_kva,
            deposit_percent=None
            if r.beneficiary is BeneficiaryKind.LOCAL_AUTHORITY
            else Decimal("30"),
            local_authority=r.beneficiary is BeneficiaryKind.LOCAL_AUTHORITY,
            quote_part=QuotePartRequest("occitanie", refaction_applies=True, grouped=True)
            if s.s3renr
            else None,
            mandataire_lines=(CostLine(CostCategory.BT_NETWORK, Decimal("9800.00")),),
        ),
    )
    voltage = voltage_study(
        params,
        study=VoltageStudyInput(
            on=on,
            hta_max_kv=Decimal("20.6"),
            hta_nominal_kv=Decimal("20"),
            transformer_kva=Decimal("400"),
            transformer_resistance_ohm=Decimal("0.006"),
            secondary_no_load_v=Decimal("400"),
            pracc_kva=r.pracc_inj_kva,
            tan_phi=Decimal("-0.35"),
            feeder_type=FeederType.MIXED,
            substation_winter_peak_kw=Decimal("300"),
            feeder_winter_peak_kw=Decimal("100"),
            consumption_share_percent=Decimal("20"),
            upstream_resistance_ohm=Decimal("0.04"),
            existing_producers=(ExistingProducer(Decimal("36"), Decimal("0")),),
            extension=Extension("souterrain", Decimal("0.18"), 150),
        ),
    )
    return OfferExample(r, s, o, contribution, voltage, date(2025, 6, 16))
