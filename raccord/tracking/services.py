"""Writes of the follow-up: the append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from raccord.tracking.models import ChainHead, Event

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from raccord.accounts.models import User
    from raccord.dossiers.models import Dossier


event_recorded = Signal()
"""Sent (keyword ``event``) by :func:`event_record` once the event is saved, inside the
caller's transaction; receivers that act outside the database use ``transaction.on_commit``.
Connected in ``TrackingConfig.ready``: raccord/tracking/notify.py (desk notifications)."""


def _digest(prev_hash: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def event_body(event: Event) -> dict[str, Any]:
    return {
        "dossier": event.dossier_id,
        "kind": event.kind,
        "actor": event.actor_id,
        "at": event.at.isoformat(),
        "from": event.from_state,
        "to": event.to_state,
        "payload": event.payload,
    }


@transaction.atomic
def event_record(
    *,
    kind: str,
    dossier: Dossier | None = None,
    actor: User | AnonymousUser | None = None,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the chain (the head row is locked so the chain stays linear).

    Sends ``event_recorded`` (the outbox listens: a request transmitted to a desk and a
    requester's message are mailed to the desk after the commit, ``notify.DESK_EVENTS``).
    """
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    event = Event(
        dossier=dossier,
        kind=kind,
        # An AnonymousUser's pk is always None: what passes the test is a saved User.
        actor=cast("User | None", actor if getattr(actor, "pk", None) else None),
        at=timezone.now().replace(microsecond=0),
        from_state=from_state,
        to_state=to_state,
        payload=payload or {},
        prev_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event_body(event))
    event.save()
    ChainHead.objects.filter(id=1).update(last_hash=event.hash, count=head.count + 1)
    event_recorded.send(sender=Event, event=event)
    return event


def chain_verify() -> tuple[bool, Event | None]:
    """Walk the whole chain; return (ok, first broken event)."""
    previous = "0" * 64
    for event in Event.objects.order_by("pk").iterator():
        if event.prev_hash != previous or event.hash != _digest(previous, event_body(event)):
            return False, event
        previous = event.hash
    return True, None
