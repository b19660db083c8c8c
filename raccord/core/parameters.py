"""The parameter set in force for this install: the operator's edited rows, else the defaults.

Rows of :class:`RegulatoryParameter` replace, key by key, the shipped defaults of
``raccord.rules``; ``load_parameters`` copies the defaults into the database so the operator can
edit them in the admin.

The set is cached per process. An edit saved in this process clears the cache at once; an edit
saved by another process (another gunicorn worker, the task worker, a command) is noticed by a
cheap version check — the number of rows and their latest ``updated_at``, one aggregate query —
made at most once every ``RACCORD_PARAMETERS_RECHECK_SECONDS`` (2 s by default). When the
version changed, the rows are read again. (``updated_at`` comes from the clock of the process
that saved: with clocks kept in sync, an edit is missed only if it lands within the clock skew
of the previous one.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from raccord.core.models import RegulatoryParameter
from raccord.rules.parameters import DEFAULT_PARAMETERS, ParameterSet

Version = tuple[int, datetime | None]


@dataclass(frozen=True)
class _Cached:
    parameters: ParameterSet
    version: Version
    checked_at: float


_cache: dict[str, _Cached] = {}
_clock = time.monotonic


def _recheck_seconds() -> float:
    return float(getattr(settings, "RACCORD_PARAMETERS_RECHECK_SECONDS", 2))


def parameters_version() -> Version:
    """Changes whenever a row is added, edited (``updated_at``) or deleted."""
    row = RegulatoryParameter.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return (row["count"], row["last"])


def _load() -> ParameterSet:
    rows = [row.to_rule() for row in RegulatoryParameter.objects.all()]
    edited_keys = {p.key for p in rows}
    defaults = [p for p in DEFAULT_PARAMETERS.parameters if p.key not in edited_keys]
    return ParameterSet.of(defaults, rows)


def parameters_current() -> ParameterSet:
    cached = _cache.get("current")
    now = _clock()
    if cached is not None and now - cached.checked_at < _recheck_seconds():
        return cached.parameters
    # The version is read before the rows: an edit committed in between makes the next check
    # read them again, never the other way round.
    version = parameters_version()
    if cached is not None and cached.version == version:
        _cache["current"] = _Cached(cached.parameters, version, now)
        return cached.parameters
    result = _load()
    _cache["current"] = _Cached(result, version, now)
    return result


def parameters_invalidate() -> None:
    _cache.clear()


@receiver([post_save, post_delete], sender=RegulatoryParameter)
def _on_change(**kwargs: object) -> None:
    parameters_invalidate()
    # Once more after the commit: a set read between the save and the commit was read inside
    # the transaction (if it rolls back instead, the version check notices the difference).
    transaction.on_commit(parameters_invalidate)
