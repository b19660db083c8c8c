"""Reads on dossiers, always scoped to what a person may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier
from raccord.tracking.models import Action, Message


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """A private person sees his own dossiers; an installer every dossier of its organisation.

    Operator staff see dossiers through the back-office's own selectors, not this one.
    """
    if not user.is_authenticated or user.is_operator_staff:
        return Dossier.objects.none()
    scope = Q(created_by=user)
    if user.role == User.Role.INSTALLER and user.organisation_id:
        scope |= Q(organisation_id=user.organisation_id)
    return Dossier.objects.filter(scope)


def dossier_for_user(user: User, number: str) -> Dossier:
    """The dossier ``number`` if ``user`` may see it; 404 otherwise (no existence leak)."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("operator", "desk", "commune", "commune__department", "created_by")
        .filter(number=number)
        .first()
    )
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return dossier


def dossier_list_for(user: User) -> QuerySet[Dossier]:
    """The request list with its counters, in a constant number of queries."""
    return (
        dossiers_visible_to(user)
        .select_related("commune")
        .annotate(
            unread_messages=Count(
                "messages",
                filter=Q(
                    messages__direction=Message.Direction.TO_REQUESTER,
                    messages__read_at__isnull=True,
                ),
                distinct=True,
            ),
            open_actions=Count(
                "actions", filter=Q(actions__state=Action.State.OPEN), distinct=True
            ),
        )
    )


def open_actions_count(user: User) -> int:
    """« Consulter vos actions (n) »."""
    return Action.objects.filter(
        dossier__in=dossiers_visible_to(user), state=Action.State.OPEN
    ).count()
