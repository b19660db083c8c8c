"""Immutable stored versions: store, read back verified, refuse changes, detect tampering."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from raccord.documents.examples import cacsi_example_data
from raccord.documents.models import DocumentKind, DocumentVersion, ImmutableDocumentError
from raccord.documents.services import (
    DocumentIntegrityError,
    cacsi_filename,
    cacsi_render,
    cacsi_title,
    document_read,
    document_store,
)
from raccord.documents.views import document_response

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return cacsi_render(
        data=cacsi_example_data(producer_accepted="05/12/2017", operator_accepted="06/12/2017")
    )


@pytest.fixture
def stored(dossier, pdf, media_root) -> DocumentVersion:  # type: ignore[no-untyped-def]
    return document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title=cacsi_title(kind=DocumentKind.CACSI_ACCEPTED, operator_short_name="Enedis"),
        filename=cacsi_filename(
            kind=DocumentKind.CACSI_ACCEPTED, operator_short_name="Enedis", number=dossier.number
        ),
        pdf=pdf,
        created_by=None,
    )


def test_given_a_pdf_when_stored_then_read_back_identical_with_its_sha256(stored, pdf) -> None:  # type: ignore[no-untyped-def]
    version = DocumentVersion.objects.get(pk=stored.pk)

    data = document_read(version=version)

    assert data == pdf
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()
    assert version.size == len(pdf)
    assert version.title == "CACSI Acceptée Enedis"
    assert version.filename == f"CACSI Acceptee Enedis-{version.dossier.number}.pdf"
    assert version.file.name.startswith(f"documents/{version.dossier.number}/")
    assert version.visible_to_requester is True
    assert list(version.dossier.documents.all()) == [version]


def test_given_the_same_filename_twice_then_both_files_are_kept(stored, dossier, pdf) -> None:  # type: ignore[no-untyped-def]
    again = document_store(
        dossier=dossier,
        kind=stored.kind,
        title=stored.title,
        filename=stored.filename,
        pdf=pdf + b"\n",
        created_by=None,
    )

    assert again.file.name != stored.file.name
    assert document_read(version=stored) == pdf
    assert document_read(version=again) == pdf + b"\n"


def test_given_a_stored_version_when_saved_again_then_refused(stored) -> None:  # type: ignore[no-untyped-def]
    stored.comment = "changed"
    with pytest.raises(ImmutableDocumentError):
        stored.save()

    version = DocumentVersion.objects.get(pk=stored.pk)
    with pytest.raises(ImmutableDocumentError):
        version.save(update_fields=["comment"])
    assert DocumentVersion.objects.get(pk=stored.pk).comment == ""


def test_given_a_stored_version_when_updated_or_deleted_in_bulk_then_refused(stored) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImmutableDocumentError):
        DocumentVersion.objects.filter(pk=stored.pk).update(comment="x")
    with pytest.raises(ImmutableDocumentError):
        DocumentVersion.objects.filter(pk=stored.pk).delete()
    with pytest.raises(ImmutableDocumentError):
        stored.delete()

    assert DocumentVersion.objects.filter(pk=stored.pk).exists()


def test_given_a_dossier_with_documents_when_deleted_then_protected(stored) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        stored.dossier.delete()


def test_given_a_file_changed_on_disk_then_read_detects_it(stored, media_root) -> None:  # type: ignore[no-untyped-def]
    path = Path(media_root) / stored.file.name
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))

    with pytest.raises(DocumentIntegrityError, match="SHA-256"):
        document_read(version=stored)


def test_given_a_file_removed_from_disk_then_read_detects_it(stored, media_root) -> None:  # type: ignore[no-untyped-def]
    (Path(media_root) / stored.file.name).unlink()

    with pytest.raises(DocumentIntegrityError, match="missing"):
        document_read(version=stored)


def test_given_a_malformed_sha256_then_the_database_refuses_it(dossier) -> None:  # type: ignore[no-untyped-def]
    version = DocumentVersion(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="x",
        filename="x.pdf",
        file="documents/x.pdf",
        sha256="NOT-HEX",
        size=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()


def test_given_bytes_that_are_not_a_pdf_then_not_stored(dossier, media_root) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="PDF"):
        document_store(
            dossier=dossier,
            kind=DocumentKind.CACSI_ACCEPTED,
            title="x",
            filename="x.pdf",
            pdf=b"<html>",
            created_by=None,
        )
    assert not DocumentVersion.objects.exists()


def test_given_an_unknown_kind_then_not_stored(dossier, pdf, media_root) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="kind"):
        document_store(
            dossier=dossier, kind="other", title="x", filename="x.pdf", pdf=pdf, created_by=None
        )


def test_given_a_stored_version_then_the_response_is_a_pdf_attachment(stored, pdf) -> None:  # type: ignore[no-untyped-def]
    response = document_response(stored)

    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="CACSI Acceptee Enedis-{stored.dossier.number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]


def test_given_a_tampered_file_then_no_response_is_built(stored, media_root) -> None:  # type: ignore[no-untyped-def]
    (Path(media_root) / stored.file.name).write_bytes(b"%PDF-1.7 forged")

    with pytest.raises(DocumentIntegrityError):
        document_response(stored)


def test_given_the_admin_then_versions_are_read_only() -> None:
    from django.contrib import admin

    model_admin = admin.site._registry[DocumentVersion]

    assert not model_admin.has_add_permission(None)  # type: ignore[arg-type]
    assert not model_admin.has_change_permission(None)  # type: ignore[arg-type]
    assert not model_admin.has_delete_permission(None)  # type: ignore[arg-type]


def test_given_filenames_with_accents_or_paths_then_made_plain() -> None:
    from raccord.documents.services import ascii_filename

    assert ascii_filename("CACSI Acceptée Enedis-1.pdf") == "CACSI Acceptee Enedis-1.pdf"
    assert "/" not in ascii_filename("../../etc/passwd")


def test_given_the_insert_fails_then_the_file_just_written_is_removed(  # type: ignore[no-untyped-def]
    dossier, pdf, media_root, monkeypatch
) -> None:
    def broken_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database down")

    monkeypatch.setattr(DocumentVersion, "save", broken_save)

    with pytest.raises(RuntimeError):
        document_store(
            dossier=dossier,
            kind=DocumentKind.CACSI_ACCEPTED,
            title="x",
            filename="x.pdf",
            pdf=pdf,
            created_by=None,
        )

    assert not any(path.is_file() for path in Path(media_root).rglob("*"))
