"""Avenant § 7: cost lines, réfaction, VAT, S3REnR quote-part, Mandataire, deposit, formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord.rules.errors import RulesError
from raccord.rules.money import (
    NARROW_NBSP,
    NBSP,
    ContributionRequest,
    CostCategory,
    CostLine,
    QuotePartRequest,
    contribution_compute,
    format_eur,
    format_kva,
    mandataire_refaction_payable,
    refaction_rate,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS as P

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
