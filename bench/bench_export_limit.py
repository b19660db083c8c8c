"""Export-limit check (§ 3.1) on one year of 1-second samples (31.5 M values).

Run: .venv/bin/python bench/bench_export_limit.py
Prints the time of export_limit_check on synthetic data (with a few excursions and gaps) and its
ratio to a baseline in the same process: a plain numpy sum over the same array.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from raccord.rules.export_limit import export_limit_check
from raccord.rules.parameters import DEFAULT_PARAMETERS as P

SECONDS_PER_YEAR = 365 * 24 * 3600


def synthetic_year(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(SECONDS_PER_YEAR, dtype=np.float64)
    day = np.clip(np.sin(2 * np.pi * (t % 86400) / 86400 - np.pi / 2), 0, None)
    x = 100.0 * day + rng.normal(0, 2, SECONDS_PER_YEAR)
    np.clip(x, 0, None, out=x)
    for start in rng.integers(0, SECONDS_PER_YEAR - 600, 50):
        x[start : start + int(rng.integers(30, 600))] = 112.0  # excursions above 105 kVA
    x[rng.integers(0, SECONDS_PER_YEAR, 200)] = np.nan  # missing samples
    return x


def best_of(repeat: int, func):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    x = synthetic_year(np.random.default_rng(3))
    baseline, _ = best_of(3, lambda: np.nansum(x))
    plain, _ = best_of(3, lambda: x.sum())
    elapsed, report = best_of(
        3,
        lambda: export_limit_check(
            P,
            on=date(2026, 1, 1),
            samples_kva=x,
            start=datetime(2026, 1, 1),
            pracc_inj_kva=Decimal("100"),
        ),
    )
    print(f"échantillons     : {x.size:,} (1 an à 1 s, {x.nbytes / 1e6:.0f} Mo float64)")
    print(f"contrôle § 3.1   : {elapsed:.3f} s (meilleur de 3)")
    print(f"référence sum    : {plain:.3f} s  -> rapport {elapsed / plain:.1f} x")
    print(f"référence nansum : {baseline:.3f} s  -> rapport {elapsed / baseline:.1f} x")
    print(
        f"épisodes         : {len(report.episodes)}, fenêtres ignorées (NaN) : "
        f"{report.skipped_windows:,}, échantillons manquants : {report.missing_samples}"
    )


if __name__ == "__main__":
    main()
