"""A newcomer signs up, reads the activation code in the outbox, activates, logs out and in."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_activation_login_logout(page, outbox_dir, settings):
    settings.RACCORD_DEV_PAGES = True
    page.goto("/")
    assert_accessible(page, "01-home")
    page.get_by_role("link", name="Créer mon compte").first.click()
    assert_accessible(page, "02-signup")

    # A first try with a too-short password: the message is at the field, the rest is kept.
    page.get_by_label("Adresse e-mail").fill("nouvelle.personne@example.test")
    page.get_by_label("Prénom").fill("Nina")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Durand")
    page.get_by_label("Particulier").check()
    page.get_by_label(re.compile(r"^Mot de passe\s:")).fill("court")
    page.get_by_label("Mot de passe (confirmation)").fill("court")
    page.get_by_role("button", name="Création de compte").click()
    password = page.get_by_label(re.compile(r"^Mot de passe\s:"))
    assert password.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == password.get_attribute("id")
    assert page.get_by_label("Prénom").input_value() == "Nina"
    assert_accessible(page, "03-signup-error")

    password.fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/"))
    assert_accessible(page, "04-code")

    # Read the code where a developer would: the dev outbox page.
    code_page = page.context.new_page()
    code_page.goto("/dev/outbox/")
    assert_accessible(code_page, "05-outbox")
    body = code_page.locator(".mail-body").first.inner_text()
    code = re.search(r"code d'activation : (\S+)", body).group(1)
    code_page.close()

    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Bonjour Nina Durand").is_visible()
    assert_accessible(page, "06-home-logged-in")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="Se connecter").first.is_visible()

    page.get_by_role("link", name="Se connecter").first.click()
    assert_accessible(page, "07-login")
    page.get_by_label("Adresse e-mail").fill("nouvelle.personne@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Bonjour Nina Durand").is_visible()
    page.get_by_role("navigation").get_by_role("link", name="Mon profil", exact=True).click()
    assert_accessible(page, "08-profile")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="Créer mon compte").first.is_visible()


def test_commune_combobox_by_keyboard(page, django_user_model):
    from raccord.accounts.models import User
    from tests.factories import UserFactory

    UserFactory(email="pro@example.test", role=User.Role.COMPANY)
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill("pro@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto("/profil/")
    combobox = page.get_by_role("combobox", name="Siège social : commune")
    combobox.fill("st etienne")
    page.get_by_role("option").first.wait_for()
    assert "Saint-Étienne" in page.get_by_role("option").first.inner_text()
    assert_accessible(page, "09-combobox-open")
    combobox.press("ArrowDown")
    combobox.press("Enter")
    assert combobox.input_value() == "Saint-Étienne (42000)"
