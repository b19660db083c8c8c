"""The desk dashboard: counts, delays per milestone (median, 90th percentile), weekly activity,
overdue list, period validation, scope, a constant number of queries and the index of the
period (bench/bench_dashboard.py measures it at 100,000 dossiers)."""

from __future__ import annotations

import statistics
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raccord.backoffice.selectors import (
    ACTIVITY_INDEX,
    MILESTONE_DELAYS,
    desk_dashboard,
    percentile_90,
    period_dossiers,
)
from raccord.dossiers.models import Dossier, State
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:dashboard")


def made(desk, operator, requester, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("state", State.IN_CHARGE)
    return DossierFactory(created_by=requester, desk=desk, operator=operator, **fields)


@pytest.fixture
def hand_made(desk, operator, requester):  # type: ignore[no-untyped-def]
    """Ten dossiers taken in charge 1..10 days after transmission, three accepted after being
    complete for 2, 4 and 6 days, one refused, one taken long ago (outside the period)."""
    now = timezone.now()
    base = now - timedelta(days=30)
    taken = [
        made(desk, operator, requester, submitted_at=base, taken_at=base + timedelta(days=i))
        for i in range(1, 11)
    ]
    for days, dossier in zip((2, 4, 6), taken[:3], strict=True):
        completed = base + timedelta(days=12)
        dossier.state = State.ACCEPTED
        dossier.completed_at = completed
        dossier.accepted_at = completed + timedelta(days=days)
        dossier.save()
    made(
        desk,
        operator,
        requester,
        state=State.REFUSED,
        submitted_at=now - timedelta(days=5),
        closed_at=now - timedelta(days=1),
    )
    long_ago = now - timedelta(days=400)
    made(
        desk,
        operator,
        requester,
        submitted_at=long_ago,
        taken_at=long_ago + timedelta(days=50),
    )
    return taken


def test_percentile_90() -> None:
    assert percentile_90([]) is None
    assert percentile_90([3.0]) == 3.0
    assert percentile_90([float(i) for i in range(1, 11)]) == pytest.approx(9.1)


def test_figures_on_a_hand_made_set(hand_made, instructor):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    figures = desk_dashboard(instructor, start=today - timedelta(days=90), end=today)
    delays = {d.label: d for d in figures.delays}
    reception = delays["Réception → Prise en charge"]
    assert reception.count == 10  # the one taken 350 days ago is outside the period
    assert reception.median == pytest.approx(5.5)
    assert reception.p90 == pytest.approx(9.1)
    acceptance = delays["Complète → Acceptation"]
    assert acceptance.count == 3
    assert acceptance.median == pytest.approx(4)
    assert acceptance.p90 == pytest.approx(5.6)
    full = delays["Réception → Acceptation"]
    assert (full.median, full.count) == (pytest.approx(16), 3)
    assert delays["Acceptation → Mise en service"].count == 0
    assert delays["Acceptation → Mise en service"].median is None
    assert figures.counts == {
        State.IN_CHARGE: 8,
        State.ACCEPTED: 3,
        State.REFUSED: 1,
    }
    assert sum(w.arrivals for w in figures.weeks) == 11
    assert sum(w.accepted for w in figures.weeks) == 3
    assert sum(w.refused for w in figures.weeks) == 1
    assert figures.weeks[0].start.weekday() == 0
    assert figures.weeks[0].start <= today - timedelta(days=90) < figures.weeks[1].start


def test_the_page_shows_figures_chart_and_table(client, hand_made, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>5,5</td><td>9,1</td>" in html
    assert "<td>4,0</td><td>5,6</td>" in html
    assert 'role="img"' in html and '<title id="chart-title">' in html and "<desc" in html
    assert "Données du graphique sous forme de tableau" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert 'class="bo-chart-arrivals"' in html


def test_a_short_period_narrows_the_delays(client, hand_made, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    today = timezone.localdate()
    start = today - timedelta(days=24)  # taken_at = today - 30 + i: i in 6..10 fall inside
    html = client.get(URL, {"du": start.isoformat(), "au": today.isoformat()}).content.decode()
    figures = desk_dashboard(instructor, start=start, end=today)
    reception = figures.delays[0]
    assert reception.count == 5
    assert reception.median == pytest.approx(8)
    assert f"du {start:%d/%m/%Y} au {today:%d/%m/%Y}" in html


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"du": "2026-03-10", "au": "2026-03-01"}, "au", "La fin de la période doit être après"),
        ({"du": "32/13/2026", "au": "2026-03-01"}, "du", "Date invalide"),
        ({"du": "", "au": "2026-03-01"}, "du", "Indiquez le début de la période."),
        ({"du": "2020-01-01", "au": "2026-03-01"}, "au", "ne peut pas dépasser deux ans"),
        ({"du": "2999-01-01", "au": "2999-01-02"}, "du", "ne peut pas être dans le futur"),
    ],
)
def test_a_bad_period_is_refused_at_the_field(client, instructor, params, field, error):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    response = client.get(URL, params)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(error in e for e in form.errors[field]), form.errors
    html = response.content.decode()
    assert error in html.replace("&#x27;", "'")
    assert 'aria-invalid="true"' in html
    assert response.context["figures"] is None


