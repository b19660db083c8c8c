"""Tracking tabs of a dossier: Suivi, Actions, Messages, Documents, Contact.

Every view loads the dossier through ``dossier_for_user`` (404 for a dossier the person may not
see) and builds its context with ``dossier_context``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from raccord.accounts.models import User
from raccord.core.responses import upload_response
from raccord.documents.models import DocumentVersion
from raccord.documents.services import DocumentIntegrityError
from raccord.documents.views import document_response
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.selectors import dossier_for_user
from raccord.portal.context import dossier_context
from raccord.tracking.forms import MessageFilesField, files_reselect_notice, message_files
from raccord.tracking.messaging import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    MessageError,
    message_post,
    messages_mark_read,
)
from raccord.tracking.models import Action, Event, Message, MessageAttachment
from raccord.tracking.selectors import ENDED, commissioning_rule, milestones_for

logger = logging.getLogger(__name__)

CLOCK_RUNNING = (State.SUBMITTED, State.IN_CHARGE, State.WAITING_REQUESTER, State.COMPLETE)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- Suivi de dossier ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    by: str


def _state_sentence(dossier: Dossier, operator: str) -> str:
    sentences = {
        State.DRAFT: _(
            "Votre demande est sauvegardée : elle n'a pas encore été transmise à %(op)s."
        ),
        State.SUBMITTED: _(
            "Votre demande a été transmise. Elle attend sa prise en charge par %(op)s."
        ),
        State.IN_CHARGE: _("%(op)s étudie votre demande."),
        State.WAITING_REQUESTER: _(
            "%(op)s attend des compléments de votre part : consultez l'onglet Actions et vos "
            "messages."
        ),
        State.COMPLETE: _(
            "Votre demande est complète. %(op)s prépare l'acceptation de votre convention."
        ),
        State.ACCEPTED: _(
            "Votre convention est acceptée. Nous attendons votre confirmation de Mise en service."
        ),
        State.COMMISSIONED: _("Votre installation est mise en service."),
        State.REFUSED: _("Votre demande a été refusée."),
        State.WITHDRAWN: _("Votre demande a été abandonnée."),
        State.LAPSED: _("Votre demande est caduque."),
    }
    if dossier.kind == Kind.BT_36_250:
        sentences.update(
            {
                State.COMPLETE: _(
                    "Votre demande est complète. %(op)s prépare votre offre de raccordement "
                    "(Convention de Raccordement Directe)."
                ),
                State.OFFER_SENT: _(
                    "%(op)s vous a envoyé son offre de raccordement : acceptez-la avant la fin "
                    "de sa validité (onglet Demande, « Offre de raccordement »)."
                ),
                State.ACCEPTED: _(
                    "Vous avez accepté l'offre de raccordement : %(op)s réalise les travaux "
                    "jusqu'à la mise à disposition du raccordement."
                ),
            }
        )
    return sentences.get(State(dossier.state), "") % {"op": operator}


def _event_text(event: Event, operator: str) -> str | None:
    """The French sentence for an event shown to the requester; None for internal ones."""
    op = {"op": operator}
    if event.kind == "message_sent":
        if event.payload.get("direction") == Message.Direction.TO_REQUESTER:
            return _("Message reçu de %(op)s") % op
        return _("Message envoyé à %(op)s") % op
    if event.kind == "convention_accepted":
        if event.payload.get("party") == "operator":
            return _("Convention acceptée par %(op)s") % op
        return _("Convention acceptée par le producteur (« Bon pour accord »)")
    if event.kind == "attachment_added":
        kind = event.payload.get("kind", "")
        label = Attachment.Kind(kind).label if kind in Attachment.Kind.values else _("pièce")
        return _("Pièce jointe ajoutée : %(kind)s") % {"kind": label}
    texts = {
        "created": _("Demande créée"),
        "attachment_removed": _("Pièce jointe retirée"),
        "edited_after_submission": _("Demande modifiée après sa transmission"),
        "transition:submit": _("Demande transmise à %(op)s"),
        "transition:take_in_charge": _("Demande prise en charge par %(op)s"),
        "transition:request_items": _("%(op)s vous demande des compléments"),
        "transition:answer": _("Compléments transmis à %(op)s"),
        "transition:declare_complete": _("Demande déclarée complète"),
        "transition:accept": _("Convention acceptée par %(op)s"),
        "transition:auto_accept": _("Convention acceptée par %(op)s (contrôles automatiques)"),
        "transition:refuse": _("Demande refusée"),
        "transition:commission": _("Mise en service enregistrée"),
        "transition:withdraw": _("Dossier clos à votre demande"),
        "transition:abandon_draft": _("Brouillon abandonné"),
    }
    text = texts.get(event.kind)
    return text % op if text is not None else None


def history_for(dossier: Dossier, operator: str) -> list[HistoryLine]:
    lines = []
    for event in Event.objects.filter(dossier=dossier).select_related("actor").order_by("pk"):
        text = _event_text(event, operator)
        if text is None:
            continue
        actor = event.actor
        by = operator if actor is None or actor.is_operator_staff else actor.display_name
        lines.append(HistoryLine(at=event.at, text=text, by=by))
    return lines


@login_required
@require_GET
def tracking(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    operator = dossier.operator.short_name
    milestones = milestones_for(dossier, operator)
    current = next((m for m in milestones if m.current), None)
    if dossier.state in ENDED or current is None:
        state_title = str(State(dossier.state).label)
    else:
        state_title = current.label
    return render(
        request,
        "portal/tab_tracking.html",
        dossier_context(
            user,
            dossier,
            "suivi",
            milestones=milestones,
            state_title=state_title,
            state_sentence=_state_sentence(dossier, operator),
            commissioning=commissioning_rule(dossier),
            history=history_for(dossier, operator),
        ),
    )


# --- Actions ------------------------------------------------------------------------------------


@login_required
@require_GET
def actions(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    today = timezone.localdate()
    rows = list(Action.objects.filter(dossier=dossier).order_by("due_date", "pk"))
    for action in rows:
        action.overdue = (  # type: ignore[attr-defined]
            action.state == Action.State.OPEN and action.due_date < today
        )
    return render(
        request,
        "portal/tab_actions.html",
        dossier_context(
            user,
            dossier,
            "actions",
            actions=rows,
            open_actions=[a for a in rows if a.state == Action.State.OPEN],
        ),
    )


# --- Messages -----------------------------------------------------------------------------------


class MessageForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Objet"),
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Indiquez l'objet de votre message."),
            "max_length": gettext_lazy(
                "L'objet compte %(show_value)d caractères : %(limit_value)d au plus."
            ),
        },
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=BODY_MAX_LENGTH,
        help_text=gettext_lazy("5 000 caractères au plus."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Écrivez votre message."),
            "max_length": gettext_lazy(
                "Le message compte %(show_value)d caractères : %(limit_value)d au plus."
            ),
        },
    )
    files = MessageFilesField()


def _can_write(dossier: Dossier) -> str | None:
    """None if the requester may write to the operator, else why not (French)."""
    if dossier.state == State.DRAFT:
        return _("Vous pourrez écrire à %(op)s une fois votre demande transmise.") % {
            "op": dossier.operator.short_name
        }
    if dossier.state in ENDED:
        return _("Ce dossier est clos : contactez votre guichet régional (onglet Contact).")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def messages_tab(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    blocked = _can_write(dossier)
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if blocked:
            form.add_error(None, blocked)
        elif form.is_valid():
            try:
                message_post(
                    dossier=dossier,
                    author=user,
                    direction=Message.Direction.TO_OPERATOR,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    files=message_files(form),
                )
            except MessageError as error:
                form.add_error(error.field or None, error.message)
            else:
                messages.success(request, _("Votre message a été envoyé."))
                return redirect("portal:messages", number=dossier.number)
        files_reselect_notice(form, request)
    thread = list(
        Message.objects.filter(dossier=dossier)
        .select_related("author")
        .prefetch_related("attachments")
    )
    unread_ids = {
        m.pk for m in thread if m.direction == Message.Direction.TO_REQUESTER and m.read_at is None
    }
    if unread_ids:
        messages_mark_read(dossier=dossier, direction=Message.Direction.TO_REQUESTER)
    return render(
        request,
        "portal/tab_messages.html",
        dossier_context(
            user,
            dossier,
            "messages",
            thread=thread,
            unread_ids=unread_ids,
            form=form,
            blocked=blocked,
        ),
    )


@login_required
@require_GET
def message_attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A file sent with a message, to a person who may see the dossier (404 otherwise)."""
    dossier = dossier_for_user(_user(request), number)
    attachment = get_object_or_404(MessageAttachment, pk=pk, message__dossier=dossier)
    return upload_response(attachment)


# --- Documents ----------------------------------------------------------------------------------


@login_required
@require_GET
def documents(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    versions = DocumentVersion.objects.filter(dossier=dossier, visible_to_requester=True).order_by(
        "created_at", "pk"
    )
    attachments = dossier.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk")
    return render(
        request,
        "portal/tab_documents.html",
        dossier_context(
            user, dossier, "documents", versions=list(versions), attachments=list(attachments)
        ),
    )


@login_required
@require_GET
def document_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    version = get_object_or_404(DocumentVersion, pk=pk, dossier=dossier, visible_to_requester=True)
    try:
        return document_response(version)
    except DocumentIntegrityError:
        logger.exception("Refused to serve document %s of dossier %s", version.pk, dossier.number)
        messages.error(
            request,
            _(
                "Ce document est momentanément indisponible. Réessayez plus tard ou contactez "
                "votre guichet régional (onglet Contact)."
            ),
        )
        return redirect("portal:documents", number=dossier.number)


# --- Contact ------------------------------------------------------------------------------------


@login_required
@require_GET
def contact(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    return render(
        request,
        "portal/tab_contact.html",
        dossier_context(user, dossier, "contact", desk=dossier.desk, operator=dossier.operator),
    )
