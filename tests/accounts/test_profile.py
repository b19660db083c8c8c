"""Profile and organisation (the party block of the conventions), with SIRET checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from raccord.accounts.models import User
from raccord.places.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def org_post(**overrides: str) -> dict[str, str]:
    vannes = Commune.objects.get(postal_code="56000")
    data = {
        "profile-first_name": "Camille",
        "profile-last_name": "Martin",
        "profile-phone": "02 97 00 00 00",
        "org-name": "Soleil Pose",
        "org-siret": "901 234 567 00013",
        "org-legal_form": "SARL",
        "org-share_capital": "10000",
        "org-office_street": "17 allée Diderot",
        "org-office_street2": "",
        "org-office_commune": str(vannes.pk),
        "org-office_commune_text": vannes.label,
        "org-rcs_city": "Vannes",
        "org-signatory_name": "Camille Martin",
        "org-signatory_function": "Gérante",
    }
    data.update(overrides)
    return data


def test_company_requester_saves_the_party_block(client):
    user = UserFactory(role=User.Role.COMPANY)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), org_post())
    assert response.status_code == 302
    user.refresh_from_db()
    org = user.organisation
    assert org.siret == "90123456700013" and org.siren == "901234567"
    assert org.share_capital == Decimal("10000")
    assert org.office_commune.name == "Vannes"
    assert org.kind == "producer"


def test_wrong_siret_gets_a_french_message_at_the_field_and_keeps_the_rest(client):
    user = UserFactory(role=User.Role.INSTALLER)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), org_post(**{"org-siret": "90123456700014"}))
    assert response.status_code == 200
    errors = response.context["org_form"].errors
    assert list(errors) == ["siret"]
    assert "clé de contrôle" in errors["siret"][0]
    html = response.content.decode()
    assert 'id="id_org-siret_error"' in html and 'aria-invalid="true"' in html
    assert 'value="Soleil Pose"' in html and 'value="17 allée Diderot"' in html
    user.refresh_from_db()
    assert user.organisation is None


def test_short_siret_says_how_many_digits(client):
    client.force_login(UserFactory(role=User.Role.INSTALLER))
    response = client.post(reverse("accounts:profile"), org_post(**{"org-siret": "12345"}))
    assert "14 chiffres" in response.context["org_form"].errors["siret"][0]


def test_postal_code_without_commune_gets_a_message_at_the_commune_field(client):
    client.force_login(UserFactory(role=User.Role.COMPANY))
    response = client.post(
        reverse("accounts:profile"),
        org_post(**{"org-office_commune": "", "org-office_commune_text": "99999"}),
    )
    errors = response.context["org_form"].errors
    assert errors["office_commune"] == ["Aucune commune ne correspond au code postal 99999."]
    assert 'value="99999"' in response.content.decode()


def test_typed_postal_code_of_a_single_commune_is_accepted_without_the_list(client):
    user = UserFactory(role=User.Role.COMPANY)
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        org_post(**{"org-office_commune": "", "org-office_commune_text": "56000"}),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.organisation.office_commune.postal_code == "56000"


def test_private_person_has_no_organisation_block(client):
    client.force_login(UserFactory(role=User.Role.PRIVATE))
    response = client.get(reverse("accounts:profile"))
    assert response.context["org_form"] is None


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