def test_another_desk_sees_nothing_of_this_desk(client, hand_made, outsider, foreign_staff):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for stranger in (outsider, foreign_staff):
        figures = desk_dashboard(stranger, start=today - timedelta(days=90), end=today)
        assert figures.counts == {}
        assert all(d.count == 0 for d in figures.delays)
        assert sum(w.arrivals + w.decisions for w in figures.weeks) == 0
        client.force_login(stranger)
        html = client.get(URL).content.decode()
        assert '<span class="bo-dash-n">0</span> au total' in html


def test_operator_admin_sees_every_desk(hand_made, operator, other_desk, requester):  # type: ignore[no-untyped-def]
    from tests.backoffice.conftest import admin

    made(other_desk, operator, requester, submitted_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate()
    figures = desk_dashboard(admin(operator), start=today - timedelta(days=90), end=today)
    assert sum(figures.counts.values()) == 13  # the twelve of this desk and one of the other


def test_overdue_list_reuses_the_inbox_notion(client, desk, operator, requester, instructor):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    late = made(desk, operator, requester, due_on=today - timedelta(days=2), requester_name="Tard")
    made(desk, operator, requester, due_on=today + timedelta(days=2), requester_name="Àtemps")
    made(
        desk,
        operator,
        requester,
        state=State.WAITING_REQUESTER,
        due_on=None,
        paused_since=today - timedelta(days=10),
        requester_name="Suspendu",
    )
    figures = desk_dashboard(instructor, start=today - timedelta(days=90), end=today)
    assert [d.pk for d in figures.overdue] == [late.pk]
    client.force_login(instructor)
    html = client.get(URL).content.decode()
    assert late.number_display in html and "Àtemps" not in html and "Suspendu" not in html


def test_query_count_is_constant(client, desk, operator, requester, instructor, settings):  # type: ignore[no-untyped-def]
    settings.RACCORD_PARAMETERS_RECHECK_SECONDS = 3600  # no version check of the parameters
    now = timezone.now()
    today = timezone.localdate()

    def batch(n: int) -> None:
        for i in range(n):
            made(
                desk,
                operator,
                requester,
                submitted_at=now - timedelta(days=i + 3),
                taken_at=now - timedelta(days=i % 3),
                due_on=today - timedelta(days=1),
                assigned_to=instructor,
            )

    client.force_login(instructor)
    batch(2)
    client.get(URL)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    batch(40)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def bounds(start, end):  # type: ignore[no-untyped-def]
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def walked(desk, operator, requester, n, *, now):  # type: ignore[no-untyped-def]
    """``n`` dossiers through every milestone (some refused), their delays in fractions of days
    with ties, some of their milestones before the period."""
    for i in range(n):
        submitted = now - timedelta(days=100 - i % 97, hours=i % 7)
        taken = submitted + timedelta(days=i % 5, hours=3 * (i % 3))
        completed = taken + timedelta(days=2 + i % 4, minutes=90 * (i % 2))
        accepted = completed + timedelta(days=1 + i % 6)
        fields = {"submitted_at": submitted, "taken_at": taken, "completed_at": completed}
        if i % 5 == 4:
            fields |= {"state": State.REFUSED, "closed_at": completed + timedelta(days=1)}
        elif accepted < now:
            fields |= {"state": State.ACCEPTED, "accepted_at": accepted}
            if i % 3 == 0 and accepted + timedelta(days=10) < now:
                fields |= {
                    "state": State.COMMISSIONED,
                    "commissioned_at": accepted + timedelta(days=10),
                }
        made(desk, operator, requester, **fields)


def test_delays_and_weeks_match_a_computation_in_python(desk, operator, requester, instructor):  # type: ignore[no-untyped-def]
    """The database computes the delays and groups the weeks: same figures as Python on every
    dossier, ties and fractions of days included."""
    now = timezone.now()
    walked(desk, operator, requester, 60, now=now)
    today = timezone.localdate()
    start = today - timedelta(days=45)
    since, until = bounds(start, today)
    figures = desk_dashboard(instructor, start=start, end=today)
    dossiers = list(Dossier.objects.filter(desk=desk))
    for delay, (label, first, last) in zip(figures.delays, MILESTONE_DELAYS, strict=True):
        values = [
            (getattr(d, last) - getattr(d, first)).total_seconds() / 86400
            for d in dossiers
            if getattr(d, last) and since <= getattr(d, last) < until and getattr(d, first)
        ]
        assert delay.label == label
        assert delay.count == len(values) > 0, label
        assert delay.median == pytest.approx(statistics.median(values), abs=1e-6)
        assert delay.p90 == pytest.approx(percentile_90(values), abs=1e-6)

    def week(moment):  # type: ignore[no-untyped-def]
        day = timezone.localtime(moment).date()
        return day - timedelta(days=day.weekday())

    for stamp, column in (("submitted_at", "arrivals"), ("accepted_at", "accepted")):
        expected = {w.start: 0 for w in figures.weeks}
        for d in dossiers:
            moment = getattr(d, stamp)
            if moment and since <= moment < until:
                expected[week(moment)] += 1
        assert {w.start: getattr(w, column) for w in figures.weeks} == expected, stamp
    assert sum(w.refused for w in figures.weeks) == sum(
        1 for d in dossiers if d.state == State.REFUSED and since <= d.closed_at < until
    )


def test_weeks_start_on_monday_at_midnight_local_time(desk, operator, requester, instructor):  # type: ignore[no-untyped-def]
    """Summer or winter time (a year holds both): a transmission on Monday 00:30 (Sunday evening
    in UTC) counts in that Monday's week, one on Sunday 23:30 in the week before."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = today - timedelta(days=365)
    days = (start + timedelta(days=i) for i in range(1, 358))
    mondays = [day for day in days if day.weekday() == 0]
    for monday in mondays:
        for day, moment in ((monday, time(0, 30)), (monday - timedelta(days=1), time(23, 30))):
            made(desk, operator, requester, submitted_at=datetime.combine(day, moment, tzinfo=tz))
    figures = desk_dashboard(instructor, start=start, end=today)
    arrivals = {w.start: w.arrivals for w in figures.weeks}
    for monday in mondays[:-1]:
        assert arrivals[monday] == 2, monday  # its Monday 00:30 and the next Sunday 23:30
    assert arrivals[mondays[-1]] == 1


@pytest.mark.parametrize("who", ["instructor", "operator admin"])
def test_the_queries_do_not_grow_with_the_dossiers(
    who, client, desk, operator, requester, instructor, settings
):  # type: ignore[no-untyped-def]
    """Every part of the dashboard (counts, delays, weeks, overdue list) in a constant number of
    queries: 3 dossiers or 60 through every milestone, in the page and in the selector."""
    from tests.backoffice.conftest import admin

    # No version check of the regulatory parameters (one query every 2 s) in the middle.
    settings.RACCORD_PARAMETERS_RECHECK_SECONDS = 3600

    user = instructor if who == "instructor" else admin(operator)
    now = timezone.now()
    today = timezone.localdate()
    client.force_login(user)

    def measure() -> tuple[list[str], list[str]]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(URL).status_code == 200
        with CaptureQueriesContext(connection) as selector:
            desk_dashboard(user, start=today - timedelta(days=90), end=today)
        return [q["sql"] for q in page], [q["sql"] for q in selector]

    walked(desk, operator, requester, 3, now=now)
    measure()  # warm the per-process caches
    few = measure()
    walked(desk, operator, requester, 60, now=now)
    made(desk, operator, requester, due_on=today - timedelta(days=3))
    many = measure()
    assert len(many[0]) == len(few[0]), (few[0], many[0])
    assert len(many[1]) == len(few[1]) == 4  # counts, delays, weeks, overdue list


@pytest.mark.parametrize("who", ["instructor", "operator admin"])
def test_the_period_is_read_through_its_index(who, desk, operator, requester, instructor):  # type: ignore[no-untyped-def]
    """The period's filter repeats the expression of the index, so the database uses it, for a
    desk as for a whole operator: a few dossiers in the period among five hundred older ones
    (PostgreSQL, given statistics, is also told not to scan the whole table, which it may
    prefer for so few rows)."""
    from tests.backoffice.conftest import admin

    user = instructor if who == "instructor" else admin(operator)
    now = timezone.now()
    walked(desk, operator, requester, 5, now=now)
    sample = Dossier.objects.filter(desk=desk).first()
    assert sample is not None
    long_ago = now - timedelta(days=700)
    Dossier.objects.bulk_create(
        Dossier(
            number=f"2611P4E9{i:05d}",
            kind=sample.kind,
            state=State.ACCEPTED,
            created_by=requester,
            operator=operator,
            desk=desk,
            commune_id=sample.commune_id,
            submitted_at=long_ago,
            taken_at=long_ago + timedelta(days=2),
            accepted_at=long_ago + timedelta(days=20),
        )
        for i in range(500)
    )
    today = timezone.localdate()
    since, until = bounds(today - timedelta(days=90), today)
    stamps = [last for _, _, last in MILESTONE_DELAYS]
    queryset = period_dossiers(user, since=since, until=until, stamps=stamps)
    assert 0 < queryset.count() <= 5
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert ACTIVITY_INDEX in plan, plan
    if connection.vendor == "sqlite":
        assert "(operator_id=? AND <expr>>?)" in plan, plan
    else:
        assert "GREATEST(" in plan.split(ACTIVITY_INDEX, 1)[1], plan


def test_inbox_links_to_the_dashboard(client, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    html = client.get(reverse("backoffice:inbox")).content.decode()
    assert html.count(f'href="{URL}"') == 1


def test_requesters_and_anonymous_are_kept_out(client, requester):  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302
    client.force_login(requester)
    assert client.get(URL).status_code == 404
