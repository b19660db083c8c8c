"""HTTP helper for stored documents. No URL here: the web layers wire their own views."""

from __future__ import annotations

import io

from django.http import FileResponse

from raccord.documents.models import DocumentVersion
from raccord.documents.services import document_read


def document_response(version: DocumentVersion) -> FileResponse:
    """A download response for a stored PDF, to return AFTER the caller's permission check.

    The bytes are read through :func:`raccord.documents.services.document_read`, so a file
    changed on disk raises ``DocumentIntegrityError`` instead of being sent. The response is an
    attachment (never displayed inline), ``application/pdf``, ``nosniff`` and not cached.
    """
    data = document_read(version=version)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=version.filename,
        content_type="application/pdf",
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
