"""The operator staff's decisions on a dossier, and the requester's answer to a request for items.

Each decision is one transaction: it locks the dossier row (``select_for_update``), checks the
``version`` the staff member's form was rendered with (optimistic check: if someone changed the
dossier meanwhile, nothing is applied and a French message says so), applies one transition of
the declared table (raccord/dossiers/workflow.py), and sends its e-mail after the commit through
``raccord.tracking.notify.notify_dossier``.

The operator's clock (``Dossier.due_on``), per state, from the rules core clocks:

* SUBMITTED, IN_CHARGE, COMPLETE (CACSI): the due date of the 15-day rule as
  ``raccord.rules.clocks.cacsi_commissioning`` reads it (the one reading, shared with the
  requester's Suivi tab and the clocks job through :func:`cacsi_rule`): counted from the
  transmission, extended by the days spent waiting for the requester. Past that date the
  producer may commission without an answer, so it is the date by which the operator must
  have decided.
* COMPLETE (BT 36-250 kVA): ``ClockRule.CRD_SENDING`` counted from completeness, with pauses.
* WAITING_REQUESTER: the operator's clock is paused (``paused_since``); no operator due date.
  The requester's own due date is the action's « Avant le » (``ClockRule.ACTION_RESPONSE``).
* ACCEPTED and the terminal states: no operator due date (commissioning is the producer's step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from raccord.accounts.models import User
from raccord.core.parameters import parameters_current
from raccord.documents.models import DocumentKind
from raccord.documents.services import cacsi_filename, cacsi_render, cacsi_title, document_store
from raccord.dossiers.clocks import CACSI_UNANSWERED, cacsi_rule, dossier_pauses
from raccord.dossiers.convention import cacsi_data
from raccord.dossiers.models import Acceptance, Dossier, Kind, State
from raccord.dossiers.selectors import dossiers_visible_to
from raccord.dossiers.services import DossierError, transition_apply
from raccord.dossiers.workflow import (
    Actor,
    TransitionRefused,
    transition_for,
    transition_guard,
)
from raccord.rules.clocks import ClockRule, Pause, deadline_compute
from raccord.rules.errors import RulesError
from raccord.tracking.messaging import MessageError, message_post
from raccord.tracking.models import Action, Message
from raccord.tracking.notify import notify_dossier
from raccord.tracking.services import event_record

if TYPE_CHECKING:
    from raccord.documents.models import DocumentVersion

STALE_MESSAGE = (
    "Ce dossier a été modifié entre-temps par une autre personne : votre décision n'a pas été "
    "appliquée. Relisez le dossier à jour, puis recommencez si besoin."
)
REASON_MAX_LENGTH = 2000


class ItemProblem:
    """What is wrong with a requested item (« manquante / incorrecte / périmée »)."""

    MISSING = "manquante"
    INCORRECT = "incorrecte"
    EXPIRED = "perimee"
    CHOICES: tuple[tuple[str, str], ...] = (
        (MISSING, "Pièce ou information manquante"),
        (INCORRECT, "Pièce ou information incorrecte"),
        (EXPIRED, "Pièce périmée"),
    )
    LABELS: dict[str, str] = {MISSING: "manquante", INCORRECT: "incorrecte", EXPIRED: "périmée"}


# --- The operator's clock ------------------------------------------------------------------------


def operator_deadline(dossier: Dossier) -> date | None:
    """The operator's due date for the dossier's current state (see the module docstring)."""
    if dossier.paused_since is not None or dossier.state == State.WAITING_REQUESTER:
        return None
    params = parameters_current()
    pauses = dossier_pauses(dossier)
    try:
        if dossier.kind == Kind.BT_36_250:
            if dossier.state == State.COMPLETE and dossier.completed_at:
                start = timezone.localdate(dossier.completed_at)
                return deadline_compute(
                    params, rule=ClockRule.CRD_SENDING, start=start, pauses=_after(pauses, start)
                ).due
            return None
    except RulesError:
        return None
    if dossier.state in CACSI_UNANSWERED:
        rule = cacsi_rule(dossier)
        return rule.deadline.due if rule is not None else None
    return None


def _after(pauses: Sequence[Pause], start: date) -> list[Pause]:
    return [p for p in pauses if p.end > start]


def action_due_default(*, today: date | None = None) -> date:
    """Default « Avant le » of an action asked of the requester (``ClockRule.ACTION_RESPONSE``)."""
    start = today or timezone.localdate()
    return deadline_compute(parameters_current(), rule=ClockRule.ACTION_RESPONSE, start=start).due


def _refresh_due(dossier: Dossier) -> None:
    dossier.due_on = operator_deadline(dossier)
    Dossier.objects.filter(pk=dossier.pk).update(due_on=dossier.due_on)


def _pause_start(dossier: Dossier, today: date) -> None:
    if dossier.paused_since is not None:
        return
    last_end = max((date.fromisoformat(e) for _s, e in dossier.pauses), default=None)
    start = today if last_end is None or last_end < today else last_end + timedelta(days=1)
    dossier.paused_since = start
    Dossier.objects.filter(pk=dossier.pk).update(paused_since=start)


def _pause_end(dossier: Dossier, today: date) -> Pause | None:
    """Close the running pause (inclusive up to ``today``) and record it."""
    if dossier.paused_since is None:
        return None
    pause = Pause(start=dossier.paused_since, end=max(today, dossier.paused_since))
    dossier.pauses = [*dossier.pauses, [pause.start.isoformat(), pause.end.isoformat()]]
    dossier.paused_days += pause.days
    dossier.paused_since = None
    Dossier.objects.filter(pk=dossier.pk).update(
        pauses=dossier.pauses, paused_days=dossier.paused_days, paused_since=None
    )
    return pause


def dossier_deadline_refresh(*, dossier: Dossier) -> date | None:
    """Recompute and store ``due_on`` (to call after a move made outside this module)."""
    _refresh_due(dossier)
    return dossier.due_on


# --- Shared checks -------------------------------------------------------------------------------


def staff_may_decide(user: User, dossier: Dossier) -> bool:
    """An instructor of the dossier's desk, or an administrator of its operator."""
    if not user.is_operator_staff or user.operator_id != dossier.operator_id:
        return False
    if user.role == User.Role.OPERATOR_ADMIN:
        return True
    return user.desk_id is not None and user.desk_id == dossier.desk_id


