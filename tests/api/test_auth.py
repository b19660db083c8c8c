"""``Authorization: Bearer``: every way of not being authenticated gets a French 401."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from raccord.accounts.models import User
from raccord.api.models import ApiToken
from raccord.api.services import token_hash
from tests.api.conftest import bearer_client
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"


def _refused(response, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert fragment in response.json()["detail"]


def test_given_no_header_then_401_tells_how_to_authenticate(me):
    _refused(Client().get(URL), "Authorization: Bearer <jeton>")


def test_given_another_scheme_then_401(me):
    _refused(Client(HTTP_AUTHORIZATION=f"Token {me.raw}").get(URL), "Authentification requise")


@pytest.mark.parametrize("raw", ["rac_" + "x" * 43, "nimportequoi", "rac_", "rac_" + "é" * 300])
def test_given_an_unknown_token_then_401(me, raw):
    _refused(bearer_client(raw).get(URL), "Jeton d'accès inconnu")


def test_given_a_revoked_token_then_401(me):
    ApiToken.objects.filter(pk=me.token.pk).update(revoked_at=timezone.now())
    _refused(me.api.get(URL), "a été révoqué le")


def test_given_an_expired_token_then_401(me):
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    ApiToken.objects.filter(pk=me.token.pk).update(expires_on=yesterday)
    _refused(me.api.get(URL), f"a expiré le {yesterday:%d/%m/%Y}")


def test_given_a_deactivated_account_then_401(me):
    User.objects.filter(pk=me.user.pk).update(is_active=False)
    _refused(me.api.get(URL), "Ce compte ne peut pas utiliser l'API.")


def test_given_a_staff_token_made_outside_the_page_then_401(enedis):
    staff = InstructorFactory()
    raw = "rac_" + "s" * 43
    ApiToken.objects.create(user=staff, name="x", prefix=raw[:10], token_hash=token_hash(raw))
    _refused(bearer_client(raw).get(URL), "Ce compte ne peut pas utiliser l'API.")


def test_given_a_browser_session_without_token_then_401(client, me):
    client.force_login(me.user)
    _refused(client.get(URL), "Authentification requise")


def test_given_a_valid_token_on_an_other_endpoint_then_errors_stay_french_json(me):
    response = me.api.get(f"{URL}/0000XXX000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Dossier introuvable."}
