"""Demo data for a development install: the operator, two desks, four accounts.

Never runs with production settings. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from raccord.accounts.models import Organisation, User
from raccord.accounts.totp import totp_activate
from raccord.operators.models import Desk, Operator
from raccord.places.models import Commune, Department

DEMO_PASSWORD = "raccord-demo-2026"  # noqa: S105 - printed on purpose, dev only
# Base32 secret for the staff demo accounts' authenticator (dev only; printed by the command).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
BRETAGNE = ["22", "29", "35", "56"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    description: str


DEMO_ACCOUNTS = (
    DemoAccount("producteur@demo.raccord.test", User.Role.PRIVATE, "producteur particulier"),
    DemoAccount(
        "installateur@demo.raccord.test", User.Role.INSTALLER, "installateur (Soleil Pose)"
    ),
    DemoAccount(
        "instruction@demo.raccord.test",
        User.Role.INSTRUCTOR,
        "chargé de raccordement (guichet P4E)",
    ),
    DemoAccount(
        "admin@demo.raccord.test", User.Role.OPERATOR_ADMIN, "administrateur du gestionnaire"
    ),
)


class DemoRefused(RuntimeError):
    pass


@transaction.atomic
def demo_seed() -> list[DemoAccount]:
    """Create the demo operator, desks and accounts if missing; return the accounts."""
    if settings.PRODUCTION:
        raise DemoRefused("Refusing to create demo data with production settings.")
    operator, _ = Operator.objects.get_or_create(
        name="Enedis",
        defaults={
            "short_name": "Enedis",
            "legal_form": "Société anonyme à directoire et à conseil de surveillance",
            "share_capital": Decimal("270037000"),
            "registered_office": "Tour Enedis, 34 place des Corolles, 92079 PARIS LA DEFENSE CEDEX",
            "rcs_city": "Nanterre",
            "siren": "444608442",
            "regional_director_title": "le Directeur Régional de la région",
            "election_of_domicile": "BP 17, 29801 BREST",
            "website": "https://www.enedis.fr",
            "is_default": True,
        },
    )
    bretagne, created = Desk.objects.get_or_create(
        code="P4E",
        defaults={
            "operator": operator,
            "name": "AREPROD Bretagne",
            "address": "BP 17, 29801 BREST",
            "phone": "02 98 00 00 00",
            "email": "areprod-bretagne@demo.raccord.test",
        },
    )
    if created:
        bretagne.departments.set(Department.objects.filter(code__in=BRETAGNE))
    national, created = Desk.objects.get_or_create(
        code="NAT",
        defaults={
            "operator": operator,
            "name": "AREPROD national (démonstration)",
            "address": "34 place des Corolles, 92079 PARIS LA DEFENSE CEDEX",
            "phone": "01 00 00 00 00",
            "email": "areprod@demo.raccord.test",
        },
    )
    if created:
        national.departments.set(Department.objects.exclude(code__in=BRETAGNE))

    installer_org = Organisation.objects.filter(siret="90123456700013").first()
    if installer_org is None:
        office = Commune.objects.filter(postal_code="56000").first()
        if office is not None:
            installer_org = Organisation.objects.create(
                kind=Organisation.Kind.INSTALLER,
                name="Soleil Pose",
                siret="90123456700013",
                legal_form="SARL",
                share_capital=Decimal("10000"),
                office_street="17 allée Diderot",
                office_commune=office,
                rcs_city="Vannes",
                signatory_name="Camille Martin",
                signatory_function="Gérante",
            )
    extra = {
        User.Role.PRIVATE: {"first_name": "Martin", "last_name": "Dupont"},
        User.Role.INSTALLER: {
            "first_name": "Camille",
            "last_name": "Martin",
            "organisation": installer_org,
        },
        User.Role.INSTRUCTOR: {
            "first_name": "Léa",
            "last_name": "Instructrice",
            "operator": operator,
            "desk": bretagne,
        },
        User.Role.OPERATOR_ADMIN: {
            "first_name": "Alex",
            "last_name": "Admin",
            "operator": operator,
            "is_staff": True,
            "is_superuser": True,
        },
    }
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email, DEMO_PASSWORD, role=account.role, **extra[account.role]
            )
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if user.is_operator_staff:
            totp_activate(user=user, secret=DEMO_TOTP_SECRET)
    return list(DEMO_ACCOUNTS)