def _lock_checked(*, dossier: Dossier, user: User, version: int) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not staff_may_decide(user, locked):
        raise DossierError("Ce dossier n'est pas dans votre périmètre.")
    if locked.state == State.DRAFT:
        raise DossierError("Ce dossier n'a pas été transmis.")
    if int(version) != locked.version:
        raise DossierError(STALE_MESSAGE)
    return locked


def _guard(dossier: Dossier, name: str) -> None:
    """The declared table and its guards for a staff move (``transition_guard``)."""
    try:
        transition_guard(name, dossier=dossier, actor=Actor.STAFF)
    except TransitionRefused as refused:
        raise DossierError(refused.message) from refused


def _apply(dossier: Dossier, name: str, *, user: User, reason: str = "") -> None:
    """One staff move: the declared table and its guards, then apply it."""
    _guard(dossier, name)
    transition_apply(dossier=dossier, name=name, actor=Actor.STAFF, user=user, reason=reason)


def _notify(dossier: Dossier, kind: str) -> None:
    dossier_id = dossier.pk
    transaction.on_commit(lambda: notify_dossier(dossier_id=dossier_id, kind=kind))


def _reason(reason: str, *, field: str = "reason", what: str = "le motif") -> str:
    text = reason.replace("\r\n", "\n").strip()
    if not text:
        raise DossierError(f"Indiquez {what}.", field=field)
    if len(text) > REASON_MAX_LENGTH:
        raise DossierError(
            f"Le texte compte {len(text)} caractères : {REASON_MAX_LENGTH} au plus.", field=field
        )
    return text


# --- Decisions -----------------------------------------------------------------------------------


@transaction.atomic
def dossier_take_in_charge(*, dossier: Dossier, user: User, version: int) -> Dossier:
    """« Prendre en charge »: the dossier is assigned to the staff member if nobody has it."""
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _apply(locked, "take_in_charge", user=user)
    if locked.assigned_to_id is None:
        locked.assigned_to = user
        Dossier.objects.filter(pk=locked.pk).update(assigned_to=user)
    _refresh_due(locked)
    _notify(locked, "taken_in_charge")
    return locked


@transaction.atomic
def dossier_declare_complete(*, dossier: Dossier, user: User, version: int) -> Dossier:
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _apply(locked, "declare_complete", user=user)
    _refresh_due(locked)
    _notify(locked, "complete")
    return locked


@dataclass(frozen=True)
class ItemsRequest:
    dossier: Dossier
    action: Action
    message: Message


