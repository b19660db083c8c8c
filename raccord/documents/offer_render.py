"""Render the Avenant L342-6 / CRD Conditions Particulières with the uploaded annexes.

Annexes 2 (plan de situation et plan de masse) and 3 (schéma simplifié de l'Installation) are
PDFs uploaded by the requester. Each upload is handed to Typst as a file next to the data
(``/annex-2.pdf``) and the template places its pages, one per page, right after the annex title
page (``image(..., page: n)``): Typst writes the final PDF in one pass, with the « Page x / y »
footers, the SOMMAIRE, the bookmarks and the accessibility tags right. Should Typst fail on an
upload that pypdf reads, the former way is used: the template reserves one blank page per
uploaded page and pypdf puts the uploaded pages in their place (the tags are then lost). Without
an upload the title page says « Pièce non fournie ».
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import Destination

from raccord.documents.offer_contracts import OfferData
from raccord.documents.renderer import DocumentRenderError, render_pdf

__all__ = ["ANNEX_UPLOADS", "AnnexUploadError", "offer_render"]

ANNEX_UPLOADS: dict[int, str] = {2: "situation_plan", 3: "single_line_diagram"}
"""Annex number → key of ``OfferData["annexes"]`` for the annexes that take an uploaded PDF."""


class AnnexUploadError(ValueError):
    """An uploaded annex is not a readable, unencrypted PDF with at least one page."""

    def __init__(self, annex: int, reason: str) -> None:
        self.annex = annex
        super().__init__(f"Annexe {annex} : {reason}")


def _read_upload(annex: int, pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            raise AnnexUploadError(annex, "le PDF est protégé par un mot de passe.")
        if len(reader.pages) == 0:
            raise AnnexUploadError(annex, "le PDF ne contient aucune page.")
    except (PdfReadError, OSError, ValueError) as error:
        if isinstance(error, AnnexUploadError):
            raise
        raise AnnexUploadError(annex, "le fichier n'est pas un PDF lisible.") from error
    return reader


def _annex_title_pages(reader: PdfReader) -> dict[int, int]:
    """Annex number → index of its title page, from the PDF outline (headings « Annexe n - »)."""
    found: dict[int, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                title = str(item.title or "")
                for n in ANNEX_UPLOADS:
                    if title.startswith(f"Annexe {n} "):
                        page = reader.get_destination_page_number(item)
                        if page is not None:
                            found[n] = page

    walk(list(reader.outline))
    return found


def offer_render(*, data: OfferData, annex_pdfs: Mapping[int, bytes] | None = None) -> bytes:
    """The document of ``data`` (Avenant or CRD) as PDF bytes, uploaded annexes 2 and 3 merged.

    ``annex_pdfs`` maps an annex number (2 or 3) to the uploaded PDF; a missing or empty entry
    prints « Pièce non fournie ». Raises :class:`AnnexUploadError` for an unreadable upload,
    ``ValueError`` for another annex number.
    """
    uploads: dict[int, PdfReader] = {}
    files: dict[str, bytes] = {}
    for annex, pdf in (annex_pdfs or {}).items():
        if annex not in ANNEX_UPLOADS:
            raise ValueError(f"Annexe {annex} : seules les annexes 2 et 3 sont des pièces jointes.")
        if pdf:
            uploads[annex] = _read_upload(annex, pdf)
            files[f"annex-{annex}.pdf"] = pdf
    try:
        return render_pdf("avenant", _with_uploads(data, uploads, embed=True), files=files)
    except DocumentRenderError:
        if not uploads:
            raise
    # Fallback: Typst could not place an upload (a PDF that pypdf reads but Typst does not).
    pdf = render_pdf("avenant", _with_uploads(data, uploads, embed=False))
    return _merge(pdf, uploads)


def _with_uploads(data: OfferData, uploads: Mapping[int, PdfReader], *, embed: bool) -> OfferData:
    """``data`` with ``annexes[key]`` saying whether each upload is there, its page count and,
    with ``embed``, the file the template reads it from."""
    data = copy.copy(data)
    annexes = dict(data["annexes"])
    for annex, key in ANNEX_UPLOADS.items():
        reader = uploads.get(annex)
        entry: dict[str, object] = {
            "provided": reader is not None,
            "pages": len(reader.pages) if reader else 0,
        }
        if reader is not None and embed:
            entry["file"] = f"/annex-{annex}.pdf"
        annexes[key] = entry
    data["annexes"] = annexes  # type: ignore[typeddict-item]
    return data


def _merge(pdf: bytes, uploads: Mapping[int, PdfReader]) -> bytes:
    """The rendered PDF with the uploaded pages in place of the blank pages reserved for them."""
    rendered = PdfReader(io.BytesIO(pdf))
    titles = _annex_title_pages(rendered)
    missing = set(uploads) - set(titles)
    if missing:  # pragma: no cover - the template always outlines its annexes
        raise RuntimeError(f"Annexes {sorted(missing)} introuvables dans le sommaire du PDF.")
    # Rendered page index → uploaded pages that replace it (the reserved blank pages).
    replaced: dict[int, object] = {}
    for annex, reader in uploads.items():
        for offset, page in enumerate(reader.pages):
            replaced[titles[annex] + 1 + offset] = page
    # A new writer taking page by page is several times faster than cloning the whole tagged
    # document; the bookmarks are added again (pages do not move: one page replaces one page).
    writer = PdfWriter()
    for index, page in enumerate(rendered.pages):
        writer.add_page(replaced.get(index, page))  # type: ignore[arg-type]
    _copy_outline(rendered, writer, list(rendered.outline), None)
    writer.add_metadata({k: str(v) for k, v in (rendered.metadata or {}).items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _copy_outline(
    reader: PdfReader, writer: PdfWriter, items: list[object], parent: object | None
) -> None:
    last = None
    for item in items:
        if isinstance(item, list):
            _copy_outline(reader, writer, item, last)
        elif isinstance(item, Destination):
            page = reader.get_destination_page_number(item)
            if page is not None:
                last = writer.add_outline_item(
                    title=str(item.title),
                    page_number=page,
                    parent=parent,  # type: ignore[arg-type]
                )
