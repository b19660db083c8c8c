"""Legal clocks: CACSI 15-day rule, 3-month CRD delays, actions in working days, pauses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raccord.rules.clocks import (
    ClockRule,
    DelayUnit,
    Pause,
    add_delay,
    cacsi_may_commission,
    deadline_compute,
    is_working_day,
    offer_lapsed,
)
from raccord.rules.errors import RulesError
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.parameters import Parameter, ParameterSet


def test_given_transmission_when_cacsi_rule_then_15_calendar_days_and_explained() -> None:
    d = deadline_compute(P, rule=ClockRule.CACSI_COMMISSIONING, start=date(2026, 11, 30))
    assert d.due == date(2026, 12, 15)
    assert d.explanation == (
        "Le 15/12/2026 : 15 jours calendaires à compter de la transmission du 30/11/2026."
    )


def test_given_no_answer_and_electronic_meter_when_delay_expired_then_may_commission() -> None:
    kwargs = {"transmitted_on": date(2026, 11, 30), "electronic_meter": True, "dso_answered": False}
    assert not cacsi_may_commission(P, today=date(2026, 12, 15), **kwargs)  # type: ignore[arg-type]
    assert cacsi_may_commission(P, today=date(2026, 12, 16), **kwargs)  # type: ignore[arg-type]
    assert not cacsi_may_commission(
        P,
        transmitted_on=date(2026, 11, 30),
        today=date(2027, 1, 1),
        electronic_meter=False,
        dso_answered=False,
    )
    assert not cacsi_may_commission(
        P,
        transmitted_on=date(2026, 11, 30),
        today=date(2027, 1, 1),
        electronic_meter=True,
        dso_answered=True,
    )
    with pytest.raises(RulesError) as err:
        cacsi_may_commission(P, today=date(2026, 11, 1), **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "today"


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 10, 31), date(2027, 1, 31)),
        (date(2026, 12, 31), date(2027, 3, 31)),
    ],
)
def test_given_completeness_when_crd_clock_then_3_calendar_months(start: date, due: date) -> None:
    d = deadline_compute(P, rule=ClockRule.CRD_SENDING, start=start)
    assert d.due == due
    assert d.unit is DelayUnit.CALENDAR_MONTHS
    assert d.explanation.startswith(f"Le {due:%d/%m/%Y} : 3 mois à compter de")


def test_given_offer_sent_when_3_months_pass_without_acceptance_then_lapsed() -> None:
    sent = date(2026, 3, 10)
    assert not offer_lapsed(P, sent_on=sent, today=date(2026, 6, 10), accepted=False)
    assert offer_lapsed(P, sent_on=sent, today=date(2026, 6, 11), accepted=False)
    assert not offer_lapsed(P, sent_on=sent, today=date(2026, 9, 1), accepted=True)


def test_given_guide_example_when_action_due_then_3_working_days() -> None:
    d = deadline_compute(P, rule=ClockRule.ACTION_RESPONSE, start=date(2017, 12, 6))
    assert d.due == date(2017, 12, 11)  # « Avant le 11/12/2017 » in the CACSI guide


def test_working_days_skip_weekends_and_holidays_with_alsace_moselle_option() -> None:
    # Thu 24/12/2026 + 1 working day: Fri 25/12 is Christmas -> Mon 28/12.
    assert add_delay(date(2026, 12, 24), 1, DelayUnit.WORKING_DAYS)[0] == date(2026, 12, 28)
    # Good Friday 03/04/2026 is a holiday only in Alsace-Moselle.
    assert is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 3), subdivision="57")
    assert not is_working_day(date(2026, 12, 26), subdivision="6AE")
    assert add_delay(date(2026, 4, 2), 1, DelayUnit.WORKING_DAYS, subdivision="6AE")[0] == date(
        2026, 4, 7
    )
    with pytest.raises(RulesError) as err:
        is_working_day(date(2026, 4, 3), subdivision="75")
    assert err.value.field == "subdivision"


def test_given_pauses_when_days_then_deadline_extended_and_explained() -> None:
    pauses = [
        Pause(date(2026, 12, 1), date(2026, 12, 3)),
        Pause(date(2026, 12, 20), date(2026, 12, 21)),
    ]
    d = deadline_compute(
        P, rule=ClockRule.CACSI_COMMISSIONING, start=date(2026, 11, 30), pauses=pauses
    )
    assert d.due == date(2026, 12, 18)  # 15 + 3 ; the second pause is after the due date
    assert d.paused_days == 3
    assert d.explanation == (
        "Le 18/12/2026 : 15 jours calendaires à compter de la transmission du 30/11/2026, "
        "prolongés de 3 jours de suspension."
    )


def test_given_pauses_when_months_then_extended_by_paused_calendar_days() -> None:
    pauses = [
        Pause(date(2026, 11, 25), date(2026, 12, 2)),
        Pause(date(2027, 3, 1), date(2027, 3, 10)),
    ]
    d = deadline_compute(
        P, rule=ClockRule.OFFER_ACCEPTANCE, start=date(2026, 11, 30), pauses=pauses
    )
    # first pause counts 01/12-02/12 (2 days) -> 02/03/2027, which reaches the second pause
    # (01/03-02/03: 2 more days) -> 04/03, then 01/03-04/03 = 4 -> 06/03 ... fixed point 12/03
    assert d.due == date(2027, 3, 12)
    assert d.paused_days == 12


@pytest.mark.parametrize(
    "pauses",
    [
        [Pause(date(2026, 12, 5), date(2026, 12, 4))],
        [Pause(date(2026, 12, 1), date(2026, 12, 5)), Pause(date(2026, 12, 5), date(2026, 12, 6))],
    ],
)
def test_given_bad_pauses_when_computed_then_rules_error(pauses: list[Pause]) -> None:
    with pytest.raises(RulesError) as err:
        deadline_compute(P, rule=ClockRule.CRD_SENDING, start=date(2026, 11, 30), pauses=pauses)
    assert err.value.field == "pauses"


def test_given_date_outside_every_period_when_computed_then_rules_error() -> None:
    params = ParameterSet(
        tuple(
            replace(p, valid_from=date(2025, 1, 1)) if p.key.startswith("clock.") else p
            for p in P.parameters
        )
    )
    with pytest.raises(RulesError) as err:
        deadline_compute(params, rule=ClockRule.CRD_SENDING, start=date(2024, 1, 1))
    assert err.value.field == "clock.crd_sending.delay"


def test_given_bad_unit_parameter_when_computed_then_rules_error() -> None:
    params = ParameterSet.of(
        (p for p in P.parameters if p.key != "clock.crd_sending.unit"),
        (Parameter("clock.crd_sending.unit", "fortnights", date(2000, 1, 1), "test"),),
    )
    with pytest.raises(RulesError) as err:
        deadline_compute(params, rule=ClockRule.CRD_SENDING, start=date(2026, 1, 1))
    assert err.value.field == "clock.crd_sending.unit"


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    delay=st.integers(min_value=0, max_value=60),
    pause_start=st.integers(min_value=-10, max_value=80),
    pause_len=st.integers(min_value=1, max_value=20),
    unit=st.sampled_from(list(DelayUnit)),
)
def test_property_pause_never_shortens_and_extends_by_at_most_its_length(
    start: date, delay: int, pause_start: int, pause_len: int, unit: DelayUnit
) -> None:
    if unit is DelayUnit.CALENDAR_MONTHS:
        delay = delay % 13
    base, _ = add_delay(start, delay, unit)
    pause = Pause(
        start + timedelta(days=pause_start), start + timedelta(days=pause_start + pause_len - 1)
    )
    due, paused = add_delay(start, delay, unit, pauses=[pause])
    assert base <= due
    assert 0 <= paused <= pause_len
    if unit is not DelayUnit.WORKING_DAYS:
        assert (due - base).days == paused


def test_cacsi_commissioning_is_the_one_reading_of_the_rule() -> None:
    from raccord.rules.clocks import cacsi_commissioning

    base = {"transmitted_on": date(2026, 11, 30), "electronic_meter": True}
    # No answer (transmitted, taken in charge, complete): 15 days, allowed the day after.
    rule = cacsi_commissioning(P, today=date(2026, 12, 15), dso_answered=False, **base)  # type: ignore[arg-type]
    assert rule.applies and not rule.allowed_now
    assert rule.deadline.due == date(2026, 12, 15) and rule.allowed_from == date(2026, 12, 16)
    # Days waiting for the requester are not counted.
    pauses = [Pause(start=date(2026, 12, 2), end=date(2026, 12, 4))]
    rule = cacsi_commissioning(
        P,
        today=date(2026, 12, 18),
        dso_answered=False,
        pauses=pauses,
        **base,  # type: ignore[arg-type]
    )
    assert rule.deadline.due == date(2026, 12, 18) and not rule.allowed_now
    assert rule.allowed_from == date(2026, 12, 19)
    # An open request for items: the rule does not apply; an answer ends it; same due date.
    waiting = cacsi_commissioning(
        P,
        today=date(2027, 1, 5),
        dso_answered=False,
        waiting_requester=True,
        **base,  # type: ignore[arg-type]
    )
    answered = cacsi_commissioning(P, today=date(2027, 1, 5), dso_answered=True, **base)  # type: ignore[arg-type]
    assert waiting.applies and waiting.suspended and not waiting.allowed_now
    assert not answered.applies and not answered.allowed_now
    assert answered.deadline.due == date(2026, 12, 15)
    assert cacsi_may_commission(
        P,
        today=date(2026, 12, 19),
        dso_answered=False,
        pauses=pauses,
        **base,  # type: ignore[arg-type]
    )
