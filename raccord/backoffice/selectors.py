"""Reads of the back-office, always scoped to what a staff member may see.

* an instructor sees the dossiers of his desk; an operator administrator every dossier of his
  operator; nobody sees drafts here;
* a colleague asked for an opinion (ExpertRequest) may read that one dossier.

The inbox runs a constant number of queries whatever the page size (counters of the page's rows
are fetched in one grouped query each).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Greatest, TruncDate
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


FLAG_VALUES = ("1", "on", "oui")


def inbox_filters_from(params: Mapping[str, str]) -> InboxFilters:
    """The inbox filters read from a query string (the inbox page and its exports share them)."""

    def flag(name: str) -> bool:
        return params.get(name) in FLAG_VALUES

    sort = params.get("tri", "echeance")
    return InboxFilters(
        state=params.get("etat", ""),
        kind=params.get("type", ""),
        place=params.get("lieu", "")[:5],
        overdue=flag("en_retard"),
        mine=flag("mes_dossiers"),
        unread=flag("non_lus"),
        sort=sort if sort in SORTS else "echeance",
    )


def deadline_passed(deadline: date | None, today: date) -> bool:
    """Overdue: the operator's due date is past (a paused clock has no due date)."""
    return deadline is not None and deadline < today


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
        d.overdue = deadline_passed(d.deadline, today)  # type: ignore[attr-defined]


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


# --- Desk dashboard ------------------------------------------------------------------------------

MILESTONE_DELAYS: tuple[tuple[str, str, str], ...] = (
    ("Réception → Prise en charge", "submitted_at", "taken_at"),
    ("Prise en charge → Complète", "taken_at", "completed_at"),
    ("Complète → Acceptation", "completed_at", "accepted_at"),
    ("Réception → Acceptation", "submitted_at", "accepted_at"),
    ("Acceptation → Mise en service", "accepted_at", "commissioned_at"),
)
OVERDUE_LIST_LIMIT = 100
ACTIVITY_INDEX = "dossier_activity_idx"  # Dossier.Meta.indexes


@dataclass(frozen=True)
class MilestoneDelay:
    """Delays (in days) of the dossiers whose later milestone falls in the period."""

    label: str
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class WeekActivity:
    start: date  # the Monday
    arrivals: int
    accepted: int
    refused: int

    @property
    def decisions(self) -> int:
        return self.accepted + self.refused


@dataclass(frozen=True)
class DeskDashboard:
    start: date
    end: date  # inclusive
    counts: dict[str, int]
    delays: list[MilestoneDelay]
    weeks: list[WeekActivity]
    overdue: list[Dossier]  # at most OVERDUE_LIST_LIMIT, by due date
    overdue_more: bool


