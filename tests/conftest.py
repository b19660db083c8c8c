"""Test-suite guards and shared fixtures.

- No outbound network: any socket connection outside loopback fails the test.
- Undefined template variables fail the test (pytest-django, FAIL_INVALID_TEMPLATE_VARS).
- The test database gets the full commune list once per session.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # Unix socket path
        return True
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_local(address):
        raise RuntimeError(f"Outbound network call blocked in tests: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_local(address):
        raise RuntimeError(f"Outbound network call blocked in tests: {address!r}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the shipped commune list into the test database once."""
    from raccord.places.services import places_load

    with django_db_blocker.unblock():
        places_load()


@pytest.fixture
def outbox_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    """Route e-mail to the dev outbox in a temporary folder (as `make run` does)."""
    settings.EMAIL_BACKEND = "raccord.core.mail.OutboxEmailBackend"
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate limits and other cached state never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _transactional(item) -> bool:  # type: ignore[no-untyped-def]
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "tests/browser/" in str(
        item.fspath
    ).replace("\\", "/")


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Transactional tests (browser ones included) last: their flush empties the shared data."""
    items.sort(key=_transactional)


@pytest.fixture(autouse=True)
def _places_after_flush(request):  # type: ignore[no-untyped-def]
    """A transactional test may follow another one that flushed the communes: reload them."""
    if _transactional(request.node):
        request.getfixturevalue("transactional_db")
        from raccord.places.models import Commune
        from raccord.places.services import places_load

        if not Commune.objects.exists():
            places_load()
