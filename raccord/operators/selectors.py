"""Reads: which operator and which desk serve a place."""

from __future__ import annotations

from raccord.operators.models import Desk, Operator
from raccord.places.models import Commune


def operator_default() -> Operator | None:
    """The operator shown on pages that concern no dossier yet (or the only one)."""
    operator = Operator.objects.filter(is_default=True).first()
    return operator or Operator.objects.order_by("pk").first()


def operator_for_commune(commune: Commune) -> Operator | None:
    """Each commune is served by one operator: its own, else the default operator."""
    if commune.operator_id:
        return commune.operator
    return operator_default()


def desk_for_commune(commune: Commune) -> Desk | None:
    """The desk covering the commune explicitly, else the desk covering its department."""
    operator = operator_for_commune(commune)
    if operator is None:
        return None
    desks = Desk.objects.filter(operator=operator)
    return (
        desks.filter(communes=commune).order_by("pk").first()
        or desks.filter(departments=commune.department_id).order_by("pk").first()
    )
