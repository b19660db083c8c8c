"""Avenant § 7: cost lines, réfaction, VAT, S3REnR quote-part, Mandataire, deposit, formats."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord.rules import money
from raccord.rules.errors import RulesError
from raccord.rules.money import (
    NARROW_NBSP,
    NBSP,
    Contribution,
    ContributionRequest,
    CostCategory,
    CostLine,
    PricedLine,
    QuotePartRequest,
    contribution_compute,
    format_eur,
    format_kva,
    mandataire_refaction_payable,
    refaction_rate,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.parameters import Parameter, ParameterSet

D = Decimal
ON = date(2026, 6, 1)


def request(**overrides: object) -> ContributionRequest:
    base: dict[str, object] = {
        "on": ON,
        "lines": (
            CostLine(CostCategory.PRIVATE_DOMAIN, D("1000.00")),
            CostLine(CostCategory.BRANCH, D("2000.00")),
            CostLine(CostCategory.BT_NETWORK, D("12345.67")),
        ),
        "refaction_power_kw": D("100"),
        "pracc_inj_kva": D("100"),
        "deposit_percent": D("30"),
    }
    base.update(overrides)
    return ContributionRequest(**base)  # type: ignore[arg-type]


def test_given_2022_rules_when_small_installation_then_refaction_60_percent() -> None:
    assert refaction_rate(P, on=ON, power_kw=D("250")) == D("0.60")
    assert refaction_rate(P, on=ON, power_kw=D("500")) == D("0.60")
    assert refaction_rate(P, on=ON, power_kw=D("500.1")) == D("0.40")


def test_given_2017_rules_when_any_power_then_refaction_40_percent() -> None:
    assert refaction_rate(P, on=date(2020, 1, 1), power_kw=D("100")) == D("0.40")
    assert refaction_rate(P, on=date(2022, 3, 21), power_kw=D("100")) == D("0.40")
    assert refaction_rate(P, on=date(2022, 3, 22), power_kw=D("100")) == D("0.60")


def test_given_date_before_every_period_when_rate_then_rules_error() -> None:
    with pytest.raises(RulesError) as err:
        refaction_rate(P, on=date(2010, 1, 1), power_kw=D("100"))
    assert err.value.field.startswith("refaction.")
    assert "2010" in err.value.message


def test_given_lines_when_computed_then_worked_example_to_the_cent() -> None:
    c = contribution_compute(P, request=request())
    private, branch, bt = c.lines
    assert private.refaction_ht == D("0.00") and private.billed_ht == D("1000.00")
    assert branch.refaction_ht == D("1200.00") and branch.billed_ht == D("800.00")
    # 12345.67 * 0.6 = 7407.402 -> 7407.40 ; billed 4938.27
    assert bt.refaction_ht == D("7407.40") and bt.billed_ht == D("4938.27")
    assert c.total_ht == D("6738.27")
    assert c.vat == D("1347.65")  # 1347.654
    assert c.total_ttc == D("8085.92")
    assert c.deposit_ttc == D("2425.78")  # 2425.776
    assert c.balance_ttc == D("5660.14")


def test_given_local_authority_when_computed_then_no_deposit_whole_amount_at_completion() -> None:
    c = contribution_compute(P, request=request(local_authority=True, deposit_percent=None))
    assert c.deposit_ttc == 0 and c.balance_ttc == c.total_ttc
    with pytest.raises(RulesError) as err:
        contribution_compute(P, request=request(local_authority=True, deposit_percent=D("30")))
    assert err.value.field == "deposit_percent"


def test_given_below_250_kva_not_grouped_when_quote_part_then_exempt() -> None:
    qp = QuotePartRequest(region="Occitanie", refaction_applies=True)
    c = contribution_compute(P, request=request(quote_part=qp, pracc_inj_kva=D("249.9")))
    assert c.quote_part is not None and c.quote_part.exempt and c.quote_part.billed_ht == 0


def test_given_grouped_installation_when_quote_part_then_mw_times_rate_with_refaction() -> None:
    qp = QuotePartRequest(region="occitanie", refaction_applies=True, grouped=True)
    c = contribution_compute(P, request=request(quote_part=qp, pracc_inj_kva=D("200")))
    assert c.quote_part is not None
    # 0.2 MW * 77.55 k€/MW = 15 510.00 € ; réfaction 60 % = 9 306.00
    assert c.quote_part.gross_ht == D("15510.00")
    assert c.quote_part.refaction_ht == D("9306.00")
    assert c.total_ht == D("6738.27") + D("6204.00")


def test_given_quote_part_before_approval_when_computed_then_rules_error() -> None:
    qp = QuotePartRequest(region="occitanie", refaction_applies=False, grouped=True)
    with pytest.raises(RulesError):
        contribution_compute(P, request=request(quote_part=qp, on=date(2022, 12, 29)))
    with pytest.raises(RulesError):
        contribution_compute(P, request=request(quote_part=QuotePartRequest("atlantide", False)))


def test_given_mandataire_works_when_computed_then_refaction_capped_by_reference_offer() -> None:
    m = (
        CostLine(CostCategory.BT_NETWORK, D("10000.00")),
        CostLine(CostCategory.PRIVATE_DOMAIN, D("500.00")),
    )
    c = contribution_compute(P, request=request(mandataire_lines=m))
    assert c.mandataire is not None
    assert c.mandataire.cap_ht == D("6000.00")
    assert c.mandataire.reference_offer_ht == D("15345.67") + D("10500.00")
    payable = mandataire_refaction_payable(
        cap_ht=D("6000.00"), rate=D("0.6"), actual_works_ht=D("12000")
    )
    assert payable == D("6000.00")
    payable = mandataire_refaction_payable(
        cap_ht=D("6000.00"), rate=D("0.6"), actual_works_ht=D("9000")
    )
    assert payable == D("5400.00")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lines": (CostLine(CostCategory.BRANCH, D("-1.00")),)}, "lines[0]"),
        ({"lines": (CostLine(CostCategory.BRANCH, None),)}, "lines[0]"),
        ({"lines": (CostLine(CostCategory.BRANCH, D("1.001")),)}, "lines[0]"),
        ({"lines": ()}, "lines"),
        ({"deposit_percent": D("100.01")}, "deposit_percent"),
        ({"deposit_percent": D("-1")}, "deposit_percent"),
        ({"deposit_percent": None}, "deposit_percent"),
        ({"refaction_power_kw": D("-1")}, "refaction_power_kw"),
        ({"pracc_inj_kva": D("-1")}, "pracc_inj_kva"),
    ],
)
def test_given_bad_input_when_computed_then_rules_error_names_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(RulesError) as err:
        contribution_compute(P, request=request(**overrides))
    assert err.value.field == field
    assert err.value.message


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c) / 100)
lines_st = st.lists(
    st.builds(CostLine, st.sampled_from(list(CostCategory)), cents), min_size=1, max_size=8
)
percent_st = st.integers(min_value=0, max_value=10000).map(lambda c: D(c) / 100)


@settings(max_examples=300, deadline=None)
@given(
    lines=lines_st,
    pct=percent_st,
    power=st.integers(min_value=0, max_value=1000),
    on=st.dates(min_value=date(2017, 11, 30), max_value=date(2030, 12, 31)),
    local=st.booleans(),
)
def test_property_lines_add_up_and_totals_are_consistent(
    lines: list[CostLine], pct: Decimal, power: int, on: date, local: bool
) -> None:
    c = contribution_compute(
        P,
        request=ContributionRequest(
            on=on,
            lines=tuple(lines),
            refaction_power_kw=D(power),
            pracc_inj_kva=D(power),
            deposit_percent=None if local else pct,
            local_authority=local,
        ),
    )
    for line in c.lines:
        assert line.gross_ht == line.refaction_ht + line.billed_ht
        assert line.billed_ht >= 0 and line.refaction_ht >= 0
        assert line.billed_ht == line.billed_ht.quantize(D("0.01"))
        if line.category is CostCategory.PRIVATE_DOMAIN:
            assert line.refaction_ht == 0
    assert c.total_ht == sum(line.billed_ht for line in c.lines)
    assert c.total_ht + c.vat == c.total_ttc
    assert c.deposit_ttc + c.balance_ttc == c.total_ttc
    for amount in (c.total_ht, c.vat, c.total_ttc, c.deposit_ttc, c.balance_ttc):
        assert amount >= 0
        assert amount == amount.quantize(D("0.01"))
    assert abs(c.vat - c.total_ht * c.vat_rate) <= D("0.005")


def test_format_eur_uses_narrow_nbsp_thousands_and_decimal_comma() -> None:
    assert format_eur(D("1234.56")) == f"1{NARROW_NBSP}234,56{NBSP}€"
    assert format_eur(D("0")) == f"0,00{NBSP}€"
    assert format_eur(D("1234567.005")) == f"1{NARROW_NBSP}234{NARROW_NBSP}567,01{NBSP}€"
    assert format_eur(D("-12.5")) == f"-12,50{NBSP}€"
    assert format_eur(D("999.999")) == f"1{NARROW_NBSP}000,00{NBSP}€"


def test_format_kva_drops_trailing_zeros() -> None:
    assert format_kva(D("36")) == f"36{NBSP}kVA"
    assert format_kva(D("36.50")) == f"36,5{NBSP}kVA"
    assert format_kva(D("1250")) == f"1{NARROW_NBSP}250{NBSP}kVA"
    assert format_kva(D("1E+3")) == f"1{NARROW_NBSP}000{NBSP}kVA"
    with pytest.raises(RulesError):
        format_kva(D("NaN"))


# The fast paths of contribution_compute (rates cached per parameter set and date, usual lines
# priced inline, results built through mutable twins) must give what the checked path gives.


def test_result_twins_have_the_slots_and_annotations_of_the_frozen_dataclasses() -> None:
    twins = ((money._PricedLineDraft, PricedLine), (money._ContributionDraft, Contribution))
    for twin, cls in twins:
        names = tuple(f.name for f in fields(cls))
        assert twin.__slots__ == names
        assert tuple(twin.__annotations__) == names
    built = money._priced_line(CostCategory.BRANCH, "x", D("10.00"), D("0.6"), D("6.00"), D("4.00"))
    plain = PricedLine(CostCategory.BRANCH, "x", D("10.00"), D("0.6"), D("6.00"), D("4.00"))
    assert type(built) is PricedLine
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    with pytest.raises(FrozenInstanceError):
        built.label = "y"  # type: ignore[misc]
    c = contribution_compute(P, request=request())
    assert type(c) is Contribution
    assert c == Contribution(*(getattr(c, f.name) for f in fields(Contribution)))
    with pytest.raises(FrozenInstanceError):
        c.vat = D("0")  # type: ignore[misc]


@pytest.mark.parametrize(
    "amount", [D("0"), D("0.00"), D("-0.00"), D("-0"), D("12.3"), D("30"), D("1E+2"), D("5.000")]
)
@pytest.mark.parametrize("category", list(CostCategory))
def test_given_any_valid_amount_when_priced_then_same_as_the_checked_line(
    amount: Decimal, category: CostCategory
) -> None:
    line = CostLine(category, amount)
    for rate in (D("0.60"), D("0.40"), D("0"), D("1")):
        (fast,) = money.price_lines((line,), rate=rate)
        checked = money._price(line, rate, "lines", 0)
        assert fast == checked
        assert [str(getattr(fast, f.name)) for f in fields(PricedLine)] == [
            str(getattr(checked, f.name)) for f in fields(PricedLine)
        ]


def _without(key: str, *extra: Parameter) -> ParameterSet:
    return ParameterSet(tuple(p for p in P.parameters if p.key != key) + extra)


def test_given_vat_missing_on_the_date_when_computed_then_line_errors_come_first() -> None:
    params = _without(
        "vat.rate", Parameter("vat.rate", D("0.20"), date(2014, 1, 1), "t", date(2025, 12, 31))
    )
    with pytest.raises(RulesError) as err:
        contribution_compute(params, request=request())
    assert err.value.field == "vat.rate" and "01/06/2026" in err.value.message
    bad = request(lines=(CostLine(CostCategory.BRANCH, D("1.001")),))
    for _ in range(2):  # the second time from the cache of the (set, date)
        with pytest.raises(RulesError) as err:
            contribution_compute(params, request=bad)
        assert err.value.field == "lines[0]"
    assert contribution_compute(params, request=request(on=date(2025, 1, 1))).vat_rate == D("0.20")


def test_given_negative_vat_or_rate_out_of_range_when_computed_then_rules_error() -> None:
    params = _without("vat.rate", Parameter("vat.rate", D("-0.1"), date(2014, 1, 1), "t"))
    for _ in range(2):
        with pytest.raises(RulesError) as err:
            contribution_compute(params, request=request())
        assert err.value.field == "vat.rate"
    params = _without(
        "refaction.rate_above_threshold",
        Parameter("refaction.rate_above_threshold", D("1.5"), date(2017, 11, 30), "t"),
    )
    # Up to the threshold the rate in force is valid: only the power above it fails.
    assert contribution_compute(params, request=request()).refaction_rate == D("0.60")
    with pytest.raises(RulesError) as err:
        contribution_compute(params, request=request(refaction_power_kw=D("501")))
    assert err.value.field == "refaction.rate_above_threshold"


def test_rates_cache_is_bounded() -> None:
    start = date(2023, 1, 1)
    for day in range(money._CACHE_MAX_DATES + 10):
        contribution_compute(P, request=request(on=start + timedelta(days=day)))
    assert all(len(dates) <= money._CACHE_MAX_DATES for _, dates in money._RATES.values())
    for _ in range(money._CACHE_MAX_SETS + 2):
        contribution_compute(ParameterSet(P.parameters), request=request())
    assert len(money._RATES) <= money._CACHE_MAX_SETS
