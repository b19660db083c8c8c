"""The 36-250 kVA BT production request, section by section (Avenant L342-6, Annexe 1
« Caractéristiques de la demande (fiches de collecte) »).

Same mechanics as the CACSI form (:mod:`raccord.dossiers.cacsi_sections`): each section is a
:class:`SectionForm`, answers are stored as typed in ``Dossier.data[slug]``, errors are shown
at the field. Sections that need another section's answers (the installed power, the
orientation's usage) read them from the form's ``context``.

The powers and the withdrawal path are checked by the rules core
(:func:`raccord.rules.classification.classify_request`); its :class:`RulesError` names an input
attribute that :data:`RULES_FIELDS` maps to the section and field where the message is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from raccord.core.parameters import parameters_current
from raccord.dossiers.cacsi_sections import (
    INVERTER_FIELDS,
    PDL_HELP,
    YES_NO,
    AddressesForm,
    CommissioningForm,
    ExploitantForm,
    InstallationBaseForm,
    KvaField,
    RequesterBaseForm,
    Section,
    SectionForm,
    conversion_field,
    inverter_conditions,
    postal_code_field,
    with_help_text,
    with_label,
)
from raccord.rules.classification import Path, classify_request, export_limitation
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    BeneficiaryKind,
    ConnectionRequest,
    DecouplingKind,
    InjectionOption,
    L342Timing,
    MeteringLocation,
    Phases,
    PowerBucket,
    RfgScope,
    ServiceType,
    Usage,
    Withdrawal,
)

SITE = "chantier"
REQUESTER = "demandeur"
CONNECTION = "raccordement"
INSTALLATION = "installation"
WORKS = "travaux"
COMMISSIONING = "mise-en-service"
VALIDATION = "validation"

#: ConnectionRequest attribute named by a RulesError -> (section slug, form field).
RULES_FIELDS: dict[str, tuple[str, str]] = {
    "installed_power_kva": (CONNECTION, "installed_power_kva"),
    "pracc_inj_kva": (CONNECTION, "pracc_inj_kva"),
    "pracc_sout_kva": (CONNECTION, "pracc_sout_kva"),
    "withdrawal": (CONNECTION, "withdrawal"),
    "injection_option": (CONNECTION, "injection_option"),
    "usage": (CONNECTION, "injection_option"),
    "service_type": (CONNECTION, "injection_option"),
    "declared_bucket": (CONNECTION, "pracc_inj_kva"),
    "phases": (CONNECTION, "phases"),
    "phase_powers_kva": (CONNECTION, "phases"),
    "inverter_unit_kva": (INSTALLATION, "inverter_unit_kva"),
    "decoupling": (INSTALLATION, "decoupling"),
    "certificate_standards": (INSTALLATION, "certificate_standard"),
    "rfg_scope": (INSTALLATION, "rfg_scope"),
    "metering_location": (SITE, "metering_location"),
}


class AnswerMissing(ValueError):
    """A value the rules core needs is not (validly) given; names the section and field."""

    def __init__(self, section: str, field: str, message: str) -> None:
        super().__init__(f"{section}.{field}: {message}")
        self.section = section
        self.field = field
        self.message = message


def parse_decimal(value: Any) -> Decimal | None:
    """A number as typed (French comma, spaces) or ``None``."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _kva(value: Decimal) -> str:
    return f"{value:n}".replace(".", ",")


def _enum(enum: type[Any], value: Any, default: Any) -> Any:
    """``enum(value)`` or ``default`` when the stored answer is not one of its values."""
    try:
        return enum(str(value))
    except ValueError:
        return default


