"""Operator staff must use a second factor (allauth TOTP)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raccord.accounts.totp import totp_activate, totp_current_code
from tests.factories import PASSWORD, InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_staff_without_totp_is_sent_to_activate_it(client):
    client.force_login(InstructorFactory())
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_requester_is_not_asked_for_a_second_factor(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_staff_with_totp_must_type_the_code_at_login(client):
    staff = InstructorFactory(email="lea@operator.test")
    totp_activate(user=staff, secret=SECRET)
    response = client.post(
        reverse("account_login"), {"login": "lea@operator.test", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("accounts:profile")).status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_current_code(SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
