"""Fixtures of the document tests: PDF text helpers and a dossier to attach documents to."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF with every run of white space (line breaks, no-break spaces,
    narrow no-break spaces) folded into one space, so that a search does not depend on layout."""
    return " ".join(" ".join(pdf_pages(pdf)).split())


def pdf_runs(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """Every text run as (page index, text, x, y) in PDF points from the bottom-left corner."""
    runs: list[tuple[int, str, float, float]] = []
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, i: int = index) -> None:
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                runs.append((i, text.strip(), x, y))

        page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture
def media_root(tmp_path, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Stored files go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    yield tmp_path / "media"


@pytest.fixture
def dossier(db):  # type: ignore[no-untyped-def]
    """A CACSI dossier (the lead's ``DossierFactory`` when it exists)."""
    from tests import factories

    factory = getattr(factories, "DossierFactory", None)
    if factory is not None:
        return factory()
    from raccord.dossiers.models import Dossier
    from raccord.places.models import Commune

    return Dossier.objects.create(
        number="2611P4E000123",
        kind="cacsi",
        created_by=factories.UserFactory(),
        operator=factories.OperatorFactory(name="Enedis", short_name="Enedis"),
        commune=Commune.objects.filter(postal_code="56000").first(),
    )
