"""Validators for French identifiers, with French messages (python-stdnum does the checks)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as _E
from stdnum.fr import siren, siret


def _explain(kind: str, error: _E) -> str:
    if isinstance(error, InvalidLength):
        return _("Le numéro %(kind)s doit comporter %(n)s chiffres.") % {
            "kind": kind,
            "n": 14 if kind == "SIRET" else 9,
        }
    if isinstance(error, InvalidFormat):
        return _("Le numéro %(kind)s ne doit contenir que des chiffres.") % {"kind": kind}
    if isinstance(error, InvalidChecksum):
        return _("Ce numéro %(kind)s n'existe pas : sa clé de contrôle est fausse.") % {
            "kind": kind
        }
    return _("Ce numéro %(kind)s n'est pas valide.") % {"kind": kind}


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except _E as error:
        raise ValidationError(_explain("SIRET", error), code="invalid_siret") from error


def validate_siren(value: str) -> None:
    try:
        siren.validate(value)
    except _E as error:
        raise ValidationError(_explain("SIREN", error), code="invalid_siren") from error


def compact_identifier(value: str) -> str:
    """Remove spaces, dots and dashes people type in SIRET/SIREN numbers."""
    return siret.compact(value or "")
