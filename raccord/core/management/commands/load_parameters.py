from django.core.management.base import BaseCommand
from django.db import transaction

from raccord.core.models import RegulatoryParameter
from raccord.rules.parameters import DEFAULT_PARAMETERS


class Command(BaseCommand):
    help = (
        "Copy the shipped regulatory parameters into the database (dry run unless --wet-run); "
        "periods already present (same key and start date) are left as the operator edited them."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--wet-run", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        existing = set(RegulatoryParameter.objects.values_list("key", "valid_from"))
        missing = [
            p for p in DEFAULT_PARAMETERS.parameters if (p.key, p.valid_from) not in existing
        ]
        for p in missing:
            self.stdout.write(f"  + {p.key} from {p.valid_from:%d/%m/%Y}: {p.value!r}")
        if not options["wet_run"]:
            self.stdout.write(f"Dry run: {len(missing)} parameter periods would be added.")
            return
        with transaction.atomic():
            RegulatoryParameter.objects.bulk_create(
                [RegulatoryParameter.from_rule(p) for p in missing]
            )
        self.stdout.write(f"{len(missing)} parameter periods added.")
