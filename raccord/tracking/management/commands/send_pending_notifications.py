"""``python manage.py send_pending_notifications [--wet-run]``: retry the outbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from raccord.tracking.notify import notifications_due, notifications_send_pending


class Command(BaseCommand):
    help = (
        "Renvoie les notifications en attente dont le prochain essai est dû. Sans --wet-run, "
        "les liste seulement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="Envoyer (sinon : à blanc).")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        limit = int(options["limit"])
        if not options["wet_run"]:
            due = notifications_due(limit=limit)
            for n in due:
                self.stdout.write(f"- {n.key} ({n.attempts} essai(s)) : {n.last_error or '—'}")
            self.stdout.write(f"À renvoyer : {len(due)} (--wet-run pour envoyer)")
            return
        sent = notifications_send_pending(limit=limit)
        self.stdout.write(f"Envoyées : {sent}")
