"""« Accès à l'API »: from the profile, create a token, see it once, use it, revoke it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_token_page_create_use_revoke(page):
    from raccord.accounts.models import User
    from tests.factories import OrganisationFactory, UserFactory

    UserFactory(
        email="pose@example.test",
        first_name="Paul",
        last_name="Poseur",
        role=User.Role.INSTALLER,
        organisation=OrganisationFactory(name="Soleil Pose"),
    )
    login(page, "pose@example.test", totp=False)
    page.get_by_role("navigation").get_by_role("link", name="Mon profil", exact=True).click()
    page.get_by_role("link", name=re.compile("Accès à l'API")).click()
    page.wait_for_url(re.compile(r"/profil/acces-api/$"))
    assert page.get_by_text("Vous n'avez aucun jeton actif.").is_visible()
    assert_accessible(page, "api-01-tokens-empty")

    # A date in the past is refused at the field, and focus goes to it.
    page.get_by_label("Nom du jeton").fill("Logiciel de devis")
    page.get_by_label(re.compile("Dernier jour de validité")).fill(
        (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    page.get_by_role("button", name="Créer le jeton").click()
    expiry = page.get_by_label(re.compile("Dernier jour de validité"))
    assert expiry.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == expiry.get_attribute("id")
    assert page.get_by_label("Nom du jeton").input_value() == "Logiciel de devis"
    assert_accessible(page, "api-02-tokens-error")

    expiry.fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Créer le jeton").click()
    shown = page.get_by_label("Jeton d'accès")
    token = shown.input_value()
    assert re.fullmatch(r"rac_[A-Za-z0-9_-]{43}", token)
    assert page.evaluate("document.activeElement.id") == "new-token"
    assert page.get_by_text("il ne sera plus jamais affiché").is_visible()
    assert_accessible(page, "api-03-token-created")

    answer = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and answer.json()["count"] == 0

    page.goto("/profil/acces-api/")
    assert token not in page.content()
    row = page.get_by_role("row", name=re.compile("Logiciel de devis"))
    assert row.get_by_text("Jamais").count() == 0  # just used through the API
    row.get_by_role("button", name=re.compile("Révoquer")).click()
    assert page.get_by_text("Le jeton « Logiciel de devis » est révoqué").is_visible()
    assert_accessible(page, "api-04-token-revoked")
    refused = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 401 and "révoqué" in refused.json()["detail"]
