"""The operator's logo, streamed from storage (uploads are never served from the web root)."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from raccord.operators.models import Operator

_IMAGE_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/webp"}


@require_GET
def operator_logo(request: HttpRequest, pk: int) -> FileResponse:
    operator = get_object_or_404(Operator, pk=pk)
    if not operator.logo:
        raise Http404("Pas de logo")
    content_type = mimetypes.guess_type(operator.logo.name)[0] or "application/octet-stream"
    if content_type not in _IMAGE_TYPES:
        raise Http404("Type de logo non pris en charge")
    response = FileResponse(operator.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
