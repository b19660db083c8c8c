"""Operations: settings from the environment, the health check, parameters across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from raccord.core import parameters as parameters_module
from raccord.core.models import RegulatoryParameter
from raccord.core.parameters import parameters_current, parameters_invalidate

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "RACCORD_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "raccord.settings",
    "DJANGO_SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-0123456789",
    "DJANGO_ALLOWED_HOSTS": "raccord.example.fr",
    "DATABASE_URL": "postgres://raccord@127.0.0.1:5432/raccord",
    "EMAIL_HOST": "smtp.example.fr",
    "RACCORD_SITE_URL": "https://raccord.example.fr",
}
NAMES = [
    "RACCORD_SITE_URL",
    "RACCORD_SIGNUP_OPEN",
    "RACCORD_REMINDER_DAYS_BEFORE",
    "RACCORD_NOTIFICATION_RETRY_SECONDS",
    "RACCORD_NOTIFICATION_RETRY_MAX_SECONDS",
    "RACCORD_NOTIFICATION_MAX_ATTEMPTS",
    "SECURE_REDIRECT_EXEMPT",
]


def _production_settings(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RACCORD_"))}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Settings from the environment -------------------------------------------------------------


def test_production_reads_the_raccord_settings_from_the_environment():
    result = _production_settings(
        RACCORD_SITE_URL="https://raccord.example.fr/",
        RACCORD_SIGNUP_OPEN="0",
        RACCORD_REMINDER_DAYS_BEFORE="5",
        RACCORD_NOTIFICATION_RETRY_SECONDS="30",
        RACCORD_NOTIFICATION_RETRY_MAX_SECONDS="3600",
        RACCORD_NOTIFICATION_MAX_ATTEMPTS="4",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["RACCORD_SITE_URL"] == "https://raccord.example.fr"
    assert values["RACCORD_SIGNUP_OPEN"] is False
    assert values["RACCORD_REMINDER_DAYS_BEFORE"] == 5
    assert values["RACCORD_NOTIFICATION_RETRY_SECONDS"] == 30
    assert values["RACCORD_NOTIFICATION_RETRY_MAX_SECONDS"] == 3600
    assert values["RACCORD_NOTIFICATION_MAX_ATTEMPTS"] == 4


def test_production_keeps_the_defaults_when_the_optional_variables_are_absent():
    result = _production_settings()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["RACCORD_SITE_URL"] == "https://raccord.example.fr"
    assert values["RACCORD_SIGNUP_OPEN"] is True
    assert values["RACCORD_REMINDER_DAYS_BEFORE"] == 3
    assert values["RACCORD_NOTIFICATION_RETRY_SECONDS"] == 60
    assert values["RACCORD_NOTIFICATION_RETRY_MAX_SECONDS"] == 6 * 3600
    assert values["RACCORD_NOTIFICATION_MAX_ATTEMPTS"] == 12


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RACCORD_REMINDER_DAYS_BEFORE", "trois", "RACCORD_REMINDER_DAYS_BEFORE must be a whole"),
        ("RACCORD_SITE_URL", "raccord.example.fr", "RACCORD_SITE_URL must start with https://"),
    ],
)
def test_production_refuses_a_malformed_value_and_names_it(name, value, message):
    result = _production_settings(**{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_mail_links_to_the_site(settings):
    """The notification e-mails take the site address from the setting read above."""
    from raccord.tracking.models import Notification
    from raccord.tracking.notify import _render

    settings.RACCORD_SITE_URL = "https://raccord.example.fr"
    notification = Notification(
        kind="digest", context={"desk": "Guichet Bretagne", "date": "01/12/2026", "entries": []}
    )
    _subject, body = _render(notification)
    assert "https://raccord.example.fr" in body


# --- Health check ------------------------------------------------------------------------------


def test_healthz_answers_ok_after_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    def refuse(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_healthz_is_answered_over_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301  # everything else goes to HTTPS
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_production_exempts_healthz_from_the_https_redirect():
    result = _production_settings()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]


# --- Regulatory parameters edited by another process -------------------------------------------

KEY = "threshold.cacsi_max_kva"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    now = [1000.0]
    monkeypatch.setattr(parameters_module, "_clock", lambda: now[0], raising=False)
    parameters_invalidate()
    yield now
    parameters_invalidate()


@contextmanager
def another_process() -> Iterator[None]:
    """ORM writes as another worker makes them: this process receives no signal."""
    senders = [post_save, post_delete]
    for signal in senders:
        assert signal.disconnect(parameters_module._on_change, sender=RegulatoryParameter)
    try:
        yield
    finally:
        for signal in senders:
            signal.connect(parameters_module._on_change, sender=RegulatoryParameter)


def _limit() -> Decimal:
    return parameters_current().decimal(KEY, on=timezone.localdate())


def _row(value: str) -> RegulatoryParameter:
    return RegulatoryParameter(
        key=KEY, value_type="decimal", value=value, valid_from=date(2000, 1, 1), source="test"
    )


def test_an_edit_saved_by_another_process_is_seen_within_seconds(clock, settings):
    settings.RACCORD_PARAMETERS_RECHECK_SECONDS = 2
    row = _row("40")
    row.save()
    assert _limit() == Decimal("40")  # the cache is warm
    with another_process():
        row.value = "41"
        row.save()
    assert _limit() == Decimal("40")  # within the recheck interval: the cached set
    clock[0] += 2.5
    assert _limit() == Decimal("41")


def test_a_row_deleted_or_added_by_another_process_is_seen(clock, settings):
    settings.RACCORD_PARAMETERS_RECHECK_SECONDS = 2
    row = _row("40")
    row.save()
    assert _limit() == Decimal("40")
    with another_process():
        row.delete()
    clock[0] += 10
    assert _limit() == Decimal("36")  # back to the shipped default
    with another_process():  # load_parameters: bulk_create sends no signal anywhere
        RegulatoryParameter.objects.bulk_create([_row("42")])
    clock[0] += 10
    assert _limit() == Decimal("42")


def test_an_edit_saved_in_this_process_is_seen_at_once(clock):
    row = _row("40")
    row.save()
    assert _limit() == Decimal("40")
    row.value = "41"
    row.save()
    assert _limit() == Decimal("41")


def test_the_version_check_is_one_cheap_query_at_most_every_few_seconds(
    clock, settings, django_assert_num_queries
):
    settings.RACCORD_PARAMETERS_RECHECK_SECONDS = 2
    _row("40").save()
    _limit()
    with django_assert_num_queries(0):
        for _ in range(50):
            _limit()
    clock[0] += 3
    with django_assert_num_queries(1):  # nothing changed: the version query only
        _limit()
        _limit()
