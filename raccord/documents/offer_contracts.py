"""The JSON contract of ``templates_typ/avenant.typ``: the Avenant L342-6 and the CRD.

One template prints both documents of the BT 36-250 kVA offer (model Enedis-FOR-RES_052E v5):

* ``document == "avenant"``: the Avenant L342-6 to the Conditions Particulières of the
  Convention de Raccordement Directe (CRD), with its Contrat de Mandat annex;
* ``document == "crd"``: the Conditions Particulières of the CRD itself: the same sections
  without the Avenant-only text (§ 2.1 variants, § 7.2.4 Travaux Mandataire, the Mandataire
  lines of § 1 and § 2.2.2, Annexe 5 Contrat de Mandat).

``blocks`` is the list of the block ids the document plan chose
(:func:`raccord.rules.variants.document_plan`, ``plan.chosen``): the template prints the text
of exactly those blocks. Everything else is text to print as it is: every amount, power and
date is already formatted in French (``"1 234,56 €"``, ``"100 kVA"``, ``"01/06/2025"``) by
:mod:`raccord.documents.offer_builder`. An optional value is ``""`` / ``None`` / ``[]`` only
where the template has a wording for its absence; the builder fills everything else.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "AnnexData",
    "AnnexesData",
    "BeneficiaryCompanyData",
    "BeneficiaryData",
    "BeneficiaryPersonData",
    "CertificateData",
    "CertificateFileData",
    "ChangeLogEntry",
    "ContributionData",
    "CurrentTransformerData",
    "DeadlinesData",
    "EstablishmentData",
    "IdentificationData",
    "MandataireData",
    "MeterData",
    "OfferData",
    "OfferOperatorData",
    "PaymentData",
    "PowersData",
    "QuotePartData",
    "ReactiveData",
    "S3renrData",
    "SignatoryData",
    "SignaturesData",
    "StudyRowData",
    "StudySheetData",
    "TechnicalData",
    "WorkRowData",
    "WorksData",
]


class ChangeLogEntry(TypedDict):
    """A row of the model's version table (« Version / Date d'application / Nature … »)."""

    version: str
    date: str  # "16/05/2024"
    nature: str
    replaces: str  # "" when the cell is empty


class IdentificationData(TypedDict):
    """The model's identification block (first page)."""

    reference: str  # "Enedis-FOR-RES_052E"
    version: str  # "5"
    changelog: list[ChangeLogEntry]
    associated_documents: list[list[str]]  # [["Enedis-FOR-RES_17E", "Convention de …"], …]


class OfferOperatorData(TypedDict):
    """« Auteur de la Convention de Raccordement Directe » (from the ``Operator`` record)."""

    name: str  # "Enedis"
    short_name: str  # « Pour Enedis », « Enedis » in the text
    de_short_name: str  # « d'Enedis » / « de SER »: de_operator(short_name, U+2019)
    legal_form: str  # "société anonyme"
    share_capital: str  # "270 037 000 euros"
    registered_office: str  # "4, place de la Pyramide, 92800 Puteaux"
    rcs_city: str  # "NANTERRE"
    siren: str  # "444 608 442"
    representative_name: str  # "Prénom NOM"
    representative_function: str  # "Directeur Régional Enedis Bretagne"
    website: str  # "www.enedis.fr"


class BeneficiaryPersonData(TypedDict):
    """« NOMCLIENT », domicilié «Adr» «CP» «Commune»."""

    name: str
    address_lines: list[str]


class BeneficiaryCompanyData(TypedDict):
    """«RAISON SOCIALESTE», «StatutSociété» au «CapitalSte», dont le siège social … ."""

    name: str
    legal_form: str  # "SAS"
    share_capital: str  # "10 000 €"; "" leaves « au capital de … » out
    registered_office_lines: list[str]
    rcs_city: str
    siren: str  # "552 144 503"
    signatory_name: str
    signatory_function: str


class BeneficiaryData(TypedDict):
    """``BENEF.PERSONNE`` fills ``person``, ``BENEF.SOCIETE`` fills ``company``."""

    person: BeneficiaryPersonData | None
    company: BeneficiaryCompanyData | None


class EstablishmentData(TypedDict):
    """The cover page: « [Nom ou raison sociale de l'Établissement] / N° SIRET / SITUÉE »."""

    name: str
    siret: str  # "552 144 503 00017", "" when none (a private person)
    address_lines: list[str]