def percentile_90(values: list[float]) -> float | None:
    """The 90th percentile (inclusive method: it lies within the observed values)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _delay(label: str, values: list[float]) -> MilestoneDelay:
    return MilestoneDelay(
        label=label,
        count=len(values),
        median=statistics.median(values) if values else None,
        p90=percentile_90(values),
    )


class DaysBetween(Func):
    """``end - start`` in days (a float), computed by the database (SQLite: to the millisecond,
    its julianday() precision; PostgreSQL: to the microsecond)."""

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # PostgreSQL
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 86400)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(ROUND((julianday({end[0]}) - julianday({start[0]})) * 86400000) / 86400000.0)"
        return sql, (*end[1], *start[1])


def latest_stamp() -> Any:
    """The latest milestone of a dossier: the very expression of the index ``ACTIVITY_INDEX``.

    The database uses an index on an expression only for a query that repeats it exactly, so the
    period's queries take it from the index declaration rather than spelling it again.
    """
    index = next(i for i in Dossier._meta.indexes if i.name == ACTIVITY_INDEX)
    return next(e for e in index.expressions if isinstance(e, Greatest))


def period_dossiers(
    user: User, *, since: datetime, until: datetime, stamps: Sequence[str]
) -> QuerySet[Dossier]:
    """The dossiers of ``user``'s scope with one of ``stamps`` in [since, until).

    A milestone in the period means the latest one is not before it: that range on the indexed
    latest milestone (``ACTIVITY_INDEX``: operator, latest milestone, desk) confines the scan to
    the operator's dossiers active since the period began (the desk's, read in the index),
    however many older ones there are.
    """
    reached = Q()
    for stamp in stamps:
        reached |= Q(**{f"{stamp}__gte": since, f"{stamp}__lt": until})
    return (
        staff_dossiers(user)
        .alias(activity=latest_stamp())
        .filter(activity__gte=since)
        .filter(reached)
        .order_by()
    )


def milestone_delays(user: User, *, since: datetime, until: datetime) -> list[MilestoneDelay]:
    """Count, median and 90th percentile of each delay of MILESTONE_DELAYS: one query.

    The database computes the delays (in days) of the dossiers of the period only; their
    quantiles are taken here: neither SQLite nor Django has a percentile aggregate, and ranking
    the delays with window functions (portable) measured several times slower on SQLite at
    100,000 dossiers, and slow for Django to compile.
    """
    delays: dict[str, Case] = {}
    for k, (_, first, last) in enumerate(MILESTONE_DELAYS):
        reached = Q(**{f"{last}__gte": since, f"{last}__lt": until, f"{first}__lte": F(last)})
        delays[f"d{k}"] = Case(
            When(reached, then=DaysBetween(first, last)), output_field=FloatField()
        )
    lasts = list(dict.fromkeys(last for _, _, last in MILESTONE_DELAYS))
    rows = (
        period_dossiers(user, since=since, until=until, stamps=lasts)
        .annotate(**delays)
        .values_list(*delays)
    )
    columns: list[list[float]] = [[] for _ in MILESTONE_DELAYS]
    for row in rows:
        for values, value in zip(columns, row, strict=True):
            if value is not None:
                values.append(value)
    return [
        _delay(label, values)
        for (label, _, _), values in zip(MILESTONE_DELAYS, columns, strict=True)
    ]


class WeekOf(Func):
    """Which of the weeks separated by ``bounds`` holds the moment ``stamp``: i when
    bounds[i] <= stamp < bounds[i + 1], NULL outside them.

    Plain comparisons, the same SQL on SQLite and PostgreSQL, nested by halves (a handful for
    two years of weeks) and written out directly: Django's TruncWeek calls a Python function for
    each row on SQLite, and a Case of one When a week takes Django longer to compile than the
    database to run.
    """

    output_field = IntegerField()

    def __init__(self, stamp: str, bounds: Sequence[datetime]) -> None:
        super().__init__(F(stamp))
        self.bounds = tuple(bounds)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        moment, params = compiler.compile(self.get_source_expressions()[0])
        values = [connection.ops.adapt_datetimefield_value(b) for b in self.bounds]
        args: list[Any] = []

        def below(i: int) -> str:
            args.extend((*params, values[i]))
            return f"{moment} < %s"

        def week(first: int, last: int) -> str:  # the week, known to be in [first, last)
            if last - first == 1:
                return str(first)
            middle = (first + last) // 2
            test = below(middle)  # the arguments in the order of the text
            return f"CASE WHEN {test} THEN {week(first, middle)} ELSE {week(middle, last)} END"

        sql = f"CASE WHEN {below(0)} THEN NULL WHEN {below(len(values) - 1)} THEN "
        return f"{sql}{week(0, len(values) - 1)} END", args


def weekly_activity(
    user: User, *, start: date, end: date, since: datetime, until: datetime
) -> list[WeekActivity]:
    """Arrivals, acceptances and refusals by week (Monday first, local time): one query, the
    database counting the dossiers by weeks of transmission, acceptance and refusal."""
    tz = timezone.get_current_timezone()
    mondays = [start - timedelta(days=start.weekday())]
    while mondays[-1] + timedelta(days=7) <= end:
        mondays.append(mondays[-1] + timedelta(days=7))
    bounds = [since, *(datetime.combine(m, time.min, tzinfo=tz) for m in mondays[1:]), until]
    rows = (
        period_dossiers(
            user, since=since, until=until, stamps=["submitted_at", "accepted_at", "closed_at"]
        )
        .annotate(
            arrived=WeekOf("submitted_at", bounds),
            accepted=WeekOf("accepted_at", bounds),
            refused=Case(When(state=State.REFUSED, then=WeekOf("closed_at", bounds))),
        )
        .values_list("arrived", "accepted", "refused")
        .annotate(n=Count("pk"))
    )
    counts = [[0, 0, 0] for _ in mondays]
    for *weeks, n in rows:
        for measure, week in enumerate(weeks):
            if week is not None:
                counts[week][measure] += n
    return [WeekActivity(m, *c) for m, c in zip(mondays, counts, strict=True)]


def desk_dashboard(user: User, *, start: date, end: date) -> DeskDashboard:
    """The figures of ``user``'s scope over [start, end] (local dates): four queries in all,
    whatever the number of dossiers (the period's through ``ACTIVITY_INDEX``).

    A delay counts in the period when its later milestone was reached in it; arrivals are the
    transmissions, decisions the acceptances and refusals, grouped by week (Monday first).
    """
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    overdue = list(inbox_queryset(user, InboxFilters(overdue=True))[: OVERDUE_LIST_LIMIT + 1])
    return DeskDashboard(
        start=start,
        end=end,
        counts=state_counts(user),
        delays=milestone_delays(user, since=since, until=until),
        weeks=weekly_activity(user, start=start, end=end, since=since, until=until),
        overdue=overdue[:OVERDUE_LIST_LIMIT],
        overdue_more=len(overdue) > OVERDUE_LIST_LIMIT,
    )


# --- Inbox exports -------------------------------------------------------------------------------

EXPORT_HEADERS = (
    "Numéro",
    "Type",
    "État",
    "Demandeur",
    "Commune",
    "Code postal",
    "Transmise le",
    "Échéance",
    "En retard",
    "Attribué à",
)


@dataclass(frozen=True)
class ExportRow:
    number: str
    kind: str
    state: str
    requester: str
    commune: str
    postal_code: str
    submitted_at: datetime | None  # Europe/Paris, naive (as shown to people)
    due_on: date | None
    overdue: bool
    assigned_to: str


def inbox_export_rows(user: User, filters: InboxFilters) -> list[ExportRow]:
    """Every row of the inbox as filtered (same filters and order, no pagination): one query."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    rows = []
    for d in inbox_queryset(user, filters):
        deadline: date | None = d.deadline  # type: ignore[attr-defined]
        rows.append(
            ExportRow(
                number=d.number,
                kind=str(d.get_kind_display()),  # type: ignore[attr-defined]
                state=str(d.get_state_display()),  # type: ignore[attr-defined]
                requester=d.requester_name,
                commune=d.commune.name,
                postal_code=d.commune.postal_code,
                submitted_at=(
                    timezone.localtime(d.submitted_at, tz).replace(tzinfo=None)
                    if d.submitted_at
                    else None
                ),
                due_on=deadline,
                overdue=deadline_passed(deadline, today),
                assigned_to=d.assigned_to.display_name if d.assigned_to else "",
            )
        )
    return rows