@transaction.atomic
def dossier_request_items(
    *,
    dossier: Dossier,
    user: User,
    version: int,
    problem: str,
    item: str,
    detail: str,
    due_date: date | None = None,
) -> ItemsRequest:
    """Ask the requester for a missing, incorrect or expired item; the operator's clock pauses.

    Creates an Action (« Avant le » ``due_date``, by default the ACTION_RESPONSE clock) and a
    message to the requester, then moves the dossier to WAITING_REQUESTER.
    """
    if problem not in ItemProblem.LABELS:
        raise DossierError("Choisissez la nature du problème.", field="problem")
    item = " ".join(item.split())
    if not item:
        raise DossierError("Indiquez la pièce ou l'information concernée.", field="item")
    if len(item) > 150:
        raise DossierError("150 caractères au plus pour la pièce concernée.", field="item")
    detail = _reason(detail, field="detail", what="ce que le demandeur doit faire")
    today = timezone.localdate()
    due = due_date or action_due_default(today=today)
    if due <= today:
        raise DossierError("La date limite doit être postérieure à aujourd'hui.", field="due_date")
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _apply(locked, "request_items", user=user)
    label = f"Pièce {ItemProblem.LABELS[problem]} : {item}"
    action = Action.objects.create(
        dossier=locked, label=label[:200], detail=detail, due_date=due, created_by=user
    )
    try:
        message = message_post(
            dossier=locked,
            author=user,
            direction=Message.Direction.TO_REQUESTER,
            subject=f"Demande de compléments : {item}"[:120],
            body=f"{label}\n\n{detail}\n\nÀ fournir avant le {due:%d/%m/%Y}.",
        )
    except MessageError as error:  # pragma: no cover - texts are checked above
        raise DossierError(error.message, field=error.field) from error
    _pause_start(locked, today)
    _refresh_due(locked)
    event_record(
        kind="items_requested",
        dossier=locked,
        actor=user,
        payload={"action": action.pk, "problem": problem, "due": due.isoformat()},
    )
    _notify(locked, "items_requested")
    return ItemsRequest(dossier=locked, action=action, message=message)


@transaction.atomic
def dossier_accept(
    *,
    dossier: Dossier,
    user: User,
    version: int,
    ip_address: str | None,
    user_agent: str = "",
) -> DocumentVersion:
    """« Accepter la convention »: render it with both « Accepté le », store it, record it.

    The producer's date comes from its own Acceptance; the operator's is today. The stored
    PDF is a new immutable version, visible in the requester's Documents tab.
    """
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    try:  # the convention's acceptance exists for a CACSI only (declared table)
        transition_for("accept", actor=Actor.STAFF, kind=locked.kind)
    except TransitionRefused as refused:
        raise DossierError(refused.message) from refused
    producer = locked.acceptances.filter(party=Acceptance.Party.PRODUCER).first()
    if producer is None:
        raise DossierError("Le producteur n'a pas accepté la convention : impossible d'accepter.")
    if locked.acceptances.filter(party=Acceptance.Party.OPERATOR).exists():
        raise DossierError("La convention a déjà été acceptée par le gestionnaire.")
    _apply(locked, "accept", user=user)
    version_stored = operator_acceptance_record(
        dossier=locked,
        producer=producer,
        signer=user,
        created_by=user,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    _refresh_due(locked)
    _notify(locked, "accepted")
    return version_stored


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, user: User, version: int, reason: str) -> Dossier:
    text = _reason(reason, what="le motif du refus")
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _apply(locked, "refuse", user=user, reason=text)
    _close(locked)
    _notify(locked, "refused")
    return locked


@transaction.atomic
def dossier_commission(
    *, dossier: Dossier, user: User, version: int, on: date | None = None
) -> Dossier:
    """« Enregistrer la mise en service » on ``on`` (today by default, never in the future)."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise DossierError("La date de mise en service ne peut pas être future.", field="on")
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _guard(locked, "commission")
    if locked.accepted_at and on < timezone.localdate(locked.accepted_at):
        raise DossierError(
            "La mise en service ne peut pas précéder l'acceptation de la convention.", field="on"
        )
    _apply(locked, "commission", user=user)
    if on != today:
        stamp = timezone.make_aware(datetime.combine(on, timezone.localtime().time()))
        locked.commissioned_at = stamp
        Dossier.objects.filter(pk=locked.pk).update(commissioned_at=stamp)
    _close(locked)
    _notify(locked, "commissioned")
    return locked


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, user: User, version: int, reason: str) -> Dossier:
    """« Clore à la demande du demandeur » (abandon), with the requester's stated reason."""
    text = _reason(reason, what="la demande du demandeur (motif)")
    locked = _lock_checked(dossier=dossier, user=user, version=version)
    _apply(locked, "withdraw", user=user, reason=text)
    _close(locked)
    _notify(locked, "withdrawn")
    return locked


def _close(dossier: Dossier) -> None:
    """A closed dossier: the running pause ends, open actions are cancelled, no due date."""
    _pause_end(dossier, timezone.localdate())
    Action.objects.filter(dossier=dossier, state=Action.State.OPEN).update(
        state=Action.State.CANCELLED
    )
    _refresh_due(dossier)


