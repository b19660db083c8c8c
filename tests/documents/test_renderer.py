"""The Typst renderer: JSON data in, PDF out, typed errors, metadata, French typography."""

from __future__ import annotations

import gc
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from raccord.documents import renderer
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


def test_given_renders_one_after_the_other_then_each_prints_its_own_data_and_footer() -> None:
    # The data goes through a file that Typst re-reads at each render (not sys.inputs), and the
    # footer reads the number back from a metadata element: nothing may leak between renders.
    first, second = cacsi_example_data(), cacsi_example_data()
    second["number"], second["number_display"] = "2611P4E000042", "26 11 P4E 000042"

    texts = [pdf_text(render_pdf("cacsi", d)) for d in (first, second, first)]

    assert "n° 1706P4E948637" in texts[0] and "N° 17 06 P4E 948637" in texts[0]
    assert "n° 2611P4E000042" in texts[1] and "N° 26 11 P4E 000042" in texts[1]
    assert "948637" not in texts[1]
    assert texts[2] == texts[0]
    metadata = PdfReader(io.BytesIO(render_pdf("cacsi", second))).metadata
    assert metadata is not None and metadata.title is not None
    assert "n° 2611P4E000042" in metadata.title


def test_given_a_render_then_its_data_and_extra_files_do_not_stay_on_disk() -> None:
    root = renderer._workspace().root

    render_pdf("cacsi", cacsi_example_data(), files={"annex-2.pdf": b"%PDF-1.7 unused"})

    assert root.is_dir() and (root / "cacsi.typ").is_file()
    assert not (root / renderer.DATA_FILE).exists()
    assert not (root / "annex-2.pdf").exists()
    assert root.stat().st_mode & 0o077 == 0  # private to the process's user


def test_given_an_unsafe_extra_file_name_when_rendered_then_value_error() -> None:
    for name in ("../x.pdf", "/annex.pdf", "data.json", "lib.typ", "a/b.pdf"):
        with pytest.raises(ValueError, match="Invalid file name"):
            render_pdf("cacsi", cacsi_example_data(), files={name: b""})


def test_given_renders_in_two_threads_then_each_thread_has_its_own_workspace() -> None:
    data = cacsi_example_data()
    other = cacsi_example_data()
    other["number"] = "2611P4E000043"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda d: pdf_text(render_pdf("cacsi", d)), [data, other] * 2))

    assert all("n° 1706P4E948637" in t for t in results[0::2])
    assert all("n° 2611P4E000043" in t for t in results[1::2])


def test_given_a_thread_that_ends_then_its_workspace_folder_is_removed() -> None:
    roots = []

    def render_in_thread() -> None:
        render_pdf("cacsi", cacsi_example_data())
        roots.append(renderer._workspace().root)

    thread = threading.Thread(target=render_in_thread)
    thread.start()
    thread.join()
    gc.collect()

    assert roots and roots[0] != renderer._workspace().root
    assert not roots[0].exists()
