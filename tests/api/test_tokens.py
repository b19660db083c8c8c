"""« Accès à l'API »: creating, listing, revoking personal tokens; hashing; expiry; last use."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from raccord.accounts.models import User
from raccord.accounts.totp import totp_activate
from raccord.api.models import ApiToken
from raccord.api.services import TokenError, token_create
from raccord.tracking.models import Event
from tests.api.conftest import bearer_client
from tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("api:tokens")
TOKEN_RE = re.compile(r"rac_[A-Za-z0-9_-]{43}")


@pytest.fixture
def person(client):  # type: ignore[no-untyped-def]
    user = UserFactory(email="claire@example.test", first_name="Claire")
    client.force_login(user)
    return user


def test_given_anonymous_when_opening_the_token_page_then_login_is_asked(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_given_a_requester_when_reading_the_profile_then_it_links_to_the_token_page(client, person):
    assert f'href="{PAGE}"' in client.get(reverse("accounts:profile")).text


def test_given_a_name_when_creating_a_token_then_it_is_shown_once_and_stored_as_a_hash(
    client, person
):
    response = client.post(PAGE, {"name": "Mon ERP", "expires_on": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = TOKEN_RE.search(response.text).group(0)
    assert "il ne sera plus jamais affiché" in response.text
    token = ApiToken.objects.get(user=person)
    assert token.name == "Mon ERP" and token.expires_on is None
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10] and raw not in str(
        ApiToken.objects.filter(pk=token.pk).values().get()
    )
    event = Event.objects.get(kind="api_token_created")
    assert event.actor == person and raw not in str(event.payload)

    # The list shows it (name, start, creation, never used), never the token itself again.
    page = client.get(PAGE).text
    assert "Mon ERP" in page and f"{token.prefix}…" in page and "Jamais" in page
    assert "Sans expiration" in page and raw not in page
    # And it works.
    assert bearer_client(raw).get("/api/v1/dossiers").status_code == 200


def test_given_an_expiry_date_when_creating_then_it_is_kept_and_shown(client, person):
    day = timezone.localdate() + timedelta(days=30)
    client.post(PAGE, {"name": "CI", "expires_on": day.isoformat()})
    assert ApiToken.objects.get(user=person).expires_on == day
    assert f"Valable jusqu'au {day:%d/%m/%Y} inclus" in html.unescape(client.get(PAGE).text)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Donnez un nom au jeton."),
        (
            {"name": "X", "expires_on": "today"},
            "expires_on",
            "La date d'expiration doit être postérieure à aujourd'hui.",
        ),
        ({"name": "X", "expires_on": "demain"}, "expires_on", "Indiquez une date"),
    ],
)
def test_given_bad_input_when_creating_then_the_field_says_why(
    client, person, data, field, message
):
    if data.get("expires_on") == "today":
        data["expires_on"] = timezone.localdate().isoformat()
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.text and "error-summary" in response.text
    assert not ApiToken.objects.exists()


def test_given_an_active_token_name_when_reusing_it_then_refused(client, person):
    client.post(PAGE, {"name": "ERP"})
    response = client.post(PAGE, {"name": "ERP"})
    assert response.status_code == 400
    assert "Vous avez déjà un jeton nommé « ERP »" in response.context["form"].errors["name"][0]
    assert ApiToken.objects.count() == 1


def test_given_a_token_when_revoking_it_then_the_api_refuses_it(client, person):
    new = token_create(user=person, name="ERP", expires_on=None)
    api = bearer_client(new.raw)
    assert api.get("/api/v1/dossiers").status_code == 200

    response = client.post(reverse("api:token_revoke", args=[new.token.pk]), follow=True)
    assert "Le jeton « ERP » est révoqué" in response.text
    assert "Vous n'avez aucun jeton actif." in html.unescape(response.text)
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    assert Event.objects.filter(kind="api_token_revoked", actor=person).count() == 1

    refused = api.get("/api/v1/dossiers")
    assert refused.status_code == 401
    assert "a été révoqué le" in refused.json()["detail"]
    # The name can be used again once revoked.
    client.post(PAGE, {"name": "ERP"})
    assert ApiToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1


def test_given_someone_elses_token_when_revoking_it_then_404(client, person):
    other = token_create(user=UserFactory(), name="ERP", expires_on=None)
    response = client.post(reverse("api:token_revoke", args=[other.token.pk]))
    assert response.status_code == 404
    other.token.refresh_from_db()
    assert other.token.revoked_at is None


def test_given_staff_when_opening_the_page_then_tokens_are_refused_clearly(client):
    staff = InstructorFactory()
    totp_activate(user=staff, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "ne peuvent pas utiliser de jeton d'accès" in html.unescape(response.text)
    assert 'name="name"' not in response.text
    assert client.post(PAGE, {"name": "Outil"}).status_code == 403
    assert not ApiToken.objects.exists()
    with pytest.raises(TokenError):
        token_create(user=staff, name="Outil", expires_on=None)
    admin = UserFactory(role=User.Role.OPERATOR_ADMIN, operator=staff.operator)
    with pytest.raises(TokenError):
        token_create(user=admin, name="Outil", expires_on=None)


def test_given_an_expiry_date_when_it_passes_then_the_token_stops_working(me):
    ApiToken.objects.filter(pk=me.token.pk).update(expires_on=timezone.localdate())
    assert me.api.get("/api/v1/dossiers").status_code == 200  # valid all day long
    with freeze_time(timezone.now() + timedelta(days=1)):
        response = me.api.get("/api/v1/dossiers")
    assert response.status_code == 401
    assert f"a expiré le {timezone.localdate():%d/%m/%Y}" in response.json()["detail"]


def test_given_requests_when_using_a_token_then_last_use_is_written_at_most_once_a_minute(me):
    start = timezone.now()
    with freeze_time(start):
        me.api.get("/api/v1/dossiers")
        me.token.refresh_from_db()
        assert me.token.last_used_at == start
    with freeze_time(start + timedelta(seconds=30)):
        with CaptureQueriesContext(connection) as queries:
            me.api.get("/api/v1/dossiers")
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        me.token.refresh_from_db()
        assert me.token.last_used_at == start
    with freeze_time(start + timedelta(seconds=61)):
        me.api.get("/api/v1/dossiers")
        me.token.refresh_from_db()
        assert me.token.last_used_at == start + timedelta(seconds=61)