@transaction.atomic
def dossier_message_to_requester(
    *, dossier: Dossier, user: User, subject: str, body: str
) -> Message:
    """A staff member writes to the requester; the requester gets an e-mail after the commit."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not staff_may_decide(user, locked) or locked.state == State.DRAFT:
        raise DossierError("Ce dossier n'est pas dans votre périmètre.")
    try:
        message = message_post(
            dossier=locked,
            author=user,
            direction=Message.Direction.TO_REQUESTER,
            subject=subject,
            body=body,
        )
    except MessageError as error:
        raise DossierError(error.message, field=error.field) from error
    _notify(locked, "message_received")
    return message


@transaction.atomic
def dossier_assign(*, dossier: Dossier, user: User, assignee: User | None) -> Dossier:
    """Assign the dossier to a staff member of its desk (or of its operator for an admin)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not staff_may_decide(user, locked) or locked.state == State.DRAFT:
        raise DossierError("Ce dossier n'est pas dans votre périmètre.")
    if assignee is not None and not staff_may_decide(assignee, locked):
        raise DossierError(
            "Cette personne ne peut pas instruire ce dossier (autre guichet).", field="assignee"
        )
    previous = locked.assigned_to_id
    locked.assigned_to = assignee
    Dossier.objects.filter(pk=locked.pk).update(assigned_to=assignee)
    event_record(
        kind="assigned",
        dossier=locked,
        actor=user,
        payload={"from": previous, "to": assignee.pk if assignee else None},
    )
    return locked


# --- The requester's answer ----------------------------------------------------------------------


@transaction.atomic
def dossier_answer(*, dossier: Dossier, user: User, message: Message | str | None) -> Dossier:
    """The requester answers a request for items: open actions are done, the pause ends.

    ``message`` is the message the requester already posted (linked in the audit event), or
    the text of an answer to post now (subject « Réponse à la demande de compléments »), or
    None. Applies the « answer » transition (WAITING_REQUESTER → IN_CHARGE).
    """
    if not dossiers_visible_to(user).filter(pk=dossier.pk).exists():
        raise DossierError("Dossier introuvable.")
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if isinstance(message, str):
        if message.strip():
            try:
                message = message_post(
                    dossier=locked,
                    author=user,
                    direction=Message.Direction.TO_OPERATOR,
                    subject="Réponse à la demande de compléments",
                    body=message,
                )
            except MessageError as error:
                raise DossierError(error.message, field=error.field) from error
        else:
            message = None
    elif message is not None and message.dossier_id != locked.pk:
        raise DossierError("Ce message ne concerne pas ce dossier.")
    transition_apply(dossier=locked, name="answer", actor=Actor.REQUESTER, user=user)
    now = timezone.now()
    closed = Action.objects.filter(dossier=locked, state=Action.State.OPEN).update(
        state=Action.State.DONE, done_at=now
    )
    pause = _pause_end(locked, timezone.localdate(now))
    _refresh_due(locked)
    event_record(
        kind="requester_answered",
        dossier=locked,
        actor=user,
        payload={
            "message": message.pk if isinstance(message, Message) else None,
            "actions_done": closed,
            "pause": [pause.start.isoformat(), pause.end.isoformat()] if pause else None,
        },
    )
    return locked


def operator_acceptance_record(
    *,
    dossier: Dossier,
    producer: Acceptance,
    signer: User,
    created_by: User | None,
    ip_address: str | None,
    user_agent: str,
    automatic: bool = False,
) -> DocumentVersion:
    """The operator's « Accepté le » on a locked CACSI: render both boxes, store, record.

    Shared by the staff's decision and the automatic review; the caller holds the row lock and
    applies the workflow transition.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    pdf = cacsi_render(
        data=cacsi_data(
            dossier,
            producer_accepted_on=timezone.localdate(producer.accepted_at),
            operator_accepted_on=today,
            preview=False,
            today=today,
        )
    )
    short = dossier.operator.short_name
    stored = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title=cacsi_title(kind=DocumentKind.CACSI_ACCEPTED, operator_short_name=short),
        filename=cacsi_filename(
            kind=DocumentKind.CACSI_ACCEPTED, operator_short_name=short, number=dossier.number
        ),
        pdf=pdf,
        created_by=created_by,
        visible_to_requester=True,
    )
    Acceptance.objects.create(
        dossier=dossier,
        party=Acceptance.Party.OPERATOR,
        accepted_at=now,
        user=signer,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        document=stored,
    )
    payload: dict[str, object] = {"party": "operator", "sha256": stored.sha256}
    payload.update({"automatic": True} if automatic else {"ip": ip_address or ""})
    event_record(
        kind="convention_accepted",
        dossier=dossier,
        actor=None if automatic else signer,
        payload=payload,
    )
    return stored
