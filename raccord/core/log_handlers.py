"""Logging handlers of the application (see ``LOGGING`` in raccord/settings.py)."""

from __future__ import annotations

import logging
import sys
from typing import TextIO


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record to ``sys.stderr`` as it is when the record is emitted.

    ``logging.StreamHandler()`` keeps the stream it was given when logging was configured; a
    thread logging later (an SMTP server's, a live server's) then writes to a stream that may
    have been replaced and closed since (pytest captures output that way), and logging prints
    « I/O operation on closed file » instead of the record.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""
