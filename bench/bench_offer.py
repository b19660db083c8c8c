"""Benchmark: the full Avenant L342-6 with annexes, Typst vs WeasyPrint (target ≤ 150 ms median).

Run: ``.venv/bin/python bench/bench_offer.py [N]`` (default 15 timed renders after 3 warm-up
renders). Builds the worked example (100 kVA surplus injection, new withdrawal, L342-6 at the
first request, no S3REnR, branch and extension), with uploaded annexes 2 and 3 (10 pages each,
so the document is about 40 pages), then prints:

* Typst: median and p90 of ``offer_render``, each render with different data: another site
  name, then another dossier (number, site, beneficiary, date: the number is on every page).
  The uploads are placed by Typst itself (``image(..., page: n)``), so Typst writes the final
  PDF in one pass, and the data reaches Typst as a file rather than ``sys_inputs``, so Typst
  lays out again only the pages that changed (the SOMMAIRE's page numbers and « Page x / y »
  still cost an extra layout pass over what changed);
* the fallback used when Typst cannot read an upload (blank pages reserved, pypdf merge), for
  comparison: what every render cost before;
* WeasyPrint (``bench`` extra, needs Debian's pango): the same text as HTML (the PDF's text
  extracted page by page, one ``<section>`` per page) with the same number of pages, median and
  the ratio WeasyPrint / Typst. If WeasyPrint cannot run here, the reason is printed.

No assertion: the target is read, not enforced. The machine is shared: read the figures with
the load average printed at the end.
"""

from __future__ import annotations

import copy
import html
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import typst
from pypdf import PdfReader

from raccord.documents import offer_render as offer_render_module
from raccord.documents.offer_builder import example_offer, offer_data
from raccord.documents.offer_contracts import OfferData
from raccord.documents.offer_render import offer_render
from raccord.documents.renderer import render_pdf
from raccord.rules.parameters import DEFAULT_PARAMETERS
from raccord.rules.variants import DocumentKind, document_plan

WARM_UP = 3


def timed(fn: Callable[[int], object], n: int) -> list[float]:
    for i in range(WARM_UP):
        fn(i)
    samples = []
    for i in range(WARM_UP, WARM_UP + n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def upload(pages: int, label: str) -> bytes:
    source = "\n".join(
        f"{'#pagebreak()' if i else ''}\n= {label}\nPage {i + 1}\n#rect(width: 100%, height: 60%)"
        for i in range(pages)
    )
    pdf = typst.compile(source.encode())
    assert isinstance(pdf, bytes)
    return pdf


def example_data() -> OfferData:
    ex = example_offer()
    plan = document_plan(
        request=ex.request, study=ex.study, document=DocumentKind.AVENANT, params=DEFAULT_PARAMETERS
    )
    return offer_data(
        plan=plan,
        request=ex.request,
        study=ex.study,
        offer=ex.offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )


def report(name: str, samples: list[float]) -> float:
    med = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) >= 2 else med
    print(f"{name:<44} median {med:8.1f} ms   p90 {p90:8.1f} ms")
    return med


def weasy_html(pages: list[str]) -> str:
    css = (
        "@page { size: A4; margin: 2.5cm 2.1cm 2.3cm;"
        " @bottom-right { content: 'Page ' counter(page) ' / ' counter(pages); } }"
        " body { font-family: 'DejaVu Sans'; font-size: 9.5pt; text-align: justify;"
        " hyphens: auto; }"
        " section { break-after: page; } p { margin: 0 0 0.4em; }"
    )
    body = "".join(
        "<section>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in page.splitlines())
        + "</section>"
        for page in pages
    )
    head = f'<meta charset="utf-8"><style>{css}</style>'
    return f'<!doctype html><html lang="fr"><head>{head}</head><body>{body}</body></html>'


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    data = example_data()
    annexes = {2: upload(10, "Plan de masse"), 3: upload(10, "Schéma unifilaire")}

    start = time.perf_counter()
    pdf = offer_render(data=data, annex_pdfs=annexes)
    cold = (time.perf_counter() - start) * 1000
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    print(f"document: Avenant L342-6 with annexes, {len(pages)} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"{'cold first render (Typst)':<44} {cold:8.1f} ms")

    def variant(i: int) -> OfferData:
        d = copy.deepcopy(data)
        d["site_name"] = f"Hangar agricole n° {i}"
        return d

    variants = [variant(i) for i in range(WARM_UP + n)]
    typst_med = report(
        "Typst offer_render (different data)",
        timed(lambda i: offer_render(data=variants[i], annex_pdfs=annexes), n),
    )

    def dossier(i: int) -> OfferData:
        d = variant(i)
        d["number"], d["number_display"] = f"2506P4E{i:06d}", f"25 06 P4E {i:06d}"
        d["establishment"]["name"] = f"SOLEIL D'ARMOR {i}"
        d["generated_on"] = f"{1 + i % 28:02d}/06/2025"
        return d

    dossiers = [dossier(i) for i in range(WARM_UP + n)]
    report(
        "Typst offer_render (another dossier)",
        timed(lambda i: offer_render(data=dossiers[i], annex_pdfs=annexes), n),
    )
    report(
        "Typst offer_render (same data)",
        timed(lambda i: offer_render(data=data, annex_pdfs=annexes), n),
    )
    readers = {k: PdfReader(io.BytesIO(v)) for k, v in annexes.items()}
    report(
        "fallback: blank pages + pypdf merge",
        timed(
            lambda i: offer_render_module._merge(
                render_pdf(
                    "avenant", offer_render_module._with_uploads(variants[i], readers, embed=False)
                ),
                readers,
            ),
            n,
        ),
    )

    try:
        from weasyprint import HTML  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except Exception as error:
        print(f"WeasyPrint cannot run here: {type(error).__name__}: {error}")
        print(f"Typst median alone: {typst_med:.1f} ms (target ≤ 150 ms)")
    else:
        documents = [weasy_html([f"{i} {page}" for page in pages]) for i in range(WARM_UP + n)]
        weasy_pdf = HTML(string=documents[0]).write_pdf()
        weasy_pages = len(PdfReader(io.BytesIO(weasy_pdf)).pages)
        weasy_med = report(
            f"WeasyPrint same text ({weasy_pages} pages)",
            timed(lambda i: HTML(string=documents[i]).write_pdf(), n),
        )
        print(f"ratio WeasyPrint / Typst: {weasy_med / typst_med:.1f} x")
    print(f"target: Typst median ≤ 150 ms; load average now: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
