"""Who receives the e-mails about a dossier, and which ones a person may turn off.

Sending goes through the outbox (raccord/tracking/notify.py): ``notify_dossier`` writes one
``Notification`` row per event, a task sends it once, failures are retried.

Every kind of mail sent about a dossier is either in ``LEGAL_KINDS`` (sent whatever the
person's preferences) or in ``OPTIONAL_KINDS`` (a preference may turn it off); a test checks
that every kind the code sends is in one of them.
"""

from __future__ import annotations

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier

LEGAL_KINDS: frozenset[str] = frozenset(
    {
        "submitted",  # acknowledgment of the transmission: the 15-day rule counts from it
        "accepted",  # the operator's acceptance of the convention (CACSI)
        "refused",
        "items_requested",  # the requester must act before the « Avant le » date
        "offer_sent",  # the offer (CRD/Avenant): its 3-month validity runs from its sending
        "offer_accepted",  # acceptance validated: the contract binds, the other offer ends
        "offer_lapsed",  # the offer lapsed (no acceptance in time, or a modification request)
    }
)
"""Mails the procedure requires: sent whatever the person's preferences."""

MESSAGE_KINDS: frozenset[str] = frozenset(
    {"message", "message_received", "new_message", "desk_message"}
)
REMINDER_KINDS: frozenset[str] = frozenset({"action_reminder"})
STEP_KINDS: frozenset[str] = frozenset(
    {
        "taken_in_charge",
        "complete",
        "commissioned",
        "withdrawn",
        "works_milestone",
        "may_commission",
        "desk_submitted",
    }
)
OPTIONAL_KINDS: frozenset[str] = MESSAGE_KINDS | REMINDER_KINDS | STEP_KINDS
"""Mails a person may turn off with the preferences of their profile."""

DESK_KINDS: frozenset[str] = frozenset({"desk_submitted", "desk_message"})
"""Mails to the instructors of the dossier's desk (a request transmitted to the desk, a
message from the requester); the same preferences apply (« étapes », « messages »)."""


def preference_field(kind: str) -> str | None:
    """The ``User`` boolean that lets a person turn ``kind`` off; None when it cannot be."""
    if kind in LEGAL_KINDS:
        return None
    if kind in MESSAGE_KINDS:
        return "notify_messages"
    if kind in REMINDER_KINDS:
        return "notify_reminders"
    return "notify_steps"


def recipients(dossier: Dossier, kind: str = "submitted") -> list[str]:
    """The requester and, when there is one, the installer (authorised third party, or the
    organisation member who created the dossier), lower-cased and without duplicates.

    An address that belongs to an account which turned ``kind`` off is left out, except for
    the mails the procedure requires (``LEGAL_KINDS``).
    """
    if kind in DESK_KINDS:
        return desk_recipients(dossier, kind)
    requester = dossier.section("demandeur")
    emails = [str(requester.get("email") or dossier.created_by.email)]
    if requester.get("has_third_party") == "oui" and requester.get("third_party_email"):
        emails.append(str(requester["third_party_email"]))
    emails.append(dossier.created_by.email)
    unique = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    field = preference_field(kind)
    if field is None or not unique:
        return unique
    opted_out = {
        email.lower()
        for email in User.objects.filter(email__in=unique, **{field: False}).values_list(
            "email", flat=True
        )
    }
    return [email for email in unique if email not in opted_out]


def desk_recipients(dossier: Dossier, kind: str) -> list[str]:
    """The active instructors of the dossier's desk who did not turn ``kind`` off."""
    if dossier.desk_id is None:
        return []
    staff = User.objects.filter(
        desk_id=dossier.desk_id,
        operator_id=dossier.operator_id,
        role=User.Role.INSTRUCTOR,
        is_active=True,
    )
    field = preference_field(kind)
    if field is not None:
        staff = staff.filter(**{field: True})
    emails = staff.order_by("pk").values_list("email", flat=True)
    return list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
