"""Writes of the offer: draft, sending (documents, validity), acceptance and its checklist,
lapse, modification request, works milestones. Each function is one transaction."""

from __future__ import annotations

import copy
import io
import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from raccord.accounts.models import User
from raccord.core.parameters import parameters_current
from raccord.documents.models import DocumentKind as StoredKind
from raccord.documents.offer_builder import OfferDataError, offer_data
from raccord.documents.offer_render import AnnexUploadError, CertificateUpload, offer_render
from raccord.documents.services import document_store
from raccord.dossiers.decisions import STALE_MESSAGE, dossier_deadline_refresh, staff_may_decide
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.selectors import dossiers_visible_to
from raccord.dossiers.services import (
    DossierError,
    attachment_store,
    dossier_create,
    transition_apply,
)
from raccord.dossiers.workflow import Actor
from raccord.offers.models import ChecklistItem, Offer, OfferDraft, WorksMilestone
from raccord.offers.preparation import MISSING_LABELS, Preparation, preparation_build
from raccord.rules.clocks import ClockRule, deadline_compute, offer_lapsed
from raccord.rules.errors import RulesError
from raccord.rules.inputs import ConnectionRequest
from raccord.rules.variants import DocumentKind
from raccord.tracking.notify import notify_dossier
from raccord.tracking.services import event_record

logger = logging.getLogger(__name__)

EXPIRED_MESSAGE = (
    "Le délai de validité de cette offre a expiré le {date} : elle ne peut plus être acceptée "
    "ni complétée (Avenant § 2.2.1, sans prorogation possible)."
)
CHECKLIST: dict[str, tuple[str, ...]] = {
    Offer.DocumentKind.CRD: (ChecklistItem.Kind.SIGNED_OFFER, ChecklistItem.Kind.DEPOSIT),
    Offer.DocumentKind.AVENANT: (
        ChecklistItem.Kind.SIGNED_OFFER,
        ChecklistItem.Kind.SIGNED_MANDATE_CONTRACT,
        ChecklistItem.Kind.FINANCIAL_GUARANTEE,
        ChecklistItem.Kind.INSURANCE_CERTIFICATE,
        ChecklistItem.Kind.DEPOSIT,
    ),
}
TITLES = {
    DocumentKind.CRD: "Convention de Raccordement Directe — Conditions Particulières",
    DocumentKind.AVENANT: "Avenant L342-6 à la Convention de Raccordement Directe",
}


def _notify(
    dossier: Dossier, kind: str, key: str = "", context: dict[str, str] | None = None
) -> None:
    pk = dossier.pk
    transaction.on_commit(
        lambda: notify_dossier(dossier_id=pk, kind=kind, key=key, context=context)
    )


def _staff_lock(dossier: Dossier, user: User, version: int | None = None) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not staff_may_decide(user, locked) or locked.state == State.DRAFT:
        raise DossierError("Ce dossier n'est pas dans votre périmètre.")
    if version is not None and int(version) != locked.version:
        raise DossierError(STALE_MESSAGE)
    return locked


def _requester_lock(dossier: Dossier, user: User) -> Dossier:
    if not dossiers_visible_to(user).filter(pk=dossier.pk).exists():
        raise DossierError("Dossier introuvable.")
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


# --- Draft -----------------------------------------------------------------------------------


def draft_for(dossier: Dossier) -> OfferDraft:
    draft, _ = OfferDraft.objects.get_or_create(dossier=dossier)
    return draft


@transaction.atomic
def draft_save(
    *,
    dossier: Dossier,
    user: User,
    version: int,
    values: dict[str, str],
    confirmations: dict[str, str],
) -> OfferDraft:
    """Store the preparation as typed (only the known fields), and the plan confirmations."""
    from raccord.offers.forms import key_allowed
    from raccord.rules.variants import GROUPS

    locked = _staff_lock(dossier, user)
    if locked.kind != Kind.BT_36_250 or locked.state != State.COMPLETE:
        raise DossierError("L'offre se prépare pour une demande 36-250 kVA complète.")
    draft = OfferDraft.objects.select_for_update().get_or_create(dossier=locked)[0]
    if int(version) != draft.version:
        raise DossierError(STALE_MESSAGE)
    draft.data = {k: str(v)[:2000] for k, v in values.items() if key_allowed(k)}
    chosen: dict[str, str] = {}
    for group, block in confirmations.items():
        if group not in GROUPS or not GROUPS[group].confirmable or not block:
            continue
        if block == "-" and not GROUPS[group].required:
            chosen[group] = ""
        elif block in GROUPS[group].blocks:
            chosen[group] = block
    draft.confirmations = chosen
    draft.version += 1
    draft.updated_by = user
    draft.save()
    return draft


