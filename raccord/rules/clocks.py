"""Legal clocks: due dates of the CACSI 15-day rule, the CRD 3-month delays and actions.

Conventions (see ``docs/rules/models.md``), after the Code de procédure civile art. 641:

* the day of the starting event does not count; a delay in days ends at the end of the last
  day counted (``due``); for the CACSI rule, commissioning is possible from the day after
  ``due`` (« après expiration du délai »);
* calendar days count every day; working days (*jours ouvrés*) count Monday to Friday except
  French public holidays (``holidays`` library, metropolitan France, optionally the
  Alsace-Moselle subdivision ``"57"`` or ``"6AE"``);
* a delay in months ends on the day with the same number in the last month, or the last day of
  that month when it has no such day (30/11 + 3 months = 28/02 or 29/02);
* pauses (the dossier waits for the requester) are inclusive date intervals; a paused day is
  not counted (days) or extends the due date by one calendar day (months); only paused days
  after the starting day and up to the (extended) due date count;
* the due date is not moved off a weekend or holiday (these are contractual delays, not
  procedural ones).

Inputs are local (Europe/Paris) dates; the caller converts aware datetimes.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.parameters import ParameterSet


class DelayUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    CALENDAR_MONTHS = "calendar_months"


class ClockRule(StrEnum):
    """The legal clocks the seeds define (parameter keys ``clock.<rule>.*``)."""

    CACSI_COMMISSIONING = "cacsi_commissioning"
    """CACSI guide: commissioning allowed 15 days after transmission without answer."""
    CRD_SENDING = "crd_sending"
    """Avenant § 1: the DSO sends the CRD within 3 months of a complete request."""
    OFFER_ACCEPTANCE = "offer_acceptance"
    """Avenant § 2.2.1: the offer is valid 3 months from sending, then lapses."""
    ACTION_RESPONSE = "action_response"
    """CACSI guide, « Mes actions »: due date of an action asked of the producer."""


SUBDIVISIONS: frozenset[str] = frozenset({"57", "6AE"})
"""Accepted ``holidays`` subdivisions: Moselle and Alsace (Bas-Rhin, Haut-Rhin)."""

_UNIT_WORDS = {
    DelayUnit.CALENDAR_DAYS: ("jour calendaire", "jours calendaires"),
    DelayUnit.WORKING_DAYS: ("jour ouvré", "jours ouvrés"),
    DelayUnit.CALENDAR_MONTHS: ("mois", "mois"),
}


@fast_init
@dataclass(frozen=True, slots=True)
class Pause:
    """The clock is suspended from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@fast_init
