"""Benchmark: the request list (« Espace Partenaire ») of an installer with 10,000 dossiers.

Run: .venv/bin/python bench/bench_list.py   (a fresh SQLite database in a temp folder; set
DATABASE_URL to measure PostgreSQL instead). Renders /demandes/ through Django's test Client,
logged in with force_login, and prints the median over 20 requests, the number of SQL queries
(which must be the same for 100 and 10,000 dossiers) and the ratio against the home page
rendered in the same process.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RACCORD_ENV", "dev")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("RACCORD_VAR_DIR", tempfile.mkdtemp(prefix="raccord-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raccord.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from raccord.accounts.models import Organisation, User
from raccord.dossiers.models import Dossier, Label, State
from raccord.operators.models import Operator
from raccord.places.models import Commune, Department, Region
from raccord.tracking.models import Action, Message

REPEAT = 20
STATES = [State.DRAFT, State.SUBMITTED, State.IN_CHARGE, State.WAITING_REQUESTER, State.ACCEPTED]


def median_ms(fn: Callable[[], object]) -> float:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def setup_world() -> tuple[User, User, list[Commune], Operator]:
    region = Region.objects.create(code="53", name="Bretagne")
    department = Department.objects.create(code="56", name="Morbihan", region=region)
    communes = [
        Commune.objects.create(
            insee_code=f"56{i:03d}",
            postal_code=f"56{i:03d}",
            name=f"Commune {i}",
            search_name=f"commune {i}",
            department=department,
        )
        for i in range(10)
    ]
    operator = Operator.objects.create(
        name="Distributeur bench",
        short_name="Bench",
        legal_form="SA",
        share_capital=1,
        registered_office="1 rue du Réseau",
        rcs_city="Paris",
        siren="444608442",
        is_default=True,
    )
    org = Organisation.objects.create(
        kind=Organisation.Kind.INSTALLER,
        name="Installateur bench",
        siret="90123456700013",
        legal_form="SARL",
        office_street="1 rue",
        office_commune=communes[0],
    )
    me = User.objects.create(email="bench@example.test", role=User.Role.INSTALLER, organisation=org)
    colleague = User.objects.create(
        email="colleague@example.test", role=User.Role.INSTALLER, organisation=org
    )
    return me, colleague, communes, operator


def add_dossiers(
    start: int, count: int, *, me: User, colleague: User, communes: list[Commune], op: Operator
) -> None:
    """``count`` dossiers of the organisation, a fifth with an unread message, a tenth with an
    open action, a twentieth with one of my labels."""
    now = timezone.now()
    batch = [
        Dossier(
            number=f"2611P4E{start + i:06d}",
            kind="cacsi",
            state=STATES[(start + i) % len(STATES)],
            created_by=colleague if i % 2 else me,
            organisation=me.organisation,
            operator=op,
            commune=communes[i % len(communes)],
            requester_name=f"Client {start + i} DUPONT",
        )
        for i in range(count)
    ]
    created = Dossier.objects.bulk_create(batch, batch_size=1000)
    if connection.vendor == "sqlite" and created[0].pk is None:
        created = list(Dossier.objects.filter(number__in=[d.number for d in batch]))
    Message.objects.bulk_create(
        [
            Message(
                dossier=d,
                direction=Message.Direction.TO_REQUESTER,
                author=colleague,
                subject="Autre",
                body="Question",
            )
            for d in created[::5]
        ],
        batch_size=1000,
    )
    Action.objects.bulk_create(
        [
            Action(dossier=d, label="Répondre au message: Autre", due_date=now.date())
            for d in created[::10]
        ],
        batch_size=1000,
    )
    Label.objects.bulk_create(
        [Label(dossier=d, user=me, text=f"Lot {k % 4}") for k, d in enumerate(created[::20])],
        batch_size=1000,
    )
    # Spread creation dates over ~3 years so the sort is real work.
    for k, d in enumerate(created):
        d.created_at = now - timedelta(hours=(start + k) * 2.5)
    Dossier.objects.bulk_update(created, ["created_at"], batch_size=1000)


class QueryTimer:
    """Counts and times every SQL statement (survives the per-request reconnections)."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - start) * 1000, sql))


def measure(client: Client, url: str, *, show_sql: bool = False) -> tuple[float, int, int]:
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if show_sql:
        for ms, sql in timer.statements:
            print(f"      {ms:7.2f} ms  {sql[:160]}")
    return median_ms(lambda: client.get(url)), len(timer.statements), len(response.content)


def main() -> None:
    call_command("migrate", verbosity=0)
    me, colleague, communes, op = setup_world()
    client = Client()
    client.force_login(me)

    add_dossiers(0, 100, me=me, colleague=colleague, communes=communes, op=op)
    home_ms, home_q, _ = measure(client, "/")
    small_ms, small_q, _ = measure(client, "/demandes/")
    add_dossiers(100, 9_900, me=me, colleague=colleague, communes=communes, op=op)
    total = Dossier.objects.count()
    home_ms, home_q, _ = measure(client, "/")
    urls = {
        "list, page 1": "/demandes/",
        "list, last page": "/demandes/?page=200",
        "search by number": "/demandes/?q=11+P4E+004321",
        "search by name": "/demandes/?q=dupont",
        "filter status + label": "/demandes/?statut=en-cours&label=Lot+1",
        "all actions (1,000 open)": "/demandes/actions/",
    }
    print(f"database: {connection.vendor}; {total} dossiers of one installer organisation")
    print(f"baseline (home page): {home_ms:.2f} ms median over {REPEAT}, {home_q} queries")
    print(f"list page with 100 dossiers: {small_ms:.2f} ms median, {small_q} queries")
    for name, url in urls.items():
        ms, queries, size = measure(client, url, show_sql="-v" in sys.argv)
        print(
            f"  {name:26} {ms:8.2f} ms median  {queries:2d} queries  {size / 1024:6.1f} KiB"
            f"  ({ms / home_ms:5.1f} x home page)"
        )
        if name == "list, page 1":
            same = "same" if queries == small_q else "DIFFERENT"
            print(f"  queries for 100 vs {total} dossiers: {small_q} vs {queries} ({same})")


if __name__ == "__main__":
    main()
