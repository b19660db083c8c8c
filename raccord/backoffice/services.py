"""Writes of the back-office's own data: staff notes, tags, expert-opinion requests.

Each function is one transaction and records an audit event (without the staff-only text, so
that nothing internal leaks through the requester's history).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from raccord.accounts.models import User
from raccord.backoffice.models import ExpertRequest, StaffNote, StaffTag
from raccord.dossiers.decisions import staff_may_decide
from raccord.dossiers.models import Dossier
from raccord.dossiers.services import DossierError
from raccord.tracking.services import event_record

NOTE_MAX_LENGTH = 5000
TAG_MAX_LENGTH = 40


def _text(value: str, *, field: str, empty: str, limit: int) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise DossierError(empty, field=field)
    if len(text) > limit:
        raise DossierError(f"{len(text)} caractères : {limit} au plus.", field=field)
    return text


def _check(user: User, dossier: Dossier) -> None:
    if not staff_may_decide(user, dossier):
        raise DossierError("Ce dossier n'est pas dans votre périmètre.")


@transaction.atomic
def staff_note_add(*, dossier: Dossier, user: User, body: str) -> StaffNote:
    _check(user, dossier)
    text = _text(body, field="body", empty="Écrivez la note.", limit=NOTE_MAX_LENGTH)
    note = StaffNote.objects.create(dossier=dossier, author=user, body=text)
    event_record(kind="staff_note", dossier=dossier, actor=user, payload={"note": note.pk})
    return note


@transaction.atomic
def staff_tag_add(*, dossier: Dossier, user: User, text: str) -> StaffTag:
    _check(user, dossier)
    clean = _text(
        " ".join(text.split()), field="text", empty="Saisissez une étiquette.", limit=TAG_MAX_LENGTH
    )
    tag, created = StaffTag.objects.get_or_create(
        dossier=dossier, text=clean, defaults={"created_by": user}
    )
    if created:
        event_record(kind="staff_tag", dossier=dossier, actor=user, payload={"tag": clean})
    return tag


@transaction.atomic
def staff_tag_remove(*, tag: StaffTag, user: User) -> None:
    _check(user, tag.dossier)
    event_record(
        kind="staff_tag_removed", dossier=tag.dossier, actor=user, payload={"tag": tag.text}
    )
    tag.delete()


def experts_for(dossier: Dossier, *, asker: User) -> list[User]:
    """Colleagues of the same operator who may be asked for an opinion."""
    return list(
        User.objects.filter(operator_id=dossier.operator_id, role__in=list(User.STAFF_ROLES))
        .exclude(pk=asker.pk)
        .filter(is_active=True)
        .order_by("last_name", "first_name", "email")
    )


@transaction.atomic
def expert_request_create(
    *, dossier: Dossier, user: User, expert: User, question: str
) -> ExpertRequest:
    _check(user, dossier)
    if expert.pk == user.pk:
        raise DossierError("Choisissez un ou une collègue.", field="expert")
    if not expert.is_operator_staff or expert.operator_id != dossier.operator_id:
        raise DossierError("Cette personne n'appartient pas à votre gestionnaire.", field="expert")
    text = _text(question, field="question", empty="Posez votre question.", limit=NOTE_MAX_LENGTH)
    request = ExpertRequest.objects.create(
        dossier=dossier, asked_by=user, expert=expert, question=text
    )
    event_record(
        kind="expert_requested",
        dossier=dossier,
        actor=user,
        payload={"request": request.pk, "expert": expert.pk},
    )
    return request


@transaction.atomic
def expert_request_answer(*, request: ExpertRequest, user: User, answer: str) -> ExpertRequest:
    locked = ExpertRequest.objects.select_for_update().get(pk=request.pk)
    if locked.expert_id != user.pk:
        raise DossierError("Cette demande d'avis ne vous est pas adressée.")
    if locked.answered_at is not None:
        raise DossierError("Vous avez déjà donné votre avis.")
    locked.answer = _text(answer, field="answer", empty="Donnez votre avis.", limit=NOTE_MAX_LENGTH)
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_at"])
    event_record(
        kind="expert_answered",
        dossier=locked.dossier,
        actor=user,
        payload={"request": locked.pk},
    )
    return locked
