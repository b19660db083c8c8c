"""Render a Typst template of ``templates_typ/`` to PDF, fed with JSON data.

The data never becomes markup: it is serialised with :func:`json.dumps` and handed to Typst as
the ``sys.inputs.data`` string, which the template decodes with ``json(bytes(sys.inputs.data))``.
A producer called ``#panic()`` or ``*bold*`` is therefore printed as it is written.

What is cached (a warm render only lays out and exports the document):

* the font set (``typst.Fonts``: the fonts embedded in the wheel plus DejaVu when installed),
  scanned once per process;
* one ``typst.Compiler`` per thread (a compiler is not shared between threads), rooted at the
  template folder; it keeps Typst's incremental caches (parsed sources, layouts) between renders
  and re-reads a template only when the file changes.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path

import typst

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_typ"
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
"""Folders searched for DejaVu (Debian's ``fonts-dejavu-core``); the wheel's own fonts
(Libertinus Serif, New Computer Modern, DejaVu Sans Mono) are always available."""

_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+$")


class DocumentRenderError(Exception):
    """Typst could not compile the template with this data (the Typst message is kept)."""

    def __init__(self, template: str, message: str, details: str = "") -> None:
        self.template = template
        self.message = message
        self.details = details
        super().__init__(f"{template}.typ: {message}" + (f"\n{details}" if details else ""))


@functools.cache
def fonts() -> typst.Fonts:
    """The fonts documents may use, scanned once per process (system fonts are ignored)."""
    paths = [str(path) for path in FONT_DIRS if path.is_dir()]
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=paths)


_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(
            root=str(TEMPLATES_DIR), font_paths=fonts(), ignore_system_fonts=True
        )
        _local.compiler = compiler
    return compiler


@functools.cache
def template_path(template: str) -> Path:
    """The path of ``templates_typ/<template>.typ`` (a plain name: no folder, no extension)."""
    if not _TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"Invalid template name: {template!r}")
    path = TEMPLATES_DIR / f"{template}.typ"
    if not path.is_file():
        raise ValueError(f"Unknown template: {template!r}")
    return path


def _refuse(value: object) -> object:
    raise TypeError(
        f"{type(value).__name__} is not JSON data: format it as text before rendering "
        "(see raccord.documents.contracts)."
    )


def data_to_json(data: Mapping[str, object]) -> str:
    """The JSON text a template receives; refuses anything but JSON types (format first)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, default=_refuse)


def render_pdf(template: str, data: Mapping[str, object]) -> bytes:
    """Compile ``templates_typ/<template>.typ`` with ``data`` and return the PDF bytes.

    ``data`` must hold JSON types only (str, int, float, bool, None, lists, dicts): dates,
    decimals and amounts are formatted by the caller. Raises :class:`TypeError` on other types,
    :class:`ValueError` on an unknown template and :class:`DocumentRenderError` when Typst fails.
    """
    path = template_path(template)
    payload = data_to_json(data)
    try:
        pdf = _compiler().compile(input=str(path), format="pdf", sys_inputs={"data": payload})
    except typst.TypstError as error:
        details = "\n".join([error.diagnostic, *error.hints, *error.trace]).strip()
        raise DocumentRenderError(template, error.message, details) from error
    if not isinstance(pdf, bytes):  # a PDF is one file, never a list of pages
        raise DocumentRenderError(template, "Typst did not return one PDF file.")
    return pdf
