"""Benchmark: server time of one auto-save request on SQLite (target <= 30 ms median).

Run: .venv/bin/python bench/bench_autosave.py  (a throwaway SQLite database in a temp folder,
WAL mode as in `make run`). Posts the technical section, as the page does on every change, 200
times through Django's test client, and prints the median, the 90th percentile and the ratio
against a baseline request (/healthz) measured in the same process.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RACCORD_ENV", "dev")
os.environ.setdefault("RACCORD_VAR_DIR", tempfile.mkdtemp(prefix="raccord-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raccord.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from raccord.core.demo import demo_seed
from raccord.dossiers.services import dossier_create
from raccord.places.models import Commune
from raccord.places.services import places_load
from tests.factories import cacsi_complete_data

REPEAT = 200


def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
    for _ in range(10):
        fn()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    call_command("migrate", verbosity=0)
    places_load()
    demo_seed()
    from raccord.accounts.models import User

    user = User.objects.get(email="producteur@demo.raccord.test")
    dossier = dossier_create(
        user=user, commune=Commune.objects.get(postal_code="56000"), orientation={}
    )
    client = Client()
    client.force_login(user)
    url = reverse("portal:autosave", args=[dossier.number, "technique"])
    values = cacsi_complete_data()["technique"]
    counter = {"n": 0}

    def save() -> None:
        counter["n"] += 1
        response = client.post(
            url, {**values, "inverter_make": f"Marque {counter['n']}"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200, response.status_code

    base = timed(lambda: client.get("/healthz"))
    saves = timed(save)
    b, s = statistics.median(base), statistics.median(saves)
    p90 = statistics.quantiles(saves, n=10)[-1]
    print("database: SQLite (WAL), one dossier, technical section (21 fields + rules)")
    print(f"baseline GET /healthz: {b:.2f} ms median")
    print(f"auto-save POST:        {s:.2f} ms median, {p90:.2f} ms p90 ({s / b:.1f} x baseline)")
    print(f"target <= 30 ms median: {'OK' if s <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
