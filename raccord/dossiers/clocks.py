"""The dossier's legal clocks read from its records: pauses, and the CACSI 15-day rule.

Kept apart from the decisions (raccord/dossiers/decisions.py) so that read-only pages (the
requester's Suivi tab, the API) use the one reading of the rule without importing the
decisions and their outbox.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from raccord.core.parameters import parameters_current
from raccord.dossiers.models import Dossier, Kind, State
from raccord.rules.clocks import CacsiCommissioning, Pause, cacsi_commissioning
from raccord.rules.errors import RulesError


def dossier_pauses(dossier: Dossier, *, today: date | None = None) -> list[Pause]:
    """Closed pauses, plus the running one (up to ``today``) when the dossier waits."""
    pauses = [
        Pause(start=date.fromisoformat(s), end=date.fromisoformat(e)) for s, e in dossier.pauses
    ]
    if dossier.paused_since is not None:
        end = max(today or timezone.localdate(), dossier.paused_since)
        pauses.append(Pause(start=dossier.paused_since, end=end))
    return pauses


CACSI_UNANSWERED = (State.SUBMITTED, State.IN_CHARGE, State.COMPLETE)
"""CACSI states where the operator has not answered the request (15-day rule running)."""


def cacsi_rule(dossier: Dossier, *, today: date | None = None) -> CacsiCommissioning | None:
    """The CACSI 15-day rule for ``dossier`` on ``today`` (``cacsi_commissioning``, the one
    reading), or None for a dossier that is not a transmitted CACSI.

    No answer yet: « Transmise », « Prise en charge », « Complète »; an open request for items
    (« En attente de compléments ») suspends it; any other state is an answer.
    """
    if dossier.kind != Kind.CACSI or dossier.submitted_at is None:
        return None
    start = timezone.localdate(dossier.submitted_at)
    day = max(today or timezone.localdate(), start)
    try:
        return cacsi_commissioning(
            parameters_current(),
            transmitted_on=start,
            today=day,
            electronic_meter=dossier.section("chantier").get("electronic_meter") == "oui",
            dso_answered=dossier.state not in (*CACSI_UNANSWERED, State.WAITING_REQUESTER),
            waiting_requester=dossier.state == State.WAITING_REQUESTER,
            pauses=dossier_pauses(dossier, today=day),
        )
    except RulesError:
        return None
