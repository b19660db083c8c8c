"""The staff's offer preparation: bind the draft, build the rules inputs, compute the plan, the
money and the voltage study, and the :class:`OfferInput` of the documents.

Nothing here writes: :mod:`raccord.offers.services` stores the draft and sends the offer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from raccord.core.parameters import parameters_current
from raccord.documents.offer_builder import (
    CurrentTransformer,
    NetworkNames,
    OfferInput,
    OperatorIdentity,
    PartyIdentity,
    Signatory,
    WorkItem,
    WorkKind,
    WorkLocation,
)
from raccord.dossiers.models import Dossier
from raccord.offers import forms as of
from raccord.offers.models import OfferDraft
from raccord.rules.errors import RulesError
from raccord.rules.inputs import BeneficiaryKind, Confirmation, ConnectionRequest, StudyFacts
from raccord.rules.money import (
    Contribution,
    ContributionRequest,
    CostCategory,
    CostLine,
    QuotePartRequest,
    contribution_compute,
)
from raccord.rules.variants import (
    BLOCKS_BY_ID,
    GROUPS,
    DocumentKind,
    DocumentPlan,
    document_plan,
)
from raccord.rules.voltage import (
    ExistingProducer,
    Extension,
    FeederType,
    VoltageStudy,
    VoltageStudyInput,
    voltage_study,
)

MISSING_LABELS: dict[str, str] = {
    "network.bt_feeder": "Départ BT (nom)",
    "network.substation": "Poste HTA/BT (nom)",
    "network.hta_feeder": "Départ HTA",
    "network.primary_substation": "Poste Source (nom)",
    "private_works": "Ouvrages privés à construire par le Demandeur",
    "s3renr_region": "S3REnR : région",
    "s3renr_approved_on": "S3REnR : date d'approbation",
    "s3renr_other_region": "S3REnR : autre région",
    "s3renr_other_approved_on": "S3REnR : date d'approbation de l'autre région",
    "s3renr_source_substation": "S3REnR : Poste Source de la solution alternative",
    "mandataire_description": "Travaux du Mandataire : description",
    "mandataire_delay_weeks": "Travaux du Mandataire : délai",
    "contribution.mandataire": "Travaux du Mandataire : coût HT",
    "contribution.quote_part": "Quote-part S3REnR (clé de région)",
    "contribution.lines": "Lignes de coût",
    "tariff_filter_kind": "Filtre du signal tarifaire : type",
    "tariff_filter_specs": "Filtre du signal tarifaire : caractéristiques",
    "harmonics_filter_kind": "Filtre des harmoniques : type",
    "harmonics_filter_specs": "Filtre des harmoniques : caractéristiques",
    "previous_offer_on": "Date de l'offre précédente (reprise d'études)",
    "beneficiary.legal_form": "Demandeur : forme juridique",
    "beneficiary.siren": "Demandeur : SIREN",
    "beneficiary.rcs_city": "Demandeur : ville du RCS",
    "beneficiary.signatory_name": "Signataire du Demandeur",
    "beneficiary.signatory_function": "Fonction du signataire du Demandeur",
    "requester_signatory.delegator_name": "Délégant du Demandeur",
    "operator_signatory.delegator_name": "Délégant du gestionnaire",
    "decoupling.accepted_standards": "Normes acceptées de la protection de découplage",
}


#: The request's « Technologie » -> the documents' « Installation de Production … ».
PRODUCTION_TYPES: dict[str, str] = {
    "photovoltaique": "photovoltaïque",
    "eolienne": "éolienne",
    "turbine": "hydraulique",
    "cogeneration": "de cogénération",
    "groupe": "thermique",
}


class RequestUnavailable(Exception):
    """The rules input cannot be built from the dossier's answers (French message)."""


def connection_request(dossier: Dossier) -> ConnectionRequest:
    """The rules input of the request, built by the 36-250 kVA request form's module."""
    try:
        from raccord.dossiers.bt_request import bt_connection_request  # type: ignore[import-not-found]
    except ImportError as missing:
        raise RequestUnavailable(
            "Les données techniques de la demande 36-250 kVA ne sont pas encore lisibles "
            "(formulaire en cours de déploiement)."
        ) from missing
    try:
        return bt_connection_request(dossier)  # type: ignore[no-any-return]
    except (RulesError, ValueError, KeyError, TypeError) as error:
        raise RequestUnavailable(
            f"La demande est incomplète pour le calcul de l'offre : {error}"
        ) from error


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(line.strip() for line in str(value or "").splitlines() if line.strip())


