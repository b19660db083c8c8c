"""Fixtures of the back-office tests: an operator with two desks, staff with TOTP, dossiers."""

from __future__ import annotations

import itertools

import pytest

from raccord.accounts.models import User
from raccord.accounts.totp import totp_activate
from raccord.dossiers.models import Dossier, State
from tests.factories import (
    DeskFactory,
    DossierFactory,
    InstructorFactory,
    OperatorFactory,
    UserFactory,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_codes = itertools.count(1)


def staff(**kwargs: object) -> User:
    user = InstructorFactory(**kwargs)
    totp_activate(user=user, secret=SECRET)
    return user


def admin(operator: object, **kwargs: object) -> User:
    user = UserFactory(role=User.Role.OPERATOR_ADMIN, operator=operator, **kwargs)
    totp_activate(user=user, secret=SECRET)
    return user


@pytest.fixture(autouse=True)
def media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    return OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)


@pytest.fixture
def desk(operator):  # type: ignore[no-untyped-def]
    return DeskFactory(operator=operator, code="P4E", name="AREPROD Bretagne")


@pytest.fixture
def other_desk(operator):  # type: ignore[no-untyped-def]
    return DeskFactory(operator=operator, code="P5X", name="AREPROD Normandie")


@pytest.fixture
def instructor(desk):  # type: ignore[no-untyped-def]
    return staff(desk=desk, operator=desk.operator, first_name="Léa", last_name="Martin")


@pytest.fixture
def colleague(desk):  # type: ignore[no-untyped-def]
    return staff(desk=desk, operator=desk.operator, first_name="Paul", last_name="Bernard")


@pytest.fixture
def outsider(other_desk):  # type: ignore[no-untyped-def]
    """An instructor of another desk of the same operator."""
    return staff(desk=other_desk, operator=other_desk.operator, last_name="Ailleurs")


@pytest.fixture
def foreign_staff():  # type: ignore[no-untyped-def]
    """An instructor of another operator."""
    other = DeskFactory(code="Z9Z", operator=OperatorFactory(name="ELD Sud", short_name="ELD"))
    return staff(desk=other, operator=other.operator, last_name="Autre")


@pytest.fixture
def requester():  # type: ignore[no-untyped-def]
    return UserFactory(email="martin.dupont@example.test")


def submitted_dossier(*, requester: User, desk: object, operator: object) -> Dossier:
    """A complete CACSI accepted by the producer and transmitted through the real services."""
    from raccord.dossiers.signing import convention_accept, dossier_submit

    dossier = DossierFactory(
        created_by=requester,
        complete=True,
        desk=desk,
        operator=operator,
        number=f"2611P4E{next(_codes):06d}",
    )
    convention_accept(dossier=dossier, user=requester, ip_address="127.0.0.1", user_agent="t")
    dossier_submit(dossier=dossier, user=requester)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    return dossier


@pytest.fixture
def dossier(requester, desk, operator):  # type: ignore[no-untyped-def]
    return submitted_dossier(requester=requester, desk=desk, operator=operator)


def move(dossier: Dossier, state: State, **fields: object) -> Dossier:
    """Put a dossier in ``state`` directly (test set-up only)."""
    Dossier.objects.filter(pk=dossier.pk).update(state=state, **fields)
    dossier.refresh_from_db()
    return dossier