@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed due date and the French sentence that explains it."""

    start: date
    due: date
    delay: int
    unit: DelayUnit
    paused_days: int
    explanation: str

    def is_past(self, on: date) -> bool:
        """True when ``on`` is after the due date (the delay has expired)."""
        return on > self.due


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@lru_cache(maxsize=8)
def _holidays(subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", subdiv=subdivision)


def is_working_day(day: date, *, subdivision: str | None = None) -> bool:
    """Monday to Friday except French public holidays (jours ouvrés): clocks in working days."""
    _check_subdivision(subdivision)
    return day.weekday() < 5 and day not in _holidays(subdivision)


def _check_subdivision(subdivision: str | None) -> None:
    if subdivision is not None and subdivision not in SUBDIVISIONS:
        raise RulesError(
            "subdivision",
            "Subdivision inconnue : « 57 » (Moselle) ou « 6AE » (Alsace) sont acceptées.",
        )


def _check_pauses(pauses: Sequence[Pause]) -> tuple[Pause, ...]:
    for p in pauses:
        if p.end < p.start:
            raise RulesError(
                "pauses",
                f"La suspension du {_fmt(p.start)} se termine avant de commencer ({_fmt(p.end)}).",
            )
    ordered = tuple(sorted(pauses, key=lambda p: p.start))
    for a, b in itertools.pairwise(ordered):
        if b.start <= a.end:
            raise RulesError(
                "pauses",
                f"Les suspensions du {_fmt(a.start)} au {_fmt(a.end)} et du {_fmt(b.start)} au "
                f"{_fmt(b.end)} se chevauchent.",
            )
    return ordered


def _add_months(start: date, months: int) -> date:
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _paused(day: date, pauses: tuple[Pause, ...]) -> bool:
    return any(p.start <= day <= p.end for p in pauses)


def add_delay(
    start: date,
    delay: int,
    unit: DelayUnit,
    *,
    pauses: Sequence[Pause] = (),
    subdivision: str | None = None,
) -> tuple[date, int]:
    """Due date of ``delay`` ``unit`` counted from ``start`` and the number of paused days used.

    Implements the counting conventions of the module docstring (used for the CACSI 15-day
    rule and the Avenant § 1 / § 2.2.1 three-month delays). Raises :class:`RulesError` for a
    negative delay, pauses that overlap or end before they start, or an unknown subdivision.
    """
    if delay < 0:
        raise RulesError("delay", "Le délai ne peut pas être négatif.")
    _check_subdivision(subdivision)
    ordered = _check_pauses(pauses)
    if unit is DelayUnit.CALENDAR_MONTHS:
        due = _add_months(start, delay)
        counted = 0
        while True:
            paused = sum(
                (min(p.end, due) - max(p.start, start + timedelta(days=1))).days + 1
                for p in ordered
                if p.end > start and p.start <= due
            )
            if paused == counted:
                return due, paused
            due += timedelta(days=paused - counted)
            counted = paused
    day = start
    remaining = delay
    paused = 0
    while remaining > 0:
        day += timedelta(days=1)
        if _paused(day, ordered):
            paused += 1
            continue
        if unit is DelayUnit.WORKING_DAYS and not is_working_day(day, subdivision=subdivision):
            continue
        remaining -= 1
    return day, paused


def explain(
    *, due: date, start: date, delay: int, unit: DelayUnit, paused_days: int, start_event: str
) -> str:
    """One French sentence explaining a due date (e.g. for the CACSI 15-day rule).

    « Le 15/12/2026 : 15 jours calendaires à compter de la transmission du 30/11/2026. »
    """
    singular, plural = _UNIT_WORDS[unit]
    words = singular if delay == 1 else plural
    sentence = f"Le {_fmt(due)} : {delay} {words} à compter de {start_event} du {_fmt(start)}"
    if paused_days:
        suffix = "jour" if paused_days == 1 else "jours"
        sentence += f", prolongés de {paused_days} {suffix} de suspension"
    return sentence + "."


def deadline_compute(
    params: ParameterSet,
    *,
    rule: ClockRule,
    start: date,
    pauses: Sequence[Pause] = (),
    subdivision: str | None = None,
) -> Deadline:
    """Due date of a legal clock with its explanation.

    ``rule`` selects the delay, its unit and the name of the starting event from the
    parameters ``clock.<rule>.delay|unit|from`` in force on ``start``: CACSI guide (15 days
    from transmission, commissioning allowed after), Avenant § 1 (3 months to send the CRD from
    completeness) and § 2.2.1 (3 months to accept, lapse after), actions (« Avant le »).
    """
    delay = params.integer(f"clock.{rule}.delay", on=start)
    raw_unit = params.value(f"clock.{rule}.unit", on=start)
    try:
        unit = DelayUnit(str(raw_unit))
    except ValueError:
        raise RulesError(
            f"clock.{rule}.unit", f"Unité de délai inconnue : « {raw_unit} »."
        ) from None
    start_event = str(params.value(f"clock.{rule}.from", on=start))
    due, paused = add_delay(start, delay, unit, pauses=pauses, subdivision=subdivision)
    return Deadline(
        start=start,
        due=due,
        delay=delay,
        unit=unit,
        paused_days=paused,
        explanation=explain(
            due=due,
            start=start,
            delay=delay,
            unit=unit,
            paused_days=paused,
            start_event=start_event,
        ),
    )


def cacsi_may_commission(
    params: ParameterSet,
    *,
    transmitted_on: date,
    today: date,
    electronic_meter: bool,
    dso_answered: bool,
    pauses: Sequence[Pause] = (),
) -> bool:
    """CACSI guide « Rappel »: without an answer from the DSO and with an electronic meter, the
    producer may commission after the 15-day delay from transmission has expired.
    """
    if today < transmitted_on:
        raise RulesError("today", "La date du jour précède la transmission de la demande.")
    if dso_answered or not electronic_meter:
        return False
    deadline = deadline_compute(
        params, rule=ClockRule.CACSI_COMMISSIONING, start=transmitted_on, pauses=pauses
    )
    return deadline.is_past(today)


def offer_lapsed(
    params: ParameterSet,
    *,
    sent_on: date,
    today: date,
    accepted: bool,
    pauses: Sequence[Pause] = (),
) -> bool:
    """Avenant § 2.2.1: an offer not accepted within its 3-month validity lapses, no extension."""
    if accepted:
        return False
    deadline = deadline_compute(
        params, rule=ClockRule.OFFER_ACCEPTANCE, start=sent_on, pauses=pauses
    )
    return deadline.is_past(today)
