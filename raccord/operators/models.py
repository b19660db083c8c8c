"""The distribution system operator (DSO) and its regional desks, as data."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from raccord.core.validators import validate_siren

desk_code_validator = RegexValidator(
    r"^[A-Z0-9]{3}$", _("Le code du guichet compte 3 caractères : lettres majuscules ou chiffres.")
)


class Operator(models.Model):
    """A DSO (Enedis or a local distributor) with the identity its conventions print."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    short_name = models.CharField(
        _("nom court"), max_length=40, help_text=_("Affiché dans « Pour <nom court> »")
    )
    legal_form = models.CharField(_("forme juridique"), max_length=200)
    share_capital = models.DecimalField(_("capital social (€)"), max_digits=16, decimal_places=2)
    registered_office = models.TextField(_("siège social"))
    rcs_city = models.CharField(_("ville du RCS"), max_length=80)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    logo = models.FileField(_("logo"), upload_to="operators/logos/", blank=True)
    regional_director_title = models.CharField(
        _("titre du représentant"),
        max_length=200,
        default="le Directeur Régional de la région",
        help_text=_("Représentant signataire, tel qu'imprimé dans les conventions."),
    )
    election_of_domicile = models.TextField(
        _("élection de domicile"), blank=True, help_text=_("Adresse imprimée dans les conventions")
    )
    website = models.URLField(_("site internet"), blank=True)
    is_default = models.BooleanField(
        _("gestionnaire par défaut"),
        default=False,
        help_text=_("Affiché sur les pages qui ne concernent pas encore un dossier."),
    )
    instant_review_enabled = models.BooleanField(
        _("instruction instantanée"),
        default=False,
        help_text=_(
            "Accepter automatiquement une CACSI transmise dont tous les contrôles automatiques "
            "réussissent (norme du certificat, puissances et phases, pièces, PDL)."
        ),
    )

    class Meta:
        verbose_name = _("gestionnaire de réseau")
        verbose_name_plural = _("gestionnaires de réseau")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_operator",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Desk(models.Model):
    """A regional desk (AREPROD) of an operator, covering departments or single communes."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="desks")
    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        validators=[desk_code_validator],
        help_text=_("3 caractères, repris dans les numéros de dossier (ex. P4E)."),
    )
    name = models.CharField(_("nom"), max_length=120)
    address = models.TextField(_("adresse"))
    phone = models.CharField(_("téléphone"), max_length=30)
    email = models.EmailField(_("e-mail"))
    departments = models.ManyToManyField(
        "places.Department", blank=True, related_name="desks", verbose_name=_("départements")
    )
    communes = models.ManyToManyField(
        "places.Commune",
        blank=True,
        related_name="desks",
        verbose_name=_("communes"),
        help_text=_("Communes couvertes en plus (ou à la place) des départements."),
    )

    class Meta:
        verbose_name = _("guichet régional")
        verbose_name_plural = _("guichets régionaux")
        ordering = ["operator__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
