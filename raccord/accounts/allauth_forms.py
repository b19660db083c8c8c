"""allauth's own forms with the portal's French labels (ACCOUNT_FORMS).

Kept apart from forms.py: allauth imports ACCOUNT_SIGNUP_FORM_CLASS while building these.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the portal's French labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["email"].widget.attrs["placeholder"] = ""
        self.fields["email"].help_text = _("Le code d'activation y sera envoyé.")
        self.fields["password1"].label = _("Mot de passe")
        self.fields["password1"].widget.attrs["placeholder"] = ""
        self.fields["password1"].help_text = _(
            "Au moins 10 caractères, pas uniquement des chiffres, ni un mot de passe courant."
        )
        self.fields["password2"].label = _("Mot de passe (confirmation)")
        self.fields["password2"].widget.attrs["placeholder"] = ""


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].widget.attrs["placeholder"] = ""
