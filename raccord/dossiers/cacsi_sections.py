"""The CACSI request form, section by section (seed « Saisir le formulaire »).

Each section is a Django form used three ways: rendered in the portal, to validate one field at
a time when it is auto-saved (errors of the whole section are recomputed, so cross-field rules
such as the per-phase split show at once), and to decide whether the section is complete.
Answers are stored as typed in ``Dossier.data[section]`` so that nothing is lost, even invalid.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from raccord.core.parameters import parameters_current
from raccord.core.validators import compact_identifier, validate_siret
from raccord.rules.errors import RulesError
from raccord.rules.protections import accepted_certificate_standards

YES_NO = [("oui", _("Oui")), ("non", _("Non"))]
PDL_HELP = _(
    "Le numéro de Point De Livraison (PDL) ou PRM compte 14 chiffres ; il figure sur votre "
    "facture d'électricité et sur l'écran du compteur Linky."
)


class FrenchDecimalField(forms.DecimalField):
    """A number as French people type it: « 50 000 », « 0,8 », « 1 234,5 »."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)


class KvaField(FrenchDecimalField):
    """A power in kVA."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


class _SectionFormMetaclass(DeclarativeFieldsMetaclass):
    """Puts ``base_fields`` in ``field_order`` too: Django orders only a form's instances, and
    the portal reads a section's fields from the class (posted values, autosave answers)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        new_class = super().__new__(mcs, name, bases, attrs)
        if new_class.field_order is not None:
            # As BaseForm.order_fields: the fields named first, then the others as declared.
            fields = dict(new_class.base_fields)
            ordered = {key: fields.pop(key) for key in new_class.field_order if key in fields}
            new_class.base_fields = new_class.declared_fields = {**ordered, **fields}
        return new_class


class SectionForm(forms.Form, metaclass=_SectionFormMetaclass):
    """Base: knows which fields apply given the other answers (conditional fields)."""

    #: field -> (controlling field, values for which it applies)
    conditions: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __init__(self, *args: Any, context: Mapping[str, Any] | None = None, **kwargs: Any):
        """``context``: ``{"answers": Dossier.data, "orientation": Dossier.orientation}``, for
        sections whose rules read another section's answers (unused by the CACSI sections)."""
        super().__init__(*args, **kwargs)
        self.context: Mapping[str, Any] = context or {}
        #: French information lines shown with the section (e.g. export limitation).
        self.notes: list[str] = []

    def applies(self, name: str) -> bool:
        condition = self.conditions.get(name)
        if condition is None:
            return True
        controller, values = condition
        current = self.data.get(self.add_prefix(controller), "")
        return str(current) in values

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            if name in self.conditions:
                field.required = field.required and self.applies(name)
        super().full_clean()


