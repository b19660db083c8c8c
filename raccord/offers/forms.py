"""Forms of the offer: the staff's preparation fieldsets and the requester's acceptance forms.

The preparation is saved as typed (``OfferDraft.data``, the raw POST values of these forms) and
bound again on every display, so errors show at their field and nothing typed is lost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from raccord.backoffice.forms import DateInput
from raccord.documents.offer_builder import WorkKind, WorkLocation
from raccord.rules.money import CostCategory
from raccord.rules.voltage import FeederType

TRI_STATE = (("", "À décider"), ("oui", "Oui"), ("non", "Non"))


class FrDecimalField(forms.DecimalField):
    """Accepts « 1 250,50 » as well as « 1250.50 » (a text input: a number input would drop
    the French decimal comma)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().to_python(value)


def _dec(label: str, *, required: bool = True, **kwargs: Any) -> FrDecimalField:
    return FrDecimalField(
        label=label,
        required=required,
        error_messages={"required": "Indiquez une valeur.", "invalid": "Saisissez un nombre."},
        **kwargs,
    )


def _text(label: str, *, required: bool = False, textarea: bool = False, **kw: Any) -> Any:
    widget = forms.Textarea(attrs={"rows": 3}) if textarea else None
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000 if textarea else 200,
        widget=widget,
        error_messages={"required": "Ce champ est obligatoire."},
        **kw,
    )


class SolutionForm(forms.Form):
    title = "Solution technique"
    connection_kind = forms.ChoiceField(
        label="Raccordement",
        choices=(("branchement", "Branchement seul"), ("extension", "Branchement et extension")),
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type de raccordement."},
    )
    bt_feeder = _text("Départ BT (nom)")
    bt_feeder_code = _text("Départ BT (code GDO)")
    substation = _text("Poste HTA/BT (nom)")
    substation_code = _text("Poste HTA/BT (code GDO)")
    hta_feeder = _text("Départ HTA")
    primary_substation = _text("Poste Source (nom)")
    primary_substation_code = _text("Poste Source (code)")
    private_works = _text("Ouvrages privés à construire par le Demandeur (§ 4.4)", textarea=True)


class WorkLineForm(forms.Form):
    kind = forms.ChoiceField(
        label="Catégorie",
        choices=(
            (WorkKind.PRIVATE_BRANCH.value, "Branchement en domaine privé"),
            (WorkKind.PUBLIC_BRANCH.value, "Branchement en domaine public"),
            (WorkKind.EXTENSION.value, "Extension"),
        ),
    )
    description = _text("Description")
    location = forms.ChoiceField(
        label="Emplacement",
        required=False,
        choices=(
            (WorkLocation.NONE.value, "—"),
            (WorkLocation.BT_FEEDER.value, "Sur le départ BT"),
            (WorkLocation.DIRECT_FEEDER.value, "Départ BT direct"),
            (WorkLocation.SUBSTATION.value, "Poste HTA/BT"),
            (WorkLocation.PRIMARY_SUBSTATION.value, "Poste Source"),
        ),
    )

    def has_content(self) -> bool:
        return bool((self.data.get(self.add_prefix("description")) or "").strip())


class StudyForm(forms.Form):
    title = "Constats de l'étude"
    l342_requested = forms.BooleanField(
        label="Le demandeur a demandé l'article L342-6 (un Avenant est aussi envoyé)",
        required=False,
    )
    extension_needed = forms.ChoiceField(
        label="Extension de réseau nécessaire", choices=TRI_STATE, required=False
    )
    s3renr = forms.ChoiceField(
        label="Installation relevant d'un S3REnR", choices=TRI_STATE, required=False
    )
    private_works_needed = forms.ChoiceField(
        label="Ouvrages privés à construire par le Demandeur", choices=TRI_STATE, required=False
    )
    tariff_signal_filter_needed = forms.ChoiceField(
        label="Filtre du signal tarifaire nécessaire", choices=TRI_STATE, required=False
    )
    harmonics_filter_needed = forms.ChoiceField(
        label="Filtre des courants harmoniques nécessaire", choices=TRI_STATE, required=False
    )
    mobile_coverage = forms.ChoiceField(
        label="Couverture du réseau mobile au comptage", choices=TRI_STATE, required=False
    )
    anticipated_connection_offered = forms.ChoiceField(
        label="Mise à disposition anticipée du raccordement proposée",
        choices=TRI_STATE,
        required=False,
    )
    source_works = forms.BooleanField(label="Travaux au Poste Source ou HTB", required=False)
    dso_signs_by_delegation = forms.BooleanField(
        label="Le gestionnaire signe par délégation", required=False
    )
    meter_type = _text("Type de compteur (ex. PME/PMI 4Q)")
    tariff_filter_kind = _text("Filtre du signal tarifaire : type")
    tariff_filter_specs = _text("Filtre du signal tarifaire : caractéristiques")
    harmonics_filter_kind = _text("Filtre des harmoniques : type")
    harmonics_filter_specs = _text("Filtre des harmoniques : caractéristiques")


