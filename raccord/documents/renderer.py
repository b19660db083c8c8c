"""Render a Typst template of ``templates_typ/`` to PDF, fed with JSON data.

The data never becomes markup: it is serialised with :func:`json.dumps` and written to the file
``/data.json`` of the compiler's root, which the template decodes with ``json("/data.json")``
(``load-data()`` in ``lib.typ``). A producer called ``#panic()`` or ``*bold*`` is therefore
printed as it is written.

Why a file and not ``sys.inputs``: ``sys.inputs`` is part of Typst's standard library, so
changing it at each render invalidated every memoised evaluation and layout (a full layout of
the document every time). A file only invalidates what reads it: the paragraphs, tables and
pages whose content did not change are reused from the previous render.

What is cached (a warm render only lays out what changed and exports the document):

* the font set (``typst.Fonts``: the fonts embedded in the wheel plus DejaVu when installed),
  scanned once per process;
* one workspace per thread (a compiler is not shared between threads): a private temporary
  folder (mode 0700) holding a copy of ``templates_typ/*.typ`` (copied again when a template
  changes on disk), the data file and the extra files of a render (uploaded annexes), and one
  ``typst.Compiler`` rooted there, which keeps Typst's incremental caches between renders. The
  data file and the extra files are removed after each render; the folder when the thread
  ends or the process exits.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
import threading
import weakref
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
_FILE_NAME = re.compile(r"^[a-z0-9_-]+\.(pdf|png|jpg|svg)$")
"""Names of the extra files a render may write at the root of its workspace (``annex-2.pdf``)."""
DATA_FILE = "data.json"


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


class _Workspace:
    """The temporary root of one thread's compiler: template copies, data file, extra files."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="raccord-typst-"))
        # Removed when the thread ends (its thread-local workspace is collected) or at exit.
        weakref.finalize(self, shutil.rmtree, self.root, True)
        self.stamps: dict[str, tuple[int, int]] = {}
        self.compiler = typst.Compiler(
            root=str(self.root), font_paths=fonts(), ignore_system_fonts=True
        )

    def sync_templates(self) -> None:
        """Copy the templates that changed on disk since the last render (a few ``stat``)."""
        for source in TEMPLATES_DIR.glob("*.typ"):
            stat = source.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if self.stamps.get(source.name) != stamp:
                shutil.copyfile(source, self.root / source.name)
                self.stamps[source.name] = stamp

    def write(self, name: str, content: bytes) -> Path:
        path = self.root / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        return path


def _workspace() -> _Workspace:
    workspace: _Workspace | None = getattr(_local, "workspace", None)
    if workspace is None:
        workspace = _Workspace()
        _local.workspace = workspace
    return workspace


def _compiler() -> typst.Compiler:
    """This thread's compiler (rooted at its workspace), for benchmarks and tests."""
    return _workspace().compiler


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


def render_pdf(
    template: str, data: Mapping[str, object], *, files: Mapping[str, bytes] | None = None
) -> bytes:
    """Compile ``templates_typ/<template>.typ`` with ``data`` and return the PDF bytes.

    ``data`` must hold JSON types only (str, int, float, bool, None, lists, dicts): dates,
    decimals and amounts are formatted by the caller. ``files`` maps a plain file name
    (``annex-2.pdf``) to bytes the template may read as ``"/annex-2.pdf"`` (e.g. an uploaded PDF
    placed with ``image(..., page: n)``); they are removed after the render. Raises
    :class:`TypeError` on other types, :class:`ValueError` on an unknown template or file name
    and :class:`DocumentRenderError` when Typst fails.
    """
    path = template_path(template)
    payload = data_to_json(data).encode()
    extra = dict(files or {})
    for name in extra:
        if not _FILE_NAME.fullmatch(name):
            raise ValueError(f"Invalid file name: {name!r}")
    workspace = _workspace()
    workspace.sync_templates()
    written = [workspace.write(DATA_FILE, payload)]
    try:
        written += [workspace.write(name, content) for name, content in extra.items()]
        pdf = workspace.compiler.compile(input=str(workspace.root / path.name), format="pdf")
    except typst.TypstError as error:
        details = "\n".join([error.diagnostic, *error.hints, *error.trace]).strip()
        raise DocumentRenderError(template, error.message, details) from error
    finally:
        for written_path in written:
            written_path.unlink(missing_ok=True)
    if not isinstance(pdf, bytes):  # a PDF is one file, never a list of pages
        raise DocumentRenderError(template, "Typst did not return one PDF file.")
    return pdf
