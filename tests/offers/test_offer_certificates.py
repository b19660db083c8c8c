"""The requester's conformity certificates (attachments ``decoupling_certificate``) are appended
to the certificates annex of the stored CRD (Annexe 5) and Avenant (Annexe 6)."""

from __future__ import annotations

import io

import pytest
import typst
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from raccord.documents.models import DocumentKind, DocumentVersion
from raccord.documents.services import document_read
from raccord.dossiers.models import Attachment
from raccord.dossiers.services import attachment_store
from raccord.offers import services
from tests.offers.conftest import EXAMPLE, prepare_complete

pytestmark = pytest.mark.django_db

DECOUPLING = "Certificat de conformité de la protection de découplage (onduleur)"


def pages_of(bt, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    version = DocumentVersion.objects.get(dossier=bt, kind=kind)
    reader = PdfReader(io.BytesIO(document_read(version=version)))
    return [" ".join(p.extract_text().replace("\u2019", "'").split()) for p in reader.pages]


def send(bt, instructor) -> None:  # type: ignore[no-untyped-def]
    prepare_complete(bt, instructor)
    bt.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.offer_send(dossier=bt, user=instructor, version=bt.version)
    bt.refresh_from_db()


def certificate_pdf(pages: int) -> bytes:
    source = "\n#pagebreak()\n".join(f"CERTIFICAT ONDULEUR page {i + 1}" for i in range(pages))
    pdf = typst.compile(source.encode())
    assert isinstance(pdf, bytes)
    return pdf


def test_uploaded_certificates_are_appended_to_both_documents(bt, instructor, requester):
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (200, 280), (10, 60, 120)).save(png, format="PNG")
    attachment_store(
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.DECOUPLING_CERTIFICATE,
        name="certificat onduleur.pdf",
        content=certificate_pdf(2),
    )
    attachment_store(
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.DECOUPLING_CERTIFICATE,
        name="scan.png",
        content=png.getvalue(),
    )
    removed = attachment_store(
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.DECOUPLING_CERTIFICATE,
        name="ancien.pdf",
        content=certificate_pdf(1),
    )
    Attachment.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    attachment_store(  # another kind: not a certificate
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.COMPANY_EXTRACT,
        name="kbis.pdf",
        content=certificate_pdf(1),
    )
    (standard,) = EXAMPLE.request.certificate_standards
    send(bt, instructor)

    for kind, annex in ((DocumentKind.CRD, "5"), (DocumentKind.AVENANT, "6")):
        pages = pages_of(bt, kind)
        title = next(
            i
            for i, p in enumerate(pages)
            if f"Annexe {annex} - Attestation relative au contrôle" in p and "SOMMAIRE" not in p
        )
        assert (
            f"Pièce n° 1 : certificat onduleur.pdf {DECOUPLING} — norme citée : {standard} — "
            "2 pages, reproduites à la suite." in pages[title]
        ), kind
        assert "Joint : pièces n° 1 et 2" in pages[title], kind
        assert pages[title + 1 : title + 3] == [
            "CERTIFICAT ONDULEUR page 1",
            "CERTIFICAT ONDULEUR page 2",
        ], kind
        assert f"Pièce n° 2 : scan.png {DECOUPLING} — norme citée : {standard}" in pages[title + 3]
        assert len(pages) == title + 4, kind
        text = " ".join(pages)
        assert "ancien.pdf" not in text and "kbis.pdf" not in text
        assert "aucun fichier" not in text


def test_certificate_declared_but_not_uploaded_is_stated(bt, instructor):
    send(bt, instructor)
    for kind in (DocumentKind.CRD, DocumentKind.AVENANT):
        text = " ".join(pages_of(bt, kind))
        assert "Déclaré remis, aucun fichier au dossier : à remettre avant la mise en service" in (
            text
        )
        assert "Pièce n° 1" not in text


def test_certificate_uploads_read_the_dossier_in_upload_order(bt, requester):
    first = attachment_store(
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.DECOUPLING_CERTIFICATE,
        name="a.pdf",
        content=certificate_pdf(1),
    )
    attachment_store(
        dossier=bt,
        user=requester,
        kind=Attachment.Kind.DECOUPLING_CERTIFICATE,
        name="b.pdf",
        content=certificate_pdf(1),
    )
    first.file.storage.delete(first.file.name)  # lost from the storage: still named
    uploads = services.certificate_uploads(bt, EXAMPLE.request)
    assert [(u.name, u.subject, u.standard) for u in uploads] == [
        ("a.pdf", DECOUPLING, "NF EN 50549-1"),
        ("b.pdf", DECOUPLING, "NF EN 50549-1"),
    ]
    assert uploads[0].content == b"" and uploads[1].content.startswith(b"%PDF-")
