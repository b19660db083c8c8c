"""The one declared table of dossier transitions: (name, from, to, who may) — nothing else moves.

Guards that need data (e.g. "the producer has accepted the convention") live in the service that
performs the move; this table is the single authority on which moves exist and who may make them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from raccord.dossiers.models import State


class Actor(StrEnum):
    REQUESTER = "requester"  # the producer, or a member of the installer organisation
    STAFF = "staff"  # an instructor of the dossier's desk, or an operator administrator
    SYSTEM = "system"  # periodic jobs and automatic review


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    actors: frozenset[Actor]
    label: str  # French, shown in history and on buttons


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
    ),
    Transition(
        "send_offer",
        frozenset({State.COMPLETE}),
        State.OFFER_SENT,
        frozenset({Actor.STAFF}),
        "Envoyer l'offre de raccordement (CRD et Avenant)",
    ),
    Transition(
        "offer_accepted",
        frozenset({State.OFFER_SENT}),
        State.ACCEPTED,
        frozenset({Actor.STAFF}),
        "Valider l'acceptation de l'offre (pièces vérifiées)",
    ),
    Transition(
        "offer_lapse",
        frozenset({State.OFFER_SENT}),
        State.LAPSED,
        frozenset({Actor.SYSTEM}),
        "Offre caduque : non acceptée dans le délai de validité",
    ),
    Transition(
        "modification_requested",
        frozenset({State.OFFER_SENT}),
        State.LAPSED,
        frozenset({Actor.REQUESTER}),
        "Demande de modification avant acceptation (l'offre devient caduque)",
    ),
    Transition(
        "auto_accept",
        frozenset({State.SUBMITTED}),
        State.ACCEPTED,
        frozenset({Actor.SYSTEM}),
        "Acceptation automatique (contrôles réussis)",
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


def transition_check(name: str, *, state: State | str, actor: Actor) -> Transition:
    """The transition ``name`` if ``actor`` may make it from ``state``; else TransitionRefused."""
    transition = BY_NAME.get(name)
    if transition is None:
        raise TransitionRefused(f"Action inconnue : {name}.")
    if actor not in transition.actors:
        raise TransitionRefused(f"« {transition.label} » ne vous est pas permis.")
    if State(state) not in transition.sources:
        raise TransitionRefused(
            f"« {transition.label} » est impossible : le dossier est à l'état "
            f"« {State(state).label} »."
        )
    return transition


def transitions_available(*, state: State | str, actor: Actor) -> list[Transition]:
    return [t for t in TRANSITIONS if actor in t.actors and State(state) in t.sources]
