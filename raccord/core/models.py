"""Regulatory parameters as data the operator edits (dated, with their source)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from raccord.rules.parameters import Parameter, ParameterValue


class RegulatoryParameter(models.Model):
    """One period of one parameter of the rules core (see raccord/rules/defaults_*.py)."""

    class ValueType(models.TextChoices):
        DECIMAL = "decimal", _("Nombre décimal")
        INTEGER = "integer", _("Nombre entier")
        TEXT = "text", _("Texte")
        BOOLEAN = "boolean", _("Oui / non")
        LIST = "list", _("Liste de textes (une valeur par ligne)")

    key = models.CharField(_("clé"), max_length=120, db_index=True)
    value_type = models.CharField(_("type"), max_length=10, choices=ValueType.choices)
    value = models.TextField(_("valeur"))
    valid_from = models.DateField(_("en vigueur du"))
    valid_until = models.DateField(_("au (inclus)"), null=True, blank=True)
    source = models.TextField(_("source"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    unit = models.CharField(_("unité"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paramètre réglementaire")
        verbose_name_plural = _("paramètres réglementaires")
        ordering = ["key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="parameter_period_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="parameter_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.valid_from:%d/%m/%Y})"

    def typed_value(self) -> ParameterValue:
        raw = self.value.strip()
        if self.value_type == self.ValueType.DECIMAL:
            return Decimal(raw.replace(",", "."))
        if self.value_type == self.ValueType.INTEGER:
            return int(raw)
        if self.value_type == self.ValueType.BOOLEAN:
            return raw.lower() in {"1", "oui", "true", "vrai"}
        if self.value_type == self.ValueType.LIST:
            return tuple(line.strip() for line in raw.splitlines() if line.strip())
        return raw

    def clean(self) -> None:
        try:
            self.typed_value()
        except (InvalidOperation, ValueError) as error:
            raise ValidationError(
                {"value": _("Cette valeur ne correspond pas au type choisi.")}
            ) from error

    def to_rule(self) -> Parameter:
        return Parameter(
            key=self.key,
            value=self.typed_value(),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            source=self.source,
            label=self.label,
            unit=self.unit,
        )

    @classmethod
    def from_rule(cls, parameter: Parameter) -> RegulatoryParameter:
        value = parameter.value
        if isinstance(value, bool):
            value_type, text = cls.ValueType.BOOLEAN, "oui" if value else "non"
        elif isinstance(value, int):
            value_type, text = cls.ValueType.INTEGER, str(value)
        elif isinstance(value, Decimal):
            value_type, text = cls.ValueType.DECIMAL, str(value)
        elif isinstance(value, tuple):
            value_type, text = cls.ValueType.LIST, "\n".join(value)
        else:
            value_type, text = cls.ValueType.TEXT, str(value)
        return cls(
            key=parameter.key,
            value_type=value_type,
            value=text,
            valid_from=parameter.valid_from,
            valid_until=parameter.valid_until,
            source=parameter.source,
            label=parameter.label,
            unit=parameter.unit,
        )