class PowersData(TypedDict):
    """Powers and the § 3 wording, pre-formatted."""

    pracc_inj: str  # "100 kVA"
    pracc_sout: str  # "60 kVA", "" when no withdrawal
    installed: str  # "110 kVA"
    production_label: str  # "de Production photovoltaïque" (title, TITRE.PRODUCTION)
    works_power_label: str  # § 3.3 « en injection et en soutirage »


class ReactiveData(TypedDict):
    """§ 3.2 variant 3 (rotating machines); "" elsewhere."""

    tan_phi: str  # "0,3"
    cos_phi: str  # "0,958"
    threshold: str  # "0,2"
    min_ratio: str  # "0,25"
    max_ratio: str  # "0,35"


class S3renrData(TypedDict):
    """§ 4.1 and § 7.2.2 (only when the ``4.O`` option is in)."""

    region: str
    approved_on: str
    other_region: str  # § 4.1 V2 / V3
    other_approved_on: str
    source_substation: str  # § 4.1 V3 « en aval du Poste Source [] »


class WorkRowData(TypedDict):
    """One row of a § 4.2.x table: the category label (per S3REnR variant) and the text."""

    label: str  # "Ouvrages de branchement en domaine public"
    description: str


class WorksData(TypedDict):
    """§ 4.2.1 to § 4.2.4 and § 4.4; an empty table prints « Sans objet »."""

    bt_created: list[WorkRowData]
    bt_adapted: list[WorkRowData]
    upper_created: list[WorkRowData]
    upper_adapted: list[WorkRowData]
    private_works: str  # § 4.4 V1


class MeterData(TypedDict):
    """§ 4.3.1: one line per meter type and energy."""

    meter_type: str
    energies: list[str]  # ["Actif produit", …]
    codes: list[str]  # ["P-", …]
    owner: str


class CurrentTransformerData(TypedDict):
    """§ 4.3.2 « Réf. du réducteur / Rapport / Classe / Puissance de précision / compteurs »."""

    reference: str  # "TC"
    ratio: str  # "200 A / 5 A"
    accuracy_class: str  # "0,5"
    burden: str  # "15 VA"
    meter_type: str


class TechnicalData(TypedDict):
    """§ 4.3 and § 5 values taken from the technical consequences or entered by staff."""

    meters: list[MeterData]
    current_transformers: list[CurrentTransformerData]  # [] = direct metering
    decoupling_standards: str  # § 5.1.2.1 V2 « NF EN 50549-1 / NF EN 50549-2 »
    tariff_filter_kind: str  # § 5.2 V2 « actif » / « passif »
    tariff_filter_specs: str
    harmonics_standard: str  # § 5.4 V1 paragraph « CEI 61000-3-12 »
    harmonics_filter_kind: str  # § 5.4 V2
    harmonics_filter_specs: str


class QuotePartData(TypedDict):
    """§ 7.2.2 row."""

    region: str
    power_mw: str  # "0,1"
    keur_per_mw: str  # "77,55"
    refaction: str  # "Oui (r = 60 %)" / "Non" / "Exonérée"
    billed: str


class MandataireData(TypedDict):
    """§ 7.2.4 Travaux Mandataire (Avenant only)."""

    description: str
    cost_ht: str
    refaction_cap_ht: str
    delay_weeks: str


class PaymentData(TypedDict):
    """Payment address (§ 1 and § 7.2.5)."""

    entity: str  # "Enedis Agence Raccordement Bretagne"
    address_lines: list[str]
    payee: str  # "Enedis"


class ContributionData(TypedDict):
    """§ 1 and § 7.2: the rows of the § 7.2.1 table and the totals (from ``Contribution``)."""

    lines: list[list[str]]  # [label, réfaction « Oui (60 %) » / « Non », billed amount]
    total_ht: str
    vat_label: str  # "TVA (20 %)"
    vat: str
    total_ttc: str
    quote_part: QuotePartData | None
    deposit_percent: str  # "30"
    deposit_ttc: str
    balance_ttc: str
    mandataire: MandataireData | None
    payment: PaymentData


