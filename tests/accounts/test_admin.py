"""The Django admin: no password-only way in for staff; clear messages on staff accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from raccord.accounts.models import User
from raccord.accounts.totp import totp_activate, totp_current_code
from tests.factories import PASSWORD, DeskFactory, InstructorFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _superuser(email: str = "root@operator.test") -> User:
    user = UserFactory(
        email=email,
        role=User.Role.OPERATOR_ADMIN,
        operator=OperatorFactory(),
        is_staff=True,
        is_superuser=True,
    )
    totp_activate(user=user, secret=SECRET)
    return user


@pytest.mark.parametrize("with_totp", [True, False])
def test_admin_login_with_the_password_only_opens_neither_admin_nor_backoffice(client, with_totp):
    user = UserFactory(
        email="root@operator.test",
        role=User.Role.OPERATOR_ADMIN,
        operator=OperatorFactory(),
        is_staff=True,
        is_superuser=True,
    )
    if with_totp:
        totp_activate(user=user, secret=SECRET)
    login = reverse("admin:login")
    response = client.post(
        f"{login}?next=/admin/",
        {"username": "root@operator.test", "password": PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for url in ["/admin/", reverse("backoffice:inbox")]:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.request["PATH_INFO"] == reverse("account_login"), url


def test_admin_login_page_sends_to_the_login_with_the_second_factor(client):
    _superuser()
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    response = client.post(
        response["Location"], {"login": "root@operator.test", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # password alone: still outside
    response = client.post(reverse("mfa_authenticate"), {"code": totp_current_code(SECRET)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def _logged_admin(client) -> User:  # type: ignore[no-untyped-def]
    user = _superuser()
    client.force_login(user)
    return user


def _add(client, **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "email": "lea@operator.test",
        "password1": "un-mot-de-passe-solide-2026",
        "password2": "un-mot-de-passe-solide-2026",
        "role": "instructor",
        "organisation": "",
        "operator": "",
        "desk": "",
        **extra,
    }
    return client.post(reverse("admin:accounts_user_add"), data)


def test_admin_add_form_has_the_staff_fields_and_names_the_missing_one(client):
    _logged_admin(client)
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="operator"' in page and 'name="desk"' in page
    response = _add(client)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "gestionnaire de réseau" in errors["operator"][0]
    assert "guichet régional" in errors["desk"][0]
    html = response.content.decode()
    assert "contrainte" not in html.lower()
    assert 'value="lea@operator.test"' in html  # nothing typed is lost
    assert not User.objects.filter(email="lea@operator.test").exists()


def test_admin_add_form_creates_an_instructor_with_operator_and_desk(client):
    _logged_admin(client)
    desk = DeskFactory()
    response = _add(client, operator=str(desk.operator_id), desk=str(desk.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="lea@operator.test")
    assert user.role == "instructor" and user.desk == desk and user.operator == desk.operator
    assert user.check_password("un-mot-de-passe-solide-2026")


def test_admin_add_form_refuses_a_desk_of_another_operator(client):
    _logged_admin(client)
    desk = DeskFactory()
    other = OperatorFactory(name="Régie locale")
    response = _add(client, operator=str(other.pk), desk=str(desk.pk))
    assert response.status_code == 200
    assert "autre gestionnaire" in response.context["adminform"].form.errors["desk"][0]


def _change_data(user: User, **extra: str) -> dict[str, str]:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "role": user.role,
        "organisation": "",
        "operator": str(user.operator_id or ""),
        "desk": str(user.desk_id or ""),
        "is_active": "on",
        **extra,
    }


def test_admin_change_form_puts_the_message_at_the_field(client):
    _logged_admin(client)
    instructor = InstructorFactory()
    url = reverse("admin:accounts_user_change", args=[instructor.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _change_data(instructor, desk="", first_name="Léa"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "guichet régional" in form.errors["desk"][0]
    assert not form.non_field_errors()
    assert "contrainte" not in response.content.decode().lower()
    instructor.refresh_from_db()
    assert instructor.desk_id is not None and instructor.first_name == "Martin"
    response = client.post(url, _change_data(instructor, first_name="Léa"))
    assert response.status_code == 302
    instructor.refresh_from_db()
    assert instructor.first_name == "Léa"


def test_the_constraints_speak_french_to_people():
    user = User(email="x@operator.test", role=User.Role.INSTRUCTOR)
    with pytest.raises(ValidationError) as error:
        user.validate_constraints()
    messages = " ".join(error.value.messages)
    assert "rattaché à un gestionnaire de réseau" in messages
    assert "rattaché à un guichet régional" in messages
    assert "contrainte" not in messages.lower()
