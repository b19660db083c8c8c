"""Document services: render the CACSI, store an immutable version, read it back verified."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from typing import TYPE_CHECKING, cast

from django.core.files.base import ContentFile
from django.db import transaction

from raccord.documents.contracts import TYPOGRAPHIC_APOSTROPHE, CacsiData, de_operator
from raccord.documents.models import DocumentKind, DocumentVersion
from raccord.documents.renderer import render_pdf

if TYPE_CHECKING:
    from raccord.accounts.models import User
    from raccord.dossiers.models import Dossier

logger = logging.getLogger(__name__)


class DocumentIntegrityError(Exception):
    """The stored file no longer matches the SHA-256 recorded when it was stored."""

    def __init__(self, version: DocumentVersion, reason: str) -> None:
        self.version = version
        super().__init__(f"Document version {version.pk} ({version.file.name}): {reason}")


def sha256_hex(data: bytes) -> str:
    """The lowercase hexadecimal SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def ascii_filename(filename: str) -> str:
    """``CACSI Acceptée Enedis-…pdf`` → ``CACSI Acceptee Enedis-…pdf``: plain ASCII, no path."""
    text = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in text).strip(" .")
    return cleaned or "document.pdf"


def cacsi_render(*, data: CacsiData) -> bytes:
    """The CACSI convention as PDF bytes (a preview when ``data["preview"]`` is true).

    ``operator.de_short_name`` (« d'Enedis » / « de SER », typographic apostrophe) is derived
    from ``short_name`` with :func:`de_operator` when the caller did not give it.
    """
    operator = data["operator"]
    if "de_short_name" not in operator:
        operator = {
            **operator,
            "de_short_name": de_operator(operator["short_name"], TYPOGRAPHIC_APOSTROPHE),
        }
        data = cast(CacsiData, {**data, "operator": operator})
    return render_pdf("cacsi", data)


def cacsi_title(*, kind: DocumentKind | str, operator_short_name: str) -> str:
    """Title shown in the Documents tab: « CACSI Acceptée Enedis »."""
    if kind == DocumentKind.CACSI_ACCEPTED:
        return f"CACSI Acceptée {operator_short_name}"
    if kind == DocumentKind.CACSI_PRODUCER_ACCEPTED:
        return "CACSI acceptée par le producteur"
    raise ValueError(f"Not a CACSI document kind: {kind!r}")


def cacsi_filename(*, kind: DocumentKind | str, operator_short_name: str, number: str) -> str:
    """File name as in the seed: ``CACSI Acceptee Enedis-1706P4E948637.pdf``."""
    if kind == DocumentKind.CACSI_ACCEPTED:
        stem = f"CACSI Acceptee {operator_short_name}"
    elif kind == DocumentKind.CACSI_PRODUCER_ACCEPTED:
        stem = "CACSI Acceptee Producteur"
    else:
        raise ValueError(f"Not a CACSI document kind: {kind!r}")
    return ascii_filename(f"{stem}-{number}.pdf")


def document_store(
    *,
    dossier: Dossier,
    kind: DocumentKind | str,
    title: str,
    filename: str,
    pdf: bytes,
    created_by: User | None,
    visible_to_requester: bool = True,
    comment: str = "",
) -> DocumentVersion:
    """Store ``pdf`` as a new immutable version of a dossier document.

    Computes the SHA-256, writes the file with the default storage (under
    ``documents/<dossier number>/``, never overwriting) and inserts the row in one transaction.
    If the insert fails, the file just written is removed again.
    """
    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind: {kind!r}")
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("Only PDF documents are stored.")
    safe_name = ascii_filename(filename)
    version = DocumentVersion(
        dossier=dossier,
        kind=kind,
        title=title,
        filename=safe_name,
        sha256=sha256_hex(pdf),
        size=len(pdf),
        created_by=created_by,
        visible_to_requester=visible_to_requester,
        comment=comment,
    )
    with transaction.atomic():
        version.file.save(safe_name, ContentFile(pdf), save=False)
        try:
            version.full_clean(exclude=["file", "dossier", "created_by"])
            version.save()
        except BaseException:
            # FieldFile.save() above set the name the storage gave the file: never None here.
            version.file.storage.delete(cast(str, version.file.name))
            raise
    logger.info(
        "Stored document %s (%s) for dossier %s: %s bytes, sha256 %s",
        version.pk,
        version.kind,
        dossier.number,
        version.size,
        version.sha256,
    )
    return version


def document_read(*, version: DocumentVersion) -> bytes:
    """The stored bytes of ``version``, after checking their size and SHA-256.

    Raises :class:`DocumentIntegrityError` when the file is missing or was changed on disk.
    """
    try:
        # A saved row's FileField name is its NOT NULL column: a str, never None.
        with version.file.storage.open(cast(str, version.file.name), "rb") as handle:
            data: bytes = handle.read()
    except FileNotFoundError as error:
        raise DocumentIntegrityError(version, "the stored file is missing") from error
    if len(data) != version.size or sha256_hex(data) != version.sha256:
        logger.error("Integrity check failed for document %s (%s)", version.pk, version.file.name)
        raise DocumentIntegrityError(version, "the stored file does not match its SHA-256")
    return data
