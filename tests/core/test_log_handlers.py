"""The console log handler writes to the standard error stream of the moment."""

from __future__ import annotations

import io
import logging

import pytest

from raccord.core.log_handlers import StderrHandler


def test_records_go_to_the_current_stderr_even_after_it_was_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler = StderrHandler()
    logger = logging.getLogger("raccord.test.log_handlers")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        first, second = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stderr", first)
        logger.warning("premier")
        first.close()  # what pytest does to a capture it no longer needs
        monkeypatch.setattr("sys.stderr", second)
        logger.warning("second")
        assert second.getvalue() == "second\n"
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
