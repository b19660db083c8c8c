"""Writes of place data: loading the shipped open-data files."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from raccord.places.models import Commune, Department, Region
from raccord.places.search import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadReport:
    regions: int
    departments: int
    created: int
    updated: int
    total: int


def _rows(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(io.StringIO(handle.read()), delimiter=";"))


@transaction.atomic
def places_load() -> LoadReport:
    """Create or update regions, departments and communes from the shipped files (idempotent)."""
    regions = _rows("regions.csv.gz")
    for row in regions:
        Region.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    departments = _rows("departments.csv.gz")
    for row in departments:
        Department.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "region_id": row["region"]}
        )
    existing = {
        (c.insee_code, c.postal_code): c
        for c in Commune.objects.only("id", "insee_code", "postal_code", "name", "population")
    }
    to_create: list[Commune] = []
    to_update: list[Commune] = []
    for row in _rows("communes.csv.gz"):
        population = int(row["population"] or 0)
        for postal_code in row["postal_codes"].split():
            current = existing.get((row["insee"], postal_code))
            if current is None:
                to_create.append(
                    Commune(
                        insee_code=row["insee"],
                        postal_code=postal_code,
                        name=row["name"],
                        search_name=normalize(row["name"]),
                        department_id=row["department"],
                        population=population,
                    )
                )
            elif current.name != row["name"] or current.population != population:
                current.name = row["name"]
                current.search_name = normalize(row["name"])
                current.population = population
                to_update.append(current)
    Commune.objects.bulk_create(to_create, batch_size=2000)
    Commune.objects.bulk_update(to_update, ["name", "search_name", "population"], batch_size=2000)
    return LoadReport(
        regions=len(regions),
        departments=len(departments),
        created=len(to_create),
        updated=len(to_update),
        total=Commune.objects.count(),
    )
