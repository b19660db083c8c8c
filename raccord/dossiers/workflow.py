"""The one declared table of dossier transitions: (name, from, to, who may, for which kind of
dossier, with which guards) — nothing else moves.

This table is the single authority on which moves exist, who may make them and on which kind of
dossier (CACSI or 36-250 kVA). Guards that read other records and are the same whatever path
makes the move (e.g. a 36-250 kVA dossier is commissioned only once the « Raccordement mis à
disposition » milestone is recorded) are declared here too (``Transition.guards``) and checked
by :func:`transition_guard`; guards about the request itself (e.g. "the producer has accepted
the convention") stay in the service that performs the move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from raccord.dossiers.models import Kind, State

if TYPE_CHECKING:
    from raccord.dossiers.models import Dossier


class Actor(StrEnum):
    REQUESTER = "requester"  # the producer, or a member of the installer organisation
    STAFF = "staff"  # an instructor of the dossier's desk, or an operator administrator
    SYSTEM = "system"  # periodic jobs and automatic review


ALL_KINDS: frozenset[Kind] = frozenset(Kind)
CACSI_ONLY: frozenset[Kind] = frozenset({Kind.CACSI})
BT_ONLY: frozenset[Kind] = frozenset({Kind.BT_36_250})


@dataclass(frozen=True, slots=True)
class Guard:
    """A condition on the dossier's records a move needs, with the French refusal."""

    kinds: frozenset[Kind]
    holds: Callable[[Dossier], bool]
    message: str


def _connection_made_available(dossier: Dossier) -> bool:
    from raccord.offers.models import WorksMilestone

    return WorksMilestone.objects.filter(
        dossier_id=dossier.pk, kind=WorksMilestone.Kind.CONNECTION_AVAILABLE
    ).exists()


CONNECTION_AVAILABLE_FIRST = "Enregistrez d'abord la mise à disposition du raccordement."
"""Refusal of « Enregistrer la mise en service » on a 36-250 kVA dossier before the
« Raccordement mis à disposition » works milestone (same text on every path)."""


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    actors: frozenset[Actor]
    label: str  # French, shown in history and on buttons
    kinds: frozenset[Kind] = ALL_KINDS  # the kinds of dossier the move exists for
    guards: tuple[Guard, ...] = ()


