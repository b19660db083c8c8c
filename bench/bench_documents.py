"""Benchmark: CACSI convention rendered to PDF with Typst (target <= 20 ms median, warm).

Run: ``.venv/bin/python bench/bench_documents.py [N]`` (default 50 timed renders after 5 warm-up
renders). Prints the cold first render, then the warm median and p90 of ``cacsi_render`` with
different data at each render (another number, producer and date: the realistic case) and, for
comparison, with the same data again. The data reaches Typst as the file ``/data.json`` of the
thread's workspace (``raccord.documents.renderer``), not as ``sys_inputs`` (a change of which
invalidated every memoised layout): with new data Typst lays out again only what changed (the
title, the party block, the signature boxes, the footers) and reuses the articles. Two
baselines measured in the same process: ``json.dumps`` of the same data (what the renderer adds
on top of Typst) and a one-line Typst document through the same cached compiler (Typst's fixed
cost), with the ratios. No assertion: the target is read, not enforced. The machine is shared:
run it three times and read the figures with the load average printed at the end.
"""

from __future__ import annotations

import copy
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader

from raccord.documents import renderer
from raccord.documents.examples import cacsi_example_data


def cacsi_render(*, data: object) -> bytes:
    """What ``raccord.documents.services.cacsi_render`` does, without setting Django up."""
    return renderer.render_pdf("cacsi", data)  # type: ignore[arg-type]


WARM_UP = 5


def timed(fn: Callable[[int], object], n: int) -> list[float]:
    """Milliseconds of ``n`` calls ``fn(i)`` after ``WARM_UP`` untimed ones."""
    for i in range(WARM_UP):
        fn(i)
    samples = []
    for i in range(WARM_UP, WARM_UP + n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def variant(i: int) -> dict[str, object]:
    """The example with another number, producer and date: Typst cannot reuse a cached layout."""
    data = copy.deepcopy(cacsi_example_data(operator_accepted=f"{1 + i % 28:02d}/12/2017"))
    data["number"] = f"2611P4E{i:06d}"
    data["number_display"] = f"26 11 P4E {i:06d}"
    assert data["producer"]["company"] is not None
    data["producer"]["company"]["name"] = f"PARTENAIRE PRO {i}"
    return dict(data)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    data = cacsi_example_data(producer_accepted="05/12/2017", operator_accepted="06/12/2017")

    start = time.perf_counter()
    pdf = cacsi_render(data=data)
    cold = (time.perf_counter() - start) * 1000
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    variants = [variant(i) for i in range(WARM_UP + n)]
    cacsi = timed(lambda i: cacsi_render(data=variants[i]), n)
    same = timed(lambda i: cacsi_render(data=data), n)
    dumps = timed(lambda i: json.dumps(variants[i], ensure_ascii=False), n)
    trivial_source = '#set text(font: "DejaVu Sans", lang: "fr")\nAccepté le 05/12/2017'.encode()
    trivial = timed(
        lambda i: renderer._compiler().compile(input=trivial_source, format="pdf"),
        n,
    )

    med = statistics.median(cacsi)
    p90 = statistics.quantiles(cacsi, n=10)[-1]
    med_dumps = statistics.median(dumps)
    med_trivial = statistics.median(trivial)
    rows = [
        ("cold first render (fonts, parse)", cold, ""),
        (f"warm, new data each render (median of {n})", med, f"p90 {p90:.2f} ms, target <= 20"),
        ("warm, same data again (median)", statistics.median(same), "all memoised by Typst"),
        ("baseline: json.dumps of the data", med_dumps, f"CACSI is x{med / med_dumps:,.0f}"),
        ("baseline: one-line Typst document", med_trivial, f"CACSI is x{med / med_trivial:.1f}"),
    ]
    print(f"CACSI convention: {pages} pages, {len(pdf) / 1024:.0f} KiB")
    for label, value, note in rows:
        print(f"  {label:44} {value:8.3f} ms  {note}")
    print(
        ("target met" if med <= 20 else "TARGET MISSED")
        + f"; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