def initial_data(dossier: Dossier) -> dict[str, str]:
    """The first values of the preparation form, from the request and the operator."""
    d = dossier.section("demandeur")
    site = dossier.section("chantier")
    op = dossier.operator
    desk = dossier.desk
    organisation = d.get("requester_kind", "entreprise") in ("entreprise", "collectivite")
    company = str(d.get("company_name") or "") if organisation else ""
    name = company or dossier.requester_name
    # A company or local authority is identified by its registered office (« AdrSiegeSte »),
    # a private person (or an answer without it) by the postal address.
    if company and d.get("office_street"):
        street = (d.get("office_street"), d.get("office_street2"))
        town = (d.get("office_postal_code"), d.get("office_city"))
    else:
        street = (d.get("postal_street"), "")
        town = (d.get("postal_code"), d.get("postal_city"))
    address = "\n".join(
        x
        for x in (
            *(str(line or "").strip() for line in street),
            f"{town[0] or ''} {str(town[1] or '').upper()}".strip(),
        )
        if x
    )
    siret = str(d.get("siret", "")).replace(" ", "")
    technology = str(dossier.section("installation").get("technology", ""))
    site_address = "\n".join(
        x
        for x in (
            f"{site.get('street_number', '')} {site.get('street_name', '')}".strip(),
            f"{dossier.commune.postal_code} {dossier.commune.name.upper()}",
        )
        if x
    )
    values = {
        "solution-connection_kind": "branchement",
        "voltage-hta_nominal_kv": "20",
        "voltage-secondary_no_load_v": "400",
        "voltage-tan_phi": "-0,35",
        "voltage-feeder_type": FeederType.MIXED.value,
        "money-deposit_percent": "30",
        "delays-source_months": "0",
        "delays-payment_entity": desk.name if desk else op.name,
        "delays-payment_address": desk.address if desk else op.registered_office,
        "delays-payee": op.short_name,
        "delays-place": "",
        "parties-beneficiary_name": str(name),
        "parties-beneficiary_address": address,
        "parties-beneficiary_legal_form": str(d.get("legal_form", "")),
        "parties-beneficiary_share_capital": str(d.get("share_capital", "")),
        "parties-beneficiary_rcs_city": str(d.get("rcs_city", "")),
        "parties-beneficiary_siret": (
            f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if len(siret) == 14 else siret
        ),
        "parties-beneficiary_siren": siret[:9],
        "parties-site_name": dossier.commune.name,  # « pour le Site de Vannes »
        "parties-site_address": site_address,
        "parties-production_type": PRODUCTION_TYPES.get(technology, "photovoltaïque"),
        "parties-requester_signatory_name": str(d.get("signatory_name", "") if company else name),
        "parties-requester_signatory_function": str(d.get("signatory_function", "")),
    }
    try:  # L342-6 asked on the request form (first request or later): Avenant by default
        from raccord.dossiers.bt_request import l342_6_timing

        if l342_6_timing(dossier) is not None:
            values["study-l342_requested"] = "on"
    except ImportError:  # pragma: no cover - the 36-250 kVA form module ships separately
        pass
    return values


@dataclass
class PlanRow:
    group: str
    section: str
    block: str
    title: str
    rule: str
    crd: str
    needs_confirmation: bool
    confirmed_by: str
    choices: list[tuple[str, str]]
    current: str


@dataclass
class Preparation:
    """Everything the preparation page shows and the sending needs."""

    bound: bool
    forms: dict[str, forms.Form]
    lines: dict[str, list[forms.Form]]
    request: ConnectionRequest | None = None
    request_error: str = ""
    study: StudyFacts | None = None
    l342: bool = False
    plans: dict[DocumentKind, DocumentPlan] = field(default_factory=dict)
    plan_rows: list[PlanRow] = field(default_factory=list)
    plan_error: str = ""
    contributions: dict[DocumentKind, Contribution] = field(default_factory=dict)
    money_error: str = ""
    voltage: VoltageStudy | None = None
    voltage_error: str = ""
    offer_inputs: dict[DocumentKind, OfferInput] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[DocumentKind]:
        return [DocumentKind.CRD, DocumentKind.AVENANT] if self.l342 else [DocumentKind.CRD]

    @property
    def to_confirm(self) -> int:
        return sum(1 for r in self.plan_rows if r.needs_confirmation)

    def ready(self) -> list[str]:
        """What prevents sending (French), empty when the offer can be sent."""
        problems = list(self.errors)
        if self.to_confirm:
            problems.append(f"{self.to_confirm} choix du plan du document restent « À confirmer ».")
        return problems


