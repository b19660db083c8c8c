"""Sign-up with an e-mail activation code (seed cacsi-mode-operatoire, "Etape 2")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from raccord.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Jeanne.Martin@Example.test",
    "first_name": "Jeanne",
    "last_name": "Martin",
    "role": "private",
    "phone": "06 00 00 00 00",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def activation_code(message: mail.EmailMessage) -> str:
    match = re.search(r"code d'activation : (\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_given_new_person_when_signing_up_then_a_code_is_mailed_and_activates_the_account(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jeanne.martin@example.test"]
    assert "code d'activation" in message.subject
    user = User.objects.get(email="jeanne.martin@example.test")
    assert user.first_name == "Jeanne" and user.role == User.Role.PRIVATE
    assert not user.emailaddress_set.get().verified
    # Not logged in before the code is typed back.
    assert client.get(reverse("accounts:profile")).status_code == 302

    response = client.post(
        reverse("account_email_verification_sent"), {"code": activation_code(message)}
    )
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert "jeanne.martin@example.test" in profile.content.decode()


def test_given_wrong_code_then_french_message_at_the_field_and_account_stays_inactive(client):
    client.post(reverse("account_signup"), SIGNUP)
    response = client.post(reverse("account_email_verification_sent"), {"code": "ZZZZZZ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Code incorrect" in html or "code" in response.context["verify_form"].errors["code"][0]
    assert not User.objects.get(email="jeanne.martin@example.test").emailaddress_set.get().verified


def test_given_too_many_wrong_codes_then_the_code_is_void_even_if_right(client):
    client.post(reverse("account_signup"), SIGNUP)
    code = activation_code(mail.outbox[0])
    for _ in range(3):
        client.post(reverse("account_email_verification_sent"), {"code": "ZZZZZZ"})
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert not User.objects.get(email="jeanne.martin@example.test").emailaddress_set.get().verified
    assert response.status_code in (200, 302)


def test_given_expired_code_then_it_is_refused(client):
    with freeze_time() as frozen:
        client.post(reverse("account_signup"), SIGNUP)
        code = activation_code(mail.outbox[0])
        frozen.tick(timedelta(minutes=16))
        client.post(reverse("account_email_verification_sent"), {"code": code})
    assert not User.objects.get(email="jeanne.martin@example.test").emailaddress_set.get().verified


def test_given_pending_code_when_asking_for_a_new_one_then_a_second_mail_is_sent(client):
    with freeze_time() as frozen:
        client.post(reverse("account_signup"), SIGNUP)
        frozen.tick(timedelta(seconds=11))  # resending is rate-limited to one per 10 s
        response = client.post(reverse("account_email_verification_sent"), {"action": "resend"})
    assert response.status_code in (200, 302)
    assert len(mail.outbox) == 2
    new_code = activation_code(mail.outbox[1])
    client.post(reverse("account_email_verification_sent"), {"code": new_code})
    assert User.objects.get(email="jeanne.martin@example.test").emailaddress_set.get().verified


def test_given_registered_email_then_signup_says_so_at_the_field_and_keeps_the_other_fields(
    client,
):
    UserFactory(email="jeanne.martin@example.test")
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert "déjà" in form.errors["email"][0]
    html = response.content.decode()
    assert 'value="Jeanne"' in html and 'value="Martin"' in html


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("court1", "trop court"),
        ("azertyuiop", "trop courant"),
        ("1234567890123", "entièrement numérique"),
    ],
)
def test_given_weak_password_then_french_message_at_the_password_field(client, password, fragment):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password1": password, "password2": password}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("password1", []))
    assert fragment in errors
    assert 'value="Jeanne"' in response.content.decode()
    assert not User.objects.filter(email="jeanne.martin@example.test").exists()


def test_login_and_logout_with_email_and_password(client):
    UserFactory(email="paul@example.test")
    response = client.post(
        reverse("account_login"), {"login": "paul@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_given_wrong_password_then_login_fails_with_a_french_message(client):
    UserFactory(email="paul@example.test")
    response = client.post(
        reverse("account_login"), {"login": "paul@example.test", "password": "mauvais-mot-de-passe"}
    )
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_forgotten_password_sends_a_reset_mail(client):
    UserFactory(email="paul@example.test")
    response = client.post(reverse("account_reset_password"), {"email": "paul@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "paul@example.test" in mail.outbox[0].to


def test_passwords_are_hashed_with_argon2():
    user = UserFactory()
    assert user.password.startswith("argon2$")