# --- Sending ---------------------------------------------------------------------------------


def _pdf_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        content: bytes = handle.read()
    if attachment.content_type == "application/pdf":
        return content
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(content)).convert("RGB").save(out, format="PDF")
    return out.getvalue()


def annex_pdfs(dossier: Dossier) -> dict[int, bytes]:
    """Annex 2 (situation and ground plans) and annex 3 (single-line diagram) from the
    requester's attachments, merged as one PDF each."""
    result: dict[int, bytes] = {}
    for annex, kinds in (
        (2, (Attachment.Kind.SITUATION_PLAN, Attachment.Kind.GROUND_PLAN)),
        (3, (Attachment.Kind.SINGLE_LINE_DIAGRAM,)),
    ):
        writer = PdfWriter()
        for att in dossier.attachments.filter(removed_at__isnull=True, kind__in=kinds).order_by(
            "kind", "uploaded_at"
        ):
            try:
                for page in PdfReader(io.BytesIO(_pdf_bytes(att))).pages:
                    writer.add_page(page)
            except Exception:  # an unreadable upload is left out, the annex says so
                logger.warning("Attachment %s unreadable for annex %s", att.pk, annex)
        if len(writer.pages):
            out = io.BytesIO()
            writer.write(out)
            result[annex] = out.getvalue()
    return result


CERTIFICATE_KINDS: tuple[str, ...] = (Attachment.Kind.DECOUPLING_CERTIFICATE,)
"""Attachment kinds appended to the certificates annex (Annexe 6, Annexe 5 of the CRD)."""


def certificate_uploads(dossier: Dossier, request: ConnectionRequest) -> list[CertificateUpload]:
    """The certificate files of the request (``CERTIFICATE_KINDS``, not removed, in upload
    order), as uploaded: PDF, PNG or JPEG, for :func:`offer_render` to append to the annex.

    Each is captioned with its file name, its kind and the standard the request cites for it
    (``installation.certificate_standard``; ``""`` when the request cites none or several). A
    file that cannot be read from the storage is still passed (empty): the annex names it as
    unreadable rather than leaving it out."""
    standards = request.certificate_standards
    standard = standards[0] if len(standards) == 1 else ""
    uploads = []
    for att in dossier.attachments.filter(
        removed_at__isnull=True, kind__in=CERTIFICATE_KINDS
    ).order_by("uploaded_at", "pk"):
        try:
            with att.file.open("rb") as handle:
                content: bytes = handle.read()
        except OSError:
            logger.warning("Attachment %s unreadable for the certificates annex", att.pk)
            content = b""
        uploads.append(
            CertificateUpload(
                name=att.original_name,
                content=content,
                subject=str(att.get_kind_display()),
                standard=standard,
            )
        )
    return uploads


@dataclass(frozen=True)
class Sent:
    offers: list[Offer]
    valid_until: date
    explanation: str


