"""Avenant §4.3 (meters, counted energies) and §6 (delivery point variants)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    BreakingDevice,
    CutOutGrouping,
    InjectionOption,
    MeteringLocation,
    Withdrawal,
)
from raccord.rules.metering import (
    SELECTIVITY_SUB_VARIANTS,
    delivery_point,
    metering_plan,
    sub_variant_for,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from tests.rules.plan_builders import bt_request, small_request

LIMIT = MeteringLocation.PRIVATE_DOMAIN_LIMIT
PRIVATE = MeteringLocation.PRIVATE_PREMISES
TOTAL, SURPLUS = InjectionOption.TOTAL, InjectionOption.SURPLUS
NONE, NEW, EXISTING = Withdrawal.NONE, Withdrawal.NEW, Withdrawal.EXISTING


def _request(inj: str, option: InjectionOption, w: Withdrawal, sout: str, loc: MeteringLocation):
    return bt_request(
        installed_power_kva=D("250"),
        pracc_inj_kva=D(inj),
        injection_option=option,
        withdrawal=w,
        pracc_sout_kva=D(sout),
        metering_location=loc,
    )


def test_avenant_4_3_four_quadrant_meter_counts_p_minus_q_minus_q_plus_p_plus() -> None:
    plan = metering_plan(request=bt_request(), meter_type="ICE 4Q", params=P)
    assert [e.code for e in plan.meters[0].energies] == ["P-", "Q-", "Q+", "P+"]
    assert plan.meters[0].owner == "Enedis"
    assert plan.four_quadrant and not plan.needs_confirmation


def test_avenant_4_3_plain_ice_counts_active_energies_only() -> None:
    plan = metering_plan(request=bt_request(), meter_type="ICE", params=P)
    assert [e.code for e in plan.meters[0].energies] == ["P-", "P+"]
    assert not plan.four_quadrant


def test_avenant_4_3_default_meter_needs_confirmation() -> None:
    plan = metering_plan(request=bt_request(), meter_type=None, params=P)
    assert plan.meters[0].meter_type == "PME/PMI 4Q"
    assert plan.needs_confirmation


def test_avenant_4_3_separate_withdrawal_point_gets_its_meter() -> None:
    r = _request("100", TOTAL, NEW, "60", LIMIT)
    plan = metering_plan(request=r, meter_type="ICE 4Q", params=P)
    assert [m.point for m in plan.meters] == ["injection", "soutirage"]


def test_unknown_meter_type_is_refused() -> None:
    with pytest.raises(RulesError) as caught:
        metering_plan(request=bt_request(), meter_type="Linky", params=P)
    assert caught.value.field == "meter_type"


@pytest.mark.parametrize(
    ("inj", "option", "w", "sout", "loc", "sub", "doubtful"),
    [
        # Variant 1
        ("100", TOTAL, NONE, "0", LIMIT, "1.1", False),
        ("100", TOTAL, NONE, "0", PRIVATE, "1.2", False),
        ("150", TOTAL, NONE, "0", LIMIT, "1.3", False),
        ("150", TOTAL, NONE, "0", PRIVATE, "1.4", False),
        ("100", SURPLUS, NEW, "60", LIMIT, "1.1", False),
        ("100", SURPLUS, NEW, "150", PRIVATE, "1.4", False),
        ("100", TOTAL, NEW, "36", LIMIT, "1.1", False),
        # Variant 2
        ("100", TOTAL, NEW, "36.1", LIMIT, "2.1", False),
        ("100", TOTAL, NEW, "60", PRIVATE, "2.2", False),
        ("150", TOTAL, NEW, "60", LIMIT, "2.3", False),
        ("100", TOTAL, NEW, "150", PRIVATE, "2.4", False),
        ("150", TOTAL, NEW, "150", LIMIT, "2.5", False),
        ("150", TOTAL, NEW, "150", PRIVATE, "2.6", False),
        # Variant 3
        ("100", TOTAL, EXISTING, "36", LIMIT, "3.1", False),
        ("100", TOTAL, EXISTING, "60", PRIVATE, "3.2", False),
        ("100", TOTAL, EXISTING, "150", LIMIT, "3.3", False),
        ("100", TOTAL, EXISTING, "150", PRIVATE, "3.4", False),
        ("150", TOTAL, EXISTING, "60", LIMIT, "3.5", False),
        ("150", TOTAL, EXISTING, "60", PRIVATE, "3.6", False),
        ("150", TOTAL, EXISTING, "150", LIMIT, "3.7", False),
        ("150", TOTAL, EXISTING, "150", PRIVATE, "3.8", False),
        # Variant 4
        ("100", SURPLUS, EXISTING, "60", LIMIT, "4.1", False),
        ("100", SURPLUS, EXISTING, "60", PRIVATE, "4.2", False),
        ("100", SURPLUS, EXISTING, "150", LIMIT, "4.3", False),
        ("100", SURPLUS, EXISTING, "150", PRIVATE, "4.4", False),
        ("150", SURPLUS, EXISTING, "60", LIMIT, "4.5", False),
        ("150", SURPLUS, EXISTING, "60", PRIVATE, "4.6", False),
        ("150", SURPLUS, EXISTING, "150", LIMIT, "4.7", False),
        ("150", SURPLUS, EXISTING, "150", PRIVATE, "4.8", False),
        # Cases the seed does not name: closest variant 1, to confirm
        ("100", TOTAL, EXISTING, "20", LIMIT, "1.1", True),
        ("100", SURPLUS, NEW, "36", LIMIT, "1.1", True),
        ("100", SURPLUS, EXISTING, "35.9", PRIVATE, "1.2", True),
    ],
)
def test_avenant_6_variant_and_sub_variant(
    inj: str,
    option: InjectionOption,
    w: Withdrawal,
    sout: str,
    loc: MeteringLocation,
    sub: str,
    doubtful: bool,
) -> None:
    dp = delivery_point(request=_request(inj, option, w, sout, loc), params=P)
    assert dp.sub_variant == sub
    assert dp.variant == int(sub.split(".")[0])
    assert dp.variant_needs_confirmation is doubtful
    assert dp.selectivity_paragraph is (sub in SELECTIVITY_SUB_VARIANTS)


def test_avenant_6_variant_2_sub_2_3_keeps_selectivity_paragraph() -> None:
    dp = delivery_point(request=_request("150", TOTAL, NEW, "60", LIMIT), params=P)
    assert dp.sub_variant == "2.3" and dp.selectivity_paragraph


def test_avenant_6_variant_3_sub_3_5_is_independent_without_selectivity_paragraph() -> None:
    dp = delivery_point(request=_request("150", TOTAL, EXISTING, "60", LIMIT), params=P)
    assert dp.sub_variant == "3.5" and not dp.selectivity_paragraph


@pytest.mark.parametrize(
    ("device", "option"),
    [
        (BreakingDevice.CIRCUIT_BREAKER, 1),
        (BreakingDevice.SWITCH_DISCONNECTOR_BREAKER, 2),
        (BreakingDevice.WITHDRAWABLE_BREAKER, 3),
    ],
)
def test_avenant_6_breaking_device_options(device: BreakingDevice, option: int) -> None:
    dp = delivery_point(request=bt_request(breaking_device=device), params=P)
    assert dp.breaking_option == option and not dp.breaking_defaulted


def test_avenant_6_breaking_device_defaults_to_option_1_to_confirm() -> None:
    dp = delivery_point(request=bt_request(), params=P)
    assert dp.breaking_option == 1 and dp.breaking_defaulted


@pytest.mark.parametrize(
    ("grouping", "option", "defaulted"),
    [
        (CutOutGrouping.GROUPED_ECP3D, 1, False),
        (CutOutGrouping.SEPARATE, 2, False),
        (None, 2, True),
    ],
)
def test_avenant_6_sub_2_4_cut_out_options(
    grouping: CutOutGrouping | None, option: int, defaulted: bool
) -> None:
    r = _request("100", TOTAL, NEW, "150", PRIVATE)
    dp = delivery_point(request=replace(r, cut_out_grouping=grouping), params=P)
    assert dp.sub_variant == "2.4"
    assert (dp.cut_out_option, dp.cut_out_defaulted) == (option, defaulted)


def test_no_cut_out_option_outside_2_2_2_4_2_6() -> None:
    r = _request("100", TOTAL, NEW, "60", LIMIT)
    assert delivery_point(request=r, params=P).cut_out_option is None


def test_delivery_point_without_injection_is_refused() -> None:
    with pytest.raises(RulesError) as caught:
        delivery_point(request=small_request(), params=P)
    assert caught.value.field == "injection_option"


def test_sub_variant_for_unknown_variant_is_refused() -> None:
    with pytest.raises(RulesError):
        sub_variant_for(5, big_inj=False, big_sout=False, private=False)


def test_remembered_delivery_points_are_bounded_and_equal_fresh_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from raccord.rules import technical_values as tvs

    requests = [
        _request(inj, option, w, sout, loc)
        for inj in ("60", "130")
        for option, w, sout in ((TOTAL, NONE, "0"), (TOTAL, NEW, "150"), (SURPLUS, EXISTING, "50"))
        for loc in (LIMIT, PRIVATE)
    ]
    first = [delivery_point(request=r, params=P) for r in requests]
    monkeypatch.setattr(tvs, "MEMO_MAX", 3)
    monkeypatch.setattr(tvs, "MEMO_BUDGET", 5)
    snapshot = tvs.technical_values(P, on=requests[0].reference_date)
    snapshot.memo.clear()
    for _ in range(3):
        assert [delivery_point(request=r, params=P) for r in requests] == first
        assert len(snapshot.memo) <= 3
