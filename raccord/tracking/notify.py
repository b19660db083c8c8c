"""The one entry point for e-mails about a dossier: ``notify_dossier(dossier_id=..., kind=...)``.

Call it inside ``transaction.on_commit`` (or from code that already runs after the commit).
``kind`` names a template pair ``dossiers/email/<kind>_subject.txt`` / ``_message.txt``.
Current implementation: enqueue a background task that renders and sends the mail to the
requester and the authorised third party. (To be hardened: outbox with idempotency, retries,
preferences — see issue "DSO back-office".)
"""

from __future__ import annotations

from raccord.dossiers.notifications import send_dossier_mail


def notify_dossier(*, dossier_id: int, kind: str) -> None:
    send_dossier_mail.enqueue(dossier_id=dossier_id, template=kind)
