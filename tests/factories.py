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


def cacsi_complete_data() -> dict[str, dict[str, str]]:
    """Answers that make every CACSI section complete (decoupling by automatic disconnector)."""
    from datetime import timedelta

    from django.utils import timezone

    return {
        "chantier": {
            "street_number": "17",
            "street_name": "Allée Diderot",
            "site_type": "individuel",
            "pdl": "12345678901234",
            "electronic_meter": "oui",
        },
        "demandeur": {
            "requester_kind": "particulier",
            "first_name": "Martin",
            "last_name": "Dupont",
            "phone": "06 12 34 56 78",
            "email": "martin.dupont@example.test",
            "postal_street": "17 allée Diderot",
            "postal_code": "56000",
            "postal_city": "Vannes",
            "has_third_party": "non",
        },
        "adresses": {"documents_same": "oui", "invoice_same": "oui"},
        "exploitant": {"exploitant_same": "oui"},
        "technique": {
            "injection_option": "autoconsommation_totale",
            "storage": "batterie",
            "storage_capacity_kwh": "10",
            "sector": "solaire",
            "technology": "photovoltaique",
            "max_power_kva": "18",
            "connection_power_kva": "18",
            "phases": "triphase",
            "phase1_kva": "6",
            "phase2_kva": "6",
            "phase3_kva": "6",
            "inverter_kind": "onduleur",
            "inverter_make": "Fronius",
            "inverter_model": "Symo 6.0",
            "inverter_count": "3",
            "inverter_unit_kva": "6",
            "decoupling": "sectionneur",
        },
        "mise-en-service": {"wished_date": (timezone.localdate() + timedelta(days=30)).isoformat()},
        "validation": {"sworn_device": "on", "sworn_accuracy": "on"},
    }


class DossierFactory(factory.django.DjangoModelFactory):
    """A CACSI dossier (draft by default). ``complete=True`` fills every section."""

    class Meta:
        model = "dossiers.Dossier"

    class Params:
        complete = factory.Trait(data=factory.LazyFunction(cacsi_complete_data))

    number = factory.Sequence(lambda n: f"2611P4E{n:06d}")
    kind = "cacsi"
    created_by = factory.SubFactory(UserFactory)
    operator = factory.LazyFunction(
        lambda: Operator.objects.filter(is_default=True).first() or OperatorFactory(is_default=True)
    )
    desk = None
    commune = factory.LazyFunction(lambda: Commune.objects.get(postal_code="56000"))
    orientation = factory.LazyFunction(dict)
    data = factory.LazyFunction(
        lambda: {"technique": {"injection_option": "autoconsommation_totale"}}
    )
    requester_name = "Martin DUPONT"
