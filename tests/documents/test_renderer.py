"""The Typst renderer: JSON data in, PDF out, typed errors, metadata, French typography."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from raccord.documents.examples import cacsi_example_data
from raccord.documents.renderer import DocumentRenderError, data_to_json, render_pdf
from tests.documents.conftest import pdf_pages, pdf_text


def test_given_cacsi_data_when_rendered_then_a_pdf_comes_back() -> None:
    pdf = render_pdf("cacsi", cacsi_example_data())

    assert pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2


def test_given_a_decimal_or_a_date_when_serialised_then_refused_the_caller_formats() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        data_to_json({"power": Decimal("18")})
    with pytest.raises(TypeError, match="date"):
        data_to_json({"on": date(2017, 12, 5)})


def test_given_an_unknown_or_unsafe_template_name_when_rendered_then_value_error() -> None:
    with pytest.raises(ValueError, match="Unknown template"):
        render_pdf("nope", {})
    with pytest.raises(ValueError, match="Invalid template"):
        render_pdf("../cacsi", {})


def test_given_data_the_template_cannot_use_when_rendered_then_typed_error_with_typst_message():
    data = cacsi_example_data()
    data["installation"]["decoupling"] = "unknown"  # type: ignore[typeddict-item]

    with pytest.raises(DocumentRenderError) as raised:
        render_pdf("cacsi", data)

    assert raised.value.template == "cacsi"
    assert "decoupling" in raised.value.message


def test_given_missing_keys_when_rendered_then_typed_error() -> None:
    with pytest.raises(DocumentRenderError, match="dictionary does not contain key"):
        render_pdf("cacsi", {"number": "1"})


def test_given_cacsi_data_when_rendered_then_pdf_title_and_author_are_set() -> None:
    data = cacsi_example_data()

    metadata = PdfReader(io.BytesIO(render_pdf("cacsi", data))).metadata

    assert metadata is not None
    assert metadata.title is not None and "n° 1706P4E948637" in metadata.title
    assert "Solaire Photovoltaïque" in metadata.title
    assert metadata.author == "Enedis"


def test_given_french_text_when_rendered_then_accents_guillemets_euro_and_thin_spaces_survive():
    pdf = render_pdf("cacsi", cacsi_example_data())
    raw = " ".join(pdf_pages(pdf))
    text = pdf_text(pdf)

    assert "« le Producteur »" in text
    assert "270 037 000 €" in text
    assert "Photovoltaïque" in text and "Société" in text and "À défaut" in text
    # format_kva / format_capital use U+202F between thousands and U+00A0 before the unit.
    assert "270\u202f037\u202f000" in raw
    assert "Page 1 / " in text
