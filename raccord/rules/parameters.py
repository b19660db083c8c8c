"""Dated regulatory parameters (rates, thresholds, accepted standards, delays).

Every regulatory value is a :class:`Parameter` with a validity period and a source. A dossier is
evaluated with the parameters in force at its reference date: ``params.value(key, on=date)``.
The core never stores parameters; the caller passes a :class:`ParameterSet` (the web layer
builds it from the database, where the operator edits them). :data:`DEFAULT_PARAMETERS` is the
shipped set, with the values and sources of ``shared/domain.md``; the operator's copy starts
from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from raccord.rules._cache import SetCache
from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError

ParameterValue = Decimal | int | str | bool | tuple[str, ...]


@fast_init
@dataclass(frozen=True, slots=True)
class Parameter:
    """One value of one regulatory parameter over one period.

    ``valid_from`` is inclusive; ``valid_until`` is inclusive too, ``None`` means open-ended.
    """

    key: str
    value: ParameterValue
    valid_from: date
    source: str
    valid_until: date | None = None
    label: str = ""
    unit: str = ""

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@fast_init
@dataclass(frozen=True, slots=True)
class ParameterSet:
    """An immutable collection of dated parameters, looked up by key and date."""

    parameters: tuple[Parameter, ...]

    @classmethod
    def of(cls, *groups: Iterable[Parameter]) -> ParameterSet:
        return cls(tuple(p for group in groups for p in group))

    def get(self, key: str, *, on: date) -> Parameter:
        """The parameter ``key`` in force on ``on``.

        Raises :class:`RulesError` (field ``key``) when no period covers the date, or when two
        periods overlap on it (an ambiguous set is refused rather than guessed).
        """
        periods = _entry(self)[0].get(key)
        if periods is None:
            raise RulesError(key, f"Le paramètre « {key} » n'existe pas.")
        if len(periods) == 1 and periods[0].in_force(on):
            return periods[0]
        matches = [p for p in periods if p.in_force(on)]
        if not matches:
            raise RulesError(
                key,
                f"Aucune valeur du paramètre « {key} » n'est en vigueur le "
                f"{on.strftime('%d/%m/%Y')}.",
            )
        if len(matches) > 1:
            raise RulesError(
                key,
                f"Plusieurs valeurs du paramètre « {key} » sont en vigueur le "
                f"{on.strftime('%d/%m/%Y')} : les périodes se chevauchent.",
            )
        return matches[0]

    def value(self, key: str, *, on: date) -> ParameterValue:
        return self.get(key, on=on).value

    def decimal(self, key: str, *, on: date) -> Decimal:
        decimals = _entry(self)[1]
        found = decimals.get((key, on))
        if found is not None:
            return found
        value = self.value(key, on=on)
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise RulesError(key, f"Le paramètre « {key} » n'est pas un nombre.")
        number = Decimal(value)
        if len(decimals) >= _MAX_DECIMALS:
            decimals.clear()
        decimals[key, on] = number
        return number

    def integer(self, key: str, *, on: date) -> int:
        value = self.value(key, on=on)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RulesError(key, f"Le paramètre « {key} » n'est pas un nombre entier.")
        return value

    def strings(self, key: str, *, on: date) -> tuple[str, ...]:
        value = self.value(key, on=on)
        if not isinstance(value, tuple):
            raise RulesError(key, f"Le paramètre « {key} » n'est pas une liste.")
        return value

    def keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.parameters)

    def overlaps(self) -> list[tuple[Parameter, Parameter]]:
        """Pairs of periods of the same key that overlap (for validating an edited set)."""
        found: list[tuple[Parameter, Parameter]] = []
        by_key: dict[str, list[Parameter]] = {}
        for p in self.parameters:
            by_key.setdefault(p.key, []).append(p)
        for group in by_key.values():
            ordered = sorted(group, key=lambda p: p.valid_from)
            for a, b in pairwise(ordered):
                if a.valid_until is None or a.valid_until >= b.valid_from:
                    found.append((a, b))
        return found


# id(set) -> (set, ({key: periods in the set's order}, {(key, date): Decimal})): the index that
# makes ``get`` a dict look-up instead of a scan of every parameter, and the numbers already
# read (only values found are kept: a missing or ambiguous parameter raises on every call). The
# set is kept alive by the cache so that its id is never reused by another object; the cache is
# bounded (a process sees a handful of sets).
_Entry = tuple[dict[str, tuple[Parameter, ...]], dict[tuple[str, date], Decimal]]
_MAX_SETS = 16
_MAX_DECIMALS = 4096


def _index(params: ParameterSet) -> _Entry:
    grouped: dict[str, list[Parameter]] = {}
    for p in params.parameters:
        grouped.setdefault(p.key, []).append(p)
    return {key: tuple(group) for key, group in grouped.items()}, {}


_ENTRIES: SetCache[ParameterSet, _Entry] = SetCache(_index, max_sets=_MAX_SETS)
_entry = _ENTRIES.entry


def _default_set() -> ParameterSet:
    from raccord.rules.defaults_economic import ECONOMIC_PARAMETERS
    from raccord.rules.defaults_technical import TECHNICAL_PARAMETERS

    return ParameterSet.of(TECHNICAL_PARAMETERS, ECONOMIC_PARAMETERS)


DEFAULT_PARAMETERS: ParameterSet = _default_set()
