"""The whole rules chain per dossier: path + consequences + document plan + money + voltage.

Run: ``.venv/bin/python bench/bench_rules.py [N]`` (default 10 000). Reuses the generated
requests of ``bench_plan.py`` and the random feeders of ``tests/rules/feeders.py``; prints
dossiers per second for the full chain on one core and the ratio against the input-construction
baseline measured in the same process. Target: >= 10 000 dossiers/s (read, not enforced).

Every timed run evaluates N dossiers the process has never seen (a new seed each run): each
dossier has its own request, its own cost lines (amounts drawn to the cent) and its own feeder,
and a reference date drawn among nearly four years of days. The rules core remembers what many
dossiers share (parameters per date, decisions of the groups decided from enums), warmed here by
a first run on other dossiers (whose figure, every cache empty, is printed apart), but nothing a
dossier could only find again by being evaluated twice. The timed loop builds each dossier's input
dataclasses from plain tuples (as a batch job reading rows would) and then runs the chain; the
figure for the same N dossiers evaluated again is printed too, labelled as such.
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_plan import generate

from raccord.rules.classification import classify_request
from raccord.rules.consequences import technical_consequences
from raccord.rules.inputs import ConnectionRequest, StudyFacts
from raccord.rules.money import (
    ContributionRequest,
    CostCategory,
    CostLine,
    contribution_compute,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS
from raccord.rules.variants import DocumentKind, document_plan
from raccord.rules.voltage import VoltageStudyInput, voltage_study
from tests.rules.feeders import random_study

Dossier = tuple[tuple[object, ...], tuple[object, ...], tuple[Decimal, ...], VoltageStudyInput]


FIRST_DAY = date(2023, 1, 1)
DAYS = (date(2026, 10, 31) - FIRST_DAY).days + 1


def dossiers(n: int, seed: int) -> list[Dossier]:
    """N new dossiers: request and study fields, three cost-line amounts, a feeder.

    Each dossier's reference date is drawn among the days of 2023-01-01 to 2026-10-31 (the
    rules remember what depends on the parameters of a date: 10,000 dossiers see most days),
    and its feeder is studied on that date.
    """
    rng = np.random.default_rng(seed)
    cents = rng.integers(1, 10**7, size=(n, 3))
    days = rng.integers(0, DAYS, size=n)
    out: list[Dossier] = []
    for (request, study), row, day in zip(generate(n, seed=seed), cents, days, strict=True):
        on = FIRST_DAY + timedelta(days=int(day))
        out.append(
            (
                (*request[:6], on, *request[7:]),
                study,
                tuple(Decimal(int(c)).scaleb(-2) for c in row),
                replace(random_study(rng), on=on),
            )
        )
    return out


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = 3
    # Seed 1 warms the caches; seeds 2.. are timed, each on dossiers not seen before.
    batches = [dossiers(n, seed) for seed in range(1, runs + 2)]
    cases = batches[0]
    params = DEFAULT_PARAMETERS
    gc.collect()
    gc.freeze()

    def money_request(
        request: ConnectionRequest, amounts: tuple[Decimal, ...]
    ) -> ContributionRequest:
        private, branch, network = amounts
        return ContributionRequest(
            on=request.reference_date,
            lines=(
                CostLine(CostCategory.PRIVATE_DOMAIN, private),
                CostLine(CostCategory.BRANCH, branch),
                CostLine(CostCategory.BT_NETWORK, network),
            ),
            refaction_power_kw=request.pracc_inj_kva,
            pracc_inj_kva=request.pracc_inj_kva,
            deposit_percent=Decimal("30"),
        )

    def baseline() -> float:
        start = time.perf_counter()
        for req, stu, amounts, _ in cases:
            money_request(ConnectionRequest(*req), amounts)  # type: ignore[arg-type]
            StudyFacts(*stu)  # type: ignore[arg-type]
        return time.perf_counter() - start

    def chain(cases: list[Dossier]) -> float:
        start = time.perf_counter()
        for req, stu, amounts, feeder in cases:
            request = ConnectionRequest(*req)  # type: ignore[arg-type]
            study = StudyFacts(*stu)  # type: ignore[arg-type]
            classify_request(request=request, params=params)
            consequences = technical_consequences(request=request, study=study, params=params)
            document_plan(
                request=request,
                study=study,
                document=DocumentKind.AVENANT,
                params=params,
                consequences=consequences,
            )
            contribution_compute(params, request=money_request(request, amounts))
            voltage_study(params, study=feeder)
        return time.perf_counter() - start

    cold = chain(batches[0])
    base = min(baseline() for _ in range(3))
    full = min(chain(batch) for batch in batches[1:])
    again = min(chain(batches[-1]) for _ in range(2))
    print(f"dossiers: {n} per run, {runs} runs, each on dossiers not evaluated before")
    print(f"baseline (building the input dataclasses):   {n / base:10,.0f} dossiers/s")
    print(f"path+consequences+plan+money+voltage:       {n / full:10,.0f} dossiers/s")
    print(f"ratio chain / baseline time:                {full / base:10.1f} x")
    print(f"per dossier:                                {full / n * 1e6:10.1f} µs")
    print(f"the same dossiers evaluated again:          {n / again:10,.0f} dossiers/s")
    print(f"first run, every cache empty (not timed above): {n / cold:6,.0f} dossiers/s")
    print(f"target >= 10,000 dossiers/s: {'OK' if n / full >= 10_000 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
