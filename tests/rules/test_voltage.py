"""Annex 4 voltage-rise study: model, solver, sheet rows, verdict, bad input."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from raccord.rules.errors import RulesError
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.voltage import (
    SQRT3,
    Branch,
    ExistingProducer,
    Extension,
    FeederType,
    VoltageStudyInput,
    feeder_model,
    solve_chain,
    voltage_study,
)
from tests.rules.feeders import random_study

D = Decimal

BASE = VoltageStudyInput(
    on=date(2026, 6, 1),
    hta_max_kv=D("20.6"),
    hta_nominal_kv=D("20"),
    transformer_kva=D("400"),
    transformer_resistance_ohm=D("0.006"),
    secondary_no_load_v=D("410"),
    pracc_kva=D("100"),
    tan_phi=D("-0.35"),
    feeder_type=FeederType.MIXED,
    substation_winter_peak_kw=D("300"),
    feeder_winter_peak_kw=D("100"),
    consumption_share_percent=D("20"),
    upstream_resistance_ohm=D("0.04"),
    existing_producers=(ExistingProducer(D("36"), D("0")),),
    extension=Extension("souterrain", D("0.1"), 240),
)


def test_solver_matches_closed_form_for_one_resistive_branch() -> None:
    # U2 = (U1 + sqrt(U1^2 + 4 R P)) / 2 for a pure injection P through R (balanced 3-phase).
    r, p, u1 = 0.1, 100e3, 400.0
    (u2,) = solve_chain(u1, [Branch("x", r, 0.0)], [(-p, 0.0)])
    assert u2 == pytest.approx((u1 + math.sqrt(u1 * u1 + 4 * r * p)) / 2, abs=1e-6)
    # ΔU = R·P/U holds with the receiving-end voltage; with the sending end it is 1.4 V off,
    # which is why the solver iterates the approximation.
    assert u2 - u1 == pytest.approx(r * p / u2, abs=1e-6)
    assert abs((u2 - u1) - r * p / u1) > 1.0


def test_solver_reactive_absorption_lowers_the_rise() -> None:
    branches = [Branch("x", 0.05, 0.05)]
    (plain,) = solve_chain(400.0, branches, [(-100e3, 0.0)])
    (absorbing,) = solve_chain(400.0, branches, [(-100e3, 35e3)])
    assert absorbing < plain


def test_given_no_load_and_no_producer_then_voltage_is_scaled_no_load_voltage() -> None:
    study = replace(
        BASE,
        consumption_share_percent=D("0"),
        existing_producers=(),
    )
    result = voltage_study(P, study=study)
    assert result.source_v == D("422.3")  # 410 * 20.6 / 20
    assert result.max_without_producers_v == D("422.3")
    assert result.max_before_v == D("422.3")


def test_model_places_loads_and_producers_as_documented() -> None:
    model = feeder_model(P, BASE)
    assert [b.name for b in model.branches] == ["JDB", "milieu", "piquage", "PDR"]
    assert model.branches[1].r_ohm == pytest.approx(0.02)
    assert model.branches[3].r_ohm == pytest.approx(0.0125)  # 0.1 km * 0.125 ohm/km
    assert model.loads_without[1] == (20e3, 0.0)  # 20 % of 100 kW at mid-feeder
    assert model.loads_without[0] == (40e3, 0.0)  # rest of 20 % of 300 kW at the JDB
    assert model.loads_before[2] == (-36e3, 0.0)  # existing producer at the tap point
    assert model.loads_after[3] == pytest.approx((-100e3, 35e3))
    z = 0.04 * 400**2 / 400e3
    assert model.branches[0].x_ohm == pytest.approx(math.sqrt(z * z - 0.006**2))


def test_direct_feeder_puts_existing_feeder_at_the_board() -> None:
    model = feeder_model(
        P, replace(BASE, feeder_type=FeederType.DIRECT, upstream_resistance_ohm=D(0))
    )
    assert [b.name for b in model.branches] == ["JDB", "PDR"]
    assert model.loads_before[0] == (60e3 - 36e3, 0.0)


def test_results_are_ordered_and_the_sheet_has_every_annex_4_line() -> None:
    result = voltage_study(P, study=BASE)
    assert result.max_without_producers_v <= result.max_before_v <= result.max_after_v
    assert result.connection_point_v == result.max_after_v
    assert result.extension_rise_v > 0
    labels = [row.label for row in result.rows]
    for label in (
        "Tension max HTA",
        "Puissance du transformateur",
        "Tension à vide optimisée au secondaire du transformateur",
        "Producteurs existants ou déjà en file d'attente",
        "Pracc du producteur demandeur",
        "Tangente(φ) au point de raccordement",
        "Type de raccordement (départ mixte / départ direct)",
        "Puissance conso max hiver poste HTA/BT",
        "Puissance conso max hiver départ BT de raccordement",
        "% de puissance conso max hiver retenue pour l'étude",
        "Résistance amont (du JDB BT au PDR=Point De Raccordement)",
        "Résistance du transformateur",
        "Type de conducteur",
        "Longueur",
        "Section",
        "Résistance de l'extension",
        "Élévation de tension dans l'extension / départ direct",
        "Tension max sur départ BT sans les producteurs",
        "Tension max sur départ BT avant le raccordement",
        "Tension max sur départ BT après le raccordement",
        "Tension max au PDR du producteur demandeur après le raccordement",
    ):
        assert label in labels
    by_label = {row.label: row for row in result.rows}
    row = by_label["Tension max sur départ BT sans les producteurs"]
    assert row.unit == "V" and row.comment.startswith("Un + ")


def test_verdict_against_plus_minus_10_percent() -> None:
    ok = voltage_study(P, study=replace(BASE, pracc_kva=D("40")))
    assert ok.compliant and ok.max_after_v <= D("440")
    too_much = voltage_study(
        P, study=replace(BASE, pracc_kva=D("250"), extension=Extension("souterrain", D("0.4"), 95))
    )
    assert not too_much.compliant and too_much.max_after_v > D("440")
    assert too_much.upper_limit_v == D("440.00") and too_much.lower_limit_v == D("360.00")


def test_results_agree_with_first_order_formula_on_a_weak_injection() -> None:
    study = replace(
        BASE,
        existing_producers=(),
        consumption_share_percent=D("0"),
        pracc_kva=D("10"),
        tan_phi=D("0"),
    )
    result = voltage_study(P, study=study)
    model = feeder_model(P, study)
    r = sum(b.r_ohm for b in model.branches)
    expected = model.source_v + r * 10e3 / model.source_v
    assert float(result.connection_point_v) == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pracc_kva": D("0")}, "pracc_kva"),
        ({"pracc_kva": D("-5")}, "pracc_kva"),
        ({"consumption_share_percent": D("101")}, "consumption_share_percent"),
        ({"feeder_winter_peak_kw": D("400")}, "feeder_winter_peak_kw"),
        ({"upstream_resistance_ohm": D("-0.1")}, "upstream_resistance_ohm"),
        ({"hta_max_kv": D("0")}, "hta_max_kv"),
        ({"transformer_resistance_ohm": D("1")}, "transformer_resistance_ohm"),
        ({"extension": Extension("souterrain", D("0.1"), 70)}, "extension.section_mm2"),
        ({"extension": Extension("aerien", D("0.1"), 95, D("0.03"))}, "extension.conductor_type"),
        ({"extension": Extension("souterrain", D("-0.1"), 95)}, "extension.length_km"),
        ({"tan_phi": D("NaN")}, "tan_phi"),
        ({"on": date(1990, 1, 1)}, "voltage.transformer_ucc"),
    ],
)
def test_given_bad_input_then_rules_error(change: dict[str, object], field: str) -> None:
    with pytest.raises(RulesError) as err:
        voltage_study(P, study=replace(BASE, **change))  # type: ignore[arg-type]
    assert err.value.field == field
    assert err.value.message


def test_given_impossible_power_then_rules_error_not_a_crash() -> None:
    study = replace(BASE, pracc_kva=D("100000"), extension=Extension("souterrain", D("5"), 95))
    with pytest.raises(RulesError) as err:
        voltage_study(P, study=study)
    assert err.value.field == "pracc_kva"


def test_random_feeders_are_solved_without_error() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        result = voltage_study(P, study=random_study(rng))
        assert result.min_after_v <= result.max_after_v


def _variants(rng: np.random.Generator) -> list[VoltageStudyInput]:
    """Random studies and the same with the figures the fast path handles apart."""
    study = random_study(rng)
    return [
        study,
        replace(study, transformer_reactance_ohm=D("0.012")),
        replace(study, extension=None),
        replace(study, feeder_type=FeederType.DIRECT, extension=None),
        replace(study, feeder_winter_peak_kw=study.substation_winter_peak_kw),
        replace(study, consumption_share_percent=D("100"), tan_phi=D("-0.00")),
        replace(study, existing_producers=(ExistingProducer(D("40"), D("-0.35"), False),)),
        replace(study, upstream_resistance_ohm=D("0")),  # general path only
        replace(study, consumption_share_percent=D("0")),  # general path only
    ]


def test_fast_study_gives_the_general_paths_results_digit_for_digit() -> None:
    from raccord.rules import voltage as v

    rng = np.random.default_rng(31)
    fast_used = 0
    for _ in range(400):
        for study in _variants(rng):
            fast = v._study_fast(P, study)
            if fast is None:
                continue
            fast_used += 1
            general = v._study_general(P, study)
            assert fast == general
            assert [str(x) for x in vars(fast).values()] == [str(x) for x in vars(general).values()]
            assert fast.rows == general.rows
    assert fast_used > 2500


def test_fast_sweeps_give_the_sweeps_magnitudes_bit_for_bit() -> None:
    from raccord.rules import voltage as v

    sweeps = {1: v._fast1, 2: v._fast2, 3: v._fast3, 4: v._fast4}
    rng = np.random.default_rng(32)
    for _ in range(300):
        model = feeder_model(P, random_study(rng))
        z = [complex(b.r_ohm, b.x_ohm) for b in model.branches]
        v0 = model.source_v / SQRT3
        for loads in (model.loads_without, model.loads_before, model.loads_after):
            s = [complex(p, q) / 3.0 for p, q in loads]
            loaded = len(s)
            while loaded > 1 and s[loaded - 1] == 0j:
                loaded -= 1
            expected = v._sweep(complex(v0, 0.0), z, s, v._STUDY_TOLERANCE_V, 100)
            assert expected is not None
            magnitudes = [abs(u) * SQRT3 for u in expected[:loaded]]
            # Real loads and the source as floats, as the fast study passes them.
            args = [x.real if x.imag == 0 else x for x in s[:loaded]]
            got = sweeps[loaded](v0, *z[:loaded], *args)
            assert got == (
                max(magnitudes),
                min(magnitudes),
                magnitudes[-2] if loaded > 1 else magnitudes[0],
                magnitudes[-1],
            )
