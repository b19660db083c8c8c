"""The caches per parameter set (and date) of raccord.rules._cache."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest

from raccord.rules._cache import DatedCache, SetCache

D = date(2024, 1, 1)


class Set:
    """A stand-in for a parameter set: only its identity counts."""


def counting_dated(
    *, max_sets: int = 4, max_dates: int = 8
) -> tuple[DatedCache[Set, tuple[int, date]], list[tuple[Set, date]]]:
    calls: list[tuple[Set, date]] = []

    def compute(params: Set, on: date) -> tuple[int, date]:
        calls.append((params, on))
        return len(calls), on

    return DatedCache(compute, max_sets=max_sets, max_dates=max_dates), calls


def test_dated_cache_remembers_per_set_and_date() -> None:
    cache, calls = counting_dated()
    a, b = Set(), Set()
    first = cache.get(a, D)
    assert cache.get(a, D) is first
    assert cache.get(a, D + timedelta(days=1)) == (2, D + timedelta(days=1))
    assert cache.get(b, D) == (3, D)
    assert cache.get(a, D) is first
    assert len(calls) == 3
    assert len(cache) == 2


def test_dated_cache_remembers_none() -> None:
    calls: list[date] = []

    def compute(_params: Set, on: date) -> int | None:
        calls.append(on)
        return None

    cache: DatedCache[Set, int | None] = DatedCache(compute, max_sets=2, max_dates=2)
    params = Set()
    assert cache.get(params, D) is None
    assert cache.get(params, D) is None
    assert calls == [D]


def test_dated_cache_does_not_remember_errors() -> None:
    calls: list[date] = []

    def compute(_params: Set, on: date) -> int:
        calls.append(on)
        if len(calls) < 3:
            raise ValueError("not yet")
        return len(calls)

    cache: DatedCache[Set, int] = DatedCache(compute, max_sets=2, max_dates=2)
    params = Set()
    for _ in range(2):
        with pytest.raises(ValueError, match="not yet"):
            cache.get(params, D)
    assert cache.get(params, D) == 3
    assert cache.get(params, D) == 3
    assert len(calls) == 3


def test_dated_cache_is_bounded() -> None:
    cache, calls = counting_dated(max_sets=3, max_dates=5)
    params = Set()
    for day in range(12):
        cache.get(params, D + timedelta(days=day))
    assert all(len(dates) <= 5 for _, dates in cache.values())
    sets = [Set() for _ in range(7)]
    for other in sets:
        cache.get(other, D)
    assert len(cache) <= 3
    assert len(calls) == 12 + 7


def test_dated_cache_keeps_the_set_alive() -> None:
    cache, _calls = counting_dated()
    cache.get(Set(), D)  # no other reference: the cache keeps it
    gc.collect()
    ((kept, dates),) = cache.values()
    assert isinstance(kept, Set)
    assert list(dates) == [D]


def test_another_set_with_the_same_id_never_matches() -> None:
    cache, calls = counting_dated()
    params = Set()
    cache.get(params, D)
    # Forge what a reused id would look like: the entry of ``params`` filed under the id of
    # another set. The entry is not that set's: it must be computed, not read.
    other = Set()
    cache._sets[id(other)] = cache._sets[id(params)]
    assert cache.get(other, D) == (2, D)
    assert calls == [(params, D), (other, D)]
    assert cache.get(other, D) == (2, D)


def test_set_cache_makes_once_per_set_bounded_and_checked() -> None:
    made: list[Set] = []

    def make(params: Set) -> list[Set]:
        made.append(params)
        return [params]

    cache: SetCache[Set, list[Set]] = SetCache(make, max_sets=2)
    a, b, c = Set(), Set(), Set()
    first = cache.entry(a)
    assert cache.entry(a) is first
    assert cache.entry(b) == [b]
    assert made == [a, b]
    cache.entry(c)
    assert len(cache) <= 2
    cache._sets[id(a)] = (b, [b])  # a stale entry under a's id: never a's
    assert cache.entry(a) == [a]
    cache.entry(Set())
    gc.collect()
    assert all(isinstance(kept, Set) for kept, _ in cache.values())


def test_set_cache_does_not_remember_errors() -> None:
    calls: list[Set] = []

    def make(params: Set) -> int:
        calls.append(params)
        if len(calls) == 1:
            raise ValueError("once")
        return len(calls)

    cache: SetCache[Set, int] = SetCache(make, max_sets=2)
    params = Set()
    with pytest.raises(ValueError, match="once"):
        cache.entry(params)
    assert len(cache) == 0
    assert cache.entry(params) == 2
    assert cache.entry(params) == 2
