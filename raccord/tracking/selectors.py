"""Reads on a dossier's progress that the portal, the API and the back-office show alike: the
milestones of the « Suivi » tab and the CACSI 15-day commissioning rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from raccord.dossiers.clocks import cacsi_rule
from raccord.dossiers.models import Dossier, Kind, State
from raccord.rules.clocks import Deadline

ENDED = (State.REFUSED, State.WITHDRAWN, State.LAPSED)


@dataclass(frozen=True)
class Milestone:
    position: int
    label: str
    done_at: datetime | None
    current: bool


@dataclass(frozen=True)
class CommissioningRule:
    deadline: Deadline
    allowed_from: date
    allowed_now: bool
    suspended: bool = False  # a request for items is open: the delay is on hold


def milestones_for(dossier: Dossier, operator: str) -> list[Milestone]:
    steps = [
        (_("Réception de la demande"), dossier.submitted_at),
        (_("Prise en charge %(op)s") % {"op": operator}, dossier.taken_at),
        (_("Demande de raccordement complète"), dossier.completed_at),
        (
            _("Acceptation de l'offre")
            if dossier.kind == Kind.BT_36_250
            else _("Acceptation %(op)s") % {"op": operator},
            dossier.accepted_at,
        ),
        (_("Mise en service de votre installation"), dossier.commissioned_at),
    ]
    reached = [i for i, (_label, at) in enumerate(steps) if at is not None]
    current = reached[-1] if reached and dossier.state not in ENDED else -1
    return [
        Milestone(position=i + 1, label=label, done_at=at, current=i == current)
        for i, (label, at) in enumerate(steps)
    ]


def commissioning_rule(dossier: Dossier) -> CommissioningRule | None:
    """CACSI « Rappel »: the 15-day rule as ``raccord.dossiers.clocks.cacsi_rule`` reads it
    (the one reading, shared with the clocks job and the operator's due date); None when it
    does not concern the dossier (not a CACSI, answered, no electronic meter)."""
    rule = cacsi_rule(dossier)
    if rule is None or not rule.applies:
        return None
    return CommissioningRule(
        deadline=rule.deadline,
        allowed_from=rule.allowed_from,
        allowed_now=rule.allowed_now,
        suspended=rule.suspended,
    )
