"""The form of the token page (« Accès à l'API »)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Par exemple le nom du logiciel qui l'utilisera, pour le reconnaître."),
        error_messages={"required": _("Donnez un nom au jeton.")},
    )
    expires_on = forms.DateField(
        label=_("Dernier jour de validité (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Le jeton cesse de fonctionner le lendemain de cette date (heure de Paris). "
            "Laissez vide pour un jeton sans expiration, que vous révoquerez vous-même."
        ),
        error_messages={"invalid": _("Indiquez une date, par exemple 31/12/2026.")},
    )

    def clean_expires_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(
                _("La date d'expiration doit être postérieure à aujourd'hui.")
            )
        return value
