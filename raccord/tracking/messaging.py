"""Messages about one dossier between the requester's side and the operator's staff.

Each write is one transaction; refused writes raise :class:`MessageError` with a French message
for the person and the name of the field at fault (as ``DossierError`` does for dossiers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from raccord.dossiers.services import ALLOWED_TYPES, MAX_ATTACHMENT_BYTES, _sniff
from raccord.tracking.models import Message, MessageAttachment
from raccord.tracking.services import event_record

if TYPE_CHECKING:
    from raccord.accounts.models import User
    from raccord.dossiers.models import Dossier

SUBJECT_MAX_LENGTH = Message._meta.get_field("subject").max_length or 120
BODY_MAX_LENGTH = 5000
CLOSED_STATES = frozenset({"withdrawn", "refused", "lapsed"})
MAX_FILES = 10


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


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def message_files_check(files: Iterable[tuple[str, bytes]]) -> list[CheckedFile]:
    """Check files to send with a message: PDF, JPEG or PNG by content, 5 Mo at most each.

    Raises :class:`MessageError` (field ``files``) naming the file at fault.
    """
    checked = []
    files = list(files)
    if len(files) > MAX_FILES:
        raise MessageError(
            f"Vous avez choisi {len(files)} fichiers : {MAX_FILES} au plus par message.",
            field="files",
        )
    for name, content in files:
        safe_name = "".join(c for c in name if c.isalnum() or c in "-_. ")[:120] or "piece"
        if not content:
            raise MessageError(f"Le fichier « {safe_name} » est vide.", field="files")
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise MessageError(
                f"Le fichier « {safe_name} » fait {_megabytes(len(content))} Mo : "
                f"la limite est de {MAX_ATTACHMENT_BYTES // 1024 // 1024} Mo par fichier.",
                field="files",
            )
        content_type = _sniff(content[:16])
        if content_type is None:
            raise MessageError(
                f"Le fichier « {safe_name} » n'est ni un PDF, ni une image JPEG ou PNG : "
                "seuls ces formats sont acceptés.",
                field="files",
            )
        checked.append(
            CheckedFile(
                name=safe_name,
                content=content,
                content_type=content_type,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return checked


def _files_store(message: Message, checked: list[CheckedFile]) -> list[MessageAttachment]:
    stored = []
    for item in checked:
        attachment = MessageAttachment(
            message=message,
            original_name=item.name,
            content_type=item.content_type,
            size=len(item.content),
            sha256=item.sha256,
        )
        attachment.file.save(
            f"{message.dossier.number}-m{message.pk}-{item.sha256[:12]}"
            f"{ALLOWED_TYPES[item.content_type]}",
            ContentFile(item.content),
            save=False,
        )
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def message_files_attach(
    *, message: Message, author: User, files: Iterable[tuple[str, bytes]]
) -> list[MessageAttachment]:
    """Attach files to a message already posted (by the same author), with an audit event.

    For callers that post through another service (the staff's ``dossier_message_to_requester``)
    and must not change it; call it in the same transaction as the post.
    """
    checked = message_files_check(files)
    if not checked:
        return []
    if author.pk != message.author_id:
        raise MessageError("Seul l'auteur du message peut y joindre des fichiers.", field="files")
    stored = _files_store(message, checked)
    event_record(
        kind="message_files_added",
        dossier=message.dossier,
        actor=author,
        payload={"message": message.pk, "files": [a.sha256 for a in stored]},
    )
    return stored


@transaction.atomic
def message_post(
    *,
    dossier: Dossier,
    author: User,
    direction: Message.Direction | str,
    subject: str,
    body: str,
    files: Iterable[tuple[str, bytes]] = (),
) -> Message:
    """Post one message on ``dossier`` and record the ``message_sent`` audit event.

    The subject is limited to 120 characters and the body to 5,000; both are required. A
    requester may only write once the request has been transmitted, and not on a closed dossier.
    ``files`` (name, content) are PDF, JPEG or PNG files of 5 Mo at most each, checked by
    content; nothing is written when one is refused.
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
    checked = message_files_check(files)
    message = Message.objects.create(
        dossier=dossier, direction=direction, author=author, subject=subject, body=body
    )
    payload: dict[str, object] = {"message": message.pk, "direction": str(direction)}
    if checked:
        payload["files"] = [a.sha256 for a in _files_store(message, checked)]
    event_record(kind="message_sent", dossier=dossier, actor=author, payload=payload)
    return message


@transaction.atomic
def messages_mark_read(*, dossier: Dossier, direction: Message.Direction | str) -> int:
    """Mark every unread message of ``dossier`` sent in ``direction`` as read; how many were."""
    if direction not in Message.Direction.values:
        raise MessageError("Sens du message inconnu.")
    return Message.objects.filter(
        dossier=dossier, direction=direction, read_at__isnull=True
    ).update(read_at=timezone.now())
