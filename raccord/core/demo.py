"""Demo data for a development install: the operator, two desks, four accounts.

Never runs with production settings. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
    accounts_created = not User.objects.filter(email=DEMO_ACCOUNTS[0].email).exists()
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
    if accounts_created:
        transaction.on_commit(_demo_dossiers)
    return list(DEMO_ACCOUNTS)


def _demo_answers(wished: date) -> dict[str, dict[str, str]]:
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
            "email": "producteur@demo.raccord.test",
            "postal_street": "17 allée Diderot",
            "postal_code": "56000",
            "postal_city": "Vannes",
            "has_third_party": "non",
        },
        "adresses": {"documents_same": "oui", "invoice_same": "oui"},
        "exploitant": {"exploitant_same": "oui"},
        "technique": {
            "injection_option": "autoconsommation_totale",
            "storage": "aucun",
            "sector": "solaire",
            "technology": "photovoltaique",
            "max_power_kva": "3",
            "connection_power_kva": "3",
            "phases": "monophase",
            "inverter_kind": "micro_onduleurs",
            "inverter_make": "Beon",
            "inverter_model": "MI-500",
            "inverter_count": "6",
            "inverter_unit_kva": "0,5",
            "decoupling": "sectionneur",
        },
        "mise-en-service": {"wished_date": wished.isoformat()},
        "validation": {"sworn_device": "on", "sworn_accuracy": "on"},
    }


def _demo_dossiers() -> None:
    """A transmitted CACSI (for the instructor's inbox) and a draft, for the demo producer."""
    from datetime import timedelta

    from django.utils import timezone

    from raccord.dossiers.services import dossier_create
    from raccord.dossiers.signing import convention_accept, dossier_submit

    producer = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    vannes = Commune.objects.filter(postal_code="56000").first()
    if vannes is None:
        return
    submitted = dossier_create(user=producer, commune=vannes, orientation={})
    submitted.data = _demo_answers(timezone.localdate() + timedelta(days=30))
    submitted.save(update_fields=["data"])
    convention_accept(dossier=submitted, user=producer, ip_address=None, user_agent="demo")
    dossier_submit(dossier=submitted, user=producer)
    draft = dossier_create(user=producer, commune=vannes, orientation={})
    draft.data["chantier"] = {"street_name": "Rue du Port"}
    draft.save(update_fields=["data"])
