"""Avenant §5.4 variant 1 optional paragraph: harmonics standard by current per phase."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raccord.rules.errors import RulesError
from raccord.rules.harmonics import (
    harmonics_standard,
    harmonics_standard_for_current,
    request_harmonics_standard,
)
from raccord.rules.inputs import Phases
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.technical_values import technical_values
from tests.rules.plan_builders import ON, bt_request

TV = technical_values(P, on=ON)


@pytest.mark.parametrize(
    ("kva", "phases", "current", "standard"),
    [
        (D("3.68"), Phases.SINGLE, D("16.000"), "CEI 61000-3-2"),
        (D("3.7"), Phases.SINGLE, D("16.087"), "CEI 61000-3-12"),
        (D("11"), Phases.THREE, D("15.877"), "CEI 61000-3-2"),
        (D("12"), Phases.THREE, D("17.321"), "CEI 61000-3-12"),
        (D("51.9"), Phases.THREE, D("74.911"), "CEI 61000-3-12"),
        (D("52"), Phases.THREE, D("75.056"), "CEI 61000-3-4"),
        (D("100"), Phases.THREE, D("144.338"), "CEI 61000-3-4"),
    ],
)
def test_avenant_5_4_standard_from_current_per_phase(
    kva: D, phases: Phases, current: D, standard: str
) -> None:
    h = harmonics_standard(apparent_kva=kva, phases=phases, on=ON, params=P)
    assert h.current_a == current
    assert h.standard == standard


def test_avenant_5_4_exact_boundaries() -> None:
    assert harmonics_standard_for_current(D("16"), TV).standard == "CEI 61000-3-2"
    assert harmonics_standard_for_current(D("16.001"), TV).accepted == (
        "CEI 61000-3-12",
        "CEI 61000-3-4",
    )
    assert harmonics_standard_for_current(D("75"), TV).accepted == ("CEI 61000-3-4",)


def test_request_uses_inverter_unit_power_when_known() -> None:
    assert request_harmonics_standard(request=bt_request(), params=P).standard == "CEI 61000-3-4"
    unit = bt_request(inverter_unit_kva=D("10"))
    assert request_harmonics_standard(request=unit, params=P).standard == "CEI 61000-3-2"


def test_negative_apparent_power_is_refused() -> None:
    with pytest.raises(RulesError):
        harmonics_standard(apparent_kva=D("-1"), phases=Phases.THREE, on=ON, params=P)


@given(st.decimals(min_value=D("0"), max_value=D("500"), places=3))
def test_every_current_gets_exactly_one_primary_standard_among_accepted(current: D) -> None:
    h = harmonics_standard_for_current(current, TV)
    assert h.standard == h.accepted[0]
    assert ("CEI 61000-3-2" in h.accepted) is (current <= 16)
