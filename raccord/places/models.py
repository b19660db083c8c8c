"""French regions, departments and communes (open data), each commune served by one operator."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        verbose_name = _("région")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Commune(models.Model):
    """One (commune, postal code) pair: a commune with several postal codes has several rows.

    ``search_name`` is the normalised name (see :func:`raccord.places.search.normalize`),
    indexed so that a prefix search is an index range scan on SQLite and PostgreSQL.
    """

    insee_code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    postal_code = models.CharField(_("code postal"), max_length=5, db_index=True)
    name = models.CharField(_("nom"), max_length=80)
    search_name = models.CharField(max_length=80, db_index=True, editable=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    population = models.PositiveIntegerField(default=0)
    operator = models.ForeignKey(
        "operators.Operator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("gestionnaire de réseau"),
    )

    class Meta:
        verbose_name = _("commune")
        ordering = ["name", "postal_code"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "postal_code"], name="commune_insee_cp")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postal_code})"

    @property
    def label_postal(self) -> str:
        """As on an envelope: ``56000 VANNES``."""
        return f"{self.postal_code} {self.name.upper()}"
