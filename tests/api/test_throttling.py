"""Rate limits of the API (raccord/api/throttling.py): past the budget, 429 in French with
Retry-After; per account, per address without a valid token; every operation; a sliding window.

The test settings raise the limits so that the rest of the suite is not slowed down; these tests
set low ones. Time is frozen and moved rather than waited for.
"""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from freezegun import freeze_time

from raccord.api.services import token_create
from raccord.dossiers.models import Dossier
from raccord.tracking.models import Event, Message
from tests.api.conftest import bearer_client
from tests.core.test_operations import PRODUCTION_ENV

pytestmark = pytest.mark.django_db

RATE = 3
ANON_RATE = 2
LIST = "/api/v1/dossiers"
SETTINGS = Path(__file__).resolve().parents[2] / "raccord" / "settings.py"


@pytest.fixture(autouse=True)
def _low_limits(settings):  # type: ignore[no-untyped-def]
    settings.RACCORD_API_RATE_USER = f"{RATE}/min"
    settings.RACCORD_API_RATE_ANON = f"{ANON_RATE}/min"


def use_up(client: Client, url: str = LIST) -> None:
    for _ in range(RATE):
        assert client.get(url).status_code == 200


def assert_refused(response, seconds: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == str(seconds)
    assert response.json() == {"detail": f"Trop de requêtes : réessayez dans {seconds} secondes."}


def test_given_the_budget_used_up_when_calling_again_then_429_in_french_with_retry_after(me):
    with freeze_time(timezone.now()):
        use_up(me.api)
        assert_refused(me.api.get(LIST), 60)


def test_given_one_account_throttled_then_another_person_is_not(me, installer):
    with freeze_time(timezone.now()):
        use_up(me.api)
        assert me.api.get(LIST).status_code == 429
        assert installer.api.get(LIST).status_code == 200
        # The budget is the account's: another token of the same person is refused too.
        other = token_create(user=me.user, name="Autre logiciel", expires_on=None)
        assert bearer_client(other.raw).get(LIST).status_code == 429


def test_given_the_window_passes_then_calls_pass_again(me):
    start = timezone.now()
    with freeze_time(start) as clock:
        for seconds in (0, 10, 20):
            clock.move_to(start + timedelta(seconds=seconds))
            assert me.api.get(LIST).status_code == 200
        clock.move_to(start + timedelta(seconds=45))
        assert_refused(me.api.get(LIST), 15)  # the first call leaves the window at 60 s
        clock.move_to(start + timedelta(seconds=60))
        assert me.api.get(LIST).status_code == 200  # a sliding window: one call has left it
        assert_refused(me.api.get(LIST), 10)  # the call made at 10 s leaves it at 70 s
        clock.move_to(start + timedelta(seconds=200))
        use_up(me.api)


def section_put(client: Client, dossier: Dossier, street: str):  # type: ignore[no-untyped-def]
    return client.put(
        f"{LIST}/{dossier.number}/sections/chantier",
        {"values": {"street_name": street}},
        content_type="application/json",
    )


def test_given_writes_used_up_the_budget_then_a_read_is_refused(me, dossier):
    with freeze_time(timezone.now()):
        for n in range(RATE):
            assert section_put(me.api, dossier, f"Rue {n}").status_code == 200
        assert_refused(me.api.get(f"{LIST}/{dossier.number}"), 60)


def test_given_reads_used_up_the_budget_then_a_write_is_refused_and_nothing_written(me, dossier):
    with freeze_time(timezone.now()):
        use_up(me.api, f"{LIST}/{dossier.number}")
        events = Event.objects.count()
        assert_refused(section_put(me.api, dossier, "Allée Diderot"), 60)
        assert_refused(me.api.post(LIST, {}, content_type="application/json"), 60)
    dossier.refresh_from_db()
    assert dossier.section("chantier").get("street_name") in (None, "")
    assert Event.objects.count() == events and Dossier.objects.count() == 1


def test_given_the_budget_used_up_then_every_operation_of_the_api_is_refused(me, dossier):
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [(method, path) for path, item in schema["paths"].items() for method in item]
    assert len(operations) == 14  # the table of README « API v1 »
    for method, path in operations:  # the 429 answer is described for each operation
        assert "429" in schema["paths"][path][method]["responses"], (method, path)
    with freeze_time(timezone.now()):
        use_up(me.api)
        for method, path in operations:
            url = path.format(
                number=dossier.number, section="chantier", attachment_id=1, document_id=1
            )
            response = getattr(me.api, method)(url, {}, content_type="application/json")
            assert response.status_code == 429, (method, path)
            assert response["Retry-After"] == "60"
    assert Dossier.objects.count() == 1 and not Message.objects.exists()


def test_given_calls_without_a_valid_token_then_the_stricter_anonymous_limit(me):
    with freeze_time(timezone.now()):
        stranger = bearer_client("rac_inconnu")
        assert stranger.get(LIST).status_code == 401
        assert Client().get("/api/v1/adresse-inconnue").status_code == 404  # open to anyone
        assert_refused(stranger.get(LIST), 60)
        assert_refused(Client().get(LIST), 60)  # no header at all: the same address
        # Another address, and a person with a valid token, are not affected.
        assert Client(REMOTE_ADDR="192.0.2.7").get(LIST).status_code == 401
        assert me.api.get(LIST).status_code == 200


def test_given_the_database_cache_of_production_then_the_limit_holds_in_it(me, installer):
    """The state is in the shared cache, not in the process: the production backend works."""
    database = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "raccord_cache",
        }
    }
    with override_settings(CACHES=database), freeze_time(timezone.now()):
        call_command("createcachetable", verbosity=0)
        use_up(me.api)
        assert_refused(me.api.get(LIST), 60)
        assert installer.api.get(LIST).status_code == 200
        from django.core.cache import cache

        assert cache.get(f"raccord_api_throttle_user_{me.user.pk}")  # stored in the table


