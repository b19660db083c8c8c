from django.core.management.base import BaseCommand

from raccord.places.services import places_load


class Command(BaseCommand):
    help = "Load (or update) French regions, departments and communes from the shipped open data."

    def handle(self, *args: object, **options: object) -> None:
        report = places_load()
        self.stdout.write(
            f"Places: {report.regions} regions, {report.departments} departments, "
            f"{report.total} commune/postal-code pairs ({report.created} created, "
            f"{report.updated} updated)."
        )
