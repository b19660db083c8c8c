"""Portal forms: « Bon pour accord », confirmation of an irreversible step.

The orientation and attachment forms, which the API validates too, are in
``raccord.dossiers.forms``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AgreementForm(forms.Form):
    bon_pour_accord = forms.BooleanField(
        label=_(
            "Bon pour accord : en tant que propriétaire de l'installation de production, "
            "j'atteste de l'exactitude des renseignements communiqués et accepte les termes de "
            "la présente convention d'autoconsommation."
        ),
        error_messages={"required": _("Cochez « Bon pour accord » pour accepter la convention.")},
    )


class ConfirmForm(forms.Form):
    """An explicit « je confirme » box before an irreversible step (abandon, offer acceptance).

    ``label`` and ``required_message`` say what is confirmed; nothing happens unless it is ticked.
    """

    confirm = forms.BooleanField()

    def __init__(self, *args: Any, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label
        self.fields["confirm"].error_messages["required"] = required_message
