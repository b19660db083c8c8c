"""The convention: preview, electronic acceptance (the signature) and submission."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from raccord.accounts.models import User
from raccord.documents.models import DocumentKind
from raccord.documents.services import cacsi_render, document_store
from raccord.dossiers.convention import cacsi_data
from raccord.dossiers.decisions import dossier_deadline_refresh
from raccord.dossiers.models import Acceptance, Dossier, State
from raccord.dossiers.services import (
    DossierError,
    _lock,
    dossier_ready,
    producer_accepted,
    transition_apply,
)
from raccord.dossiers.tasks import review_dossier_task
from raccord.dossiers.workflow import Actor
from raccord.tracking.notify import notify_dossier
from raccord.tracking.services import event_record


def convention_preview(*, dossier: Dossier) -> bytes:
    """The convention as it stands, marked « APERÇU — non signé » (never stored)."""
    return cacsi_render(
        data=cacsi_data(
            dossier,
            producer_accepted_on=None,
            operator_accepted_on=None,
            preview=True,
            today=timezone.localdate(),
        )
    )


@transaction.atomic
def convention_accept(
    *, dossier: Dossier, user: User, ip_address: str | None, user_agent: str
) -> Acceptance:
    """« Bon pour accord »: the producer's electronic acceptance, which is the signature.

    Renders the convention with « Accepté le jj/mm/aaaa » in the producer's box, stores its
    exact bytes (SHA-256) and records who accepted, when and from which address.
    """
    locked = _lock(dossier)
    if locked.state != State.DRAFT:
        raise DossierError("Cette convention a déjà été transmise.")
    if producer_accepted(locked):
        raise DossierError("Vous avez déjà accepté cette convention.")
    problems = dossier_ready(locked)
    if problems:
        raise DossierError(" ".join(problems))
    now = timezone.now()
    pdf = cacsi_render(
        data=cacsi_data(
            locked,
            producer_accepted_on=timezone.localdate(now),
            operator_accepted_on=None,
            preview=False,
            today=timezone.localdate(now),
        )
    )
    version = document_store(
        dossier=locked,
        kind=DocumentKind.CACSI_PRODUCER_ACCEPTED,
        title="CACSI acceptée par le producteur",
        filename=f"CACSI Acceptee Producteur-{locked.number}.pdf",
        pdf=pdf,
        created_by=user,
        visible_to_requester=True,
    )
    acceptance = Acceptance.objects.create(
        dossier=locked,
        party=Acceptance.Party.PRODUCER,
        accepted_at=now,
        user=user,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        document=version,
    )
    event_record(
        kind="convention_accepted",
        dossier=locked,
        actor=user,
        payload={"party": "producer", "sha256": version.sha256, "ip": ip_address or ""},
    )
    return acceptance


@transaction.atomic
def dossier_submit(*, dossier: Dossier, user: User) -> Dossier:
    """« Soumettre »: transmit the accepted convention to the operator."""
    locked = _lock(dossier)
    if locked.state == State.DRAFT and not producer_accepted(locked):
        raise DossierError("Acceptez d'abord la convention (« Bon pour accord »).")
    transition_apply(dossier=locked, name="submit", actor=Actor.REQUESTER, user=user)
    dossier_deadline_refresh(dossier=locked)
    transaction.on_commit(lambda: notify_dossier(dossier_id=locked.pk, kind="submitted"))
    # The instant review runs in the task worker (in-process with the immediate backend).
    transaction.on_commit(lambda: review_dossier_task.enqueue(dossier_id=locked.pk))
    return locked
