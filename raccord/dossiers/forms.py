"""Forms of a dossier that the portal's pages and the API validate alike: the orientation
questions (which kind of request, if any, can be filed online) and a request attachment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from raccord.dossiers.models import Attachment
from raccord.dossiers.services import MAX_ATTACHMENT_BYTES
from raccord.places.fields import CommuneField
from raccord.rules.inputs import PowerBucket, ServiceType, Usage


class OrientationForm(forms.Form):
    """« Pour mieux orienter votre demande, merci de répondre aux questions suivantes »."""

    commune = CommuneField(
        label=_("Commune du chantier"),
        help_text=_("Indiquez le code postal ou le nom de la commune, puis choisissez-la."),
    )
    service_type = forms.ChoiceField(
        label=_("Quel type de prestation demandez-vous ?"),
        choices=[
            (ServiceType.NEW_CONNECTION, _("Un nouveau raccordement")),
            (ServiceType.POWER_INCREASE, _("Une augmentation de puissance")),
            (ServiceType.MODIFICATION, _("Une modification de raccordement")),
        ],
        widget=forms.RadioSelect,
    )
    usage = forms.ChoiceField(
        label=_("Quel usage prévoyez-vous pour ce raccordement ?"),
        choices=[
            (Usage.CONSUMPTION_ONLY, _("Consommation seule")),
            (Usage.PRODUCTION_ONLY, _("Production seule")),
            (Usage.CONSUMPTION_AND_PRODUCTION, _("Consommation et production")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Si vous prévoyez de produire de l'électricité : « production seule ». Si vous "
            "prévoyez de produire et de consommer : « consommation et production »."
        ),
    )
    power = forms.ChoiceField(
        label=_("Quelle puissance maximale souhaitez-vous pour le raccordement ?"),
        choices=[
            (PowerBucket.UP_TO_36, _("Inférieure ou égale à 36 kVA")),
            (PowerBucket.FROM_36_TO_250, _("Entre 36 et 250 kVA")),
            (PowerBucket.ABOVE_250, _("Supérieure à 250 kVA")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Elle doit être supérieure ou égale à la puissance de votre production. N'hésitez "
            "pas à demander conseil à votre électricien."
        ),
    )


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label=_("Que souhaitez-vous faire ?"),
        choices=[
            (
                "autoconsommation",
                _(
                    "Déclarer une installation d'autoconsommation "
                    "(rien n'est injecté sur le réseau)"
                ),
            ),
            (
                "injection",
                _("Raccorder une installation qui injecte sa production (totalité ou surplus)"),
            ),
        ],
        widget=forms.RadioSelect,
    )


REQUEST_ATTACHMENT_KINDS = {
    "cacsi": (
        Attachment.Kind.DECOUPLING_CERTIFICATE,
        Attachment.Kind.MANDATE,
        Attachment.Kind.OTHER,
    ),
    "bt_36_250": (
        Attachment.Kind.SITUATION_PLAN,
        Attachment.Kind.GROUND_PLAN,
        Attachment.Kind.SINGLE_LINE_DIAGRAM,
        Attachment.Kind.COMPANY_EXTRACT,
        Attachment.Kind.DECOUPLING_CERTIFICATE,
        Attachment.Kind.MANDATE,
        Attachment.Kind.OTHER,
    ),
}


class AttachmentForm(forms.Form):
    """A request attachment; the offer's acceptance checklist has its own pages."""

    kind = forms.ChoiceField(label=_("Type de pièce"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, 5 Mo au plus."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                "data-max-bytes": str(MAX_ATTACHMENT_BYTES),
            }
        ),
    )

    def __init__(self, *args: Any, dossier_kind: str = "cacsi", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = REQUEST_ATTACHMENT_KINDS.get(dossier_kind, REQUEST_ATTACHMENT_KINDS["cacsi"])
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
