"""The operator staff's pages: the desk's inbox and the dossier page with its decisions.

Every view loads dossiers through ``raccord.backoffice.selectors`` (404 outside the person's
scope, for GET and POST alike) and writes through one service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from raccord.accounts.models import User
from raccord.backoffice import forms as bo_forms
from raccord.backoffice.models import ExpertRequest, StaffNote, StaffTag
from raccord.backoffice.selectors import (
    StaffAccess,
    desk_colleagues,
    history_rows,
    inbox_filters_from,
    inbox_queryset,
    page_counters,
    pending_expert_requests,
    staff_dossier_for,
    state_counts,
)
from raccord.backoffice.services import (
    expert_request_answer,
    expert_request_create,
    experts_for,
    staff_note_add,
    staff_tag_add,
    staff_tag_remove,
)
from raccord.core.responses import upload_response
from raccord.documents.models import DocumentVersion
from raccord.documents.services import DocumentIntegrityError
from raccord.documents.views import document_response
from raccord.dossiers import decisions
from raccord.dossiers.decisions import operator_deadline
from raccord.dossiers.models import Acceptance, Attachment, Dossier, Kind, State
from raccord.dossiers.selectors import sections_overview
from raccord.dossiers.services import DossierError, attachments_missing
from raccord.dossiers.workflow import Actor, transitions_available
from raccord.tracking.forms import MessageFilesField, files_reselect_notice, message_files
from raccord.tracking.messaging import MessageError, message_files_attach, messages_mark_read
from raccord.tracking.models import Action, Message, MessageAttachment
from raccord.tracking.services import event_record

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]
PAGE_SIZE = 50


def staff_required(view: View) -> View:
    """Logged-in operator staff (the MFA middleware already demands TOTP); 404 for others."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_operator_staff", False):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _instructed(request: HttpRequest, number: str) -> Dossier:
    """The dossier if the person instructs it (an expert's read access is not enough)."""
    access = staff_dossier_for(_user(request), number)
    if not access.instructs:
        raise Http404
    return access.dossier