class DeadlinesData(TypedDict):
    """§ 1 and § 7.3, and § 2.1 / § 7.1 dates."""

    works_months: str  # "6"
    source_months: str  # "0"
    receivable_on: str  # « Demande recevable le »
    l342_requested_on: str  # § 2.1 V1
    previous_offer_on: str  # § 7.1 V1
    crd_number: str  # « CRD [N° DE LA CRD] »


class SignatoryData(TypedDict):
    """A signature box: name, function and the optional « par délégation de » line."""

    name: str
    function: str
    delegator_name: str  # "" unless the block 8.DELEG.* is in
    delegator_function: str


class SignaturesData(TypedDict):
    place: str
    date: str
    requester: SignatoryData
    operator: SignatoryData


class StudyRowData(TypedDict):
    """A row of the « Fiche de contrôle de l'étude » (Annex 4)."""

    section: str
    label: str
    value: str  # "410 V"
    comment: str  # "Un + 4,3 %", "" when none


class StudySheetData(TypedDict):
    """Annex 4: the identification rows (from the dossier) and the study rows."""

    tool: str  # « Étude réalisée ARPE V5 du jj/mm/aaaa »
    identification: list[list[str]]  # [[label, value], …]
    rows: list[StudyRowData]
    verdict: str


class CertificateData(TypedDict):
    """A row of the Annex 6 table: a standard and whether its certificate was supplied.

    ``files`` and ``unreadable`` are the numbers (« pièce n° 1 ») of the uploaded certificate
    files that match the row (same standard, or a file whose standard is not given); the
    builder leaves them empty, :func:`raccord.documents.offer_render.offer_render` fills them.
    A row ``supplied`` without any file is printed as such (« déclaré remis, aucun fichier »).
    """

    standard: str
    subject: str
    supplied: bool
    files: list[int]  # readable files reproduced after the table
    unreadable: list[int]  # files that could not be read (named, not reproduced)


class CertificateFileData(TypedDict):
    """An uploaded certificate file appended to Annex 6 (filled by ``offer_render``).

    Printed after the table, in the order given, each preceded by its caption (« Pièce n° 1 :
    <name> », what it certifies, the standard it cites): the pages of a PDF, each on a page of
    its own size (the mechanism of Annexes 2 and 3), or an image fitted on an A4 page.
    """

    number: int  # 1, 2, … (« Pièce n° 1 »)
    name: str  # the file name as uploaded, printed as text
    subject: str  # « Certificat de conformité de la protection de découplage (onduleur) »
    standard: str  # "NF EN 50549-1"; "" = « norme non précisée »
    kind: Literal["pdf", "image", "unreadable"]
    pages: int  # pages of a PDF; 1 for an image; 0 when unreadable
    file: str  # "/certificate-1.pdf"; "" = the pages are reserved, pypdf fills them (fallback)


class AnnexData(TypedDict):
    """Annexes 2 and 3: whether the upload is merged after the title page."""

    provided: bool
    pages: int


class AnnexesData(TypedDict):
    collection: list[list[str]]  # Annex 1 rows [label, value] (empty section rows: [label])
    situation_plan: AnnexData  # Annex 2
    single_line_diagram: AnnexData  # Annex 3
    study: StudySheetData  # Annex 4
    mandate_reference: str  # Annex 5 « Enedis-FOR-RES_050E »
    certificates: list[CertificateData]  # Annex 6 (Annexe 5 of the CRD) table
    certificate_files: list[CertificateFileData]  # Annex 6 uploads; [] from the builder


class OfferData(TypedDict):
    """Everything ``templates_typ/avenant.typ`` prints (see ``docs/documents.md``)."""

    document: Literal["avenant", "crd"]
    blocks: list[str]  # block ids of the plan, sorted
    number: str  # dossier number (footer)
    number_display: str
    identification: IdentificationData
    cg_version: str  # « Conditions Générales version [VersionCG] »
    procedure_version: str  # Enedis-PRO-RES_67E « NumVersionEnVigueur »
    establishment: EstablishmentData
    site_name: str  # § 1 « Alimentation principale pour le Site de [] »
    operator: OfferOperatorData
    beneficiary: BeneficiaryData
    powers: PowersData
    reactive: ReactiveData
    s3renr: S3renrData | None
    works: WorksData
    technical: TechnicalData
    contribution: ContributionData
    deadlines: DeadlinesData
    signatures: SignaturesData
    annexes: AnnexesData
    generated_on: str
    preview: bool
