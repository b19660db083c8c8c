"""Writes on dossiers. Each function is one transaction and locks the dossier row it changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from raccord.accounts.models import User
from raccord.dossiers.cacsi_sections import Section, SectionForm
from raccord.dossiers.models import (
    Acceptance,
    Attachment,
    Dossier,
    Kind,
    Label,
    NumberSequence,
    State,
)
from raccord.dossiers.sections import section_by_slug, sections_for
from raccord.dossiers.workflow import Actor, TransitionRefused, transition_guard
from raccord.operators.selectors import desk_for_commune, operator_for_commune
from raccord.places.models import Commune
from raccord.tracking.services import event_record

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
LOCKED_MESSAGE = (
    "Cette information n'est plus modifiable depuis la transmission de votre demande. "
    "Pour la modifier, contactez votre guichet régional (onglet Contact)."
)
ACCEPTED_MESSAGE = (
    "Vous avez accepté la convention : la demande n'est plus modifiable. Transmettez-la, ou "
    "contactez votre guichet régional pour toute correction."
)


class DossierError(Exception):
    """A refused write, with a French message for the person (and the field, if any)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _next_number(*, desk_code: str, when: datetime) -> str:
    """YYMM + desk code + 6-digit sequence; the counter row is updated atomically."""
    NumberSequence.objects.get_or_create(key=desk_code)
    NumberSequence.objects.filter(key=desk_code).update(value=F("value") + 1)
    value = NumberSequence.objects.get(key=desk_code).value
    local = timezone.localtime(when)
    return f"{local:%y%m}{desk_code}{value % 1_000_000:06d}"


@transaction.atomic
def dossier_create(
    *, user: User, commune: Commune, orientation: dict[str, str], kind: str = Kind.CACSI
) -> Dossier:
    """A new draft of ``kind`` (CACSI or BT 36-250 kVA) for ``commune``, numbered, pre-filled
    from the person's profile."""
    if kind not in Kind.values:
        raise DossierError("Type de demande inconnu.")
    operator = operator_for_commune(commune)
    if operator is None:
        raise DossierError("Aucun gestionnaire de réseau ne dessert cette commune.")
    desk = desk_for_commune(commune)
    now = timezone.now()
    data: dict[str, dict[str, Any]] = {"chantier": {}, "demandeur": {}}
    if user.role == User.Role.INSTALLER and user.organisation_id:
        org = user.organisation
        assert org is not None
        data["demandeur"] = {
            "has_third_party": "oui",
            "third_party_name": user.display_name,
            "third_party_organisation": org.name,
            "third_party_email": user.email,
            "third_party_phone": user.phone,
        }
    else:
        data["demandeur"] = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "requester_kind": "entreprise" if user.role == User.Role.COMPANY else "particulier",
        }
        if user.role == User.Role.COMPANY and user.organisation_id:
            org = user.organisation
            assert org is not None
            data["demandeur"].update(
                {
                    "company_name": org.name,
                    "siret": org.siret,
                    "legal_form": org.legal_form,
                    "share_capital": str(org.share_capital or ""),
                    "rcs_city": org.rcs_city,
                    "signatory_function": org.signatory_function,
                }
            )
            if kind == Kind.BT_36_250:
                office = org.office_commune
                data["demandeur"].update(
                    {
                        "signatory_name": org.signatory_name,
                        "office_street": org.office_street,
                        "office_street2": org.office_street2,
                        "office_postal_code": office.postal_code if office else "",
                        "office_city": office.name if office else "",
                    }
                )
    if kind == Kind.CACSI:
        data["technique"] = {"injection_option": "autoconsommation_totale"}
    dossier = Dossier.objects.create(
        number=_next_number(desk_code=desk.code if desk else "XXX", when=now),
        kind=kind,
        created_by=user,
        organisation=user.organisation if user.role == User.Role.INSTALLER else None,
        operator=operator,
        desk=desk,
        commune=commune,
        orientation=orientation,
        data=data,
        requester_name=_requester_name(data["demandeur"]) or user.display_name,
    )
    event_record(kind="created", dossier=dossier, actor=user, to_state=State.DRAFT)
    return dossier


def _requester_name(requester: dict[str, Any]) -> str:
    if requester.get("requester_kind") in ("entreprise", "collectivite") and requester.get(
        "company_name"
    ):
        return str(requester["company_name"])
    return " ".join(
        part
        for part in (
            str(requester.get("first_name", "")),
            str(requester.get("last_name", "")).upper(),
        )
        if part
    ).strip()


def producer_accepted(dossier: Dossier) -> bool:
    return dossier.acceptances.filter(party=Acceptance.Party.PRODUCER).exists()


