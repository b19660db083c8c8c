"""``python manage.py run_clocks [--wet-run]``: reminders, 15-day notices, digests, retries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from raccord.tracking.clocks import clocks_run


class Command(BaseCommand):
    help = (
        "Applique les échéances : rappels avant échéance, instruction instantanée des CACSI "
        "transmises que la file de tâches n'a pas traitées, règle des 15 jours (CACSI), synthèse "
        "quotidienne des guichets, renvoi des notifications en attente. Sans --wet-run, "
        "affiche seulement ce qui serait fait."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="Appliquer (sinon : à blanc).")

    def handle(self, *args: Any, **options: Any) -> None:
        wet = bool(options["wet_run"])
        report = clocks_run(wet=wet)
        mode = "appliqué" if wet else "à blanc (--wet-run pour appliquer)"
        self.stdout.write(f"Horloges du {report.today:%d/%m/%Y}, {mode}")
        for line in report.lines:
            self.stdout.write(f"- {line}")
        if not report.lines:
            self.stdout.write("Rien à faire.")
        counts = report.counts()
        self.stdout.write(
            "Rappels : {reminders}, instructions rattrapées : {reviews}, "
            "règle des 15 jours : {may_commission}, synthèses : {digests}, "
            "renvois : {retried}".format(**counts)
        )