@transaction.atomic
def offer_send(*, dossier: Dossier, user: User, version: int) -> Sent:
    """« Générer et envoyer l'offre »: render and store the CRD (and the Avenant), apply
    ``send_offer``, record the validity end date, notify the requester."""
    locked = _staff_lock(dossier, user, version)
    if locked.kind != Kind.BT_36_250:
        raise DossierError("L'offre de raccordement concerne les demandes 36-250 kVA.")
    if locked.state != State.COMPLETE:
        raise DossierError("L'offre s'envoie quand la demande est complète.")
    draft = draft_for(locked)
    today = timezone.localdate()
    prep = preparation_build(locked, draft, today=today)
    problems = prep.ready()
    if problems:
        raise DossierError("L'offre ne peut pas être envoyée : " + " ".join(problems))
    assert prep.request and prep.study and prep.voltage
    params = parameters_current()
    annexes = annex_pdfs(locked)
    certificates = certificate_uploads(locked, prep.request)
    rendered: list[tuple[DocumentKind, bytes]] = []
    for kind in prep.documents:
        try:
            data = offer_data(
                plan=prep.plans[kind],
                request=prep.request,
                study=prep.study,
                offer=prep.offer_inputs[kind],
                contribution=prep.contributions[kind],
                voltage=prep.voltage,
                today=today,
                params=params,
            )
        except OfferDataError as error:
            labels = sorted({MISSING_LABELS.get(m, m) for m in error.missing})
            raise DossierError(
                f"Valeurs manquantes pour le document « {TITLES[kind]} » : "
                + ", ".join(labels)
                + "."
            ) from error
        try:
            rendered.append(
                (kind, offer_render(data=data, annex_pdfs=annexes, certificates=certificates))
            )
        except AnnexUploadError as error:
            raise DossierError(str(error)) from error
    try:
        deadline = deadline_compute(params, rule=ClockRule.OFFER_ACCEPTANCE, start=today)
    except RulesError as error:
        raise DossierError(error.message) from error
    transition_apply(dossier=locked, name="send_offer", actor=Actor.STAFF, user=user)
    offers = []
    for kind, pdf in rendered:
        stem = "CRD" if kind is DocumentKind.CRD else "Avenant L342-6"
        stored = document_store(
            dossier=locked,
            kind=StoredKind.CRD if kind is DocumentKind.CRD else StoredKind.AVENANT,
            title=TITLES[kind],
            filename=f"{stem} {locked.operator.short_name}-{locked.number}.pdf",
            pdf=pdf,
            created_by=user,
            visible_to_requester=True,
            comment=f"Valable jusqu'au {deadline.due:%d/%m/%Y}",
        )
        contribution = prep.contributions[kind]
        offers.append(
            Offer.objects.create(
                dossier=locked,
                document_kind=kind.value,
                document=stored,
                sent_on=today,
                valid_until=deadline.due,
                validity_explanation=deadline.explanation[:300],
                deposit_ttc=contribution.deposit_ttc,
            )
        )
    dossier_deadline_refresh(dossier=locked)
    event_record(
        kind="offer:sent",
        dossier=locked,
        actor=user,
        payload={
            "documents": [o.document_kind for o in offers],
            "valid_until": deadline.due.isoformat(),
            "plan": {k.value: sorted(prep.plans[k].chosen) for k in prep.documents},
        },
    )
    _notify(
        locked,
        "offer_sent",
        key="sent",
        context={
            "valid_until": f"{deadline.due:%d/%m/%Y}",
            "documents": ", ".join(TITLES[k] for k in prep.documents),
        },
    )
    return Sent(offers=offers, valid_until=deadline.due, explanation=deadline.explanation)


# --- The requester's acceptance ---------------------------------------------------------------


def _check_open(offer: Offer, dossier: Dossier, today: date) -> None:
    if dossier.state != State.OFFER_SENT:
        raise DossierError("Cette offre n'est plus ouverte à l'acceptation.")
    if today > offer.valid_until:
        raise DossierError(EXPIRED_MESSAGE.format(date=f"{offer.valid_until:%d/%m/%Y}"))


@transaction.atomic
def offer_accept(*, offer: Offer, user: User, today: date | None = None) -> Offer:
    """The requester accepts ``offer``: the other offer's validity ends (Avenant § 2.2.1)."""
    today = today or timezone.localdate()
    locked = _requester_lock(offer.dossier, user)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _check_open(offer, locked, today)
    if offer.status == Offer.Status.ACCEPTED:
        return offer
    if offer.status != Offer.Status.SENT:
        raise DossierError(f"Cette offre n'est plus valable : {offer.get_status_display()}.")
    now = timezone.now()
    offer.status, offer.accepted_at, offer.accepted_by = Offer.Status.ACCEPTED, now, user
    offer.save(update_fields=["status", "accepted_at", "accepted_by"])
    Offer.objects.filter(dossier=locked, status=Offer.Status.SENT).exclude(pk=offer.pk).update(
        status=Offer.Status.ENDED_OTHER, ended_at=now
    )
    for kind in CHECKLIST[offer.document_kind]:
        if kind == ChecklistItem.Kind.DEPOSIT and offer.deposit_ttc <= 0:
            continue
        ChecklistItem.objects.get_or_create(offer=offer, kind=kind)
    event_record(
        kind="offer:accepted_by_requester",
        dossier=locked,
        actor=user,
        payload={"document": offer.document_kind},
    )
    return offer


def _store_attachment(
    dossier: Dossier, user: User, kind: str, name: str, content: bytes
) -> Attachment:
    return attachment_store(dossier=dossier, user=user, kind=kind, name=name, content=content)


