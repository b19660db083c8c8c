"""Render the Avenant L342-6 / CRD Conditions Particulières with the uploaded annexes.

Annexes 2 (plan de situation et plan de masse) and 3 (schéma simplifié de l'Installation) are
PDFs uploaded by the requester. Each upload is handed to Typst as a file next to the data
(``/annex-2.pdf``) and the template places its pages, one per page, right after the annex title
page (``image(..., page: n)``): Typst writes the final PDF in one pass, with the « Page x / y »
footers, the SOMMAIRE, the bookmarks and the accessibility tags right. Should Typst fail on an
upload that pypdf reads, the former way is used: the template reserves one blank page per
uploaded page and pypdf puts the uploaded pages in their place (the tags are then lost). Without
an upload the title page says « Pièce non fournie ».

The certificates annex (Annexe 6 of the Avenant, Annexe 5 of the CRD) lists the certificates in
a table, then appends the certificate files the requester uploaded (:class:`CertificateUpload`,
PDF, PNG or JPEG), each preceded by a caption « Pièce n° k : <file name> » naming what it
certifies and the standard it cites: a PDF's pages are placed exactly as the pages of Annexes 2
and 3 (same template helper, same fallback), an image is fitted on an A4 page under its caption.
A file that cannot be read is named with « Fichier illisible » and not reproduced; a certificate
listed as supplied without any file says so (« aucun fichier au dossier »). Nothing is skipped
silently.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import Destination

from raccord.documents.offer_contracts import CertificateData, CertificateFileData, OfferData
from raccord.documents.renderer import DocumentRenderError, render_pdf

__all__ = ["ANNEX_UPLOADS", "AnnexUploadError", "CertificateUpload", "offer_render"]

ANNEX_UPLOADS: dict[int, str] = {2: "situation_plan", 3: "single_line_diagram"}
"""Annex number → key of ``OfferData["annexes"]`` for the annexes that take an uploaded PDF."""


class AnnexUploadError(ValueError):
    """An uploaded annex is not a readable, unencrypted PDF with at least one page."""

    def __init__(self, annex: int, reason: str) -> None:
        self.annex = annex
        super().__init__(f"Annexe {annex} : {reason}")


@dataclass(frozen=True, slots=True)
class CertificateUpload:
    """A certificate file the requester attached to the request, appended to the certificates
    annex in the order given. ``content`` is a PDF, a PNG or a JPEG (recognised by its first
    bytes); ``name`` (the uploaded file name), ``subject`` (what it certifies) and ``standard``
    (the standard it cites, ``""`` when unknown) are printed in its caption. A file whose
    standard is ``""`` is taken to support every certificate row of the table."""

    name: str
    content: bytes
    subject: str = "Certificat de conformité"
    standard: str = ""


@dataclass(frozen=True, slots=True)
class _Certificate:
    """A checked certificate upload: its kind, file extension, pages and (PDF) reader."""

    upload: CertificateUpload
    kind: str  # "pdf", "image" or "unreadable"
    extension: str  # "pdf", "png", "jpg"; "" when unreadable
    pages: int
    reader: PdfReader | None = None


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


def _read_certificate(upload: CertificateUpload, *, decode: bool = False) -> _Certificate:
    """Recognise a certificate upload by its first bytes and check that it can be read: a PDF
    with pypdf (as the annexes), an image with Pillow (a PNG's chunks and checksums, a JPEG
    decoded at a reduced scale), so that a damaged file is named here rather than failing Typst.
    With ``decode`` an image is decoded in full (the fallback's check, see ``offer_render``)."""
    content = upload.content
    if content.startswith(b"%PDF-"):
        try:
            reader = _read_upload(6, content)  # the annex number only names the error
        except AnnexUploadError:
            return _Certificate(upload, "unreadable", "", 0)
        return _Certificate(upload, "pdf", "pdf", len(reader.pages), reader)
    extension = (
        "png"
        if content.startswith(b"\x89PNG\r\n\x1a\n")
        else "jpg"
        if content.startswith(b"\xff\xd8\xff")
        else ""
    )
    if extension:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise ValueError(image.format)
                if decode:
                    image.load()
                elif image.format == "PNG":
                    image.verify()  # every chunk and its CRC, up to IEND (no decompression)
                else:  # a JPEG decoded at 1/8 scale: cheap, and reads the whole file
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
        except Exception:  # any decoding failure: the file is named as unreadable
            return _Certificate(upload, "unreadable", "", 0)
        return _Certificate(upload, "image", extension, 1)
    return _Certificate(upload, "unreadable", "", 0)


def _certificate_file(number: int, certificate: _Certificate) -> str:
    """The name of a certificate upload in the render's workspace (``certificate-1.pdf``)."""
    return f"certificate-{number}.{certificate.extension}"


def _outline_pages(reader: PdfReader) -> dict[str, int]:
    """Bookmark title (white space folded) → page index, for every entry of the PDF outline."""
    found: dict[str, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item)
                if page is not None:
                    found.setdefault(" ".join(str(item.title or "").split()), page)

    walk(list(reader.outline))
    return found


def _annex_title_pages(reader: PdfReader) -> dict[int, int]:
    """Annex number → index of its title page, from the PDF outline (headings « Annexe n - »)."""
    found: dict[int, int] = {}
    for title, page in _outline_pages(reader).items():
        for n in ANNEX_UPLOADS:
            if title.startswith(f"Annexe {n} "):
                found[n] = page
    return found


_PIECE = re.compile(r"^Pièce n° (\d+) :")


def _certificate_caption_pages(reader: PdfReader) -> dict[int, int]:
    """Certificate number → index of the page of its caption (headings « Pièce n° k : … »)."""
    found: dict[int, int] = {}
    for title, page in _outline_pages(reader).items():
        match = _PIECE.match(title)
        if match:
            found.setdefault(int(match.group(1)), page)
    return found


def offer_render(
    *,
    data: OfferData,
    annex_pdfs: Mapping[int, bytes] | None = None,
    certificates: Sequence[CertificateUpload] = (),
) -> bytes:
    """The document of ``data`` (Avenant or CRD) as PDF bytes, uploaded annexes 2 and 3 merged
    and the uploaded certificates appended to the certificates annex.

    ``annex_pdfs`` maps an annex number (2 or 3) to the uploaded PDF; a missing or empty entry
    prints « Pièce non fournie ». Raises :class:`AnnexUploadError` for an unreadable upload,
    ``ValueError`` for another annex number. ``certificates`` are printed in the order given;
    an unreadable certificate is not an error: the annex names it as unreadable.
    """
    uploads: dict[int, PdfReader] = {}
    files: dict[str, bytes] = {}
    for annex, pdf in (annex_pdfs or {}).items():
        if annex not in ANNEX_UPLOADS:
            raise ValueError(f"Annexe {annex} : seules les annexes 2 et 3 sont des pièces jointes.")
        if pdf:
            uploads[annex] = _read_upload(annex, pdf)
            files[f"annex-{annex}.pdf"] = pdf
    checked = [_read_certificate(upload) for upload in certificates]
    for number, certificate in enumerate(checked, start=1):
        if certificate.kind != "unreadable":
            files[_certificate_file(number, certificate)] = certificate.upload.content
    try:
        return render_pdf(
            "avenant",
            _with_uploads(data, uploads, embed=True, certificates=checked),
            files=files,
        )
    except DocumentRenderError:
        if not files:
            raise
    # Fallback: Typst could not place an upload (a PDF that pypdf reads but Typst does not).
    # Every uploaded PDF then gets blank pages that pypdf replaces; images stay with Typst.
    try:
        pdf = _render_reserved(data, uploads, checked)
    except DocumentRenderError:
        # Then an image Typst cannot decode though its checksums are right: the images that
        # Pillow cannot decode in full either are named as unreadable, and one last try.
        decoded = [
            _read_certificate(c.upload, decode=True) if c.kind == "image" else c for c in checked
        ]
        if [c.kind for c in decoded] == [c.kind for c in checked]:
            raise
        checked = decoded
        pdf = _render_reserved(data, uploads, checked)
    return _merge(pdf, uploads, certificates=checked)


def _render_reserved(
    data: OfferData, uploads: Mapping[int, PdfReader], certificates: Sequence[_Certificate]
) -> bytes:
    """The fallback's render: blank pages reserved for every uploaded PDF, images placed."""
    images = {
        _certificate_file(number, c): c.upload.content
        for number, c in enumerate(certificates, start=1)
        if c.kind == "image"
    }
    return render_pdf(
        "avenant",
        _with_uploads(data, uploads, embed=False, certificates=certificates),
        files=images,
    )


def _norm(standard: str) -> str:
    return " ".join(standard.split()).casefold()


def _with_uploads(
    data: OfferData,
    uploads: Mapping[int, PdfReader],
    *,
    embed: bool,
    certificates: Sequence[_Certificate] = (),
) -> OfferData:
    """``data`` with ``annexes[key]`` saying whether each upload is there, its page count and,
    with ``embed``, the file the template reads it from; with the certificate files and, in
    each row of the certificates table, the numbers of the files that support it."""
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
    entries: list[CertificateFileData] = []
    for number, certificate in enumerate(certificates, start=1):
        placed = certificate.kind == "image" or (certificate.kind == "pdf" and embed)
        entries.append(
            {
                "number": number,
                "name": certificate.upload.name,
                "subject": certificate.upload.subject,
                "standard": certificate.upload.standard.strip(),
                "kind": certificate.kind,  # type: ignore[typeddict-item]
                "pages": certificate.pages,
                "file": "/" + _certificate_file(number, certificate) if placed else "",
            }
        )
    rows: list[CertificateData] = []
    for row in data["annexes"]["certificates"]:
        standard = _norm(row["standard"])
        matching = [e for e in entries if not e["standard"] or _norm(e["standard"]) == standard]
        rows.append(
            {
                **row,
                "files": [e["number"] for e in matching if e["kind"] != "unreadable"],
                "unreadable": [e["number"] for e in matching if e["kind"] == "unreadable"],
            }
        )
    annexes["certificates"] = rows
    annexes["certificate_files"] = entries
    data["annexes"] = annexes  # type: ignore[typeddict-item]
    return data


def _merge(
    pdf: bytes, uploads: Mapping[int, PdfReader], certificates: Sequence[_Certificate] = ()
) -> bytes:
    """The rendered PDF with the uploaded pages in place of the blank pages reserved for them
    (after the title page of annexes 2 and 3, after the caption of each PDF certificate)."""
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
    pdf_certificates = {
        number: c.reader
        for number, c in enumerate(certificates, start=1)
        if c.kind == "pdf" and c.reader is not None
    }
    if pdf_certificates:
        captions = _certificate_caption_pages(rendered)
        lost = set(pdf_certificates) - set(captions)
        if lost:  # pragma: no cover - the template always bookmarks its captions
            raise RuntimeError(f"Pièces {sorted(lost)} introuvables dans les signets du PDF.")
        for number, reader in pdf_certificates.items():
            for offset, page in enumerate(reader.pages):
                replaced[captions[number] + 1 + offset] = page
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
