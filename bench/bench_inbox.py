"""Benchmark: the back-office inbox with 100,000 dossiers in one desk.

Run: .venv/bin/python bench/bench_inbox.py
  - SQLite: a fresh database in a temporary folder (nothing else is touched);
  - PostgreSQL: set DATABASE_URL; the script creates (and drops first) a dedicated database
    ``raccord_bench_inbox`` on that server and never touches the one named in the URL.
Prints the query count of the inbox page at 1,000 and at 100,000 dossiers (it must not grow),
the median time over 20 requests of several inbox variants, and the ratio against the home page
measured in the same process.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from _django_bench import bench_desk, django_bench_setup

django_bench_setup("raccord_bench_inbox")

from django.conf import settings
from django.core import signals
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from raccord.accounts.models import User
from raccord.accounts.totp import totp_activate
from raccord.dossiers.models import Dossier, State
from raccord.operators.models import Desk, Operator
from raccord.places.models import Commune
from raccord.tracking.models import Message

REPEAT = 20
STATES = [State.SUBMITTED, State.IN_CHARGE, State.WAITING_REQUESTER, State.COMPLETE]
VARIANTS = {
    "default (by deadline)": "/gestion/",
    "state filter": "/gestion/?etat=in_charge",
    "overdue": "/gestion/?en_retard=1",
    "unread messages": "/gestion/?non_lus=1",
    "postal prefix 56": "/gestion/?lieu=56",
    "page 100": "/gestion/?page=100",
}


def median_ms(client: Client, url: str) -> float:
    for _ in range(3):
        client.get(url)
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def grow(*, to: int, desk: Desk, operator: Operator, requester: User, communes: list[int]) -> None:
    have = Dossier.objects.filter(desk=desk).count()
    now = timezone.now()
    batch: list[Dossier] = []
    for i in range(have, to):
        state = STATES[i % len(STATES)]
        batch.append(
            Dossier(
                number=f"2611P4E{i:06d}",
                kind="cacsi",
                state=state,
                created_by=requester,
                operator=operator,
                desk=desk,
                commune_id=communes[i % len(communes)],
                requester_name=f"Demandeur {i}",
                submitted_at=now - timedelta(hours=i % 2000),
                # As stored by raccord/dossiers/decisions.py (and by the submission once it calls
                # dossier_deadline_refresh): no operator due date while waiting for the requester.
                due_on=(
                    None
                    if state == State.WAITING_REQUESTER
                    else (now + timedelta(days=(i % 40) - 20)).date()
                ),
                paused_since=now.date() if state == State.WAITING_REQUESTER else None,
            )
        )
        if len(batch) == 5000:
            Dossier.objects.bulk_create(batch)
            batch = []
    if batch:
        Dossier.objects.bulk_create(batch)
    new = Dossier.objects.filter(desk=desk, messages__isnull=True).values_list("pk", flat=True)
    Message.objects.bulk_create(
        [
            Message(
                dossier_id=pk,
                direction=Message.Direction.TO_OPERATOR,
                author=requester,
                subject="Question",
                body="Où en est ma demande ?",
            )
            for pk in list(new)[::10]
        ],
        batch_size=5000,
    )


def main() -> None:
    # As the test runner does: keep one connection so that the queries of a request are counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    operator, desk, staff = bench_desk()
    communes = list(
        Commune.objects.filter(postal_code__startswith="56").values_list("pk", flat=True)[:50]
    ) + list(Commune.objects.filter(postal_code__startswith="29").values_list("pk", flat=True)[:50])
    totp_activate(user=staff, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    requester, _ = User.objects.get_or_create(email="bench.requester@example.test")
    client = Client()
    client.force_login(staff)

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    home = median_ms(client, "/")
    print(f"baseline (home page): {home:.2f} ms median over {REPEAT}")
    for size in (1_000, 100_000):
        t0 = time.perf_counter()
        grow(to=size, desk=desk, operator=operator, requester=requester, communes=communes)
        print(f"\n{size:,} dossiers in the desk (created in {time.perf_counter() - t0:.1f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for name, url in VARIANTS.items():
            connection.queries_log.clear()  # DEBUG's bounded log is full after the bulk inserts
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            ms = median_ms(client, url)
            print(
                f"  {name:24} {len(queries):3d} queries  {ms:8.2f} ms median"
                f"  ({ms / home:5.1f} x home page)"
            )


if __name__ == "__main__":
    main()