def connection_request_from(
    *,
    answers: Mapping[str, Any],
    orientation: Mapping[str, Any],
    on: date,
    l342_6_after_request: bool = False,
    certificates_supplied: bool = True,
    with_installation: bool = True,
) -> ConnectionRequest:
    """The rules core's input from the BT answers (``Dossier.data``) and orientation.

    Raises :class:`AnswerMissing` when a power or an option the rules need is not given.
    ``with_installation=False`` leaves out the « Installation » section (used while the
    « Puissances et raccordement » section validates itself, so that its errors stay its own).
    """

    def section(slug: str) -> Mapping[str, Any]:
        value = answers.get(slug, {})
        return value if isinstance(value, Mapping) else {}

    connection, installation = section(CONNECTION), section(INSTALLATION)
    site, requester, works = section(SITE), section(REQUESTER), section(WORKS)

    def power(field: str, label: str) -> Decimal:
        value = parse_decimal(connection.get(field))
        if value is None:
            raise AnswerMissing(CONNECTION, field, f"Indiquez la {label} en kVA.")
        return value

    option = connection.get("injection_option")
    if option not in (InjectionOption.TOTAL, InjectionOption.SURPLUS):
        raise AnswerMissing(
            CONNECTION, "injection_option", "Choisissez l'injection totale ou du surplus."
        )
    withdrawal_value = connection.get("withdrawal")
    if withdrawal_value not in tuple(Withdrawal):
        raise AnswerMissing(CONNECTION, "withdrawal", "Indiquez votre besoin en soutirage.")
    withdrawal = Withdrawal(str(withdrawal_value))
    phases_value = connection.get("phases")
    if phases_value not in tuple(Phases):
        raise AnswerMissing(CONNECTION, "phases", "Choisissez le type de raccordement.")
    pracc_sout = (
        power("pracc_sout_kva", "puissance de raccordement en soutirage")
        if withdrawal is not Withdrawal.NONE
        else Decimal(0)
    )
    kind = requester.get("requester_kind")
    beneficiary = {
        "particulier": BeneficiaryKind.PERSON,
        "collectivite": BeneficiaryKind.LOCAL_AUTHORITY,
    }.get(str(kind), BeneficiaryKind.COMPANY)
    extra: dict[str, Any] = {}
    if with_installation:
        converter = installation.get("inverter_kind")
        decoupling = installation.get("decoupling")
        standard = str(installation.get("certificate_standard") or "")
        extra = {
            "storage": installation.get("storage") == "batterie",
            "has_inverters": converter != "machine_tournante",
            "rotating_machines": converter == "machine_tournante",
            "inverter_unit_kva": (
                parse_decimal(installation.get("inverter_unit_kva"))
                if converter == "onduleur"
                else None
            ),
            "decoupling": (
                DecouplingKind(str(decoupling)) if decoupling in tuple(DecouplingKind) else None
            ),
            "certificate_standards": (
                (standard,) if standard and decoupling == DecouplingKind.SEPARATION_DEVICE else ()
            ),
            "certificates_supplied": certificates_supplied,
            "rfg_scope": _enum(RfgScope, installation.get("rfg_scope"), None),
        }
    bucket = orientation.get("power")
    return ConnectionRequest(
        service_type=_enum(
            ServiceType, orientation.get("service_type"), ServiceType.NEW_CONNECTION
        ),
        usage=_enum(Usage, orientation.get("usage"), Usage.PRODUCTION_ONLY),
        injection_option=InjectionOption(str(option)),
        phases=Phases(str(phases_value)),
        installed_power_kva=power("installed_power_kva", "puissance installée"),
        pracc_inj_kva=power("pracc_inj_kva", "puissance de raccordement en injection"),
        reference_date=on,
        pracc_sout_kva=pracc_sout,
        withdrawal=withdrawal,
        declared_bucket=PowerBucket(str(bucket)) if bucket in tuple(PowerBucket) else None,
        metering_location=_enum(
            MeteringLocation, site.get("metering_location"), MeteringLocation.PRIVATE_DOMAIN_LIMIT
        ),
        beneficiary=beneficiary,
        l342_6_timing=(
            L342Timing.AFTER_REQUEST
            if l342_6_after_request and works.get("l342_6") != "oui"
            else L342Timing.FIRST_REQUEST
        ),
        **extra,
    )


