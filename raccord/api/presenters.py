"""What the API answers about a dossier, built from the same selectors and helpers as the portal.

The milestones and the CACSI 15-day rule come from ``raccord.tracking.selectors``, as in the
portal's tracking tab, so that both show the same labels, dates and explanation;
the sections' completeness, locks and errors from ``raccord.dossiers.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from raccord.documents.models import DocumentVersion
from raccord.dossiers.cacsi_sections import Section
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.sections import sections_for
from raccord.dossiers.services import (
    attachments_missing,
    dossier_ready,
    producer_accepted,
    section_editable,
    section_evaluate,
)
from raccord.offers.models import Offer
from raccord.tracking.messaging import CLOSED_STATES
from raccord.tracking.models import Action, Message, MessageAttachment
from raccord.tracking.selectors import commissioning_rule, milestones_for

NAMESPACE = "api-v1"

DRAFT_BLOCKED = "Vous pourrez écrire au gestionnaire de réseau une fois votre demande transmise."
CLOSED_BLOCKED = "Ce dossier est clos : contactez votre guichet régional (onglet Contact)."


def api_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(f"{NAMESPACE}:{name}", kwargs=kwargs))


def portal_url(request: HttpRequest, name: str, number: str) -> str:
    return request.build_absolute_uri(reverse(name, kwargs={"number": number}))


# --- Dossiers -------------------------------------------------------------------------------


def _common(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    return {
        "number": dossier.number,
        "number_display": dossier.number_display,
        "kind": dossier.kind,
        "kind_label": str(Kind(dossier.kind).label),
        "state": dossier.state,
        "state_label": str(State(dossier.state).label),
        "requester_status": dossier.requester_status,
        "requester_name": dossier.requester_name,
        "commune": dossier.commune.name,
        "postal_code": dossier.commune.postal_code,
        "created_at": dossier.created_at,
        "submitted_at": dossier.submitted_at,
    }


def dossier_summary(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    """One row of the list (``dossier`` comes from ``dossier_list_for``: counters annotated)."""
    return {
        **_common(request, dossier),
        "unread_messages": dossier.unread_messages,  # type: ignore[attr-defined]
        "open_actions": dossier.open_actions,  # type: ignore[attr-defined]
        "url": api_url(request, "dossier", number=dossier.number),
    }


def _deadlines(dossier: Dossier) -> list[dict[str, Any]]:
    """The legal delays running for the requester, with the sentence explaining each date."""
    deadlines: list[dict[str, Any]] = []
    rule = commissioning_rule(dossier)
    if rule is not None:
        deadlines.append(
            {
                "kind": "cacsi_commissioning",
                "label": "Mise en service sans réponse du gestionnaire (règle des 15 jours, "
                "compteur électronique)",
                "due_on": rule.deadline.due,
                "explanation": rule.deadline.explanation,
                "allowed_from": rule.allowed_from,
                "allowed_now": rule.allowed_now,
            }
        )
    if dossier.kind == Kind.BT_36_250:
        for offer in Offer.objects.filter(dossier=dossier, status=Offer.Status.SENT):
            deadlines.append(
                {
                    "kind": "offer_acceptance",
                    "label": f"Acceptation de l'offre : {offer.get_document_kind_display()} "
                    "(sans acceptation complète dans ce délai, l'offre devient caduque)",
                    "due_on": offer.valid_until,
                    "explanation": offer.validity_explanation,
                    "allowed_from": None,
                    "allowed_now": None,
                }
            )
    return deadlines


def _portal_step(request: HttpRequest, dossier: Dossier) -> dict[str, str] | None:
    """The step that the API does not do (a signature, a transmission, an answer), if any."""
    number = dossier.number
    if dossier.state == State.DRAFT and dossier.kind == Kind.CACSI:
        if producer_accepted(dossier):
            return {
                "label": "Transmettre la demande (« Soumettre ») : la convention est acceptée.",
                "url": portal_url(request, "portal:submit", number),
            }
        return {
            "label": "Relire la convention, l'accepter (« Bon pour accord », qui vaut signature "
            "électronique) puis transmettre la demande.",
            "url": portal_url(request, "portal:convention", number),
        }
    if dossier.state == State.DRAFT:
        return {
            "label": "Transmettre la demande (« Transmettre ma demande »).",
            "url": portal_url(request, "portal:detail", number),
        }
    if dossier.state == State.WAITING_REQUESTER:
        return {
            "label": "Répondre à la demande de compléments du gestionnaire de réseau.",
            "url": portal_url(request, "portal:actions", number),
        }
    if dossier.state == State.OFFER_SENT and dossier.kind == Kind.BT_36_250:
        return {
            "label": "Accepter l'offre de raccordement et déposer les pièces de l'acceptation.",
            "url": portal_url(request, "offers:page", number),
        }
    return None


def section_ref(request: HttpRequest, dossier: Dossier, section: Section) -> dict[str, Any]:
    lock = section_editable(dossier, section)
    return {
        "slug": section.slug,
        "title": section.title,
        "complete": section_evaluate(dossier, section).complete,
        "editable": lock is None,
        "lock_reason": lock,
        "url": api_url(request, "section", number=dossier.number, section=section.slug),
    }


def dossier_detail(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    operator = dossier.operator
    today = timezone.localdate()
    desk = dossier.desk
    actions = Action.objects.filter(dossier=dossier, state=Action.State.OPEN).order_by(
        "due_date", "pk"
    )
    return {
        **_common(request, dossier),
        "updated_at": dossier.updated_at,
        "taken_at": dossier.taken_at,
        "completed_at": dossier.completed_at,
        "accepted_at": dossier.accepted_at,
        "commissioned_at": dossier.commissioned_at,
        "closed_at": dossier.closed_at,
        "close_reason": dossier.close_reason,
        "milestones": [
            {"position": m.position, "label": m.label, "done_at": m.done_at, "current": m.current}
            for m in milestones_for(dossier, operator.short_name)
        ],
        "deadlines": _deadlines(dossier),
        "open_actions": [
            {
                "id": a.pk,
                "label": a.label,
                "detail": a.detail,
                "due_date": a.due_date,
                "overdue": a.due_date < today,
            }
            for a in actions
        ],
        "unread_messages": Message.objects.filter(
            dossier=dossier, direction=Message.Direction.TO_REQUESTER, read_at__isnull=True
        ).count(),
        "sections": [section_ref(request, dossier, s) for s in sections_for(dossier.kind)],
        "attachments_missing": attachments_missing(dossier),
        "remaining": dossier_ready(dossier) if dossier.state == State.DRAFT else [],
        "contact": {
            "desk": (
                {
                    "name": desk.name,
                    "address": desk.address,
                    "phone": desk.phone,
                    "email": desk.email,
                }
                if desk is not None
                else None
            ),
            "operator": {
                "name": operator.name,
                "short_name": operator.short_name,
                "legal_form": operator.legal_form,
                "registered_office": operator.registered_office,
                "website": operator.website,
            },
        },
        "portal_url": portal_url(request, "portal:detail", dossier.number),
        "portal_step": _portal_step(request, dossier),
    }


# --- Sections -------------------------------------------------------------------------------


def field_type(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, (forms.DecimalField, forms.FloatField)):  # IntegerField subclasses
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.EmailField):
        return "email"
    if isinstance(field.widget, forms.Textarea):
        return "text"
    return "string"


def section_detail(request: HttpRequest, dossier: Dossier, section: Section) -> dict[str, Any]:
    state = section_evaluate(dossier, section)
    form = state.form
    lock = section_editable(dossier, section)
    fields = []
    for name, field in form.fields.items():
        condition = section.form_class.conditions.get(name)
        choices = getattr(field, "choices", None)
        fields.append(
            {
                "name": name,
                "label": str(field.label or name),
                "type": field_type(field),
                "required": bool(field.required),
                "applies": form.applies(name),
                "help_text": str(field.help_text or ""),
                "max_length": getattr(field, "max_length", None),
                "choices": (
                    [{"value": str(v), "label": str(label)} for v, label in choices if v != ""]
                    if choices is not None
                    else None
                ),
                "condition": (
                    {"field": condition[0], "values": list(condition[1])} if condition else None
                ),
            }
        )
    return {
        "slug": section.slug,
        "title": section.title,
        "complete": state.complete,
        "editable": lock is None,
        "lock_reason": lock,
        "values": {
            k: "" if v is None else str(v) for k, v in dossier.section(section.slug).items()
        },
        "errors": state.errors,
        "notes": [str(n) for n in form.notes],
        "fields": fields,
    }


# --- Attachments, documents, messages -------------------------------------------------------


def attachment_out(request: HttpRequest, attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "kind_label": attachment.get_kind_display(),
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "download_url": api_url(
            request, "attachment", number=attachment.dossier.number, attachment_id=attachment.pk
        ),
    }


def document_out(request: HttpRequest, version: DocumentVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "kind": version.kind,
        "kind_label": version.get_kind_display(),
        "title": version.title,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "comment": version.comment,
        "created_at": version.created_at,
        "download_url": api_url(
            request, "document", number=version.dossier.number, document_id=version.pk
        ),
    }


def message_blocked(dossier: Dossier) -> str | None:
    """Why the requester may not write now (the reasons ``message_post`` gives), or None."""
    if dossier.state == State.DRAFT:
        return DRAFT_BLOCKED
    if dossier.state in CLOSED_STATES:
        return CLOSED_BLOCKED
    return None


def message_file_out(
    request: HttpRequest, dossier: Dossier, f: MessageAttachment
) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.original_name,
        "content_type": f.content_type,
        "size": f.size,
        "download_url": api_url(
            request, "message_attachment", number=dossier.number, attachment_id=f.pk
        ),
    }


def message_out(request: HttpRequest, dossier: Dossier, message: Message) -> dict[str, Any]:
    outgoing = message.direction == Message.Direction.TO_OPERATOR
    return {
        "id": message.pk,
        "direction": message.direction,
        "direction_label": message.get_direction_display(),
        "author": message.author.display_name if outgoing else dossier.operator.short_name,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at,
        "read_at": message.read_at,
        "files": [message_file_out(request, dossier, f) for f in message.attachments.all()],
    }
