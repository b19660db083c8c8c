"""Benchmark: commune autocomplete on the full official list (target <= 20 ms median).

Run: .venv/bin/python bench/bench_places.py   (a fresh SQLite database in a temp folder;
set DATABASE_URL to measure PostgreSQL instead). Prints medians per query and the ratio against
a primary-key lookup measured in the same process.
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

import django

django.setup()

from django.core.management import call_command
from django.db import connection

from raccord.places.models import Commune
from raccord.places.search import search_communes
from raccord.places.services import places_load

QUERIES = ["st etienne", "Saint-Étienne", "saint", "vann", "56000", "13", "paris", "l hay", "zzz"]
REPEAT = 200


def median_ms(fn) -> float:  # type: ignore[no-untyped-def]
    for _ in range(10):
        fn()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        places_load()
    total = Commune.objects.count()
    pk = Commune.objects.order_by("pk").values_list("pk", flat=True)[total // 2]
    baseline = median_ms(lambda: Commune.objects.filter(pk=pk).first())
    print(f"database: {connection.vendor}; {total} commune/postal-code rows")
    print(f"baseline (primary-key lookup): {baseline:.3f} ms median")
    worst = 0.0
    for query in QUERIES:
        ms = median_ms(lambda q=query: search_communes(q))
        worst = max(worst, ms)
        print(f"  search {query!r:18} {ms:7.3f} ms median  ({ms / baseline:5.1f} x baseline)")
    print(f"worst median: {worst:.3f} ms (target <= 20 ms): {'OK' if worst <= 20 else 'MISSED'}")


if __name__ == "__main__":
    main()
