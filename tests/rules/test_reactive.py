"""Avenant §3.2: reactive power set point variants and their control rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raccord.rules.errors import RulesError
from raccord.rules.inputs import ServiceType
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.reactive import cos_phi_of, reactive_compliant, reactive_setpoint
from tests.rules.plan_builders import bt_request


def test_avenant_3_2_variant_1_default_tan_phi() -> None:
    s = reactive_setpoint(request=bt_request(), params=P)
    assert s.variant == 1
    assert s.tan_phi == D("-0.35")
    assert s.cos_phi == D("0.944")
    assert s.under_excited
    assert s.control is None


def test_avenant_3_2_variant_2_request_qualified_before_2023_02_01() -> None:
    s = reactive_setpoint(request=bt_request(reference_date=date(2023, 1, 31)), params=P)
    assert s.variant == 2 and s.tan_phi == 0
    assert s.control is not None
    assert s.control.threshold_kw == D("0.2") * D("100")
    assert (s.control.min_absorbed_ratio, s.control.max_absorbed_ratio) == (0, D("0.1"))
    later = reactive_setpoint(request=bt_request(reference_date=date(2023, 2, 1)), params=P)
    assert later.variant == 1


def test_avenant_3_2_variant_2_modification_keeping_original_setpoint() -> None:
    r = bt_request(service_type=ServiceType.MODIFICATION, keep_original_zero_setpoint=True)
    assert reactive_setpoint(request=r, params=P).variant == 2


def test_keeping_an_original_setpoint_on_a_new_connection_is_refused() -> None:
    with pytest.raises(RulesError) as caught:
        reactive_setpoint(request=bt_request(keep_original_zero_setpoint=True), params=P)
    assert caught.value.field == "keep_original_zero_setpoint"


def test_avenant_3_2_variant_3_rotating_machines() -> None:
    r = bt_request(rotating_machines=True, rotating_tan_phi=D("0.2"), has_inverters=False)
    s = reactive_setpoint(request=r, params=P)
    assert s.variant == 3 and s.needs_confirmation
    assert s.tan_phi == D("-0.2")
    assert s.control is not None
    assert s.control.threshold_ratio == D("0.2")
    assert (s.control.min_absorbed_ratio, s.control.max_absorbed_ratio) == (D("0.15"), D("0.25"))


@pytest.mark.parametrize("threshold", [D("0.2"), D("0.45"), D("0.6")])
def test_avenant_3_2_variant_3_threshold_adjustable_up_to_0_6(threshold: D) -> None:
    r = bt_request(
        rotating_machines=True, rotating_tan_phi=D("0.3"), rotating_control_threshold=threshold
    )
    s = reactive_setpoint(request=r, params=P)
    assert s.control is not None and s.control.threshold_kw == threshold * 100


@pytest.mark.parametrize(
    ("tan", "threshold", "field"),
    [
        (None, None, "rotating_tan_phi"),
        (D("0"), None, "rotating_tan_phi"),
        (D("-0.1"), None, "rotating_tan_phi"),
        (D("0.3"), D("0.61"), "rotating_control_threshold"),
        (D("0.3"), D("0.19"), "rotating_control_threshold"),
    ],
)
def test_avenant_3_2_variant_3_bounds(tan: D | None, threshold: D | None, field: str) -> None:
    r = bt_request(
        rotating_machines=True, rotating_tan_phi=tan, rotating_control_threshold=threshold
    )
    with pytest.raises(RulesError) as caught:
        reactive_setpoint(request=r, params=P)
    assert caught.value.field == field


def test_control_rule_of_variant_2() -> None:
    s = reactive_setpoint(request=bt_request(reference_date=date(2022, 6, 1)), params=P)
    assert reactive_compliant(s, active_kw=D("10"), absorbed_kvar=D("5")) is None  # below 20 kW
    assert reactive_compliant(s, active_kw=D("50"), absorbed_kvar=D("4")) is True
    assert reactive_compliant(s, active_kw=D("50"), absorbed_kvar=D("6")) is False
    assert reactive_compliant(s, active_kw=D("50"), absorbed_kvar=D("-1")) is False


@given(st.decimals(min_value=D("-2"), max_value=D("2"), places=3))
def test_cos_phi_is_between_0_and_1(tan: D) -> None:
    assert 0 < cos_phi_of(tan) <= 1