class BtSectionForm(SectionForm):
    """A BT section: may read other sections' answers and the orientation from ``context``."""

    def answers(self, slug: str) -> Mapping[str, Any]:
        value = dict(self.context.get("answers") or {}).get(slug, {})
        return value if isinstance(value, Mapping) else {}


class BtSiteForm(BtSectionForm):
    title = _("Chantier")
    street_number = forms.CharField(label=_("Numéro"), max_length=10, required=False)
    street_name = forms.CharField(
        label=_("Voie"), max_length=150, help_text=_("Nom de la rue, de l'allée, du lieu-dit…")
    )
    address_complement = forms.CharField(
        label=_("Complément d'adresse"), max_length=150, required=False
    )
    cadastral_reference = forms.CharField(
        label=_("Références cadastrales (section et numéro de parcelle)"),
        max_length=120,
        required=False,
        help_text=_("Facultatif ; elles aident à situer le chantier, par exemple « AB 123 »."),
    )
    metering_location = forms.ChoiceField(
        label=_("Emplacement souhaité du point de livraison et du comptage"),
        choices=[
            (
                MeteringLocation.PRIVATE_DOMAIN_LIMIT,
                _("En limite de propriété, accessible depuis la voie publique"),
            ),
            (MeteringLocation.PRIVATE_PREMISES, _("À l'intérieur de la propriété privée")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "En limite de propriété, le gestionnaire accède au comptage sans vous déranger ; à "
            "l'intérieur de la propriété, les ouvrages en domaine privé (liaison jusqu'au "
            "comptage) restent à votre charge et l'accès doit être garanti."
        ),
    )


class BtRequesterForm(RequesterBaseForm, BtSectionForm):
    requester_kind = forms.ChoiceField(
        label=_("Le producteur (bénéficiaire de la convention) est"),
        choices=[
            ("entreprise", _("Une entreprise")),
            ("collectivite", _("Une collectivité ou un établissement public")),
            ("particulier", _("Un particulier")),
        ],
        widget=forms.RadioSelect,
    )
    company_name = forms.CharField(label=_("Raison sociale"), max_length=150)
    legal_form = with_help_text(
        RequesterBaseForm, "legal_form", _("Par exemple SAS, SARL, SCI, SA…")
    )
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_(
            "14 chiffres, sur l'extrait Kbis ou l'avis de situation SIRENE ; le SIREN (9 "
            "premiers chiffres) figurera dans la convention."
        ),
    )
    office_street = forms.CharField(label=_("Siège social : numéro et voie"), max_length=200)
    office_street2 = forms.CharField(
        label=_("Siège social : complément d'adresse"), max_length=200, required=False
    )
    office_postal_code = postal_code_field(_("Siège social : code postal"))
    office_city = forms.CharField(label=_("Siège social : commune"), max_length=80)
    rcs_city = with_help_text(
        RequesterBaseForm,
        "rcs_city",
        _("Le greffe où la société est immatriculée (Registre du Commerce)."),
    )
    signatory_name = forms.CharField(
        label=_("Nom et prénom du signataire"),
        max_length=120,
        help_text=_("La personne qui signera la convention de raccordement pour le producteur."),
    )
    signatory_function = with_help_text(
        RequesterBaseForm,
        "signatory_function",
        _("Par exemple Président, Gérant, Maire… dûment habilité à cet effet."),
    )

    field_order = [
        "requester_kind",
        "first_name",
        "last_name",
        "company_name",
        "legal_form",
        "share_capital",
        "siret",
        "office_street",
        "office_street2",
        "office_postal_code",
        "office_city",
        "rcs_city",
        "signatory_name",
        "signatory_function",
    ]
    organisation_fields = (
        "company_name",
        "siret",
        "office_street",
        "office_street2",
        "office_postal_code",
        "office_city",
        "signatory_name",
        "signatory_function",
    )
    company_fields = ("legal_form", "share_capital", "rcs_city")
    conditions = {
        "first_name": ("requester_kind", ("particulier",)),
        "last_name": ("requester_kind", ("particulier",)),
        **{n: ("requester_kind", ("entreprise", "collectivite")) for n in organisation_fields},
        **{name: ("requester_kind", ("entreprise",)) for name in company_fields},
        **RequesterBaseForm.conditions,
    }