def section_editable(dossier: Dossier, section: Section | None) -> str | None:
    """None if the requester may edit ``section`` now, else the French reason why not.

    ``section=None`` means the attachments.
    """
    if dossier.state in (State.WITHDRAWN, State.REFUSED, State.COMMISSIONED, State.LAPSED):
        return "Ce dossier est clos : il n'est plus modifiable."
    if dossier.state == State.DRAFT:
        return ACCEPTED_MESSAGE if producer_accepted(dossier) else None
    if section is None and dossier.state == State.WAITING_REQUESTER:
        return None  # the operator asked for items: the requester may add attachments
    if section is None or section.locked_after_submission:
        return LOCKED_MESSAGE
    return None


@dataclass
class SectionState:
    section: Section
    form: SectionForm
    complete: bool
    errors: dict[str, list[str]] = field(default_factory=dict)


def section_evaluate(dossier: Dossier, section: Section) -> SectionState:
    """Bind the section's answers, validate them; errors only for fields that have a value."""
    values = dossier.section(section.slug)
    form = section.form_class(
        data=values, context={"answers": dossier.data, "orientation": dossier.orientation}
    )
    complete = form.is_valid()
    errors = {
        name: [str(e) for e in errs]
        for name, errs in form.errors.items()
        if name == "__all__" or values.get(name) not in (None, "")
    }
    return SectionState(section=section, form=form, complete=complete, errors=errors)


def attachments_missing(dossier: Dossier) -> list[str]:
    """Required attachments not yet provided (French labels)."""
    present = set(
        dossier.attachments.filter(removed_at__isnull=True).values_list("kind", flat=True)
    )
    return [str(kind.label) for kind in attachments_required(dossier) if kind not in present]


def attachments_required(dossier: Dossier) -> list[Attachment.Kind]:
    """The attachments the dossier's answers call for, in the order they are asked."""
    required: list[Attachment.Kind] = []
    requester = dossier.section("demandeur")
    if dossier.kind == Kind.BT_36_250:
        installation = dossier.section("installation")
        required += [
            Attachment.Kind.SITUATION_PLAN,
            Attachment.Kind.GROUND_PLAN,
            Attachment.Kind.SINGLE_LINE_DIAGRAM,
        ]
        if requester.get("requester_kind") == "entreprise":
            required.append(Attachment.Kind.COMPANY_EXTRACT)
        if installation.get("decoupling") == "dispositif_integre":
            required.append(Attachment.Kind.DECOUPLING_CERTIFICATE)
    elif dossier.section("technique").get("decoupling") == "integree":
        required.append(Attachment.Kind.DECOUPLING_CERTIFICATE)
    if requester.get("has_third_party") == "oui":
        required.append(Attachment.Kind.MANDATE)
    return required


def dossier_completeness(dossier: Dossier) -> dict[str, bool]:
    result = {s.slug: section_evaluate(dossier, s).complete for s in sections_for(dossier.kind)}
    result["pieces"] = not attachments_missing(dossier)
    return result


@dataclass(frozen=True)
class FieldSave:
    dossier: Dossier
    state: SectionState
    saved_at: datetime


@transaction.atomic
def dossier_field_save(
    *, dossier: Dossier, user: User, section_slug: str, values: dict[str, str]
) -> FieldSave:
    """Store what was typed in one or more fields of a section, even if invalid, and validate.

    Values are kept exactly as typed so that nothing is lost; errors come back with the state.
    """
    locked = _lock(dossier)
    section = section_by_slug(locked.kind, section_slug)
    if section is None:
        raise DossierError("Section inconnue.")
    reason = section_editable(locked, section)
    if reason:
        raise DossierError(reason)
    known = set(section.form_class.base_fields)
    unknown = set(values) - known
    if unknown:
        raise DossierError(f"Champ inconnu : {', '.join(sorted(unknown))}.")
    data = dict(locked.data)
    current = dict(data.get(section.slug, {}))
    changed = {k: str(v)[:2000] for k, v in values.items() if current.get(k) != v}
    current.update({k: str(v)[:2000] for k, v in values.items()})
    data[section.slug] = current
    locked.data = data
    if section.slug == "demandeur":
        locked.requester_name = _requester_name(current) or locked.requester_name
    locked.version += 1
    locked.save(update_fields=["data", "requester_name", "version", "updated_at"])
    if changed and locked.state != State.DRAFT:
        event_record(
            kind="edited_after_submission",
            dossier=locked,
            actor=user,
            payload={"section": section.slug, "fields": sorted(changed)},
        )
    return FieldSave(
        dossier=locked, state=section_evaluate(locked, section), saved_at=timezone.now()
    )


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@transaction.atomic
def attachment_add(
    *, dossier: Dossier, user: User, kind: str, name: str, content: bytes
) -> Attachment:
    """Attach a PDF, JPEG or PNG (checked by content, not by name) of at most 5 Mo."""
    locked = _lock(dossier)
    reason = section_editable(locked, None)
    if reason:
        raise DossierError(reason, field="file")
    if kind not in Attachment.Kind.values:
        raise DossierError("Choisissez le type de pièce.", field="kind")
    return attachment_store(dossier=locked, user=user, kind=kind, name=name, content=content)