def _tri(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


def _bind(data: dict[str, str]) -> tuple[dict[str, forms.Form], dict[str, list[forms.Form]]]:
    bound = {p: cls(data, prefix=p) for p, cls in of.SIMPLE_FORMS.items()}
    lines: dict[str, list[forms.Form]] = {}
    for prefix, (_title, cls) in of.LINE_FORMS.items():
        rows: list[forms.Form] = []
        for i in range(of.line_count(data, prefix)):
            form = cls(data, prefix=f"{prefix}-{i}")
            if not form.has_content():  # type: ignore[attr-defined]
                form = cls(prefix=f"{prefix}-{i}")
            rows.append(form)
        lines[prefix] = rows
    return bound, lines


def _valid_rows(rows: list[forms.Form]) -> tuple[list[dict[str, Any]], bool]:
    ok = True
    out = []
    for form in rows:
        if not form.is_bound:
            continue
        if form.is_valid():
            out.append(form.cleaned_data)
        else:
            ok = False
    return out, ok


def preparation_build(
    dossier: Dossier, draft: OfferDraft, *, today: date | None = None
) -> Preparation:
    """Bind the draft (or the initial values) and compute what can be computed."""
    today = today or timezone.localdate()
    data = dict(draft.data) if draft.data else initial_data(dossier)
    bound_forms, lines = _bind(data)
    prep = Preparation(bound=bool(draft.data), forms=bound_forms, lines=lines)
    if not draft.data:  # first display: show the initial values without errors
        prep.forms = {
            p: cls(
                prefix=p,
                initial={k.split("-", 1)[1]: v for k, v in data.items() if k.startswith(p + "-")},
            )
            for p, cls in of.SIMPLE_FORMS.items()
        }
    valid = {p: f.is_valid() for p, f in bound_forms.items()}
    cleaned = {p: (f.cleaned_data if valid[p] else {}) for p, f in bound_forms.items()}
    for p, form in bound_forms.items():
        if not valid[p] and draft.data:
            prep.errors.append(f"« {form.title} » : corrigez les champs signalés.")  # type: ignore[attr-defined]
    rows: dict[str, list[dict[str, Any]]] = {}
    for prefix, forms_ in lines.items():
        rows[prefix], ok = _valid_rows(forms_)
        if not ok:
            prep.errors.append(f"« {of.LINE_FORMS[prefix][0]} » : corrigez les lignes signalées.")

    try:
        prep.request = connection_request(dossier)
    except RequestUnavailable as error:
        prep.request_error = str(error)
        prep.errors.append(prep.request_error)
        return prep
    r = prep.request
    params = parameters_current()
    st = bound_forms["study"]
    raw = st.data
    prep.l342 = raw.get("study-l342_requested") in ("on", "true", "True", "1")
    s = cleaned["study"] or {}
    prep.study = StudyFacts(
        extension_needed=_tri(s.get("extension_needed", "")),
        s3renr=_tri(s.get("s3renr", "")),
        private_works_needed=_tri(s.get("private_works_needed", "")),
        tariff_signal_filter_needed=_tri(s.get("tariff_signal_filter_needed", "")),
        harmonics_filter_needed=_tri(s.get("harmonics_filter_needed", "")),
        mobile_coverage=_tri(s.get("mobile_coverage", "")),
        anticipated_connection_offered=_tri(s.get("anticipated_connection_offered", "")),
        source_works=bool(s.get("source_works")),
        dso_signs_by_delegation=bool(s.get("dso_signs_by_delegation")),
        meter_type=s.get("meter_type") or None,
    )

    # Document plan
    confirmations = [
        Confirmation(group=g, block_id=b or None, by=str(draft.updated_by or "gestionnaire"))
        for g, b in sorted(draft.confirmations.items())
        if g in GROUPS and GROUPS[g].confirmable
    ]
    try:
        for kind in (DocumentKind.AVENANT, DocumentKind.CRD):
            prep.plans[kind] = document_plan(
                request=r,
                study=prep.study,
                document=kind,
                params=params,
                confirmations=confirmations,
            )
    except RulesError as error:
        prep.plan_error = error.message if hasattr(error, "message") else str(error)
        prep.errors.append(f"Plan du document : {prep.plan_error}")
    if prep.plans:
        avenant, crd = prep.plans[DocumentKind.AVENANT], prep.plans[DocumentKind.CRD]
        for d in avenant.decisions:
            group = GROUPS[d.group]
            c = crd.decision(d.group)
            choices = [(b, f"{b} — {BLOCKS_BY_ID[b].title}") for b in group.blocks]
            if not group.required:
                choices.append(("-", "Omis"))
            prep.plan_rows.append(
                PlanRow(
                    group=d.group,
                    section=group.section,
                    block=d.block_id or "",
                    title=BLOCKS_BY_ID[d.block_id].title if d.block_id else "Omis",
                    rule=d.rule,
                    crd=(c.block_id or "omis"),
                    needs_confirmation=d.needs_confirmation,
                    confirmed_by=d.confirmed_by or "",
                    choices=choices if group.confirmable else [],
                    current=draft.confirmations.get(d.group, "") or "",
                )
            )

    # Money
    cost_lines = tuple(
        CostLine(CostCategory(x["category"]), x["amount_ht"], x.get("label") or "")
        for x in rows["costs"]
    )
    m = cleaned["money"]
    if not cost_lines:
        prep.money_error = "Saisissez au moins une ligne de coût avec son montant HT."
    elif not m:
        prep.money_error = "Complétez la contribution (acompte)."
    else:
        local = r.beneficiary is BeneficiaryKind.LOCAL_AUTHORITY
        quote = (
            QuotePartRequest(
                m["quote_part_key"], bool(m["quote_part_refaction"]), bool(m["quote_part_grouped"])
            )
            if prep.study.s3renr and m.get("quote_part_key")
            else None
        )
        mandataire = (
            (CostLine(CostCategory.BT_NETWORK, m["mandataire_cost_ht"], "Travaux Mandataire"),)
            if m.get("mandataire_cost_ht") is not None
            else ()
        )
        try:
            for kind in (DocumentKind.AVENANT, DocumentKind.CRD):
                prep.contributions[kind] = contribution_compute(
                    params,
                    request=ContributionRequest(
                        on=r.reference_date,
                        lines=cost_lines,
                        refaction_power_kw=r.pracc_inj_kva,
                        pracc_inj_kva=r.pracc_inj_kva,
                        deposit_percent=None if local else m["deposit_percent"],
                        local_authority=local,
                        quote_part=quote,
                        mandataire_lines=mandataire if kind is DocumentKind.AVENANT else (),
                    ),
                )
        except RulesError as error:
            prep.money_error = str(getattr(error, "message", error))
    if prep.money_error:
        prep.errors.append(f"Contribution : {prep.money_error}")

    # Voltage study
    v = cleaned["voltage"]
    if not v:
        prep.voltage_error = "Complétez les données de l'étude de tension."
    else:
        extension = None
        if (
            v.get("extension_type")
            and v.get("extension_length_km")
            and v.get("extension_section_mm2")
        ):
            extension = Extension(
                v["extension_type"], v["extension_length_km"], v["extension_section_mm2"]
            )
        producers = (
            (ExistingProducer(v["existing_producers_kva"], Decimal(0)),)
            if v.get("existing_producers_kva")
            else ()
        )
        try:
            prep.voltage = voltage_study(
                params,
                study=VoltageStudyInput(
                    on=r.reference_date,
                    hta_max_kv=v["hta_max_kv"],
                    hta_nominal_kv=v["hta_nominal_kv"],
                    transformer_kva=v["transformer_kva"],
                    transformer_resistance_ohm=v["transformer_resistance_ohm"],
                    secondary_no_load_v=v["secondary_no_load_v"],
                    pracc_kva=r.pracc_inj_kva,
                    tan_phi=v["tan_phi"],
                    feeder_type=FeederType(v["feeder_type"]),
                    substation_winter_peak_kw=v["substation_winter_peak_kw"],
                    feeder_winter_peak_kw=v["feeder_winter_peak_kw"],
                    consumption_share_percent=v["consumption_share_percent"],
                    upstream_resistance_ohm=v["upstream_resistance_ohm"],
                    existing_producers=producers,
                    extension=extension,
                ),
            )
        except RulesError as error:
            prep.voltage_error = str(getattr(error, "message", error))
    if prep.voltage_error:
        prep.errors.append(f"Étude de tension : {prep.voltage_error}")

    # The documents' input
    sol, delays, parties = cleaned["solution"], cleaned["delays"], cleaned["parties"]
    if sol and delays and parties and m:
        for kind in prep.documents:
            prep.offer_inputs[kind] = _offer_input(
                dossier, sol, delays, parties, m, s, rows, prep.l342
            )
    return prep


def _items(rows: list[dict[str, Any]]) -> tuple[WorkItem, ...]:
    return tuple(
        WorkItem(WorkKind(x["kind"]), x["description"], WorkLocation(x.get("location") or "aucun"))
        for x in rows
    )


def _l342_on(dossier: Dossier, submitted: date | None) -> date | None:
    """When L342-6 was asked: recorded by the request form after the request, else the
    transmission of the request."""
    raw = dossier.data.get("l342_6_requested_at")
    if raw:
        try:
            return timezone.localdate(datetime.fromisoformat(str(raw)))
        except ValueError:
            pass
    return submitted


def _offer_input(
    dossier: Dossier,
    sol: dict[str, Any],
    delays: dict[str, Any],
    p: dict[str, Any],
    m: dict[str, Any],
    s: dict[str, Any],
    rows: dict[str, list[dict[str, Any]]],
    l342: bool,
) -> OfferInput:
    op = dossier.operator
    submitted = timezone.localdate(dossier.submitted_at) if dossier.submitted_at else None
    return OfferInput(
        number=dossier.number,
        operator=OperatorIdentity(
            name=op.name,
            short_name=op.short_name,
            legal_form=op.legal_form,
            share_capital=op.share_capital,
            registered_office=op.registered_office,
            rcs_city=op.rcs_city,
            siren=op.siren,
            representative_name=p["representative_name"],
            representative_function=p["representative_function"],
            website=(op.website or "").removeprefix("https://").removeprefix("http://")
            or "www.enedis.fr",
        ),
        beneficiary=PartyIdentity(
            name=p["beneficiary_name"],
            address_lines=_lines(p["beneficiary_address"]),
            legal_form=p.get("beneficiary_legal_form", ""),
            share_capital=p.get("beneficiary_share_capital"),
            rcs_city=p.get("beneficiary_rcs_city", ""),
            siren=(p.get("beneficiary_siren") or "").replace(" ", ""),
            siret=p.get("beneficiary_siret", ""),
            signatory_name=p["requester_signatory_name"],
            signatory_function=p["requester_signatory_function"],
        ),
        site_name=p["site_name"],
        site_address_lines=_lines(p["site_address"]),
        production_type=p["production_type"],
        network=NetworkNames(
            bt_feeder=sol.get("bt_feeder", ""),
            bt_feeder_code=sol.get("bt_feeder_code", ""),
            substation=sol.get("substation", ""),
            substation_code=sol.get("substation_code", ""),
            hta_feeder=sol.get("hta_feeder", ""),
            primary_substation=sol.get("primary_substation", ""),
            primary_substation_code=sol.get("primary_substation_code", ""),
        ),
        payment_entity=delays["payment_entity"],
        payment_address_lines=_lines(delays["payment_address"]),
        payee=delays.get("payee", ""),
        requester_signatory=Signatory(
            p["requester_signatory_name"],
            p["requester_signatory_function"],
            p.get("requester_delegator_name", ""),
            p.get("requester_delegator_function", ""),
        ),
        operator_signatory=Signatory(
            p["operator_signatory_name"],
            p["operator_signatory_function"],
            p.get("operator_delegator_name", ""),
            p.get("operator_delegator_function", ""),
        ),
        place=delays["place"],
        works_months=delays["works_months"],
        source_months=delays.get("source_months") or 0,
        bt_created=_items(rows["bt_created"]),
        bt_adapted=_items(rows["bt_adapted"]),
        upper_created=_items(rows["upper_created"]),
        upper_adapted=_items(rows["upper_adapted"]),
        private_works=sol.get("private_works", ""),
        current_transformers=tuple(
            CurrentTransformer(x["ratio"], x["accuracy_class"], x["burden_va"], x["meter_type"])
            for x in rows["ct"]
        ),
        s3renr_region=m.get("s3renr_region", ""),
        s3renr_approved_on=m.get("s3renr_approved_on"),
        s3renr_other_region=m.get("s3renr_other_region", ""),
        s3renr_other_approved_on=m.get("s3renr_other_approved_on"),
        s3renr_source_substation=m.get("s3renr_source_substation", ""),
        mandataire_description=m.get("mandataire_description", ""),
        mandataire_delay_weeks=m.get("mandataire_delay_weeks"),
        l342_requested_on=_l342_on(dossier, submitted) if l342 else None,
        crd_number=f"{dossier.number}-CRD",
        tariff_filter_kind=s.get("tariff_filter_kind", ""),
        tariff_filter_specs=s.get("tariff_filter_specs", ""),
        harmonics_filter_kind=s.get("harmonics_filter_kind", ""),
        harmonics_filter_specs=s.get("harmonics_filter_specs", ""),
        study_reference=dossier.number,
    )