class SiteForm(SectionForm):
    title = _("Chantier")
    street_number = forms.CharField(label=_("Numéro"), max_length=10, required=False)
    street_name = forms.CharField(
        label=_("Voie"),
        max_length=150,
        help_text=_("Nom de la rue, de l'allée, du lieu-dit…"),
    )
    address_complement = forms.CharField(
        label=_("Complément d'adresse"), max_length=150, required=False
    )
    site_type = forms.ChoiceField(
        label=_("Type de site"),
        choices=[
            ("individuel", _("Sur un site individuel (maison individuelle)")),
            ("collectif", _("Sur un immeuble ou site collectif (appartement)")),
        ],
        widget=forms.RadioSelect,
        help_text=_("Choisissez « immeuble ou site collectif » si vous êtes en appartement."),
    )
    pdl = forms.RegexField(
        label=_("Numéro de PDL (Point De Livraison)"),
        regex=r"^\d{14}$",
        error_messages={"invalid": _("Le numéro de PDL compte exactement 14 chiffres.")},
        help_text=PDL_HELP,
    )
    electronic_meter = forms.ChoiceField(
        label=_("Votre compteur est-il électronique (affichage numérique, Linky) ?"),
        choices=[*YES_NO, ("ne_sais_pas", _("Je ne sais pas"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Avec un compteur électronique, sans réponse du gestionnaire, vous pourrez mettre "
            "en service 15 jours après la transmission de votre demande."
        ),
    )

    def clean_pdl(self) -> str:
        return "".join(str(self.cleaned_data["pdl"]).split())


def postal_code_field(label: Any) -> forms.RegexField:
    """A French postal code: 5 digits."""
    return forms.RegexField(
        label=label,
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Un code postal compte 5 chiffres.")},
    )


def with_help_text(form_class: type[forms.Form], name: str, help_text: Any) -> forms.Field:
    """A copy of the field ``name`` of ``form_class`` that shows a help text of its own."""
    field = copy.deepcopy(form_class.base_fields[name])
    field.help_text = help_text
    return field


def with_label(
    form_class: type[forms.Form], name: str, label: Any, help_text: Any = ""
) -> forms.Field:
    """A copy of the field ``name`` of ``form_class`` under a label and help text of its own."""
    field = with_help_text(form_class, name, help_text)
    field.label = label
    return field


class RequesterBaseForm(SectionForm):
    """The « Demandeur » fields that every kind of request asks the same way: the producer's
    name and company details, its contact, and the third party (installer, mandataire) who may
    follow the request for it.

    Each kind adds its own fields (``requester_kind``, ``company_name``, ``siret``…) and puts
    them in place with ``field_order``; the contact and third-party fields come last. The field
    names are the keys of ``Dossier.data["demandeur"]``.
    """

    title = _("Demandeur")
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    legal_form = forms.CharField(label=_("Forme juridique"), max_length=80)
    share_capital = FrenchDecimalField(
        label=_("Capital social (€)"), max_digits=16, decimal_places=2, localize=True
    )
    rcs_city = forms.CharField(label=_("Ville du RCS"), max_length=80)
    signatory_function = forms.CharField(label=_("Fonction du signataire"), max_length=120)
    phone = forms.RegexField(
        label=_("Téléphone"),
        regex=r"^\+?[\d .\-()]{10,20}$",
        error_messages={
            "invalid": _("Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.")
        },
    )
    email = forms.EmailField(label=_("Adresse e-mail"))
    postal_street = forms.CharField(label=_("Adresse postale : numéro et voie"), max_length=200)
    postal_code = postal_code_field(_("Code postal"))
    postal_city = forms.CharField(label=_("Commune"), max_length=80)
    has_third_party = forms.ChoiceField(
        label=_("Un tiers habilité (votre installateur) suit-il la demande pour vous ?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Il recevra les messages du dossier ; joignez alors son mandat."),
    )
    third_party_name = forms.CharField(label=_("Nom du tiers habilité"), max_length=150)
    third_party_organisation = forms.CharField(
        label=_("Société du tiers habilité"), max_length=150, required=False
    )
    third_party_email = forms.EmailField(label=_("E-mail du tiers habilité"))
    third_party_phone = forms.CharField(label=_("Téléphone du tiers habilité"), max_length=30)

    third_party_fields = (
        "third_party_name",
        "third_party_organisation",
        "third_party_email",
        "third_party_phone",
    )
    conditions = {name: ("has_third_party", ("oui",)) for name in third_party_fields}

    def clean_siret(self) -> str:
        """The ``siret`` field of each kind: spaces removed, checked when given."""
        value = compact_identifier(self.cleaned_data.get("siret", ""))
        if value:
            validate_siret(value)
        return value


class RequesterForm(RequesterBaseForm):
    requester_kind = forms.ChoiceField(
        label=_("Le producteur est"),
        choices=[("particulier", _("Un particulier")), ("entreprise", _("Une entreprise"))],
        widget=forms.RadioSelect,
    )
    company_name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siret = forms.CharField(
        label=_("SIRET du site de production"),
        max_length=30,
        help_text=_(
            "Uniquement si votre installation est sur un local à usage professionnel : 14 chiffres."
        ),
    )

    company_fields = (
        "company_name",
        "siret",
        "legal_form",
        "share_capital",
        "rcs_city",
        "signatory_function",
    )
    field_order = ["requester_kind", "first_name", "last_name", *company_fields]
    conditions = {
        **{name: ("requester_kind", ("entreprise",)) for name in company_fields},
        **RequesterBaseForm.conditions,
    }


class AddressesForm(SectionForm):
    title = _("Adresses d'envoi")
    documents_same = forms.ChoiceField(
        label=_("Envoyer la convention et les courriers à l'adresse postale du demandeur ?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    documents_address = forms.CharField(
        label=_("Adresse d'envoi des documents"), widget=forms.Textarea(attrs={"rows": 3})
    )
    invoice_same = forms.ChoiceField(
        label=_("Envoyer les factures éventuelles à l'adresse postale du demandeur ?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    invoice_address = forms.CharField(
        label=_("Adresse de facturation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = {
        "documents_address": ("documents_same", ("non",)),
        "invoice_address": ("invoice_same", ("non",)),
    }


class ExploitantForm(SectionForm):
    title = _("Exploitant")
    exploitant_same = forms.ChoiceField(
        label=_("Le producteur exploite-t-il lui-même l'installation ?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("L'exploitant est la personne à joindre pour toute intervention."),
    )
    exploitant_name = forms.CharField(label=_("Nom de l'exploitant"), max_length=150)
    exploitant_phone = forms.CharField(label=_("Téléphone de l'exploitant"), max_length=30)
    exploitant_email = forms.EmailField(label=_("E-mail de l'exploitant"))
    conditions = {
        "exploitant_name": ("exploitant_same", ("non",)),
        "exploitant_phone": ("exploitant_same", ("non",)),
        "exploitant_email": ("exploitant_same", ("non",)),
    }


SECTORS = {
    "solaire": (_("Solaire"), [("photovoltaique", _("Photovoltaïque"))]),
    "eolien": (_("Éolien"), [("eolienne", _("Éolienne"))]),
    "hydraulique": (_("Hydraulique"), [("turbine", _("Turbine hydraulique"))]),
    "thermique": (
        _("Thermique"),
        [("cogeneration", _("Cogénération")), ("groupe", _("Groupe électrogène"))],
    ),
}
TECHNOLOGIES = [(k, label) for _s, (_l, items) in SECTORS.items() for k, label in items]


STANDARDS_KEY = "decoupling.accepted_certificate_standards"


def _standard_choices() -> list[tuple[str, str]]:
    """Every standard any period of the parameter has named, newest periods first."""
    params = parameters_current()
    periods = sorted(
        (p for p in params.parameters if p.key == STANDARDS_KEY),
        key=lambda p: p.valid_from,
        reverse=True,
    )
    seen: dict[str, None] = {}
    for period in periods:
        for standard in period.value if isinstance(period.value, tuple) else ():
            seen.setdefault(standard)
    return [("", "—")] + [(s, s) for s in seen]


def conversion_field(*others: tuple[str, Any], help_text: Any = "") -> forms.ChoiceField:
    """The « Conversion » question (``inverter_kind``): inverters, or the kind's other ways."""
    return forms.ChoiceField(
        label=_("Conversion"),
        choices=[("onduleur", _("Onduleur(s)")), *others],
        widget=forms.RadioSelect,
        help_text=help_text,
    )


INVERTER_FIELDS = ("inverter_make", "inverter_model", "inverter_count", "inverter_unit_kva")


def inverter_conditions(kinds: tuple[str, ...]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The inverter fields apply when ``inverter_kind`` is one of ``kinds``."""
    return {name: ("inverter_kind", kinds) for name in INVERTER_FIELDS}


class InstallationBaseForm(SectionForm):
    """The production installation as every kind of request asks it: sector and technology,
    storage, the inverters and the standard cited by the decoupling certificate, which must be
    accepted on the day (:func:`raccord.rules.protections.accepted_certificate_standards`).

    Each kind declares its own ``inverter_kind`` (:func:`conversion_field`) and ``decoupling``,
    sets the class attributes below, puts the fields in place with ``field_order``, builds its
    ``conditions`` (:func:`inverter_conditions`) and calls the ``check_…`` methods from its
    ``clean`` in its own order. A label that differs is a copy (:func:`with_label`).
    """

    sector = forms.ChoiceField(
        label=_("Filière de production"),
        choices=[("", "—")] + [(k, v[0]) for k, v in SECTORS.items()],
    )
    technology = forms.ChoiceField(label=_("Technologie"), choices=[("", "—"), *TECHNOLOGIES])
    storage = forms.ChoiceField(
        label=_("Stockage d'énergie"),
        choices=[("aucun", _("Aucun")), ("batterie", _("Batterie"))],
        widget=forms.RadioSelect,
    )
    storage_capacity_kwh = FrenchDecimalField(
        label=_("Capacité de la batterie (kWh)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    inverter_make = forms.CharField(label=_("Marque de l'onduleur"), max_length=80)
    inverter_model = forms.CharField(label=_("Modèle de l'onduleur"), max_length=80)
    inverter_count = forms.IntegerField(label=_("Nombre d'onduleurs"), min_value=1, max_value=500)
    inverter_unit_kva = KvaField(label=_("Puissance unitaire de sortie (kVA)"))
    certificate_standard = forms.ChoiceField(
        label=_("Norme citée par le certificat"), choices=[("", "—")]
    )

    inverter_fields = INVERTER_FIELDS
    #: The help text of ``certificate_standard``; ``%(s)s``: the standards accepted today.
    certificate_help: Any = _(
        "Norme citée par le certificat de conformité de l'onduleur. Acceptée(s) à ce jour : %(s)s."
    )
    #: The ``decoupling`` value « integrated to the inverters », which needs a certificate.
    integrated_decoupling: str = ""
    #: The ``inverter_kind`` value « without inverters » and the error when both are chosen.
    without_inverters: str = ""
    integrated_without_inverters: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate_standard"].choices = _standard_choices()
        try:
            accepted = accepted_certificate_standards(
                on=timezone.localdate(), params=parameters_current()
            )
        except RulesError:
            accepted = ()
        self.accepted_standards = accepted
        self.fields["certificate_standard"].help_text = self.certificate_help % {
            "s": ", ".join(accepted) or "—"
        }

    def clean_certificate_standard(self) -> str:
        value: str = self.cleaned_data.get("certificate_standard", "")
        if value and value not in self.accepted_standards:
            raise forms.ValidationError(
                _(
                    "Un certificat citant « %(v)s » n'est plus accepté : à ce jour, le certificat "
                    "doit citer %(a)s."
                )
                % {"v": value, "a": " ou ".join(self.accepted_standards)}
            )
        return value

    def check_technology(self, data: Mapping[str, Any]) -> None:
        """The technology must belong to the sector."""
        sector, technology = data.get("sector"), data.get("technology")
        if sector and technology and technology not in [k for k, _l in SECTORS[sector][1]]:
            self.add_error(
                "technology", _("Cette technologie ne relève pas de la filière choisie.")
            )

    def check_decoupling(self, data: Mapping[str, Any]) -> None:
        """Without inverters, the decoupling protection cannot be integrated to them."""
        if (
            data.get("decoupling") == self.integrated_decoupling
            and data.get("inverter_kind") == self.without_inverters
        ):
            self.add_error("decoupling", self.integrated_without_inverters)

    @staticmethod
    def units_total_differs(
        count: int | None, unit: Decimal | None, power: Decimal | None
    ) -> Decimal | None:
        """``count * unit`` when all three are given and it is more than 1 % (of at least
        1 kVA) away from ``power``; otherwise ``None``."""
        if not (power and count and unit):
            return None
        total = unit * count
        if abs(total - power) > Decimal("0.01") * max(power, Decimal(1)):
            return total
        return None


class TechnicalForm(InstallationBaseForm):
    title = _("Précisions techniques")
    injection_option = forms.ChoiceField(
        label=_("Option d'injection"),
        choices=[("autoconsommation_totale", _("Autoconsommation totale (rien n'est injecté)"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Une CACSI déclare une installation qui consomme toute sa production. Pour injecter "
            "(totalité ou surplus), faites une demande de raccordement en injection."
        ),
    )
    max_power_kva = KvaField(
        label=_("Puissance maximale de l'installation (kVA)"),
        help_text=_("Somme des puissances de sortie des onduleurs ; au plus 36 kVA."),
    )
    connection_power_kva = KvaField(
        label=_("Puissance de raccordement demandée (kVA)"),
        help_text=_(
            "Elle doit être supérieure ou égale à la puissance de l'installation ; au plus 36 kVA."
        ),
    )
    phases = forms.ChoiceField(
        label=_("Type de raccordement"),
        choices=[("monophase", _("Monophasé")), ("triphase", _("Triphasé"))],
        widget=forms.RadioSelect,
    )
    phase1_kva = KvaField(
        label=_("Puissance sur la phase 1 (kVA)"),
        help_text=_("En triphasé, répartissez la puissance de l'installation entre les phases."),
    )
    phase2_kva = KvaField(label=_("Puissance sur la phase 2 (kVA)"))
    phase3_kva = KvaField(label=_("Puissance sur la phase 3 (kVA)"))
    inverter_kind = conversion_field(
        ("micro_onduleurs", _("Micro-onduleurs")),
        ("sans", _("Sans onduleur (machine tournante)")),
        help_text=_(
            "Sans onduleur, les unités de production doivent respecter le tableau 55B de la "
            "NF C 15-100 (intensités maximales de démarrage des moteurs)."
        ),
    )
    decoupling = forms.ChoiceField(
        label=_("Protection de découplage"),
        choices=[
            ("integree", _("Intégrée aux onduleurs (certificat de conformité)")),
            ("sectionneur", _("Assurée par un sectionneur automatique")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Elle sépare l'installation du réseau en cas de défaut. Joignez le certificat de "
            "conformité de l'onduleur dans les pièces jointes."
        ),
    )

    integrated_decoupling = "integree"
    without_inverters = "sans"
    integrated_without_inverters = _(
        "Sans onduleur, la protection de découplage ne peut pas y être intégrée."
    )
    field_order = [
        "injection_option",
        "storage",
        "storage_capacity_kwh",
        "sector",
        "technology",
        "max_power_kva",
        "connection_power_kva",
        "phases",
        "phase1_kva",
        "phase2_kva",
        "phase3_kva",
        "inverter_kind",
        *INVERTER_FIELDS,
        "decoupling",
        "certificate_standard",
    ]
    conditions = {
        "storage_capacity_kwh": ("storage", ("batterie",)),
        "phase1_kva": ("phases", ("triphase",)),
        "phase2_kva": ("phases", ("triphase",)),
        "phase3_kva": ("phases", ("triphase",)),
        **inverter_conditions(("onduleur", "micro_onduleurs")),
        "certificate_standard": ("decoupling", (integrated_decoupling,)),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        limit = parameters_current().decimal("threshold.cacsi_max_kva", on=timezone.localdate())
        pmax, pracc = data.get("max_power_kva"), data.get("connection_power_kva")
        for name, value in (("max_power_kva", pmax), ("connection_power_kva", pracc)):
            if value is not None and value > limit:
                self.add_error(
                    name,
                    _("Une CACSI concerne une installation d'au plus %(n)s kVA.")
                    % {"n": f"{limit:n}"},
                )
            if value is not None and value == 0:
                self.add_error(name, _("La puissance doit être supérieure à 0 kVA."))
        if pmax and pracc and pracc < pmax and "connection_power_kva" not in self.errors:
            self.add_error(
                "connection_power_kva",
                _(
                    "La puissance de raccordement doit être au moins égale à celle de "
                    "l'installation (%(p)s kVA)."
                )
                % {"p": f"{pmax:n}"},
            )
        if data.get("phases") == "triphase" and pmax:
            phases = [data.get(f"phase{i}_kva") for i in (1, 2, 3)]
            if all(p is not None for p in phases):
                total = sum(phases, Decimal(0))
                if abs(total - pmax) > Decimal("0.01"):
                    self.add_error(
                        "phase3_kva",
                        _(
                            "Les puissances par phase totalisent %(t)s kVA au lieu des %(p)s kVA "
                            "de l'installation."
                        )
                        % {"t": f"{total:n}", "p": f"{pmax:n}"},
                    )
        self.check_technology(data)
        count, unit = data.get("inverter_count"), data.get("inverter_unit_kva")
        total = self.units_total_differs(count, unit, pmax)
        if total is not None and self.applies("inverter_count"):
            self.add_error(
                "inverter_unit_kva",
                _(
                    "%(c)s onduleur(s) de %(u)s kVA font %(t)s kVA, différent de la puissance "
                    "maximale déclarée (%(p)s kVA)."
                )
                % {"c": count, "u": f"{unit:n}", "t": f"{total:n}", "p": f"{pmax:n}"},
            )
        self.check_decoupling(data)
        return data


class CommissioningForm(SectionForm):
    title = _("Mise en service")
    wished_date = forms.DateField(
        label=_("Date souhaitée de mise en service"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("La date à laquelle vous souhaitez mettre votre installation en service."),
    )

    def clean_wished_date(self) -> date:
        value: date = self.cleaned_data["wished_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("La date de mise en service ne peut pas être passée."))
        return value


class ValidationForm(SectionForm):
    title = _("Validation")
    sworn_device = forms.BooleanField(
        label=_(
            "J'atteste avoir mis en place un Appareil de Production conforme, dont la protection "
            "de découplage empêche toute injection sur le réseau public de distribution."
        )
    )
    sworn_accuracy = forms.BooleanField(
        label=_("J'atteste de l'exactitude des renseignements communiqués.")
    )


@dataclass(frozen=True)
class Section:
    slug: str
    form_class: type[SectionForm]
    locked_after_submission: bool

    @property
    def title(self) -> str:
        return str(self.form_class.title)


SECTIONS: tuple[Section, ...] = (
    Section("chantier", SiteForm, True),
    Section("demandeur", RequesterForm, False),
    Section("adresses", AddressesForm, False),
    Section("exploitant", ExploitantForm, False),
    Section("technique", TechnicalForm, True),
    Section("mise-en-service", CommissioningForm, True),
    Section("validation", ValidationForm, True),
)
SECTIONS_BY_SLUG = {s.slug: s for s in SECTIONS}
ATTACHMENTS_SLUG = "pieces"
