"""Users (e-mail login), organisations (producer companies and installers) and staff roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from raccord.core.validators import validate_siren, validate_siret


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class Organisation(models.Model):
    """A company: a producer company (the party block of the conventions) or an installer."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("Entreprise productrice")
        INSTALLER = "installer", _("Installateur / partenaire")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret])
    legal_form = models.CharField(_("forme juridique"), max_length=80, blank=True)
    share_capital = models.DecimalField(
        _("capital social (€)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    office_street = models.CharField(_("siège social : numéro et voie"), max_length=200)
    office_street2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    office_commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        verbose_name=_("siège social : commune"),
        related_name="+",
    )
    rcs_city = models.CharField(_("ville du RCS"), max_length=80, blank=True)
    signatory_name = models.CharField(_("nom du signataire"), max_length=120, blank=True)
    signatory_function = models.CharField(_("fonction du signataire"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def siren(self) -> str:
        return self.siret[:9]

    def clean(self) -> None:
        super().clean()
        if self.siret:
            validate_siren(self.siret[:9])


class User(AbstractUser):
    """A person who logs in with an e-mail address."""

    class Role(models.TextChoices):
        PRIVATE = "private", _("Particulier")
        COMPANY = "company", _("Professionnel (entreprise productrice)")
        INSTALLER = "installer", _("Installateur / tiers habilité")
        INSTRUCTOR = "instructor", _("Chargé de raccordement (gestionnaire de réseau)")
        OPERATOR_ADMIN = "operator_admin", _("Administrateur (gestionnaire de réseau)")

    STAFF_ROLES = frozenset({Role.INSTRUCTOR, Role.OPERATOR_ADMIN})

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("profil"), max_length=16, choices=Role.choices, default=Role.PRIVATE)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    operator = models.ForeignKey(
        "operators.Operator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("gestionnaire de réseau (personnel)"),
    )
    desk = models.ForeignKey(
        "operators.Desk",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructors",
        verbose_name=_("guichet régional"),
    )
    # E-mail preferences. Mails the law requires (transmission, acceptance, refusal, request
    # for items, lapse) are sent whatever these say (raccord/dossiers/notifications.py).
    notify_messages = models.BooleanField(
        _("Recevoir un e-mail pour chaque nouveau message"), default=True
    )
    notify_steps = models.BooleanField(
        _("Recevoir un e-mail pour chaque étape de mes demandes"), default=True
    )
    notify_reminders = models.BooleanField(
        _("Recevoir un rappel avant l'échéance d'une action"), default=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utilisateur")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["instructor", "operator_admin"])
                | models.Q(operator__isnull=False),
                name="staff_has_operator",
                violation_error_message=_(
                    "Un compte du gestionnaire de réseau (chargé de raccordement ou "
                    "administrateur) doit être rattaché à un gestionnaire de réseau."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="instructor") | models.Q(desk__isnull=False),
                name="instructor_has_desk",
                violation_error_message=_(
                    "Un chargé de raccordement doit être rattaché à un guichet régional."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_operator_staff(self) -> bool:
        return self.role in self.STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email
