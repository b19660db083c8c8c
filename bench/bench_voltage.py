"""Voltage-rise study (Annex 4): studies per second, ours against pandapower, same feeders.

Run: .venv/bin/python bench/bench_voltage.py [feeders_for_pandapower]
Prints studies/second for raccord.rules.voltage (verdict only, then with the sheet rows, which
are built on first access) and for pandapower (network built and three
load flows per study: without producers, before and after the connection), and the largest
node-voltage difference between the two.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.voltage import feeder_model, solve_chain, voltage_study
from tests.rules.feeders import random_study


def main() -> None:
    n_pp = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(42)
    studies = [random_study(rng) for _ in range(max(n_pp, 500))]

    for study in studies[:50]:
        voltage_study(P, study=study).rows  # noqa: B018 - warm-up (parameter snapshot)
    t0 = time.perf_counter()
    for study in studies:
        voltage_study(P, study=study)
    ours_rate = len(studies) / (time.perf_counter() - t0)
    # The sheet rows are built on first access: time them too, as a document would.
    t0 = time.perf_counter()
    for study in studies:
        voltage_study(P, study=study).rows  # noqa: B018
    sheet_rate = len(studies) / (time.perf_counter() - t0)

    try:
        from tests.rules.pandapower_chain import PandapowerChain
    except ImportError:
        print(f"raccord : {ours_rate:,.0f} études/s ({len(studies)} départs) ; pandapower absent")
        return

    subset = studies[:n_pp]
    worst = 0.0
    ours_on_subset: list[list[list[float]]] = []
    for study in subset:
        model = feeder_model(P, study)
        ours_on_subset.append(
            [
                solve_chain(model.source_v, model.branches, loads)
                for loads in (model.loads_without, model.loads_before, model.loads_after)
            ]
        )
    PandapowerChain(feeder_model(P, subset[0])).solve(feeder_model(P, subset[0]).loads_after)
    t0 = time.perf_counter()
    theirs: list[list[list[float]]] = []
    for study in subset:
        model = feeder_model(P, study)
        chain = PandapowerChain(model)
        theirs.append(
            [
                chain.solve(loads)
                for loads in (model.loads_without, model.loads_before, model.loads_after)
            ]
        )
    pp_rate = len(subset) / (time.perf_counter() - t0)
    for ours_study, their_study in zip(ours_on_subset, theirs, strict=True):
        for a, b in zip(ours_study, their_study, strict=True):
            worst = max(worst, float(np.max(np.abs(np.subtract(a, b)))))
    print(f"raccord    : {ours_rate:10,.0f} études/s ({len(studies)} départs, 3 calculs chacun)")
    print(f"  + fiche  : {sheet_rate:10,.0f} études/s (avec les lignes de la fiche de contrôle)")
    print(f"pandapower : {pp_rate:10,.1f} études/s ({len(subset)} départs, réseau + 3 runpp)")
    print(f"rapport    : {ours_rate / pp_rate:10,.0f} x")
    print(f"écart max  : {worst:.6f} V sur les tensions de nœud ({len(subset)} départs communs)")


if __name__ == "__main__":
    main()
