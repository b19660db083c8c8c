"""What every page of a dossier needs: the dossier, the person's labels, the tab counters."""

from __future__ import annotations

from typing import Any

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier, Label
from raccord.tracking.models import Action, Message


def dossier_context(user: User, dossier: Dossier, tab: str, **extra: Any) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "tab": tab,
        "labels": list(Label.objects.filter(dossier=dossier, user=user)),
        "tab_counts": {
            "actions": Action.objects.filter(dossier=dossier, state=Action.State.OPEN).count(),
            "messages": Message.objects.filter(
                dossier=dossier,
                direction=Message.Direction.TO_REQUESTER,
                read_at__isnull=True,
            ).count(),
        },
        **extra,
    }