# --- Settings ---------------------------------------------------------------------------------


def production_settings(monkeypatch, **overrides: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """``raccord/settings.py`` evaluated afresh with the production environment (the running
    test settings are untouched)."""
    for key, value in {**PRODUCTION_ENV, **overrides}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    return runpy.run_path(str(SETTINGS))


def test_given_production_then_a_cache_shared_by_the_processes_and_the_default_rates(
    monkeypatch,
):
    values = production_settings(monkeypatch)
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["CACHES"]["default"]["LOCATION"] == "raccord_cache"
    assert (values["RACCORD_API_RATE_USER"], values["RACCORD_API_RATE_ANON"]) == (
        "120/min",
        "30/min",
    )
    assert values["NINJA_NUM_PROXIES"] == 1


def test_given_the_environment_then_redis_and_other_rates(monkeypatch):
    values = production_settings(
        monkeypatch,
        RACCORD_CACHE="redis://cache.internal:6379/1",
        RACCORD_API_RATE_USER="1000/h",
        RACCORD_API_RATE_ANON=" 10 / 5m ",
        RACCORD_PROXY_COUNT="2",
    )
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    assert (values["RACCORD_API_RATE_USER"], values["RACCORD_API_RATE_ANON"]) == ("1000/h", "10/5m")
    assert values["NINJA_NUM_PROXIES"] == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RACCORD_API_RATE_USER", "beaucoup", "Environment variable RACCORD_API_RATE_USER"),
        ("RACCORD_API_RATE_ANON", "0/min", "Environment variable RACCORD_API_RATE_ANON"),
        ("RACCORD_CACHE", "memcached", "RACCORD_CACHE must be"),
    ],
)
def test_given_a_malformed_value_then_start_up_stops_naming_the_variable(
    monkeypatch, name, value, message
):
    with pytest.raises(ImproperlyConfigured, match=message):
        production_settings(monkeypatch, **{name: value})
