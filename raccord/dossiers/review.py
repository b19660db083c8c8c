"""Instant review of a transmitted CACSI: automatic checks, and automatic acceptance if allowed.

``review_run`` only reads: it checks the dossier with the rules core and returns each check
with a French detail. ``review_apply`` (called after the commit of ``dossier_submit``) records
the outcome in the audit chain (``review_passed`` / ``review_failed``, with the checks) so that
staff see it, and, when the operator turned ``instant_review_enabled`` on and every check
passed, accepts the convention as the operator: renders it with both « Accepté le » dates,
stores it, records the operator's Acceptance (by the « Instruction automatique » system
account) and applies the ``auto_accept`` transition (SUBMITTED → ACCEPTED, actor SYSTEM).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from raccord.accounts.models import User
from raccord.core.parameters import parameters_current
from raccord.documents.models import DocumentVersion
from raccord.dossiers.cacsi_sections import TechnicalForm
from raccord.dossiers.models import Acceptance, Dossier, Kind, State
from raccord.dossiers.services import attachments_missing, transition_apply
from raccord.dossiers.workflow import Actor
from raccord.rules.classification import Path, classify_request
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    ConnectionRequest,
    InjectionOption,
    Phases,
    PowerBucket,
    ServiceType,
    Usage,
    Withdrawal,
)
from raccord.rules.protections import certificate_standard_accepted
from raccord.tracking.notify import notify_dossier
from raccord.tracking.services import event_record

logger = logging.getLogger(__name__)

SYSTEM_EMAIL = "instruction-automatique@raccord.invalid"
REVIEW_KINDS = ("review_passed", "review_failed")
PDL_PATTERN = re.compile(r"^\d{14}$")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail_fr: str


@dataclass(frozen=True)
class ReviewResult:
    passed: bool
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def _kva(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _reference_date(dossier: Dossier) -> date:
    when = dossier.submitted_at or timezone.now()
    return timezone.localdate(when)


def _check_pdl(dossier: Dossier) -> Check:
    pdl = "".join(str(dossier.section("chantier").get("pdl", "")).split())
    if PDL_PATTERN.match(pdl):
        return Check("pdl", True, f"Numéro de PDL renseigné ({pdl}).")
    return Check("pdl", False, "Le numéro de PDL (14 chiffres) est absent ou invalide.")


def _check_technique(dossier: Dossier) -> Check:
    form = TechnicalForm(data=dossier.section("technique"))
    if form.is_valid():
        return Check(
            "technique", True, "Puissances, phases et onduleurs cohérents (section technique)."
        )
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            problems.append(f"{label} : {error}" if label else str(error))
    return Check("technique", False, "Précisions techniques incohérentes : " + " ".join(problems))


def _request(dossier: Dossier) -> ConnectionRequest:
    technique, orientation = dossier.section("technique"), dossier.orientation or {}
    installed = _kva(technique.get("max_power_kva"))
    if installed is None:
        raise RulesError("installed_power_kva", "La puissance de l'installation est absente.")
    connection = _kva(technique.get("connection_power_kva")) or installed
    phases = Phases.THREE if technique.get("phases") == "triphase" else Phases.SINGLE
    split: tuple[Decimal, ...] = ()
    if phases is Phases.THREE:
        values = [_kva(technique.get(f"phase{i}_kva")) for i in (1, 2, 3)]
        split = tuple(v for v in values if v is not None)
    usage_raw = str(orientation.get("usage", ""))
    bucket_raw = str(orientation.get("power", ""))
    service_raw = str(orientation.get("service_type", ""))
    return ConnectionRequest(
        service_type=ServiceType(service_raw)
        if service_raw in ServiceType.__members__.values()
        else ServiceType.NEW_CONNECTION,
        usage=Usage(usage_raw)
        if usage_raw in Usage.__members__.values()
        else Usage.CONSUMPTION_AND_PRODUCTION,
        injection_option=InjectionOption.NONE,
        phases=phases,
        installed_power_kva=installed,
        pracc_inj_kva=Decimal(0),
        reference_date=_reference_date(dossier),
        pracc_sout_kva=connection,
        withdrawal=Withdrawal.EXISTING,
        phase_powers_kva=split,
        declared_bucket=PowerBucket(bucket_raw)
        if bucket_raw in PowerBucket.__members__.values()
        else None,
        storage=technique.get("storage") == "batterie",
        has_inverters=technique.get("inverter_kind") in ("onduleur", "micro_onduleurs"),
    )


def _check_classification(dossier: Dossier) -> Check:
    try:
        result = classify_request(request=_request(dossier), params=parameters_current())
    except RulesError as error:
        return Check("classification", False, error.message)
    return Check("classification", result.path is Path.CACSI, result.reason)


def _check_decoupling(dossier: Dossier) -> Check:
    technique = dossier.section("technique")
    if technique.get("decoupling") != "integree":
        return Check(
            "decoupling_certificate",
            True,
            "Découplage par sectionneur automatique : pas de certificat d'onduleur à contrôler.",
        )
    standard = str(technique.get("certificate_standard", "")).strip()
    on = _reference_date(dossier)
    if not standard:
        return Check(
            "decoupling_certificate",
            False,
            "Découplage intégré aux onduleurs : la norme citée par le certificat n'est pas "
            "indiquée.",
        )
    try:
        accepted = certificate_standard_accepted(standard, on=on, params=parameters_current())
    except RulesError as error:
        return Check("decoupling_certificate", False, error.message)
    if accepted:
        return Check(
            "decoupling_certificate",
            True,
            f"Certificat citant « {standard} », norme acceptée le {on:%d/%m/%Y}.",
        )
    return Check(
        "decoupling_certificate",
        False,
        f"Certificat citant « {standard} », norme qui n'est plus acceptée le {on:%d/%m/%Y}.",
    )


def _check_attachments(dossier: Dossier) -> Check:
    missing = attachments_missing(dossier)
    if not missing:
        return Check("attachments", True, "Pièces obligatoires présentes.")
    return Check("attachments", False, "Pièce(s) manquante(s) : " + ", ".join(missing) + ".")


def review_run(*, dossier: Dossier) -> ReviewResult:
    """The automatic checks of a CACSI (read-only): certificate standard accepted on the
    transmission date, technical section consistent, CACSI classification (≤ 36 kVA, nothing
    injected), required attachments present, PDL present.
    """
    if dossier.kind != Kind.CACSI:
        check = Check("kind", False, "Seules les CACSI sont contrôlées automatiquement.")
        return ReviewResult(passed=False, checks=[check])
    checks = [
        _check_pdl(dossier),
        _check_technique(dossier),
        _check_classification(dossier),
        _check_decoupling(dossier),
        _check_attachments(dossier),
    ]
    return ReviewResult(passed=all(c.ok for c in checks), checks=checks)


def system_user() -> User:
    """The inactive account that signs the operator's automatic acceptances."""
    user, created = User.objects.get_or_create(
        email=SYSTEM_EMAIL,
        defaults={
            "first_name": "Instruction",
            "last_name": "automatique",
            "is_active": False,
            "role": User.Role.PRIVATE,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _operator_accept(dossier: Dossier) -> DocumentVersion:
    """The operator's acceptance of a locked CACSI: both « Accepté le », stored, recorded.

    (``decisions.dossier_accept`` is the staff's path: staff user, version check, COMPLETE.)
    """
    from raccord.dossiers.decisions import operator_acceptance_record

    return operator_acceptance_record(
        dossier=dossier,
        producer=dossier.acceptances.get(party=Acceptance.Party.PRODUCER),
        signer=system_user(),
        created_by=None,
        ip_address=None,
        user_agent="instruction automatique",
        automatic=True,
    )


def _payload(result: ReviewResult, *, auto_accept: bool) -> dict[str, Any]:
    return {
        "checks": [asdict(c) for c in result.checks],
        "failed": [asdict(c) for c in result.failed],
        "auto_accept": auto_accept,
    }


def review_missing(dossier: Dossier) -> bool:
    """True when ``dossier`` has no review event since its last transmission."""
    last_submit = dossier.events.filter(kind="transition:submit").order_by("-pk").first()
    reviewed = dossier.events.filter(kind__in=REVIEW_KINDS)
    if last_submit is not None:
        reviewed = reviewed.filter(pk__gt=last_submit.pk)
    return not reviewed.exists()


def reviews_missing(*, submitted_before: datetime | None = None) -> list[Dossier]:
    """Transmitted CACSI of operators with instant review on, not reviewed since their last
    transmission (the task ``review_dossier_task`` did not run: worker down), oldest first.

    ``submitted_before`` leaves out the dossiers transmitted since (the worker's grace time).
    The clocks job catches them up with :func:`review_apply` (idempotent).
    """
    from raccord.tracking.models import Event

    last_submit = Subquery(
        Event.objects.filter(dossier=OuterRef("pk"), kind="transition:submit")
        .order_by("-pk")
        .values("pk")[:1]
    )
    reviewed = Event.objects.filter(
        dossier=OuterRef("pk"), kind__in=REVIEW_KINDS, pk__gt=OuterRef("last_submit")
    )
    found = Dossier.objects.filter(
        kind=Kind.CACSI,
        state=State.SUBMITTED,
        submitted_at__isnull=False,
        operator__instant_review_enabled=True,
    )
    if submitted_before is not None:
        found = found.filter(submitted_at__lte=submitted_before)
    return list(
        found.annotate(last_submit=Coalesce(last_submit, Value(0)))
        .filter(~Exists(reviewed))
        .select_related("operator")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def review_apply(*, dossier_id: int) -> ReviewResult | None:
    """Review a transmitted CACSI, record the outcome, accept it when the operator allows.

    Does nothing (returns None) unless the dossier is still « Transmise » and not yet
    reviewed since its transmission, so calling it twice reviews once.
    """
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("operator", "commune", "created_by")
        .get(pk=dossier_id)
    )
    if dossier.state != State.SUBMITTED or not review_missing(dossier):
        return None
    result = review_run(dossier=dossier)
    accept = result.passed and dossier.operator.instant_review_enabled
    if accept and not dossier.acceptances.filter(party=Acceptance.Party.PRODUCER).exists():
        accept = False
    event_record(
        kind="review_passed" if result.passed else "review_failed",
        dossier=dossier,
        payload=_payload(result, auto_accept=accept),
    )
    if accept and not dossier.acceptances.filter(party=Acceptance.Party.OPERATOR).exists():
        transition_apply(dossier=dossier, name="auto_accept", actor=Actor.SYSTEM, user=None)
        _operator_accept(dossier)
        _deadline_refresh(dossier)
        pk = dossier.pk
        transaction.on_commit(lambda: notify_dossier(dossier_id=pk, kind="accepted"))
    return result


def _deadline_refresh(dossier: Dossier) -> None:
    """Keep the operator's due date in step when the back-office clock exists."""
    try:
        from raccord.dossiers.decisions import dossier_deadline_refresh
    except ImportError:  # pragma: no cover - the back-office clock is optional here
        return
    dossier_deadline_refresh(dossier=dossier)


def review_after_submit(*, dossier_id: int) -> None:
    """Entry point for ``transaction.on_commit`` after a submission: never breaks the caller."""
    try:
        review_apply(dossier_id=dossier_id)
    except Exception:  # the submission is committed; staff review it by hand
        logger.exception("Instant review of dossier %s failed", dossier_id)
