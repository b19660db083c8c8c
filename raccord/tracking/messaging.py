"""Messages about one dossier between the requester's side and the operator's staff.

Each write is one transaction; refused writes raise :class:`MessageError` with a French message
for the person and the name of the field at fault (as ``DossierError`` does for dossiers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from raccord.tracking.models import Message
from raccord.tracking.services import event_record

if TYPE_CHECKING:
    from raccord.accounts.models import User
    from raccord.dossiers.models import Dossier

SUBJECT_MAX_LENGTH = Message._meta.get_field("subject").max_length or 120
BODY_MAX_LENGTH = 5000
CLOSED_STATES = frozenset({"withdrawn", "refused", "lapsed"})


class MessageError(Exception):
    """A refused message, with a French message for the person and the field, if any."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def message_post(
    *,
    dossier: Dossier,
    author: User,
    direction: Message.Direction | str,
    subject: str,
    body: str,
) -> Message:
    """Post one message on ``dossier`` and record the ``message_sent`` audit event.

    The subject is limited to 120 characters and the body to 5,000; both are required. A
    requester may only write once the request has been transmitted, and not on a closed dossier.
    """
    if direction not in Message.Direction.values:
        raise MessageError("Sens du message inconnu.")
    subject, body = _clean(subject), _clean(body)
    if direction == Message.Direction.TO_OPERATOR:
        if dossier.state == "draft":
            raise MessageError(
                "Vous pourrez écrire au gestionnaire de réseau une fois votre demande transmise."
            )
        if dossier.state in CLOSED_STATES:
            raise MessageError(
                "Ce dossier est clos : contactez votre guichet régional (onglet Contact)."
            )
    if not subject:
        raise MessageError("Indiquez l'objet de votre message.", field="subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise MessageError(
            f"L'objet compte {len(subject)} caractères : {SUBJECT_MAX_LENGTH} au plus.",
            field="subject",
        )
    if not body:
        raise MessageError("Écrivez votre message.", field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise MessageError(
            f"Le message compte {_number(len(body))} caractères : "
            f"{_number(BODY_MAX_LENGTH)} au plus.",
            field="body",
        )
    message = Message.objects.create(
        dossier=dossier, direction=direction, author=author, subject=subject, body=body
    )
    event_record(
        kind="message_sent",
        dossier=dossier,
        actor=author,
        payload={"message": message.pk, "direction": str(direction)},
    )
    return message


@transaction.atomic
def messages_mark_read(*, dossier: Dossier, direction: Message.Direction | str) -> int:
    """Mark every unread message of ``dossier`` sent in ``direction`` as read; how many were."""
    if direction not in Message.Direction.values:
        raise MessageError("Sens du message inconnu.")
    return Message.objects.filter(
        dossier=dossier, direction=direction, read_at__isnull=True
    ).update(read_at=timezone.now())
