"""Reads on dossiers, always scoped to what a person may see, and the views of a dossier that
the portal, the API and the back-office share (search, section overview)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from raccord.accounts.models import User
from raccord.core.templatetags.raccord_dates import date_fr
from raccord.dossiers.cacsi_sections import SectionForm
from raccord.dossiers.models import Dossier
from raccord.dossiers.sections import sections_for
from raccord.dossiers.services import section_editable, section_evaluate
from raccord.tracking.models import Action, Message

# The requester's list: rows per page (portal) and default page size (API).
LIST_PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100


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


def dossier_search(queryset: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Number (with or without spaces), requester name or postal code of the connection site."""
    text = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    if not text:
        return queryset
    compact = text.replace(" ", "").upper()
    condition = Q(requester_name__icontains=text) | Q(number__icontains=compact)
    if compact.isdigit() and len(compact) <= 5:
        condition |= Q(commune__postal_code__startswith=compact)
    return queryset.filter(condition)


def sections_overview(dossier: Dossier) -> list[dict[str, Any]]:
    """Section by section: complete or not, notes, editable or not, and the answers as shown
    (the portal's « Demande » tab and the back-office dossier page /gestion/<n>/)."""
    rows = []
    for section in sections_for(dossier.kind):
        state = section_evaluate(dossier, section)
        rows.append(
            {
                "section": section,
                "complete": state.complete,
                "notes": state.form.notes,
                "editable": section_editable(dossier, section) is None,
                "values": _display_values(state.form, dossier.section(section.slug)),
            }
        )
    return rows


def _display_values(form: SectionForm, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) for the fields that apply: choices with their labels, dates as
    jj/mm/aaaa."""
    shown = []
    for name, field in form.fields.items():
        if not form.applies(name):
            continue
        raw = values.get(name, "")
        if raw in ("", None):
            continue
        choices = dict(getattr(field, "choices", []) or [])
        if raw == "on":
            text = "Oui"
        elif isinstance(field, forms.DateField):
            text = str(date_fr(raw))  # stored ISO (2026-12-23), shown 23/12/2026
        else:
            text = str(choices.get(raw, raw))
        shown.append((str(field.label), text))
    return shown