def attachment_store(
    *, dossier: Dossier, user: User, kind: str, name: str, content: bytes
) -> Attachment:
    """Check a file (size, PDF/JPEG/PNG by content) and store it on a locked dossier.

    Shared by the request's attachments and the offer's acceptance checklist; the caller has
    locked the dossier and checked that it may be changed.
    """
    if len(content) > MAX_ATTACHMENT_BYTES:
        size = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
        limit = f"{MAX_ATTACHMENT_BYTES / 1024 / 1024:g}".replace(".", ",")
        raise DossierError(
            f"Ce fichier fait {size} Mo : la limite est de {limit} Mo.", field="file"
        )
    if not content:
        raise DossierError("Ce fichier est vide.", field="file")
    content_type = _sniff(content[:16])
    if content_type is None:
        raise DossierError(
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG : "
            "seuls ces formats sont acceptés.",
            field="file",
        )
    digest = hashlib.sha256(content).hexdigest()
    safe_name = "".join(c for c in name if c.isalnum() or c in "-_. ")[:120] or "piece"
    attachment = Attachment(
        dossier=dossier,
        kind=kind,
        original_name=safe_name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=user,
    )
    attachment.file.save(
        f"{dossier.number}-{digest[:12]}{ALLOWED_TYPES[content_type]}",
        ContentFile(content),
        save=False,
    )
    attachment.save()
    event_record(
        kind="attachment_added",
        dossier=dossier,
        actor=user,
        payload={"attachment": attachment.pk, "kind": kind, "sha256": digest},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: User) -> None:
    locked = _lock(attachment.dossier)
    reason = section_editable(locked, None)
    if reason:
        raise DossierError(reason)
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
    event_record(
        kind="attachment_removed", dossier=locked, actor=user, payload={"attachment": attachment.pk}
    )


def dossier_ready(dossier: Dossier) -> list[str]:
    """What still prevents accepting the convention (CACSI) or transmitting the request (BT),
    in French; empty when ready."""
    problems = [
        f"La section « {s.title} » est incomplète."
        for s in sections_for(dossier.kind)
        if not section_evaluate(dossier, s).complete
    ]
    problems += [f"Pièce manquante : {label}." for label in attachments_missing(dossier)]
    return problems


@transaction.atomic
def label_add(*, dossier: Dossier, user: User, text: str) -> Label:
    text = " ".join(text.split())[:40]
    if not text:
        raise DossierError("Saisissez un label.", field="text")
    label, _ = Label.objects.get_or_create(dossier=dossier, user=user, text=text)
    return label


@transaction.atomic
def label_remove(*, label: Label) -> None:
    label.delete()


@transaction.atomic
def draft_abandon(*, dossier: Dossier, user: User) -> Dossier:
    """« Abandonner cette demande »: the workflow's ``abandon_draft`` (a draft only, by its
    requester), on the locked row."""
    return transition_apply(
        dossier=_lock(dossier), name="abandon_draft", actor=Actor.REQUESTER, user=user
    )


def transition_apply(
    *, dossier: Dossier, name: str, actor: Actor, user: User | None, reason: str = ""
) -> Dossier:
    """Move a locked dossier through the declared workflow and record the event.

    The caller holds the row lock (inside its transaction). The declared table decides: the
    move must exist from this state, for this actor and this kind of dossier, and its declared
    guards must hold (``transition_guard``); other data checks are the caller's.
    """
    try:
        transition = transition_guard(name, dossier=dossier, actor=actor)
    except TransitionRefused as refused:
        raise DossierError(refused.message) from refused
    previous = dossier.state
    now = timezone.now()
    dossier.state = transition.target
    stamp = {
        State.SUBMITTED: "submitted_at",
        State.IN_CHARGE: "taken_at",
        State.COMPLETE: "completed_at",
        State.ACCEPTED: "accepted_at",
        State.COMMISSIONED: "commissioned_at",
    }.get(transition.target)
    fields = ["state", "version", "updated_at"]
    if stamp and getattr(dossier, stamp) is None:
        setattr(dossier, stamp, now)
        fields.append(stamp)
    if transition.target in (State.REFUSED, State.WITHDRAWN, State.LAPSED):
        dossier.closed_at, dossier.close_reason = now, reason
        fields += ["closed_at", "close_reason"]
    dossier.version += 1
    dossier.save(update_fields=fields)
    event_record(
        kind=f"transition:{name}",
        dossier=dossier,
        actor=user,
        from_state=previous,
        to_state=dossier.state,
        payload={"reason": reason} if reason else {},
    )
    return dossier


def transition_refused_message(exc: TransitionRefused) -> str:
    return exc.message
