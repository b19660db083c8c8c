"""Playwright driving Debian's Chromium against the live server, with an axe check per page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RACCORD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package."
        if os.environ.get("RACCORD_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    from raccord.places.models import Commune
    from raccord.places.services import places_load

    if not Commune.objects.exists():  # a transactional test before this one flushed them
        places_load()
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """No serious or critical axe violation on the current page; keeps a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"axe on {name} ({page.url}):\n" + "\n".join(bad)


STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def p4e_staff(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Enedis, its desk P4E (Morbihan) and instructor Léa Martin with a TOTP; media in tmp."""
    from types import SimpleNamespace

    from raccord.accounts.models import User
    from raccord.accounts.totp import totp_activate
    from raccord.operators.models import Desk
    from tests.factories import OperatorFactory, UserFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    desk.departments.add("56")
    staff = UserFactory(
        email="lea.martin@enedis.test",
        first_name="Léa",
        last_name="Martin",
        role=User.Role.INSTRUCTOR,
        operator=operator,
        desk=desk,
    )
    totp_activate(user=staff, secret=STAFF_TOTP_SECRET)
    return SimpleNamespace(operator=operator, desk=desk, staff=staff)


def login(page, email: str, *, totp: bool) -> None:  # type: ignore[no-untyped-def]
    """Log in through the pages; staff type the current code of their authenticator."""
    import re

    from raccord.accounts.totp import totp_current_code
    from tests.factories import PASSWORD

    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
        page.get_by_label("Code").fill(totp_current_code(STAFF_TOTP_SECRET))
        page.get_by_role("button", name=re.compile("S'identifier|Connexion|Se connecter")).click()
    page.wait_for_url(re.compile(r"/$"))
