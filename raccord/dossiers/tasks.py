"""Background tasks of the dossiers: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from raccord.dossiers.review import review_after_submit


@task()
def review_dossier_task(*, dossier_id: int) -> None:
    """Instant review of a just-submitted CACSI (idempotent: a dossier is reviewed once)."""
    review_after_submit(dossier_id=dossier_id)
