"""``python manage.py verify_audit_chain``: walk the hash chain; non-zero exit when broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from raccord.tracking.models import ChainHead, Event
from raccord.tracking.services import chain_verify


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'audit (chaque événement scelle le précédent) et nomme le premier "
        "maillon rompu."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ok, broken = chain_verify()
        if not ok and broken is not None:
            number = broken.dossier.number if broken.dossier_id else "—"
            at = timezone.localtime(broken.at).strftime("%d/%m/%Y %H:%M:%S")
            raise CommandError(
                f"Chaîne d'audit rompue à l'événement #{broken.pk} ({broken.kind}), dossier "
                f"{number}, du {at} : il a été modifié, ou un événement antérieur supprimé."
            )
        count = Event.objects.count()
        last = Event.objects.order_by("-pk").values_list("hash", flat=True).first()
        head = ChainHead.objects.filter(id=1).first()
        if head is not None and (head.last_hash != (last or "0" * 64) or head.count != count):
            raise CommandError(
                f"Chaîne d'audit incomplète : la tête enregistre {head.count} événement(s) "
                f"mais {count} sont présents, ou le dernier a été supprimé."
            )
        self.stdout.write(self.style.SUCCESS(f"OK : chaîne d'audit intacte, {count} événement(s)."))
