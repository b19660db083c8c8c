"""Serving an uploaded file, after the caller's permission check (never from the web root)."""

from __future__ import annotations

from typing import Protocol

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


class StoredUpload(Protocol):
    file: FieldFile
    original_name: str
    content_type: str


def upload_response(upload: StoredUpload) -> FileResponse:
    """The file as a download, with its original name and type; not cached, not sniffed."""
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