# --- Inbox ---------------------------------------------------------------------------------------


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = inbox_filters_from(request.GET)
    paginator = Paginator(inbox_queryset(user, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    page_counters(rows)
    counts = state_counts(user)
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(
        (filters.state, filters.kind, filters.place, filters.overdue, filters.mine, filters.unread)
    )
    return render(
        request,
        "backoffice/inbox.html",
        {
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "filters": filters,
            "filtered": filtered,
            "query": query.urlencode(),
            "state_choices": bo_forms.STATE_CHOICES,
            "kind_choices": bo_forms.KIND_CHOICES,
            "counts": [
                (value, label, counts.get(value, 0))
                for value, label in bo_forms.STATE_CHOICES
                if value
            ],
            "total": sum(counts.values()),
            "expert_requests": pending_expert_requests(user),
            "scope_label": (
                user.desk.name
                if user.role == User.Role.INSTRUCTOR and user.desk
                else (user.operator.name if user.operator else "")
            ),
        },
    )


# --- Dossier page --------------------------------------------------------------------------------

EVENT_TEXTS = {
    "created": "Demande créée",
    "created_from_modification": "Nouvelle demande issue d'une demande de modification",
    "attachment_added": "Pièce jointe ajoutée",
    "attachment_removed": "Pièce jointe retirée",
    "edited_after_submission": "Demande modifiée après sa transmission",
    "convention_accepted": "Convention acceptée",
    "message_sent": "Message",
    "message_files_added": "Pièces jointes au message",
    "staff_viewed": "Dossier consulté",
    "staff_downloaded": "Pièce téléchargée par le personnel",
    "assigned": "Attribution modifiée",
    "items_requested": "Compléments demandés",
    "requester_answered": "Le demandeur a répondu : horloge relancée",
    "staff_note": "Note interne ajoutée",
    "staff_tag": "Étiquette ajoutée",
    "staff_tag_removed": "Étiquette retirée",
    "expert_requested": "Avis demandé",
    "expert_answered": "Avis donné",
    "review_passed": "Contrôles automatiques réussis",
    "review_failed": "Contrôles automatiques en échec",
    "l342_6_requested": "Travaux en Mandataire demandés (article L342-6)",
    "offer:sent": "Offre de raccordement envoyée",
    "offer:accepted_by_requester": "Offre acceptée par le demandeur",
    "offer:item_verified": "Pièce d'acceptation de l'offre vérifiée",
    "offer:capacity_released": "Capacité réservée libérée (offre caduque)",
    "offer:modification_new_request": "Demande de modification : nouvelle demande créée",
    "offer:works_milestone": "Étape des travaux enregistrée",
    "clock:reminder": "Rappel envoyé au demandeur (action à échéance)",
    "clock:may_commission": "Demandeur informé : mise en service possible (règle des 15 jours)",
    "clock:digest": "Synthèse quotidienne du guichet",
    "clock:retry": "E-mails en attente renvoyés",
}
"""French label of every audit event kind shown in the history (``transition:<name>`` events
take the label of their transition in raccord/dossiers/workflow.py)."""

CHECK_LABELS = {
    "pdl": "Numéro de PDL",
    "technique": "Précisions techniques",
    "classification": "Classement CACSI",
    "decoupling_certificate": "Certificat de découplage",
    "attachments": "Pièces obligatoires",
    "kind": "Type de demande",
}
"""French names of the automatic checks (raccord/dossiers/review.py)."""


def event_label(kind: str) -> str:
    """The French label of an audit event kind (never the raw kind)."""
    from raccord.dossiers.workflow import BY_NAME

    if kind.startswith("transition:"):
        transition = BY_NAME.get(kind.split(":", 1)[1])
        return transition.label if transition else "Changement d'état"
    return EVENT_TEXTS.get(kind, "Événement")


def _review_detail(payload: dict[str, Any]) -> str:
    """The checks of an automatic review, one a line, failed ones marked, and the outcome."""
    lines = []
    for check in payload.get("checks") or []:
        if not isinstance(check, dict):
            continue
        name = str(check.get("name", ""))
        label = CHECK_LABELS.get(name, name)
        verdict = "réussi" if check.get("ok") else "ÉCHEC"
        lines.append(f"{label} : {verdict} — {check.get('detail_fr', '')}")
    failed = [
        CHECK_LABELS.get(str(c.get("name", "")), str(c.get("name", "")))
        for c in payload.get("failed") or []
        if isinstance(c, dict)
    ]
    if failed:
        lines.append("Contrôles en échec : " + ", ".join(failed) + ".")
    if payload.get("auto_accept"):
        lines.append("Convention acceptée automatiquement.")
    return "\n".join(lines)


def _history(dossier: Dossier, expert_requests: list[ExpertRequest]) -> list[dict[str, Any]]:
    by_pk = {r.pk: r for r in expert_requests}
    lines = []
    for event in history_rows(dossier):
        text = event_label(event.kind)
        detail = ""
        if event.kind.startswith("transition:"):
            detail = str(event.payload.get("reason", ""))
        elif event.kind in ("review_passed", "review_failed"):
            detail = _review_detail(event.payload)
        elif event.kind == "message_sent":
            text = (
                "Message envoyé au demandeur"
                if event.payload.get("direction") == Message.Direction.TO_REQUESTER
                else "Message reçu du demandeur"
            )
        elif event.kind == "convention_accepted":
            text = (
                "Convention acceptée par le gestionnaire"
                if event.payload.get("party") == "operator"
                else "Convention acceptée par le producteur"
            )
        elif event.kind in ("staff_tag", "staff_tag_removed"):
            detail = str(event.payload.get("tag", ""))
        elif event.kind in ("expert_requested", "expert_answered"):
            req = by_pk.get(event.payload.get("request"))  # type: ignore[arg-type]
            if req is not None:
                if event.kind == "expert_requested":
                    detail = f"À {req.expert.display_name} : {req.question}"
                else:
                    detail = req.answer
        lines.append(
            {
                "at": event.at,
                "text": text,
                "detail": detail,
                "by": event.actor.display_name if event.actor else "Système",
            }
        )
    return lines


def _decision_forms(
    dossier: Dossier, bound: dict[str, bo_forms.DecisionForm] | None = None
) -> list[dict[str, Any]]:
    bound = bound or {}
    available = transitions_available(state=dossier.state, actor=Actor.STAFF, kind=dossier.kind)
    rows = []
    for transition in available:
        form_class = bo_forms.DECISION_FORMS.get(transition.name)
        if form_class is None:
            continue
        form = bound.get(transition.name) or form_class(
            prefix=transition.name, initial={"version": dossier.version}
        )
        rows.append({"transition": transition, "form": form})
    return rows


def _dossier_page(
    request: HttpRequest,
    access: StaffAccess,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    dossier = access.dossier
    bound = bound or {}
    event_record(kind="staff_viewed", dossier=dossier, actor=user)
    thread = list(
        Message.objects.filter(dossier=dossier)
        .select_related("author")
        .prefetch_related("attachments")
    )
    unread_ids = {
        m.pk for m in thread if m.direction == Message.Direction.TO_OPERATOR and m.read_at is None
    }
    if unread_ids and access.instructs:
        messages_mark_read(dossier=dossier, direction=Message.Direction.TO_OPERATOR)
    expert_requests = list(
        ExpertRequest.objects.filter(dossier=dossier).select_related("asked_by", "expert")
    )
    experts = experts_for(dossier, asker=user) if access.instructs else []
    acceptances = {a.party: a for a in Acceptance.objects.filter(dossier=dossier)}
    context = {
        "dossier": dossier,
        "instructs": access.instructs,
        "deadline": operator_deadline(dossier),
        "overview": sections_overview(dossier),
        "attachments_missing": attachments_missing(dossier),
        "attachments": list(dossier.attachments.filter(removed_at__isnull=True)),
        "documents": list(DocumentVersion.objects.filter(dossier=dossier)),
        "thread": thread,
        "unread_ids": unread_ids,
        "actions": list(Action.objects.filter(dossier=dossier)),
        "notes": list(StaffNote.objects.filter(dossier=dossier).select_related("author")),
        "tags": list(StaffTag.objects.filter(dossier=dossier)),
        "expert_requests": expert_requests,
        "history": _history(dossier, expert_requests),
        "producer_acceptance": acceptances.get(Acceptance.Party.PRODUCER),
        "operator_acceptance": acceptances.get(Acceptance.Party.OPERATOR),
        "decisions": _decision_forms(dossier, bound.get("decisions")) if access.instructs else [],
        "message_form": bound.get("message") or StaffMessageForm(prefix="msg"),
        "note_form": bound.get("note") or bo_forms.NoteForm(prefix="note"),
        "tag_form": bound.get("tag") or bo_forms.TagForm(prefix="tag"),
        "assign_form": bound.get("assign")
        or bo_forms.AssignForm(
            prefix="assign",
            colleagues=desk_colleagues(dossier),
            initial={"assignee": dossier.assigned_to_id},
        ),
        "expert_form": bound.get("expert")
        or bo_forms.ExpertAskForm(prefix="expert", experts=experts),
        "answer_forms": {
            r.pk: bound.get(f"answer-{r.pk}") or bo_forms.ExpertAnswerForm(prefix=f"answer-{r.pk}")
            for r in expert_requests
            if r.expert_id == user.pk and r.pending
        },
        "closed": dossier.state in (State.REFUSED, State.WITHDRAWN, State.LAPSED),
        "offer_page": dossier.kind == Kind.BT_36_250,
    }
    return render(request, "backoffice/dossier.html", context, status=status)


@staff_required
@require_GET
def dossier_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _dossier_page(request, staff_dossier_for(_user(request), number))


@staff_required
@require_GET
def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    dossier = staff_dossier_for(_user(request), number).dossier
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk)
    event_record(
        kind="staff_downloaded",
        dossier=dossier,
        actor=_user(request),
        payload={"attachment": attachment.pk},
    )
    return upload_response(attachment)


@staff_required
@require_GET
def document_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = staff_dossier_for(_user(request), number).dossier
    version = get_object_or_404(DocumentVersion, dossier=dossier, pk=pk)
    try:
        return document_response(version)
    except DocumentIntegrityError:
        logger.exception("Refused to serve document %s of dossier %s", version.pk, dossier.number)
        messages.error(request, "Ce document ne correspond plus à son empreinte : signalez-le.")
        return redirect("backoffice:dossier", number=dossier.number)


# --- Decisions -----------------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@staff_required
@require_POST
def decide(request: HttpRequest, number: str, name: str) -> HttpResponse:
    user = _user(request)
    access = staff_dossier_for(user, number)
    if not access.instructs:
        raise Http404
    form_class = bo_forms.DECISION_FORMS.get(name)
    if form_class is None:
        raise Http404
    dossier = access.dossier
    form = form_class(request.POST, prefix=name)
    if not form.is_valid():
        return _dossier_page(request, access, bound={"decisions": {name: form}}, status=400)
    data = form.cleaned_data
    common = {"dossier": dossier, "user": user, "version": data["version"]}
    try:
        if name == "take_in_charge":
            decisions.dossier_take_in_charge(**common)
            done = "Dossier pris en charge."
        elif name == "declare_complete":
            decisions.dossier_declare_complete(**common)
            done = "Dossier déclaré complet."
        elif name == "request_items":
            decisions.dossier_request_items(
                **common,
                problem=data["problem"],
                item=data["item"],
                detail=data["detail"],
                due_date=data["due_date"],
            )
            done = "Demande de compléments envoyée : l'horloge est suspendue."
        elif name == "accept":
            decisions.dossier_accept(
                **common,
                ip_address=_client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            done = "Convention acceptée : elle est disponible pour le demandeur."
        elif name == "refuse":
            decisions.dossier_refuse(**common, reason=data["reason"])
            done = "Demande refusée."
        elif name == "commission":
            decisions.dossier_commission(**common, on=data["on"])
            done = "Mise en service enregistrée."
        else:
            decisions.dossier_withdraw(**common, reason=data["reason"])
            done = "Dossier clos à la demande du demandeur."
    except DossierError as error:
        if error.field not in form.fields:  # stale version, wrong state, missing guard
            messages.error(request, error.message)
            return redirect("backoffice:dossier", number=dossier.number)
        form.add_error(error.field, error.message)
        dossier.refresh_from_db()
        return _dossier_page(request, access, bound={"decisions": {name: form}}, status=400)
    messages.success(request, done)
    return redirect("backoffice:dossier", number=dossier.number)


class StaffMessageForm(bo_forms.StaffMessageForm):
    """The staff's message with its files (PDF, JPEG, PNG checked by ``message_post``)."""

    files = MessageFilesField(label="Pièces jointes (facultatif)")


@staff_required
@require_POST
def message_send(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    access = staff_dossier_for(user, number)
    if not access.instructs:
        raise Http404
    form = StaffMessageForm(request.POST, request.FILES, prefix="msg")
    if form.is_valid():
        try:
            with transaction.atomic():  # the message and its files, or nothing
                message = decisions.dossier_message_to_requester(
                    dossier=access.dossier,
                    user=user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                message_files_attach(message=message, author=user, files=message_files(form))
        except (DossierError, MessageError) as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Message envoyé au demandeur.")
            return redirect(reverse("backoffice:dossier", args=[number]) + "#messages")
    files_reselect_notice(form, request)
    return _dossier_page(request, access, bound={"message": form}, status=400)


@staff_required
@require_GET
def message_attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A file sent with a message of a dossier in the person's scope (404 otherwise)."""
    dossier = staff_dossier_for(_user(request), number).dossier
    attachment = get_object_or_404(MessageAttachment, pk=pk, message__dossier=dossier)
    event_record(
        kind="staff_downloaded",
        dossier=dossier,
        actor=_user(request),
        payload={"message_attachment": attachment.pk},
    )
    return upload_response(attachment)


@staff_required
@require_POST
def assign(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = _instructed(request, number)
    if request.POST.get("me"):
        assignee: User | None = user
    else:
        form = bo_forms.AssignForm(
            request.POST, prefix="assign", colleagues=desk_colleagues(dossier)
        )
        if not form.is_valid():
            access = StaffAccess(dossier=dossier, instructs=True)
            return _dossier_page(request, access, bound={"assign": form}, status=400)
        pk = form.cleaned_data["assignee"]
        assignee = User.objects.filter(pk=pk).first() if pk else None
    try:
        decisions.dossier_assign(dossier=dossier, user=user, assignee=assignee)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Dossier attribué à {assignee.display_name}." if assignee else "Dossier désattribué.",
        )
    if request.POST.get("from") == "inbox":
        return redirect("backoffice:inbox")
    return redirect("backoffice:dossier", number=number)


# --- Notes, tags, expert opinion -----------------------------------------------------------------


@staff_required
@require_POST
def note_add(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = _instructed(request, number)
    form = bo_forms.NoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            staff_note_add(dossier=dossier, user=user, body=form.cleaned_data["body"])
        except DossierError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, "Note ajoutée.")
            return redirect(reverse("backoffice:dossier", args=[number]) + "#notes")
    access = StaffAccess(dossier=dossier, instructs=True)
    return _dossier_page(request, access, bound={"note": form}, status=400)


@staff_required
@require_POST
def tag_add(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = _instructed(request, number)
    form = bo_forms.TagForm(request.POST, prefix="tag")
    if form.is_valid():
        try:
            staff_tag_add(dossier=dossier, user=user, text=form.cleaned_data["text"])
        except DossierError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, "Étiquette ajoutée.")
            return redirect(reverse("backoffice:dossier", args=[number]) + "#notes")
    access = StaffAccess(dossier=dossier, instructs=True)
    return _dossier_page(request, access, bound={"tag": form}, status=400)


@staff_required
@require_POST
def tag_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = _instructed(request, number)
    tag = get_object_or_404(StaffTag, dossier=dossier, pk=pk)
    staff_tag_remove(tag=tag, user=_user(request))
    messages.success(request, "Étiquette retirée.")
    return redirect(reverse("backoffice:dossier", args=[number]) + "#notes")


@staff_required
@require_POST
def expert_ask(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = _instructed(request, number)
    experts = experts_for(dossier, asker=user)
    form = bo_forms.ExpertAskForm(request.POST, prefix="expert", experts=experts)
    if form.is_valid():
        expert = next(u for u in experts if u.pk == form.cleaned_data["expert"])
        try:
            expert_request_create(
                dossier=dossier, user=user, expert=expert, question=form.cleaned_data["question"]
            )
        except DossierError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Avis demandé à {expert.display_name}.")
            return redirect(reverse("backoffice:dossier", args=[number]) + "#avis")
    access = StaffAccess(dossier=dossier, instructs=True)
    return _dossier_page(request, access, bound={"expert": form}, status=400)


@staff_required
@require_POST
def expert_answer(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    user = _user(request)
    access = staff_dossier_for(user, number)
    expert_request = get_object_or_404(ExpertRequest, dossier=access.dossier, pk=pk, expert=user)
    form = bo_forms.ExpertAnswerForm(request.POST, prefix=f"answer-{pk}")
    if form.is_valid():
        try:
            expert_request_answer(
                request=expert_request, user=user, answer=form.cleaned_data["answer"]
            )
        except DossierError as error:
            form.add_error("answer", error.message)
        else:
            messages.success(request, "Votre avis a été transmis.")
            return redirect(reverse("backoffice:dossier", args=[number]) + "#avis")
    return _dossier_page(request, access, bound={f"answer-{pk}": form}, status=400)
