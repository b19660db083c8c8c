"""Caches per parameter set (and date), shared by the rules' speed-ups (no rule here).

A cache is a table id(set) -> (set, what is remembered for it). The set is kept alive by the
cache so that its id is never reused by another object while the entry exists; an entry is
used only when the object looked up *is* that set (``entry[0] is params``), so another set
that happens to get the same id never matches. Both levels are bounded (a process sees a
handful of sets): when a table is full it starts afresh.

Thread safety: every read is a single ``dict.get`` and every write a single store or
``clear``, each one step under the GIL; a concurrent ``clear`` makes the next call compute
again, never raise. Nothing is stored when computing raises: an error is raised again on
every call.

Speed: these look-ups run several times per dossier, so the look-up is a function made once
per cache (a closure over the table and the computation, attribute ``get`` / ``entry``) rather
than a method: a call costs what the hand-written function it replaces cost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Final, Generic, TypeVar

S = TypeVar("S")  # the parameter set (any object: only its identity counts)
V = TypeVar("V")  # what is remembered per set
T = TypeVar("T")  # what is remembered per set and date


class _Missing(Enum):
    MISSING = 0


_MISSING: Final = _Missing.MISSING  # not remembered (``None`` may be a remembered value)


class _Table(Generic[S, V]):
    """The table id(set) -> (set, value), at most ``max_sets`` sets."""

    __slots__ = ("_max_sets", "_sets")

    def __init__(self, *, max_sets: int) -> None:
        self._sets: dict[int, tuple[S, V]] = {}
        self._max_sets = max_sets

    def _add(self, params: S, value: V) -> V:
        """Remember ``value`` for ``params`` (the table starts afresh when full)."""
        sets = self._sets
        if len(sets) >= self._max_sets:
            sets.clear()
        sets[id(params)] = (params, value)
        return value

    def __len__(self) -> int:
        return len(self._sets)

    def values(self) -> list[tuple[S, V]]:
        """The entries (set, value): a copy, made in one step, safe to iterate meanwhile."""
        return list(self._sets.values())


class SetCache(_Table[S, V]):
    """id(set) -> (set, value): ``entry(params)`` is ``make(params)``, made once per set."""

    __slots__ = ("entry",)

    def __init__(self, make: Callable[[S], V], *, max_sets: int) -> None:
        super().__init__(max_sets=max_sets)
        sets = self._sets
        add = self._add

        def entry(params: S) -> V:
            found = sets.get(id(params))
            if found is not None and found[0] is params:
                return found[1]
            return add(params, make(params))

        self.entry: Callable[[S], V] = entry


class DatedCache(_Table[S, dict[date, T]]):
    """id(set) -> (set, {date: value}): ``get(params, on)`` is ``compute(params, on)``.

    At most ``max_sets`` sets and ``max_dates`` dates per set. A computed value is remembered
    whatever it is, ``None`` included (a "not usable" marker); an error is not.
    """

    __slots__ = ("get",)

    def __init__(self, compute: Callable[[S, date], T], *, max_sets: int, max_dates: int) -> None:
        super().__init__(max_sets=max_sets)
        sets = self._sets
        add = self._add

        def get(params: S, on: date) -> T:
            found = sets.get(id(params))
            if found is not None and found[0] is params:
                by_date = found[1]
                known = by_date.get(on, _MISSING)
                if known is not _MISSING:
                    return known
            else:
                by_date = add(params, {})
            value = compute(params, on)
            if len(by_date) >= max_dates:
                by_date.clear()
            by_date[on] = value
            return value

        self.get: Callable[[S, date], T] = get
