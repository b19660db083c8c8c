"""Who receives the e-mails about a dossier, and which ones a person may turn off.

Sending goes through the outbox (raccord/tracking/notify.py): ``notify_dossier`` writes one
``Notification`` row per event, a task sends it once, failures are retried.
"""

from __future__ import annotations

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier

LEGAL_KINDS: frozenset[str] = frozenset(
    {"submitted", "accepted", "refused", "items_requested", "lapsed"}
)
"""Mails the procedure requires: sent whatever the person's preferences."""

MESSAGE_KINDS: frozenset[str] = frozenset({"message", "message_received", "new_message"})
REMINDER_KINDS: frozenset[str] = frozenset({"action_reminder"})


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