def _item_for_requester(
    item: ChecklistItem, user: User, today: date
) -> tuple[Dossier, ChecklistItem]:
    locked = _requester_lock(item.offer.dossier, user)
    item = ChecklistItem.objects.select_related("offer").select_for_update().get(pk=item.pk)
    _check_open(item.offer, locked, today)
    if item.offer.status != Offer.Status.ACCEPTED:
        raise DossierError("Acceptez d'abord cette offre.")
    return locked, item


@transaction.atomic
def checklist_upload(
    *, item: ChecklistItem, user: User, name: str, content: bytes, today: date | None = None
) -> ChecklistItem:
    """The requester provides one document of the acceptance checklist."""
    today = today or timezone.localdate()
    locked, item = _item_for_requester(item, user, today)
    kind = Attachment.Kind.DEPOSIT_PROOF if item.kind == ChecklistItem.Kind.DEPOSIT else item.kind
    attachment = _store_attachment(locked, user, kind, name, content)
    item.attachment = attachment
    if item.kind != ChecklistItem.Kind.DEPOSIT:
        item.provided_at = timezone.now()
    item.verified_at, item.verified_by = None, None
    item.save()
    return item


@transaction.atomic
def deposit_declare(
    *, item: ChecklistItem, user: User, paid_on: date, today: date | None = None
) -> ChecklistItem:
    today = today or timezone.localdate()
    if item.kind != ChecklistItem.Kind.DEPOSIT:
        raise DossierError("Cet élément n'est pas l'acompte.")
    if paid_on > today:
        raise DossierError("La date du versement ne peut pas être future.", field="paid_on")
    _locked, item = _item_for_requester(item, user, today)
    item.paid_on, item.provided_at = paid_on, timezone.now()
    item.verified_at, item.verified_by = None, None
    item.save()
    return item


# --- Staff verification and validation --------------------------------------------------------


@transaction.atomic
def checklist_verify(*, item: ChecklistItem, user: User) -> ChecklistItem:
    locked = _staff_lock(item.offer.dossier, user)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if locked.state != State.OFFER_SENT:
        raise DossierError("L'acceptation n'est plus en cours.")
    if not item.provided:
        raise DossierError(f"« {item.get_kind_display()} » n'a pas été fourni par le demandeur.")
    item.verified_at, item.verified_by = timezone.now(), user
    item.save(update_fields=["verified_at", "verified_by"])
    event_record(
        kind="offer:item_verified", dossier=locked, actor=user, payload={"item": item.kind}
    )
    return item


def accepted_offer(dossier: Dossier) -> Offer | None:
    return Offer.objects.filter(dossier=dossier, status=Offer.Status.ACCEPTED).first()


@transaction.atomic
def acceptance_validate(*, dossier: Dossier, user: User, version: int) -> Dossier:
    """Every checklist element verified: the acceptance is validated (``offer_accepted``)."""
    locked = _staff_lock(dossier, user, version)
    offer = accepted_offer(locked)
    if offer is None:
        raise DossierError("Le demandeur n'a accepté aucune offre.")
    pending = [i.get_kind_display() for i in offer.items.all() if i.verified_at is None]
    if pending:
        raise DossierError(
            "L'acceptation ne peut pas être validée : éléments non vérifiés — "
            + " ; ".join(pending)
            + "."
        )
    transition_apply(dossier=locked, name="offer_accepted", actor=Actor.STAFF, user=user)
    dossier_deadline_refresh(dossier=locked)
    _notify(
        locked,
        "offer_accepted",
        key="accepted",
        context={"document": offer.get_document_kind_display()},
    )
    return locked


# --- Lapse and modification -------------------------------------------------------------------


def _received_in_time(offer: Offer) -> bool:
    items = list(offer.items.all())
    return bool(items) and all(
        i.provided_at is not None and timezone.localdate(i.provided_at) <= offer.valid_until
        for i in items
    )


def _lapse(dossier: Dossier, *, reason: str, name: str, user: User | None) -> None:
    transition_apply(
        dossier=dossier,
        name=name,
        actor=Actor.SYSTEM if user is None else Actor.REQUESTER,
        user=user,
        reason=reason,
    )
    now = timezone.now()
    Offer.objects.filter(dossier=dossier).exclude(status=Offer.Status.ENDED_OTHER).update(
        status=Offer.Status.LAPSED, ended_at=now
    )
    event_record(
        kind="offer:capacity_released",
        dossier=dossier,
        payload={
            "queue": "Le projet sort de la file d'attente.",
            "capacity": "Les capacités d'accueil réservées sont rendues disponibles.",
        },
    )
    dossier_deadline_refresh(dossier=dossier)


