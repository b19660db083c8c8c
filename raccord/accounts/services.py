"""Writes on accounts (one transaction each)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from raccord.accounts.models import Organisation, User

PREFERENCE_FIELDS = ("notify_messages", "notify_steps", "notify_reminders")
ORGANISATION_FIELDS = (
    "name",
    "siret",
    "legal_form",
    "share_capital",
    "office_street",
    "office_street2",
    "office_commune",
    "rcs_city",
    "signatory_name",
    "signatory_function",
)


@transaction.atomic
def profile_update(
    *, user: User, profile: dict[str, Any], organisation: dict[str, Any] | None
) -> User:
    """Save a person's profile and, for a company or an installer, its organisation."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    for field in ("first_name", "last_name", "phone", *PREFERENCE_FIELDS):
        setattr(locked, field, profile.get(field, getattr(locked, field)))
    if organisation is not None:
        kind = (
            Organisation.Kind.INSTALLER
            if locked.role == User.Role.INSTALLER
            else Organisation.Kind.PRODUCER
        )
        values = {
            field: organisation[field] for field in ORGANISATION_FIELDS if field in organisation
        }
        if locked.organisation_id:
            Organisation.objects.filter(pk=locked.organisation_id).update(**values)
        else:
            locked.organisation = Organisation.objects.create(kind=kind, **values)
    locked.save()
    return locked
