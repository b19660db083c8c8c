"""factory_boy factories shared by the tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from raccord.accounts.models import Organisation, User
from raccord.operators.models import Desk, Operator
from raccord.places.models import Commune

PASSWORD = "correct-horse-battery-9"
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared test password once per session.
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(PASSWORD))
    return _PASSWORD_HASH[0]


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator

    name = factory.Sequence(lambda n: f"Distributeur {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    legal_form = "Société anonyme"
    share_capital = Decimal("1000000")
    registered_office = "1 rue du Réseau, 75001 PARIS"
    rcs_city = "Paris"
    siren = "444608442"


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk

    operator = factory.SubFactory(OperatorFactory)
    code = factory.Sequence(lambda n: f"D{n:02d}"[-3:])
    name = factory.Sequence(lambda n: f"Guichet {n}")
    address = "1 rue du Guichet, 29200 BREST"
    phone = "02 00 00 00 00"
    email = factory.Sequence(lambda n: f"guichet{n}@example.test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.INSTALLER
    name = factory.Sequence(lambda n: f"Installateur {n}")
    siret = "90123456700013"
    legal_form = "SARL"
    office_street = "17 allée Diderot"
    office_commune = factory.LazyFunction(
        lambda: Commune.objects.filter(postal_code="56000").first()
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.test")
    first_name = "Martin"
    last_name = "Dupont"
    role = User.Role.PRIVATE
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class InstructorFactory(UserFactory):
    role = User.Role.INSTRUCTOR
    desk = factory.SubFactory(DeskFactory)
    operator = factory.LazyAttribute(lambda o: o.desk.operator)
