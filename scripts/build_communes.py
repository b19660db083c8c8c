"""Build raccord/places/data/*.csv.gz from the npm package @etalab/decoupage-administratif.

Usage (needs npm, run from the repository root):
    cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf *.tgz
    python scripts/build_communes.py <that folder>/package/data

Keeps current communes only (type "commune-actuelle"), one line per commune with its postal
codes separated by spaces. Output is sorted so that rebuilding gives the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "raccord" / "places" / "data"


def write_gz(name: str, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with gzip.GzipFile(OUT / name, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


def main(source: Path) -> None:
    regions = json.loads((source / "regions.json").read_text())
    departments = json.loads((source / "departements.json").read_text())
    communes = json.loads((source / "communes.json").read_text())
    write_gz("regions.csv.gz", ["code", "name"], sorted([r["code"], r["nom"]] for r in regions))
    write_gz(
        "departments.csv.gz",
        ["code", "name", "region"],
        sorted([d["code"], d["nom"], d["region"]] for d in departments),
    )
    rows = sorted(
        [
            c["code"],
            c["nom"],
            c["departement"],
            str(c.get("population", 0) or 0),
            " ".join(sorted(set(c.get("codesPostaux") or []))),
        ]
        for c in communes
        if c["type"] == "commune-actuelle" and c.get("codesPostaux")
    )
    write_gz("communes.csv.gz", ["insee", "name", "department", "population", "postal_codes"], rows)
    print(f"{len(regions)} regions, {len(departments)} departments, {len(rows)} communes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