def offers_lapse_due(*, today: date, wet_run: bool) -> list[str]:
    """Dossiers whose offers were not accepted within their validity: lapse them (wet) or
    list them (dry). Idempotent: a lapsed dossier is no longer « Offre envoyée »."""
    params = parameters_current()
    lines = []
    for dossier in Dossier.objects.filter(state=State.OFFER_SENT).order_by("pk"):
        offers = list(Offer.objects.filter(dossier=dossier).prefetch_related("items"))
        if not offers:
            continue
        sent_on = min(o.sent_on for o in offers)
        accepted = any(o.status == Offer.Status.ACCEPTED and _received_in_time(o) for o in offers)
        try:
            lapsed = offer_lapsed(params, sent_on=sent_on, today=today, accepted=accepted)
        except RulesError:
            continue
        if not lapsed:
            continue
        lines.append(
            f"Offre caduque : dossier {dossier.number_display}, non acceptée au "
            f"{max(o.valid_until for o in offers):%d/%m/%Y} ; le projet sort de la file d'attente"
        )
        if wet_run:
            with transaction.atomic():
                locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
                if locked.state != State.OFFER_SENT:
                    continue
                _lapse(
                    locked,
                    name="offer_lapse",
                    user=None,
                    reason="Offre non acceptée dans son délai de validité de trois mois : le "
                    "projet sort de la file d'attente et les capacités réservées sont libérées.",
                )
                _notify(locked, "offer_lapsed", key="lapse")
    return lines


@transaction.atomic
def modification_request(*, dossier: Dossier, user: User, reason: str) -> Dossier:
    """A modification before acceptance: the offer lapses, a new request is opened (a copy of
    the answers, to complete and transmit again). Returns the new dossier."""
    text = " ".join(reason.split())
    if not text:
        raise DossierError("Décrivez la modification souhaitée.", field="reason")
    locked = _requester_lock(dossier, user)
    if locked.state != State.OFFER_SENT:
        raise DossierError("Une demande de modification n'est possible qu'avant l'acceptation.")
    _lapse(
        locked,
        name="modification_requested",
        user=user,
        reason=f"Demande de modification : {text[:1900]}",
    )
    new = dossier_create(user=user, commune=locked.commune, orientation=dict(locked.orientation))
    new.kind = Kind.BT_36_250
    new.data = copy.deepcopy(locked.data)
    new.requester_name = locked.requester_name
    new.save(update_fields=["kind", "data", "requester_name"])
    event_record(
        kind="offer:modification_new_request",
        dossier=locked,
        actor=user,
        payload={"new_dossier": new.number},
    )
    event_record(
        kind="created_from_modification",
        dossier=new,
        actor=user,
        payload={"previous_dossier": locked.number, "reason": text[:500]},
    )
    _notify(locked, "offer_lapsed", key="modification")
    return new


# --- Works ------------------------------------------------------------------------------------


@transaction.atomic
def milestone_record(*, dossier: Dossier, user: User, kind: str, on: date) -> WorksMilestone:
    locked = _staff_lock(dossier, user)
    if locked.state != State.ACCEPTED:
        raise DossierError("Les étapes des travaux suivent l'acceptation de l'offre.")
    if kind not in WorksMilestone.Kind.values:
        raise DossierError("Choisissez l'étape.", field="kind")
    if on > timezone.localdate():
        raise DossierError("La date ne peut pas être future.", field="on")
    offer = Offer.objects.filter(dossier=locked, status=Offer.Status.ACCEPTED).first()
    if kind == WorksMilestone.Kind.MANDATAIRE_RECEIVED and (
        offer is None or offer.document_kind != Offer.DocumentKind.AVENANT
    ):
        raise DossierError("Cette étape ne concerne que l'Avenant L342-6.", field="kind")
    if WorksMilestone.objects.filter(dossier=locked, kind=kind).exists():
        raise DossierError("Cette étape est déjà enregistrée.", field="kind")
    milestone = WorksMilestone.objects.create(dossier=locked, kind=kind, on=on, recorded_by=user)
    event_record(
        kind="offer:works_milestone",
        dossier=locked,
        actor=user,
        payload={"milestone": kind, "on": on.isoformat()},
    )
    _notify(
        locked,
        "works_milestone",
        key=kind,
        context={"milestone": str(milestone.get_kind_display()), "on": f"{on:%d/%m/%Y}"},
    )
    return milestone


def preparation_for(dossier: Dossier) -> Preparation:
    return preparation_build(dossier, draft_for(dossier))