OPEN_STATES = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.IN_CHARGE,
        State.WAITING_REQUESTER,
        State.COMPLETE,
        State.OFFER_SENT,
        State.ACCEPTED,
    }
)
TERMINAL_STATES = frozenset({State.COMMISSIONED, State.REFUSED, State.WITHDRAWN, State.LAPSED})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        frozenset({State.DRAFT}),
        State.SUBMITTED,
        frozenset({Actor.REQUESTER}),
        "Transmettre la demande",
    ),
    Transition(
        "take_in_charge",
        frozenset({State.SUBMITTED}),
        State.IN_CHARGE,
        frozenset({Actor.STAFF}),
        "Prendre en charge",
    ),
    Transition(
        "request_items",
        frozenset({State.IN_CHARGE, State.COMPLETE}),
        State.WAITING_REQUESTER,
        frozenset({Actor.STAFF}),
        "Demander des pièces ou corrections",
    ),
    Transition(
        "answer",
        frozenset({State.WAITING_REQUESTER}),
        State.IN_CHARGE,
        frozenset({Actor.REQUESTER}),
        "Répondre à la demande de compléments",
    ),
    Transition(
        "declare_complete",
        frozenset({State.IN_CHARGE}),
        State.COMPLETE,
        frozenset({Actor.STAFF}),
        "Déclarer complète",
    ),
    Transition(
        "accept",
        frozenset({State.COMPLETE}),
        State.ACCEPTED,
        frozenset({Actor.STAFF}),
        "Accepter la convention",
        kinds=CACSI_ONLY,
    ),
    Transition(
        "send_offer",
        frozenset({State.COMPLETE}),
        State.OFFER_SENT,
        frozenset({Actor.STAFF}),
        "Envoyer l'offre de raccordement (CRD et Avenant)",
        kinds=BT_ONLY,
    ),
    Transition(
        "offer_accepted",
        frozenset({State.OFFER_SENT}),
        State.ACCEPTED,
        frozenset({Actor.STAFF}),
        "Valider l'acceptation de l'offre (pièces vérifiées)",
        kinds=BT_ONLY,
    ),
    Transition(
        "offer_lapse",
        frozenset({State.OFFER_SENT}),
        State.LAPSED,
        frozenset({Actor.SYSTEM}),
        "Offre caduque : non acceptée dans le délai de validité",
        kinds=BT_ONLY,
    ),
    Transition(
        "modification_requested",
        frozenset({State.OFFER_SENT}),
        State.LAPSED,
        frozenset({Actor.REQUESTER}),
        "Demande de modification avant acceptation (l'offre devient caduque)",
        kinds=BT_ONLY,
    ),
    Transition(
        "auto_accept",
        frozenset({State.SUBMITTED}),
        State.ACCEPTED,
        frozenset({Actor.SYSTEM}),
        "Acceptation automatique (contrôles réussis)",
        kinds=CACSI_ONLY,
    ),
    Transition(
        "refuse",
        frozenset({State.IN_CHARGE, State.COMPLETE, State.WAITING_REQUESTER}),
        State.REFUSED,
        frozenset({Actor.STAFF}),
        "Refuser",
    ),
    Transition(
        "commission",
        frozenset({State.ACCEPTED}),
        State.COMMISSIONED,
        frozenset({Actor.STAFF}),
        "Enregistrer la mise en service",
        guards=(
            Guard(
                kinds=BT_ONLY,
                holds=_connection_made_available,
                message=CONNECTION_AVAILABLE_FIRST,
            ),
        ),
    ),
    Transition(
        "withdraw",
        OPEN_STATES - {State.DRAFT},
        State.WITHDRAWN,
        frozenset({Actor.STAFF}),
        "Clore à la demande du demandeur",
    ),
    Transition(
        "abandon_draft",
        frozenset({State.DRAFT}),
        State.WITHDRAWN,
        frozenset({Actor.REQUESTER}),
        "Abandonner le brouillon",
    ),
)
BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


class TransitionRefused(Exception):
    """A move that the table does not allow (wrong state, wrong actor, or unknown)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition_for(name: str, *, actor: Actor, kind: Kind | str | None = None) -> Transition:
    """The transition ``name`` if it exists for ``actor`` (and a dossier of ``kind`` when
    given), whatever the state; else TransitionRefused."""
    transition = BY_NAME.get(name)
    if transition is None:
        raise TransitionRefused(f"Action inconnue : {name}.")
    if actor not in transition.actors:
        raise TransitionRefused(f"« {transition.label} » ne vous est pas permis.")
    if kind is not None and Kind(kind) not in transition.kinds:
        raise TransitionRefused(
            f"« {transition.label} » ne concerne pas les demandes de type « {Kind(kind).label} »."
        )
    return transition


def transition_check(
    name: str, *, state: State | str, actor: Actor, kind: Kind | str | None = None
) -> Transition:
    """The transition ``name`` if ``actor`` may make it from ``state`` (on a dossier of
    ``kind`` when given); else TransitionRefused."""
    transition = transition_for(name, actor=actor, kind=kind)
    if State(state) not in transition.sources:
        raise TransitionRefused(
            f"« {transition.label} » est impossible : le dossier est à l'état "
            f"« {State(state).label} »."
        )
    return transition


def transition_guard(name: str, *, dossier: Dossier, actor: Actor) -> Transition:
    """:func:`transition_check` for this dossier's state and kind, then the move's declared
    guards; TransitionRefused with the guard's French message when one does not hold."""
    transition = transition_check(name, state=dossier.state, actor=actor, kind=dossier.kind)
    for guard in transition.guards:
        if Kind(dossier.kind) in guard.kinds and not guard.holds(dossier):
            raise TransitionRefused(guard.message)
    return transition


def transitions_available(
    *, state: State | str, actor: Actor, kind: Kind | str | None = None
) -> list[Transition]:
    """The moves ``actor`` may make from ``state`` (on a dossier of ``kind`` when given)."""
    return [
        t
        for t in TRANSITIONS
        if actor in t.actors
        and State(state) in t.sources
        and (kind is None or Kind(kind) in t.kinds)
    ]
