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


@fast_init
@dataclass(frozen=True, slots=True)
class CacsiCommissioning:
    """The CACSI 15-day rule for one dossier on one day (see :func:`cacsi_commissioning`)."""

    deadline: Deadline
    """End of the delay (``due``), extended by the days spent waiting for the requester."""
    allowed_from: date
    """First day the producer may commission: the day after ``deadline.due``."""
    applies: bool
    """The rule concerns the dossier: electronic meter and no answer from the operator."""
    suspended: bool
    """A request for items is open: the producer may not rely on the rule meanwhile."""
    allowed_now: bool
    """``applies``, not ``suspended``, and the delay has expired on ``today``."""


def cacsi_commissioning(
    params: ParameterSet,
    *,
    transmitted_on: date,
    today: date,
    electronic_meter: bool,
    dso_answered: bool,
    waiting_requester: bool = False,
    pauses: Sequence[Pause] = (),
) -> CacsiCommissioning:
    """The one reading of the CACSI 15-day rule used everywhere (Suivi tab, API, clocks job,
    operator's due date).

    The seed (``cacsi-enedis-connect-guide.txt``, « Comment suivre l'avancement de votre
    CACSI ? », « Rappel ») says: « Sans réponse d'Enedis et si votre compteur est déjà de type
    électronique (affichage numérique), vous pouvez réaliser votre MES après expiration d'un
    délai 15 de jours à compter de la transmission de votre demande ». Read as follows:

    * **start**: the transmission of the request (« à compter de la transmission »), its local
      date; the day of transmission does not count;
    * **delay**: ``clock.cacsi_commissioning`` (15 calendar days); commissioning is possible
      from the day after the due date (« après expiration du délai »);
    * **« réponse d'Enedis »** is the operator's answer *on the request*: the acceptance of the
      convention (the rule sits right after « Une fois validée par Enedis … vous pouvez …
      réaliser votre mise en service »), a refusal, or a closure. « Prise en charge » and
      « Complète » are progress milestones (the seed lists them apart from « Acceptation
      Enedis »), not answers: otherwise taking a dossier in charge on day 1 would void the
      rule. ``dso_answered`` is True once such an answer was given;
    * **a request for items** suspends the rule for as long as it is open
      (``waiting_requester``): the producer may not rely on it while asked to complete the
      request; once the requester answers, the days spent waiting are not counted (``pauses``
      extend the delay) — the delay stays 15 days of the operator's time « à compter de la
      transmission »;
    * **meter**: without an electronic meter the rule never applies (the operator's due date
      is still ``deadline``).

    The same ``deadline`` is the operator's due date for a CACSI that has no answer yet.
    """
    if today < transmitted_on:
        raise RulesError("today", "La date du jour précède la transmission de la demande.")
    deadline = deadline_compute(
        params,
        rule=ClockRule.CACSI_COMMISSIONING,
        start=transmitted_on,
        pauses=[p for p in pauses if p.end > transmitted_on],
    )
    applies = electronic_meter and not dso_answered
    return CacsiCommissioning(
        deadline=deadline,
        allowed_from=deadline.due + timedelta(days=1),
        applies=applies,
        suspended=applies and waiting_requester,
        allowed_now=applies and not waiting_requester and deadline.is_past(today),
    )


def cacsi_may_commission(
    params: ParameterSet,
    *,
    transmitted_on: date,
    today: date,
    electronic_meter: bool,
    dso_answered: bool,
    waiting_requester: bool = False,
    pauses: Sequence[Pause] = (),
) -> bool:
    """True when the 15-day rule lets the producer commission on ``today``
    (:func:`cacsi_commissioning`, the one reading of the rule).
    """
    return cacsi_commissioning(
        params,
        transmitted_on=transmitted_on,
        today=today,
        electronic_meter=electronic_meter,
        dso_answered=dso_answered,
        waiting_requester=waiting_requester,
        pauses=pauses,
    ).allowed_now


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
