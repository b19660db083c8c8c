"""``python manage.py send_digests [--wet-run]``: only the daily digests of overdue dossiers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from raccord.tracking.clocks import digests_run


class Command(BaseCommand):
    help = (
        "Envoie à chaque guichet la synthèse quotidienne de ses dossiers en retard (une fois "
        "par jour). Sans --wet-run, affiche seulement ce qui serait envoyé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="Envoyer (sinon : à blanc).")

    def handle(self, *args: Any, **options: Any) -> None:
        wet = bool(options["wet_run"])
        report = digests_run(wet=wet)
        for line in report.lines:
            self.stdout.write(f"- {line}")
        verb = "envoyée(s)" if wet else "à envoyer (--wet-run pour envoyer)"
        self.stdout.write(f"Synthèses {verb} : {report.digests}")
