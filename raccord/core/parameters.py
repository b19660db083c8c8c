"""The parameter set in force for this install: the operator's edited rows, else the defaults.

Rows of :class:`RegulatoryParameter` replace, key by key, the shipped defaults of
``raccord.rules``; ``load_parameters`` copies the defaults into the database so the operator can
edit them in the admin. The set is cached per process and invalidated on every change.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from raccord.core.models import RegulatoryParameter
from raccord.rules.parameters import DEFAULT_PARAMETERS, ParameterSet

_cache: dict[str, ParameterSet] = {}


def parameters_current() -> ParameterSet:
    cached = _cache.get("current")
    if cached is not None:
        return cached
    rows = [row.to_rule() for row in RegulatoryParameter.objects.all()]
    edited_keys = {p.key for p in rows}
    defaults = [p for p in DEFAULT_PARAMETERS.parameters if p.key not in edited_keys]
    result = ParameterSet.of(defaults, rows)
    _cache["current"] = result
    return result


def parameters_invalidate() -> None:
    _cache.clear()


@receiver([post_save, post_delete], sender=RegulatoryParameter)
def _on_change(**kwargs: object) -> None:
    parameters_invalidate()
