"""Fixtures of the API tests: an operator with its desk, a person with a token, a client."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from raccord.accounts.models import User
from raccord.api.services import token_create
from raccord.operators.models import Desk
from tests.factories import DossierFactory, OperatorFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def enedis():  # type: ignore[no-untyped-def]
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    desk.departments.add("56")
    return SimpleNamespace(operator=operator, desk=desk)


def bearer_client(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def me(enedis) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A private requester with a token, and a client that sends it."""
    user = UserFactory(email="martin@example.test")
    new = token_create(user=user, name="Mon logiciel", expires_on=None)
    return SimpleNamespace(user=user, token=new.token, raw=new.raw, api=bearer_client(new.raw))


@pytest.fixture
def installer(enedis) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    user = UserFactory(email="pose@example.test", role=User.Role.INSTALLER, organisation=org)
    new = token_create(user=user, name="ERP", expires_on=None)
    return SimpleNamespace(user=user, org=org, raw=new.raw, api=bearer_client(new.raw))


@pytest.fixture
def dossier(me, enedis):  # type: ignore[no-untyped-def]
    return DossierFactory(created_by=me.user, desk=enedis.desk, operator=enedis.operator)