class BtConnectionForm(BtSectionForm):
    title = _("Puissances et raccordement")
    injection_option = forms.ChoiceField(
        label=_("Option d'injection"),
        choices=[
            (InjectionOption.TOTAL, _("Injection de la totalité de la production")),
            (InjectionOption.SURPLUS, _("Injection du surplus (autoconsommation partielle)")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "En injection du surplus, le site consomme d'abord sa production : il lui faut un "
            "raccordement en soutirage (nouveau ou existant)."
        ),
    )
    withdrawal = forms.ChoiceField(
        label=_("Besoin en soutirage (consommation depuis le réseau)"),
        choices=[
            (Withdrawal.NEW, _("Un nouveau raccordement en soutirage est à créer")),
            (Withdrawal.EXISTING, _("Le site est déjà raccordé en soutirage")),
            (Withdrawal.NONE, _("Aucun soutirage")),
        ],
        widget=forms.RadioSelect,
    )
    pdl = forms.RegexField(
        label=_("Numéro de PDL du raccordement existant"),
        regex=r"^\d{14}$",
        error_messages={"invalid": _("Le numéro de PDL compte exactement 14 chiffres.")},
        help_text=PDL_HELP,
    )
    pracc_sout_kva = KvaField(
        label=_("Puissance de raccordement en soutirage, Pracc_sout (kVA)"),
        help_text=_(
            "Raccordement existant : la puissance de raccordement actuelle (sur votre contrat). "
            "Nouveau raccordement : la puissance que vous demandez."
        ),
    )
    installed_power_kva = KvaField(
        label=_("Puissance installée de production, P_installée (kVA)"),
        help_text=_("Somme des puissances de sortie des onduleurs ou des machines."),
    )
    pracc_inj_kva = KvaField(
        label=_("Puissance de raccordement demandée en injection, Pracc_inj (kVA)"),
        help_text=_(
            "Plus de 36 kVA et au plus 250 kVA. Elle peut être inférieure à la puissance "
            "installée, jamais supérieure : un bridage dynamique limitera alors la puissance "
            "injectée à la Pracc_inj."
        ),
    )
    phases = forms.ChoiceField(
        label=_("Type de raccordement"),
        choices=[(Phases.THREE, _("Triphasé")), (Phases.SINGLE, _("Monophasé"))],
        widget=forms.RadioSelect,
        help_text=_("Au-delà de 36 kVA, le raccordement est triphasé."),
    )

    conditions = {
        "pdl": ("withdrawal", (Withdrawal.EXISTING.value,)),
        "pracc_sout_kva": ("withdrawal", (Withdrawal.NEW.value, Withdrawal.EXISTING.value)),
    }

    def clean_pdl(self) -> str:
        return "".join(str(self.cleaned_data["pdl"]).split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        params = parameters_current()
        low = params.decimal("threshold.cacsi_max_kva", on=today)
        high = params.decimal("threshold.bt_max_kva", on=today)
        for name in ("installed_power_kva", "pracc_inj_kva", "pracc_sout_kva"):
            if data.get(name) == 0 and self.applies(name):
                self.add_error(name, _("La puissance doit être supérieure à 0 kVA."))
        pracc = data.get("pracc_inj_kva")
        if pracc and pracc <= low:
            self.add_error(
                "pracc_inj_kva",
                _(
                    "Une Pracc_inj de %(p)s kVA relève du raccordement jusqu'à %(n)s kVA : ce "
                    "formulaire concerne plus de %(n)s kVA. Reprenez l'orientation "
                    "(« inférieure ou égale à 36 kVA »)."
                )
                % {"p": _kva(pracc), "n": _kva(low)},
            )
        elif pracc and pracc > high:
            self.add_error(
                "pracc_inj_kva",
                _(
                    "Au-delà de %(n)s kVA (ici %(p)s kVA), le raccordement se fait en HTA, non "
                    "traité en ligne : la Pracc_inj est au plus %(n)s kVA."
                )
                % {"p": _kva(pracc), "n": _kva(high)},
            )
        if data.get("phases") == Phases.SINGLE and pracc and pracc > low:
            self.add_error(
                "phases",
                _("Au-delà de %(n)s kVA, le raccordement est triphasé.") % {"n": _kva(low)},
            )
        if self.errors:
            return data
        answers = dict(self.context.get("answers") or {})
        answers[CONNECTION] = {k: ("" if v is None else str(v)) for k, v in data.items()}
        try:
            request = connection_request_from(
                answers=answers,
                orientation=self.context.get("orientation") or {},
                on=today,
                with_installation=False,
            )
            classification = classify_request(request=request, params=params)
        except AnswerMissing:
            return data
        except RulesError as error:
            section, field = RULES_FIELDS.get(error.field, (CONNECTION, "pracc_inj_kva"))
            self.add_error(field if section == CONNECTION else None, error.message)
            return data
        if classification.path is not Path.BT_36_250:
            section, field = RULES_FIELDS.get(classification.field, (CONNECTION, "pracc_inj_kva"))
            self.add_error(field if section == CONNECTION else None, classification.reason)
            return data
        limitation = export_limitation(request=request, params=params)
        self.notes.append(limitation.reason)
        return data


class BtInstallationForm(InstallationBaseForm, BtSectionForm):
    title = _("Installation de production")
    inverter_kind = conversion_field(
        ("machine_tournante", _("Machine(s) tournante(s) (sans onduleur)"))
    )
    inverter_make = with_label(InstallationBaseForm, "inverter_make", _("Marque des onduleurs"))
    inverter_model = with_label(InstallationBaseForm, "inverter_model", _("Modèle des onduleurs"))
    inverter_unit_kva = with_label(
        InstallationBaseForm,
        "inverter_unit_kva",
        _("Puissance unitaire de sortie d'un onduleur (kVA)"),
        _("Le nombre d'onduleurs fois leur puissance donne la puissance installée."),
    )
    machine_kind = forms.ChoiceField(
        label=_("Type de machine"),
        choices=[("synchrone", _("Synchrone")), ("asynchrone", _("Asynchrone"))],
        widget=forms.RadioSelect,
    )
    machine_count = forms.IntegerField(label=_("Nombre de machines"), min_value=1, max_value=50)
    machine_unit_kva = KvaField(label=_("Puissance unitaire d'une machine (kVA)"))
    decoupling = forms.ChoiceField(
        label=_("Protection de découplage"),
        choices=[
            (
                DecouplingKind.SEPARATION_DEVICE,
                _("Dispositif de séparation intégré aux onduleurs (certificat de conformité)"),
            ),
            (DecouplingKind.B1_RELAYS, _("Protection de type B.1 (relais) au point de livraison")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Elle sépare l'installation du réseau en cas de défaut. Un dispositif intégré "
            "demande le certificat de conformité des onduleurs en pièce jointe ; sans onduleur, "
            "la protection B.1 est requise."
        ),
    )
    rfg_scope = forms.ChoiceField(
        label=_("Soumission au code de réseau RfG"),
        choices=[
            (RfgScope.WHOLE, _("Installation neuve : soumise en totalité")),
            (RfgScope.NEW_OR_MODIFIED_PARTS, _("Seules les parties neuves ou modifiées")),
            (RfgScope.NOT_SUBJECT, _("Non soumise (installation existante non modifiée)")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Les installations neuves ou modifiées de façon substantielle respectent la NF EN "
            "50549-1 (code RfG) ; les autres, l'arrêté du 9 juin 2020."
        ),
    )

    certificate_help = _(
        "Norme citée par le certificat de conformité des onduleurs. Acceptée(s) à ce jour : %(s)s."
    )
    integrated_decoupling = DecouplingKind.SEPARATION_DEVICE.value
    without_inverters = "machine_tournante"
    integrated_without_inverters = _(
        "Sans onduleur, la protection de découplage est de type B.1 (relais)."
    )
    machine_fields = ("machine_kind", "machine_count", "machine_unit_kva")
    field_order = [
        "sector",
        "technology",
        "inverter_kind",
        *INVERTER_FIELDS,
        *machine_fields,
        "decoupling",
        "certificate_standard",
        "storage",
        "storage_capacity_kwh",
        "rfg_scope",
    ]
    conditions = {
        **inverter_conditions(("onduleur",)),
        **{name: ("inverter_kind", ("machine_tournante",)) for name in machine_fields},
        "certificate_standard": ("decoupling", (integrated_decoupling,)),
        "storage_capacity_kwh": ("storage", ("batterie",)),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_technology(data)
        self.check_decoupling(data)
        converter = data.get("inverter_kind")
        installed = parse_decimal(self.answers(CONNECTION).get("installed_power_kva"))
        if converter == "onduleur":
            count, unit, field = (
                data.get("inverter_count"),
                data.get("inverter_unit_kva"),
                ("inverter_unit_kva"),
            )
            what = _("onduleur(s)")
        else:
            count, unit, field = (
                data.get("machine_count"),
                data.get("machine_unit_kva"),
                ("machine_unit_kva"),
            )
            what = _("machine(s)")
        if unit == 0:
            self.add_error(field, _("La puissance doit être supérieure à 0 kVA."))
        elif converter and (total := self.units_total_differs(count, unit, installed)) is not None:
            self.add_error(
                field,
                _(
                    "%(c)s %(w)s de %(u)s kVA font %(t)s kVA, différent de la puissance "
                    "installée déclarée (%(p)s kVA, section « Puissances et raccordement »)."
                )
                % {
                    "c": count,
                    "w": what,
                    "u": _kva(unit),
                    "t": _kva(total),
                    "p": _kva(installed),
                },
            )
        return data


class BtWorksForm(BtSectionForm):
    title = _("Travaux (article L342-6)")
    l342_6 = forms.ChoiceField(
        label=_(
            "Je souhaite réaliser moi-même une partie des travaux (article L342-6 du Code de "
            "l'énergie)"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_(
            "Vous pouvez faire réaliser par l'entreprise de votre choix les ouvrages dédiés à "
            "votre raccordement (Travaux Mandataire), au nom et pour le compte du gestionnaire "
            "de réseau, sous un Contrat de Mandat. Le gestionnaire vous adressera alors, avec la "
            "Convention de Raccordement Directe, son Avenant L342-6. Vous pourrez aussi le "
            "demander plus tard, tant que l'offre n'est pas acceptée."
        ),
    )


class BtValidationForm(BtSectionForm):
    title = _("Validation")
    sworn_accuracy = forms.BooleanField(
        label=_("J'atteste de l'exactitude des renseignements communiqués.")
    )
    sworn_procedure = forms.BooleanField(
        label=_(
            "J'ai pris connaissance que le gestionnaire de réseau établira, dans les trois mois "
            "suivant la complétude de ma demande, une Convention de Raccordement Directe valable "
            "trois mois, et qu'une modification de mon projet avant son acceptation vaut "
            "nouvelle demande."
        )
    )


BT_SECTIONS: tuple[Section, ...] = (
    Section(SITE, BtSiteForm, True),
    Section(REQUESTER, BtRequesterForm, False),
    Section("adresses", AddressesForm, False),
    Section("exploitant", ExploitantForm, False),
    Section(CONNECTION, BtConnectionForm, True),
    Section(INSTALLATION, BtInstallationForm, True),
    Section(WORKS, BtWorksForm, True),
    Section(COMMISSIONING, CommissioningForm, True),
    Section(VALIDATION, BtValidationForm, True),
)
