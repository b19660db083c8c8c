"""Benchmark: the desk dashboard (/gestion/tableau-de-bord/) with 100,000 dossiers in one desk.

Run: .venv/bin/python bench/bench_dashboard.py [--explain]
  - SQLite: a fresh database in a temporary folder (nothing else is touched);
  - PostgreSQL: set DATABASE_URL; the script creates (and drops first) a dedicated database
    ``raccord_bench_dashboard`` on that server and never touches the one named in the URL.
Prints, at 1,000 and at 100,000 dossiers, the query count of the dashboard (it must not grow),
the median and 90th percentile time over 20 requests of several periods and scopes, and the
ratio of the median against the home page measured in the same process just before (the
machine's load varies). ``--explain`` also prints the plan of each query on the dossiers at each
size. PostgreSQL's tables are vacuumed and analysed after each insertion, as autovacuum would.

The dossiers are spread evenly over four years of transmissions (so a 90-day period holds about
6 % of them whatever the size), inserted in the order of their transmission (as a real table
fills up), and walk the workflow: taken in charge, complete, accepted, commissioned, refused or
withdrawn, each milestone a few days after the previous one.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta

from _django_bench import bench_desk, django_bench_setup

django_bench_setup("raccord_bench_dashboard")

from django.conf import settings
from django.core import signals
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raccord.accounts.models import User
from raccord.accounts.totp import totp_activate
from raccord.dossiers.models import Dossier, State
from raccord.operators.models import Desk, Operator
from raccord.places.models import Commune

REPEAT = 20
SPAN_DAYS = 4 * 365  # transmissions spread over four years
GOLDEN = 0.6180339887498949  # i * GOLDEN mod 1: evenly spread whatever the number of dossiers
URL = reverse("backoffice:dashboard")


def _variants() -> dict[str, tuple[str, str]]:
    """Name: (who, URL)."""
    today = timezone.localdate()

    def period(start_days_ago: int, end_days_ago: int = 0) -> str:
        start, end = today - timedelta(days=start_days_ago), today - timedelta(days=end_days_ago)
        return f"{URL}?du={start.isoformat()}&au={end.isoformat()}"

    return {
        "default (90 days)": ("staff", URL),
        "30 days": ("staff", period(30)),
        "one year": ("staff", period(365)),
        "two years (maximum)": ("staff", period(730)),
        "90 days, a year ago": ("staff", period(455, 365)),
        "operator admin, 90 days": ("admin", URL),
    }


def timings_ms(client: Client, url: str) -> tuple[float, float]:
    """Median and 90th percentile (inclusive) over REPEAT requests, after 3 warm-up requests."""
    for _ in range(3):
        client.get(url)
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), statistics.quantiles(samples, n=10, method="inclusive")[8]


def _dossier(
    i: int, *, now: datetime, desk: Desk, operator: Operator, requester: User, communes: list[int]
) -> Dossier:
    submitted = now - timedelta(minutes=int((i * GOLDEN) % 1 * SPAN_DAYS * 24 * 60) + 60)
    fate = i % 10  # 0 transmitted, 1-2 in charge, 3 complete, 4-5 accepted, 6 commissioned,
    # 7-8 refused, 9 withdrawn
    stamps: dict[str, datetime | None] = dict.fromkeys(
        ("taken_at", "completed_at", "accepted_at", "commissioned_at", "closed_at")
    )
    state = State.SUBMITTED
    moment = submitted
    steps = [("taken_at", State.IN_CHARGE, 1 + i % 9)]
    if fate in (3, 4, 5, 6):
        steps.append(("completed_at", State.COMPLETE, 3 + i % 17))
    if fate in (4, 5, 6):
        steps.append(("accepted_at", State.ACCEPTED, 10 + i % 31))
    if fate == 6:
        steps.append(("commissioned_at", State.COMMISSIONED, 30 + i % 61))
    if fate in (7, 8, 9):
        steps.append(("closed_at", State.REFUSED if fate < 9 else State.WITHDRAWN, 5 + i % 13))
    if fate == 0:
        steps = []
    for stamp, reached, days in steps:
        moment += timedelta(days=days, hours=i % 24)
        if moment >= now:
            break
        stamps[stamp], state = moment, reached
    open_ = state in (State.SUBMITTED, State.IN_CHARGE, State.COMPLETE)
    return Dossier(
        number=f"2611P4E{i:06d}",
        kind="cacsi",
        state=state,
        created_by=requester,
        operator=operator,
        desk=desk,
        commune_id=communes[i % len(communes)],
        requester_name=f"Demandeur {i}",
        submitted_at=submitted,
        due_on=(submitted + timedelta(days=45)).date() if open_ else None,
        **stamps,
    )


def grow(*, to: int, desk: Desk, operator: Operator, requester: User, communes: list[int]) -> None:
    have = Dossier.objects.filter(desk=desk).count()
    now = timezone.now()
    new = sorted(
        (
            _dossier(
                i, now=now, desk=desk, operator=operator, requester=requester, communes=communes
            )
            for i in range(have, to)
        ),
        key=lambda d: d.submitted_at or now,
    )
    Dossier.objects.bulk_create(new, batch_size=5000)


def explain(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"      {row[-1]}" for row in rows)
    return "\n".join(f"      {row[0]}" for row in rows)


def main() -> None:
    # As the test runner does: keep one connection so that the queries of a request are counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    operator, desk, staff = bench_desk()
    communes = list(
        Commune.objects.filter(postal_code__startswith="29").values_list("pk", flat=True)[:100]
    )
    admin, _ = User.objects.get_or_create(
        email="bench.admin@example.test",
        defaults={"role": User.Role.OPERATOR_ADMIN, "operator": operator},
    )
    for user in (staff, admin):
        totp_activate(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    requester, _ = User.objects.get_or_create(email="bench.requester@example.test")
    clients = {"staff": Client(), "admin": Client()}
    clients["staff"].force_login(staff)
    clients["admin"].force_login(admin)

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    home, home_p90 = timings_ms(clients["staff"], "/")
    print(f"baseline (home page): {home:.2f} ms median, {home_p90:.2f} ms p90 over {REPEAT}")
    for size in (1_000, 100_000):
        t0 = time.perf_counter()
        grow(to=size, desk=desk, operator=operator, requester=requester, communes=communes)
        print(f"\n{size:,} dossiers in the desk (created in {time.perf_counter() - t0:.1f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        home, home_p90 = timings_ms(clients["staff"], "/")
        print(f"  baseline again (home page): {home:.2f} ms median, {home_p90:.2f} ms p90")
        for name, (who, url) in _variants().items():
            client = clients[who]
            connection.queries_log.clear()  # DEBUG's bounded log is full after the bulk inserts
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            median, p90 = timings_ms(client, url)
            print(
                f"  {name:26} {len(queries):3d} queries  {median:8.2f} ms median"
                f"  {p90:8.2f} ms p90  ({median / home:5.1f} x home page)"
            )
            if "--explain" in sys.argv and name in ("default (90 days)", "operator admin, 90 days"):
                for query in queries.captured_queries:
                    if 'FROM "dossiers_dossier"' in query["sql"]:
                        print(f"    {query['sql'][:160]}...")
                        print(explain(query["sql"]))


if __name__ == "__main__":
    main()