class CurrentTransformerForm(forms.Form):
    ratio = _text("Rapport (ex. 200 A / 5 A)")
    accuracy_class = _dec("Classe", required=False)
    burden_va = _dec("Puissance de précision (VA)", required=False)
    meter_type = _text("Compteur associé")

    def has_content(self) -> bool:
        return bool((self.data.get(self.add_prefix("ratio")) or "").strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_content():
            for name in ("accuracy_class", "burden_va"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Indiquez une valeur.")
        return data


class VoltageForm(forms.Form):
    title = "Étude de tension (annexe 4)"
    hta_max_kv = _dec("Tension HTA maximale (kV)")
    hta_nominal_kv = _dec("Tension HTA nominale (kV)", initial=Decimal("20"))
    transformer_kva = _dec("Puissance du transformateur (kVA)")
    transformer_resistance_ohm = _dec("Résistance du transformateur (Ω)")
    secondary_no_load_v = _dec("Tension secondaire à vide optimisée (V)", initial=Decimal("400"))
    tan_phi = _dec("tan φ au point de raccordement", initial=Decimal("-0.35"))
    feeder_type = forms.ChoiceField(
        label="Type de départ",
        choices=[(f.value, f.label) for f in FeederType],
        error_messages={"required": "Choisissez le type de départ."},
    )
    substation_winter_peak_kw = _dec("Pointe d'hiver du poste (kW)")
    feeder_winter_peak_kw = _dec("Pointe d'hiver du départ (kW)")
    consumption_share_percent = _dec("Part de consommation retenue (%)")
    upstream_resistance_ohm = _dec("Résistance amont, du tableau BT au point de raccordement (Ω)")
    existing_producers_kva = _dec(
        "Producteurs existants ou en file d'attente (kVA, total)", required=False
    )
    extension_type = _text("Extension : type de conducteur (ex. souterrain)")
    extension_length_km = _dec("Extension : longueur (km)", required=False)
    extension_section_mm2 = forms.IntegerField(
        label="Extension : section (mm²)",
        required=False,
        error_messages={"invalid": "Saisissez un nombre entier."},
    )


class CostLineForm(forms.Form):
    category = forms.ChoiceField(
        label="Catégorie",
        required=False,
        choices=[("", "—"), *((c.value, c.label) for c in CostCategory)],
    )
    label = _text("Libellé (facultatif)")
    amount_ht = _dec("Montant HT (€)", required=False, max_digits=12, decimal_places=2)

    def has_content(self) -> bool:
        return any(
            (self.data.get(self.add_prefix(n)) or "").strip()
            for n in ("category", "label", "amount_ht")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_content():
            if not data.get("category") and "category" not in self.errors:
                self.add_error("category", "Choisissez la catégorie de cette ligne.")
            if data.get("amount_ht") is None and "amount_ht" not in self.errors:
                self.add_error("amount_ht", "Indiquez le montant HT de cette ligne.")
        return data


class MoneyForm(forms.Form):
    title = "Contribution, S3REnR et travaux du Mandataire"
    deposit_percent = _dec("Acompte (% du TTC)", initial=Decimal("30"))
    s3renr_region = _text("S3REnR : région")
    s3renr_approved_on = forms.DateField(
        label="S3REnR : approuvé le",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Date invalide."},
    )
    s3renr_other_region = _text("S3REnR : autre région")
    s3renr_other_approved_on = forms.DateField(
        label="S3REnR : autre région approuvé le",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Date invalide."},
    )
    s3renr_source_substation = _text("S3REnR : Poste Source de la solution alternative")
    quote_part_key = _text("Quote-part : clé de région des paramètres (ex. occitanie)")
    quote_part_refaction = forms.BooleanField(label="Quote-part : réfaction", required=False)
    quote_part_grouped = forms.BooleanField(label="Installation groupée", required=False)
    mandataire_description = _text("Travaux du Mandataire : description", textarea=True)
    mandataire_cost_ht = _dec(
        "Travaux du Mandataire : coût HT (€)", required=False, max_digits=12, decimal_places=2
    )
    mandataire_delay_weeks = forms.IntegerField(
        label="Travaux du Mandataire : délai (semaines)",
        required=False,
        min_value=0,
        error_messages={"invalid": "Saisissez un nombre entier."},
    )


class DelaysForm(forms.Form):
    title = "Délais et paiement"
    works_months = forms.IntegerField(
        label="Durée des travaux BT, HTA et poste (mois)",
        min_value=0,
        error_messages={"required": "Indiquez la durée des travaux."},
    )
    source_months = forms.IntegerField(
        label="Durée des travaux Poste Source / HTB (mois)", min_value=0, initial=0
    )
    payment_entity = _text("Paiements à adresser à", required=True)
    payment_address = _text(
        "Adresse de paiement (une ligne par ligne)", required=True, textarea=True
    )
    payee = _text("À l'ordre de")
    place = _text("Lieu de signature", required=True)


class PartiesForm(forms.Form):
    title = "Parties, signataires et délégations"
    beneficiary_name = _text("Demandeur : nom ou raison sociale", required=True)
    beneficiary_address = _text(
        "Demandeur : adresse (une ligne par ligne)", required=True, textarea=True
    )
    beneficiary_legal_form = _text("Demandeur : forme juridique")
    beneficiary_share_capital = _dec("Demandeur : capital (€)", required=False)
    beneficiary_rcs_city = _text("Demandeur : ville du RCS")
    beneficiary_siren = _text("Demandeur : SIREN")
    beneficiary_siret = _text("Demandeur : SIRET")
    site_name = _text("Nom du site", required=True)
    site_address = _text("Adresse du site (une ligne par ligne)", required=True, textarea=True)
    production_type = _text("Type de production", required=True, initial="photovoltaïque")
    representative_name = _text("Représentant du gestionnaire", required=True)
    representative_function = _text("Fonction du représentant", required=True)
    requester_signatory_name = _text("Signataire du Demandeur", required=True)
    requester_signatory_function = _text("Fonction du signataire du Demandeur", required=True)
    requester_delegator_name = _text("Délégant du Demandeur (si délégation)")
    requester_delegator_function = _text("Fonction du délégant du Demandeur")
    operator_signatory_name = _text("Signataire du gestionnaire", required=True)
    operator_signatory_function = _text("Fonction du signataire du gestionnaire", required=True)
    operator_delegator_name = _text("Délégant du gestionnaire (si délégation)")
    operator_delegator_function = _text("Fonction du délégant du gestionnaire")


SIMPLE_FORMS: dict[str, type[forms.Form]] = {
    "solution": SolutionForm,
    "study": StudyForm,
    "voltage": VoltageForm,
    "money": MoneyForm,
    "delays": DelaysForm,
    "parties": PartiesForm,
}
LINE_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "bt_created": ("Ouvrages BT créés (§ 4.2.1)", WorkLineForm),
    "bt_adapted": ("Ouvrages BT adaptés (§ 4.2.2)", WorkLineForm),
    "upper_created": (
        "Ouvrages créés dans le domaine de tension supérieur (§ 4.2.3)",
        WorkLineForm,
    ),
    "upper_adapted": (
        "Ouvrages adaptés dans le domaine de tension supérieur (§ 4.2.4)",
        WorkLineForm,
    ),
    "ct": ("Transformateurs de courant (§ 4.3.2)", CurrentTransformerForm),
    "costs": ("Lignes de coût (§ 7.2.1)", CostLineForm),
}


def line_count(data: dict[str, str], prefix: str) -> int:
    """Rows typed for a repeatable table, plus one empty row to add a line."""
    rows = {
        int(key.split("-")[1])
        for key in data
        if key.startswith(f"{prefix}-") and key.split("-")[1].isdigit()
    }
    used = [
        i for i in rows if any(v.strip() for k, v in data.items() if k.startswith(f"{prefix}-{i}-"))
    ]
    return (max(used) + 2) if used else 1


def known_keys() -> set[str]:
    keys = {f"{prefix}-{name}" for prefix, cls in SIMPLE_FORMS.items() for name in cls.base_fields}
    return keys


def key_allowed(key: str) -> bool:
    if key in known_keys():
        return True
    parts = key.split("-")
    if len(parts) == 3 and parts[0] in LINE_FORMS and parts[1].isdigit() and int(parts[1]) < 50:
        return parts[2] in LINE_FORMS[parts[0]][1].base_fields
    return False


# --- Requester and staff forms of the offer life -----------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier (PDF, JPEG ou PNG, 5 Mo au plus)",
        error_messages={"required": "Choisissez un fichier."},
    )


class DepositForm(forms.Form):
    paid_on = forms.DateField(
        label="Date du versement de l'acompte",
        widget=DateInput(),
        error_messages={"required": "Indiquez la date du versement.", "invalid": "Date invalide."},
    )


class ModificationForm(forms.Form):
    reason = forms.CharField(
        label="Modification souhaitée",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Décrivez la modification souhaitée."},
    )


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Étape", choices=())
    on = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices
