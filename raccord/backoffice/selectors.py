"""Reads of the back-office, always scoped to what a staff member may see.

* an instructor sees the dossiers of his desk; an operator administrator every dossier of his
  operator; nobody sees drafts here;
* a colleague asked for an opinion (ExpertRequest) may read that one dossier.

The inbox runs a constant number of queries whatever the page size (counters of the page's rows
are fetched in one grouped query each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from raccord.accounts.models import User
from raccord.backoffice.models import ExpertRequest
from raccord.core.parameters import parameters_current
from raccord.dossiers.models import Dossier, Kind, State
from raccord.rules.clocks import ClockRule
from raccord.tracking.models import Action, Message


def staff_scope(user: User) -> Q | None:
    """The dossiers ``user`` instructs, as a filter; None for anyone who is not staff."""
    if not user.is_authenticated or not user.is_operator_staff or user.operator_id is None:
        return None
    scope = Q(operator_id=user.operator_id)
    if user.role == User.Role.INSTRUCTOR:
        scope &= Q(desk_id=user.desk_id)
    return scope & ~Q(state=State.DRAFT)


def staff_dossiers(user: User) -> QuerySet[Dossier]:
    scope = staff_scope(user)
    if scope is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(scope)


@dataclass(frozen=True)
class StaffAccess:
    dossier: Dossier
    instructs: bool  # may decide, write, assign (False: only an expert asked for an opinion)


def staff_dossier_for(user: User, number: str) -> StaffAccess:
    """The dossier ``number`` if ``user`` instructs it or was asked an opinion on it; else 404."""
    scope = staff_scope(user)
    if scope is None:
        raise Http404("Dossier introuvable.")
    dossier = (
        Dossier.objects.select_related(
            "operator", "desk", "commune", "commune__department", "created_by", "assigned_to"
        )
        .filter(number=number)
        .exclude(state=State.DRAFT)
        .filter(
            scope
            | Q(
                Exists(ExpertRequest.objects.filter(dossier=OuterRef("pk"), expert_id=user.pk)),
                operator_id=user.operator_id,
            )
        )
        .annotate(
            instructs=Case(When(scope, then=True), default=False, output_field=BooleanField())
        )
        .first()
    )
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return StaffAccess(dossier=dossier, instructs=bool(dossier.instructs))  # type: ignore[attr-defined]


# --- Inbox ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    state: str = ""
    kind: str = ""
    place: str = ""  # postal-code prefix (department « 56 », or a full code « 56000 »)
    overdue: bool = False
    mine: bool = False
    unread: bool = False
    sort: str = "echeance"


SORTS: dict[str, tuple[str, ...]] = {
    "echeance": ("deadline", "submitted_at", "pk"),
    "recentes": ("-submitted_at", "-pk"),
    "anciennes": ("submitted_at", "pk"),
}


def deadline_expression() -> Case:
    """The operator's due date: ``due_on`` as maintained by raccord/dossiers/decisions.py.

    A dossier just transmitted (its submission does not store ``due_on``) counts from its
    transmission with the CACSI clock in calendar days, as ``operator_deadline`` does.
    """
    delay = parameters_current().integer(
        f"clock.{ClockRule.CACSI_COMMISSIONING}.delay", on=timezone.localdate()
    )
    from_submission = TruncDate(
        ExpressionWrapper(F("submitted_at") + timedelta(days=delay), output_field=DateTimeField())
    )
    return Case(
        When(
            Q(state=State.SUBMITTED, due_on__isnull=True, kind=Kind.CACSI),
            then=from_submission,
        ),
        default=F("due_on"),
        output_field=DateField(),
    )


def inbox_queryset(user: User, filters: InboxFilters) -> QuerySet[Dossier]:
    today = timezone.localdate()
    qs = (
        staff_dossiers(user)
        .select_related("commune", "assigned_to")
        .annotate(deadline=deadline_expression())
    )
    if filters.state in State.values and filters.state != State.DRAFT:
        qs = qs.filter(state=filters.state)
    if filters.kind in Kind.values:
        qs = qs.filter(kind=filters.kind)
    place = filters.place.strip().upper()
    if place:
        qs = qs.filter(commune__postal_code__startswith=place[:5])
    if filters.overdue:
        qs = qs.filter(deadline__lt=today)
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.unread:
        qs = qs.filter(
            Exists(
                Message.objects.filter(
                    dossier=OuterRef("pk"),
                    direction=Message.Direction.TO_OPERATOR,
                    read_at__isnull=True,
                )
            )
        )
    order = SORTS.get(filters.sort, SORTS["echeance"])
    if order[0] == "deadline":
        return qs.order_by(F("deadline").asc(nulls_last=True), *order[1:])
    return qs.order_by(*order)


def state_counts(user: User) -> dict[str, int]:
    rows = staff_dossiers(user).order_by().values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def page_counters(dossiers: list[Dossier]) -> None:
    """Set ``unread`` and ``open_actions`` on each dossier of a page (two grouped queries)."""
    ids = [d.pk for d in dossiers]
    unread = dict(
        Message.objects.filter(
            dossier_id__in=ids, direction=Message.Direction.TO_OPERATOR, read_at__isnull=True
        )
        .order_by()
        .values_list("dossier_id")
        .annotate(n=Count("pk"))
    )
    actions = dict(
        Action.objects.filter(dossier_id__in=ids, state=Action.State.OPEN)
        .order_by()
        .values_list("dossier_id")
        .annotate(n=Count("pk"))
    )
    today = timezone.localdate()
    for d in dossiers:
        d.unread = unread.get(d.pk, 0)  # type: ignore[attr-defined]
        d.open_actions = actions.get(d.pk, 0)  # type: ignore[attr-defined]
        deadline: date | None = d.deadline  # type: ignore[attr-defined]
        d.overdue = deadline is not None and deadline < today  # type: ignore[attr-defined]


def pending_expert_requests(user: User) -> list[ExpertRequest]:
    return list(
        ExpertRequest.objects.filter(expert=user, answered_at__isnull=True)
        .select_related("dossier", "asked_by")
        .order_by("asked_at")[:50]
    )


def desk_colleagues(dossier: Dossier) -> list[User]:
    """Who may be assigned the dossier: instructors of its desk, administrators of its operator."""
    return list(
        User.objects.filter(operator_id=dossier.operator_id, is_active=True)
        .filter(
            Q(role=User.Role.INSTRUCTOR, desk_id=dossier.desk_id) | Q(role=User.Role.OPERATOR_ADMIN)
        )
        .order_by("last_name", "first_name", "email")
    )


AUDIT_ONLY_EVENTS = ("staff_viewed", "staff_downloaded")


def history_rows(dossier: Dossier) -> list[Any]:
    from raccord.tracking.models import Event

    return list(
        Event.objects.filter(dossier=dossier)
        .exclude(kind__in=AUDIT_ONLY_EVENTS)
        .select_related("actor")
        .order_by("pk")
    )
