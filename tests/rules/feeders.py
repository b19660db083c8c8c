"""Random Annex 4 studies shared by the voltage tests and bench/bench_voltage.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from raccord.rules.voltage import ExistingProducer, Extension, FeederType, VoltageStudyInput


def _d(value: float, places: int = 3) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def random_study(rng: np.random.Generator) -> VoltageStudyInput:
    """A plausible BT feeder: 100-1000 kVA transformer, up to 250 kVA producer."""
    transformer_kva = float(rng.choice([100, 160, 250, 400, 630, 1000]))
    feeder_type = FeederType.MIXED if rng.random() < 0.7 else FeederType.DIRECT
    substation_peak = rng.uniform(0.2, 1.0) * transformer_kva
    producers = tuple(
        ExistingProducer(
            pracc_kva=_d(rng.uniform(3, 100), 1),
            tan_phi=_d(rng.choice([-0.35, 0.0, -0.2]), 2),
            on_connection_feeder=bool(rng.random() < 0.6),
        )
        for _ in range(int(rng.integers(0, 4)))
    )
    extension = None
    if feeder_type is FeederType.DIRECT or rng.random() < 0.8:
        use_catalogue = rng.random() < 0.5
        length = rng.uniform(0.02, 0.4)
        extension = Extension(
            conductor_type="souterrain",
            length_km=_d(length),
            section_mm2=int(rng.choice([95, 150, 240])),
            resistance_ohm=None if use_catalogue else _d(length * rng.uniform(0.12, 0.35), 4),
            reactance_ohm=None if use_catalogue else _d(length * 0.1, 4),
        )
    return VoltageStudyInput(
        on=date(2026, 6, 1),
        hta_max_kv=_d(rng.uniform(20.0, 21.0), 2),
        hta_nominal_kv=Decimal("20"),
        transformer_kva=_d(transformer_kva, 0),
        transformer_resistance_ohm=_d(
            rng.uniform(0.01, 0.015) * 400**2 / (transformer_kva * 1000), 5
        ),
        secondary_no_load_v=_d(rng.choice([400.0, 405.0, 410.0]), 0),
        pracc_kva=_d(rng.uniform(36, 250), 1),
        tan_phi=_d(rng.choice([-0.35, 0.0, -0.2, 0.1]), 2),
        feeder_type=feeder_type,
        substation_winter_peak_kw=_d(substation_peak, 1),
        feeder_winter_peak_kw=_d(substation_peak * rng.uniform(0.1, 0.6), 1),
        consumption_share_percent=_d(rng.uniform(10, 40), 0),
        upstream_resistance_ohm=_d(rng.uniform(0.0, 0.08), 4),
        existing_producers=producers,
        extension=extension,
        upstream_reactance_ohm=None if rng.random() < 0.5 else _d(rng.uniform(0.0, 0.03), 4),
    )
