"""Throughput of the rules chain: path + technical consequences + document plan.

Run: ``.venv/bin/python bench/bench_plan.py [N]`` (default 20 000 dossiers). Generates N varied
BT 36-250 kVA requests (fixed seed), then times on one core:

* baseline: constructing the input dataclasses only (``ConnectionRequest`` + ``StudyFacts``);
* chain: ``technical_consequences`` then ``document_plan`` (Avenant) for each dossier.

Prints dossiers per second for both and their ratio. No assertion. The whole chain (with
money and the voltage study, and its ≥ 10 000 dossiers/s target) is ``bench_rules.py``.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from dataclasses import astuple
from datetime import date
from decimal import Decimal

from raccord.rules.consequences import technical_consequences
from raccord.rules.inputs import (
    BeneficiaryKind,
    BreakingDevice,
    ConnectionRequest,
    CutOutGrouping,
    DecouplingKind,
    InjectionOption,
    L342Timing,
    MeteringLocation,
    Phases,
    RfgScope,
    S3renrCase,
    ServiceType,
    StudyFacts,
    Usage,
    Withdrawal,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS
from raccord.rules.variants import DocumentKind, document_plan

DATES = (date(2023, 1, 10), date(2024, 6, 1), date(2025, 3, 15), date(2026, 2, 1))


def _maybe(rng: random.Random, values: tuple[object, ...]) -> object:
    return rng.choice(values)


def generate(n: int, seed: int = 42) -> list[tuple[tuple[object, ...], tuple[object, ...]]]:
    """Field tuples of N valid requests and study facts (built again in the timed loops)."""
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        inj = Decimal(rng.randrange(361, 2501)) / 10
        installed = inj + Decimal(rng.choice((0, 0, 0, rng.randrange(1, 500)))) / 10
        option = rng.choice((InjectionOption.TOTAL, InjectionOption.SURPLUS))
        withdrawal = rng.choice(
            (Withdrawal.NEW, Withdrawal.EXISTING)
            if option is InjectionOption.SURPLUS
            else tuple(Withdrawal)
        )
        sout = (
            Decimal(0) if withdrawal is Withdrawal.NONE else Decimal(rng.randrange(60, 2501)) / 10
        )
        rotating = rng.random() < 0.05
        service = rng.choice(tuple(ServiceType))
        request = (
            service,
            rng.choice((Usage.PRODUCTION_ONLY, Usage.CONSUMPTION_AND_PRODUCTION)),
            option,
            Phases.THREE,
            installed,
            inj,
            rng.choice(DATES),
            sout,
            withdrawal,
            (),
            None,
            rng.random() < 0.1,  # storage
            not rotating,  # has_inverters
            None,
            rng.choice((None, *DecouplingKind)),
            rng.choice(((), ("NF EN 50549-1",), ("DIN VDE 0126-1-1",), ("NF EN 50549-10",))),
            rng.random() < 0.8,
            rng.choice((None, *RfgScope)),
            rotating,
            Decimal("0.3") if rotating else None,
            None,
            service is not ServiceType.NEW_CONNECTION and rng.random() < 0.2,
            rng.choice(tuple(MeteringLocation)),
            rng.choice((None, *BreakingDevice)),
            rng.choice((None, *CutOutGrouping)),
            rng.choice(tuple(BeneficiaryKind)),
            rng.choice(tuple(L342Timing)),
            rng.random() < 0.2,
        )
        s3 = rng.choice((None, False, True))
        study = (
            rng.choice((None, False, True)),
            s3,
            rng.choice((None, *S3renrCase)) if s3 else None,
            rng.choice((None, False, True)),
            rng.choice((None, False, True)),
            rng.choice((None, False, True)),
            rng.random() < 0.9,
            rng.choice((None, False, True)),
            rng.random() < 0.2,
            rng.choice((None, False, True)),
            rng.random() < 0.1,
            rng.random() < 0.3,
            rng.choice((None, "ICE 4Q", "PME/PMI 4Q", "ICE")),
        )
        cases.append((request, study))
    return cases


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    cases = generate(n)
    gc.collect()
    gc.freeze()  # the generated cases are set-up data: keep them out of the collector's walks
    params = DEFAULT_PARAMETERS
    # Sanity: the generated fields rebuild the dataclasses field for field.
    r0 = ConnectionRequest(*cases[0][0])  # type: ignore[arg-type]
    assert astuple(r0) == cases[0][0]

    def baseline() -> float:
        start = time.perf_counter()
        for req, stu in cases:
            ConnectionRequest(*req)  # type: ignore[arg-type]
            StudyFacts(*stu)  # type: ignore[arg-type]
        return time.perf_counter() - start

    def chain() -> float:
        start = time.perf_counter()
        for req, stu in cases:
            request = ConnectionRequest(*req)  # type: ignore[arg-type]
            study = StudyFacts(*stu)  # type: ignore[arg-type]
            consequences = technical_consequences(request=request, study=study, params=params)
            document_plan(
                request=request,
                study=study,
                document=DocumentKind.AVENANT,
                params=params,
                consequences=consequences,
            )
        return time.perf_counter() - start

    chain()  # warm-up (parameter snapshot, decision cache)
    base = min(baseline() for _ in range(3))
    full = min(chain() for _ in range(3))
    print(f"dossiers: {n}")
    print(f"baseline (input dataclasses only): {n / base:12,.0f} dossiers/s")
    print(f"path + consequences + plan:        {n / full:12,.0f} dossiers/s")
    print(f"ratio chain / baseline time:       {full / base:12.1f} x")
    print(f"per dossier:                       {full / n * 1e6:12.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
