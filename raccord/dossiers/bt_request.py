"""The 36-250 kVA BT request: the rules core's input from its answers, its transmission, and
the requester's later L342-6 request.

* :func:`bt_connection_request` builds the :class:`~raccord.rules.inputs.ConnectionRequest`
  from ``Dossier.data`` and ``Dossier.orientation``; a missing answer or a :class:`RulesError`
  of the rules core comes back as :class:`BtRequestError` naming the section and the field.
* :func:`bt_classify` classifies it (the path must be ``Path.BT_36_250`` to be transmitted).
* :func:`bt_request_submit` transmits the request (no convention to accept at this stage: the
  operator sends the CRD, and its Avenant L342-6 if asked, later).
* :func:`l342_6_request` records a request to build part of the works (article L342-6) made
  after the first request, allowed until the offer is accepted; :func:`l342_6_timing` tells
  the offer whether and when L342-6 was asked.

Data keys (answers stored as typed, strings; ``Dossier.data[section][key]``)
---------------------------------------------------------------------------
``orientation`` (``Dossier.orientation``): ``service_type`` (ServiceType value), ``usage``
(Usage value), ``power`` (PowerBucket value, ``de_36_a_250_kva``).

``chantier`` (site): ``street_number``, ``street_name``, ``address_complement``,
``cadastral_reference`` (optional), ``metering_location`` (MeteringLocation:
``limite_domaine_prive`` | ``domaine_prive``). The commune is ``Dossier.commune``.

``demandeur`` (requester, the « Bénéficiaire » block): ``requester_kind`` (``entreprise`` |
``collectivite`` | ``particulier`` → BeneficiaryKind COMPANY / LOCAL_AUTHORITY / PERSON);
private person: ``first_name``, ``last_name``; company or local authority: ``company_name``
(«RAISON SOCIALESTE»), ``siret`` (14 digits, checked; SIREN = its first 9 digits,
«SIRENSte»), ``office_street``, ``office_street2``, ``office_postal_code``, ``office_city``
(«AdrSiegeSte» «AdrSiegeSte2» «CPSte» «CommuneSte»), ``signatory_name``
(«NomSignataireSte»), ``signatory_function`` («FonctionSignataireSte»); company only:
``legal_form`` («StatutSociété»), ``share_capital`` (euros, «CapitalSte»), ``rcs_city``
(«CommuneRCSSte»); all: ``phone``, ``email``, ``postal_street``, ``postal_code``,
``postal_city``; authorised third party (installer): ``has_third_party`` (``oui`` | ``non``),
``third_party_name``, ``third_party_organisation``, ``third_party_email``,
``third_party_phone`` (its mandate is an attachment).

``adresses``: ``documents_same`` (``oui`` | ``non``), ``documents_address``, ``invoice_same``,
``invoice_address``. ``exploitant``: ``exploitant_same``, ``exploitant_name``,
``exploitant_phone``, ``exploitant_email``.

``raccordement`` (powers): ``injection_option`` (InjectionOption: ``injection_totale`` |
``injection_surplus``), ``withdrawal`` (Withdrawal: ``nouveau`` | ``existant`` | ``aucun``),
``pdl`` (14 digits, existing withdrawal only), ``pracc_sout_kva`` (new or existing
withdrawal), ``installed_power_kva`` (P_installée), ``pracc_inj_kva`` (> 36 and ≤ 250 kVA,
≤ P_installée; below it, dynamic export limitation), ``phases`` (Phases: ``triphase`` |
``monophase``). Powers in kVA as typed (decimal comma allowed: use
:func:`raccord.dossiers.bt_sections.parse_decimal`).

``installation``: ``sector`` (``solaire`` | ``eolien`` | ``hydraulique`` | ``thermique``),
``technology`` (``photovoltaique``, ``eolienne``, ``turbine``, ``cogeneration``, ``groupe``),
``inverter_kind`` (``onduleur`` | ``machine_tournante``); inverters: ``inverter_make``,
``inverter_model``, ``inverter_count``, ``inverter_unit_kva``; rotating machines:
``machine_kind`` (``synchrone`` | ``asynchrone``), ``machine_count``, ``machine_unit_kva``;
``decoupling`` (DecouplingKind: ``relais_b1`` | ``dispositif_integre``),
``certificate_standard`` (integrated device only; accepted standards by date from
``decoupling.accepted_certificate_standards``), ``storage`` (``aucun`` | ``batterie``),
``storage_capacity_kwh``, ``rfg_scope`` (RfgScope: ``rfg_installation`` |
``rfg_parties_neuves`` | ``non_rfg``).

``travaux``: ``l342_6`` (``oui`` | ``non``): L342-6 asked at the first request
(L342Timing.FIRST_REQUEST).

``mise-en-service``: ``wished_date`` (ISO date, not in the past when typed).
``validation``: ``sworn_accuracy``, ``sworn_procedure`` (``on`` when ticked).

Top-level keys written by :func:`l342_6_request` (L342-6 asked after the request,
L342Timing.AFTER_REQUEST): ``l342_6_requested_at`` (ISO date-time), ``l342_6_timing``
(``apres_demande``), ``l342_6_requested_by`` (user id).

Attachments (``Attachment.Kind``): ``situation_plan``, ``ground_plan``,
``single_line_diagram`` always; ``company_extract`` for a company; ``mandate`` with a third
party; ``decoupling_certificate`` with an integrated decoupling device.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from raccord.accounts.models import User
from raccord.core.parameters import parameters_current
from raccord.dossiers.bt_sections import RULES_FIELDS, AnswerMissing, connection_request_from
from raccord.dossiers.decisions import dossier_deadline_refresh
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.services import DossierError, _lock, dossier_ready, transition_apply
from raccord.dossiers.workflow import Actor
from raccord.rules.classification import Classification, Path, classify_request
from raccord.rules.errors import RulesError
from raccord.rules.inputs import ConnectionRequest, L342Timing
from raccord.tracking.notify import notify_dossier
from raccord.tracking.services import event_record

#: States in which the requester may still ask for L342-6 (until the offer is accepted).
L342_6_OPEN_STATES = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.IN_CHARGE,
        State.WAITING_REQUESTER,
        State.COMPLETE,
        State.OFFER_SENT,
    }
)


class BtRequestError(DossierError, ValueError):
    """A BT answer the rules core refuses or misses, with its section and field (a
    ``ValueError`` too, for callers that catch the rules core's errors)."""

    def __init__(self, message: str, *, section: str, field: str) -> None:
        super().__init__(message, field=field)
        self.section = section


def _reference_date(dossier: Dossier) -> date:
    if dossier.submitted_at is not None:
        return timezone.localdate(dossier.submitted_at)
    return timezone.localdate()


def bt_connection_request(dossier: Dossier, *, on: date | None = None) -> ConnectionRequest:
    """The rules core's input for a BT 36-250 kVA dossier.

    ``on`` (default: the transmission date, else today) selects the parameters in force.
    Raises :class:`BtRequestError` (section, field, French message) when an answer is missing.
    """
    if dossier.kind != Kind.BT_36_250:
        raise DossierError("Ce dossier n'est pas une demande de 36 à 250 kVA.")
    present = set(
        dossier.attachments.filter(removed_at__isnull=True).values_list("kind", flat=True)
    )
    try:
        return connection_request_from(
            answers=dossier.data,
            orientation=dossier.orientation,
            on=on or _reference_date(dossier),
            l342_6_after_request=bool(dossier.data.get("l342_6_requested_at")),
            certificates_supplied=Attachment.Kind.DECOUPLING_CERTIFICATE in present,
        )
    except AnswerMissing as missing:
        raise BtRequestError(
            missing.message, section=missing.section, field=missing.field
        ) from missing


def bt_classify(dossier: Dossier, *, on: date | None = None) -> Classification:
    """Classify the BT request; the rules core's refusal comes back at its section and field."""
    request = bt_connection_request(dossier, on=on)
    try:
        return classify_request(request=request, params=parameters_current())
    except RulesError as error:
        section, field = RULES_FIELDS.get(error.field, ("raccordement", error.field))
        raise BtRequestError(error.message, section=section, field=field) from error


def l342_6_timing(dossier: Dossier) -> L342Timing | None:
    """When the requester asked to build part of the works (L342-6), or None if not asked."""
    if dossier.section("travaux").get("l342_6") == "oui":
        return L342Timing.FIRST_REQUEST
    if dossier.data.get("l342_6_requested_at"):
        return L342Timing.AFTER_REQUEST
    return None


@transaction.atomic
def bt_request_submit(*, dossier: Dossier, user: User) -> Dossier:
    """« Transmettre ma demande »: a complete BT request goes to the operator (SUBMITTED)."""
    locked = _lock(dossier)
    if locked.kind != Kind.BT_36_250:
        raise DossierError("Ce dossier n'est pas une demande de 36 à 250 kVA.")
    if locked.state != State.DRAFT:
        raise DossierError("Cette demande a déjà été transmise.")
    problems = dossier_ready(locked)
    if problems:
        raise DossierError(" ".join(problems))
    classification = bt_classify(locked)
    if classification.path is not Path.BT_36_250:
        raise BtRequestError(classification.reason, section="raccordement", field="pracc_inj_kva")
    transition_apply(dossier=locked, name="submit", actor=Actor.REQUESTER, user=user)
    dossier_deadline_refresh(dossier=locked)
    pk = locked.pk
    transaction.on_commit(lambda: notify_dossier(dossier_id=pk, kind="submitted"))
    return locked


@transaction.atomic
def l342_6_request(*, dossier: Dossier, user: User) -> Dossier:
    """Ask, after the request, to build part of the works (article L342-6, Avenant §2.1
    variant 1). Allowed until the offer is accepted; recorded once."""
    locked = _lock(dossier)
    if locked.kind != Kind.BT_36_250:
        raise DossierError("L'article L342-6 concerne les demandes de 36 à 250 kVA.")
    if locked.state not in L342_6_OPEN_STATES:
        raise DossierError(
            "L'offre de raccordement est acceptée ou le dossier est clos : il n'est plus "
            "possible de demander à réaliser une partie des travaux."
        )
    if l342_6_timing(locked) is not None:
        raise DossierError("Vous avez déjà demandé à réaliser une partie des travaux.")
    if locked.state == State.DRAFT:
        raise DossierError(
            "Votre demande n'est pas encore transmise : répondez « Oui » dans la section "
            "« Travaux (article L342-6) »."
        )
    now = timezone.now()
    data: dict[str, Any] = dict(locked.data)
    data["l342_6_requested_at"] = now.isoformat()
    data["l342_6_timing"] = L342Timing.AFTER_REQUEST.value
    data["l342_6_requested_by"] = user.pk
    locked.data = data
    locked.version += 1
    locked.save(update_fields=["data", "version", "updated_at"])
    event_record(
        kind="l342_6_requested",
        dossier=locked,
        actor=user,
        payload={"timing": L342Timing.AFTER_REQUEST.value, "at": now.isoformat()},
    )
    return locked
