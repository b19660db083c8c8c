"""Account forms: the extra sign-up fields, the profile and the organisation (party block)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from raccord.accounts.models import Organisation, User
from raccord.core.validators import compact_identifier
from raccord.places.fields import CommuneField

SIGNUP_ROLES = [
    (User.Role.PRIVATE, _("Particulier")),
    (User.Role.COMPANY, _("Professionnel : je représente une entreprise productrice")),
    (User.Role.INSTALLER, _("Installateur : je dépose des demandes pour mes clients")),
]


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(
        label=_("Vous êtes"), choices=SIGNUP_ROLES, widget=forms.RadioSelect, initial="private"
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)

    field_order = ["email", "first_name", "last_name", "role", "phone", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.role = self.cleaned_data["role"]
        user.phone = self.cleaned_data.get("phone", "")
        user.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "phone",
            "notify_messages",
            "notify_steps",
            "notify_reminders",
        ]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}

    NOTIFICATION_FIELDS = ("notify_messages", "notify_steps", "notify_reminders")

    def contact_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.NOTIFICATION_FIELDS]

    def notification_fields(self) -> list[Any]:
        return [self[name] for name in self.NOTIFICATION_FIELDS if name in self.fields]


class OrganisationForm(forms.ModelForm):
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=30,
        help_text=_("14 chiffres ; les espaces sont acceptés."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    office_commune = CommuneField(label=_("Siège social : commune"))

    class Meta:
        model = Organisation
        fields = [
            "name",
            "siret",
            "legal_form",
            "share_capital",
            "office_street",
            "office_street2",
            "office_commune",
            "rcs_city",
            "signatory_name",
            "signatory_function",
        ]
        help_texts = {"share_capital": _("En euros, par exemple 10000.")}

    def clean_siret(self) -> str:
        return compact_identifier(self.cleaned_data["siret"])
