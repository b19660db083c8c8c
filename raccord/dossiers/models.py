"""The connection request (Dossier), its attachments, labels, acceptances and numbering."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CACSI = "cacsi", _("Autoconsommation sans injection (CACSI)")
    BT_36_250 = "bt_36_250", _("Production BT de 36 à 250 kVA")


class State(models.TextChoices):
    """States of the declared workflow (raccord/dossiers/workflow.py)."""

    DRAFT = "draft", _("Sauvegardée")
    SUBMITTED = "submitted", _("Transmise")
    IN_CHARGE = "in_charge", _("Prise en charge")
    WAITING_REQUESTER = "waiting_requester", _("En attente de compléments")
    COMPLETE = "complete", _("Complète")
    OFFER_SENT = "offer_sent", _("Offre envoyée")
    ACCEPTED = "accepted", _("Acceptée")
    COMMISSIONED = "commissioned", _("Mise en service")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Abandonnée")
    LAPSED = "lapsed", _("Caduque")


class NumberSequence(models.Model):
    """The last sequence number used for a desk code (locked while incremented)."""

    key = models.CharField(max_length=8, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class Dossier(models.Model):
    """A connection request. Form answers live in ``data`` as typed (nothing typed is lost)."""

    number = models.CharField(_("numéro"), max_length=13, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic-lock counter.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_dossiers"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        help_text="Installer organisation filing for its client: all its members see it.",
    )
    operator = models.ForeignKey("operators.Operator", on_delete=models.PROTECT, related_name="+")
    desk = models.ForeignKey(
        "operators.Desk", on_delete=models.PROTECT, null=True, related_name="dossiers"
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    orientation = models.JSONField(default=dict)
    data = models.JSONField(default=dict)
    requester_name = models.CharField(_("nom du demandeur"), max_length=200, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    taken_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    completed_at = models.DateTimeField(_("complète le"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    commissioned_at = models.DateTimeField(_("mise en service le"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    # The operator's clock (raccord/dossiers/decisions.py): its next due date, and its pauses
    # while the dossier waits for the requester (closed pauses as [start, end] ISO dates).
    due_on = models.DateField(_("échéance du gestionnaire"), null=True, blank=True)
    paused_since = models.DateField(_("horloge suspendue depuis"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("jours de suspension"), default=0)
    pauses = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("dossier")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["desk", "state"]),
            # The desk dashboard's period (raccord/backoffice/selectors.py): the latest milestone
            # of each dossier, each stamp standing in for itself or, when unset, the first one
            # set (SQLite's MAX() is NULL as soon as one argument is). The desk after it: an
            # operator's period for its administrators, a desk's for its instructors.
            models.Index(
                "operator",
                Greatest(
                    *(
                        Coalesce(
                            stamp,
                            "submitted_at",
                            "taken_at",
                            "completed_at",
                            "accepted_at",
                            "commissioned_at",
                            "closed_at",
                        )
                        for stamp in (
                            "taken_at",
                            "completed_at",
                            "accepted_at",
                            "commissioned_at",
                            "closed_at",
                        )
                    ),
                    Coalesce(
                        "submitted_at",
                        "taken_at",
                        "completed_at",
                        "accepted_at",
                        "commissioned_at",
                        "closed_at",
                    ),
                ),
                "desk",
                name="dossier_activity_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number_display(self) -> str:
        n = self.number
        return f"{n[:2]} {n[2:4]} {n[4:7]} {n[7:]}" if len(n) == 13 else n

    @property
    def requester_status(self) -> str:
        """The status a requester sees, as in the seed's list (« Sauvegardée », « En cours »)."""
        if self.state == State.DRAFT:
            return str(State.DRAFT.label)
        if self.state in (State.COMMISSIONED, State.REFUSED, State.WITHDRAWN, State.LAPSED):
            return str(State(self.state).label)
        if self.state == State.WAITING_REQUESTER:
            return "En attente de votre réponse"
        return "En cours"

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}


class Attachment(models.Model):
    """A file attached to a dossier, stored outside the web root (served by a checked view)."""

    class Kind(models.TextChoices):
        DECOUPLING_CERTIFICATE = (
            "decoupling_certificate",
            _("Certificat de conformité de la protection de découplage (onduleur)"),
        )
        MANDATE = "mandate", _("Mandat du tiers habilité")
        SITUATION_PLAN = "situation_plan", _("Plan de situation")
        GROUND_PLAN = "ground_plan", _("Plan de masse")
        SINGLE_LINE_DIAGRAM = "single_line_diagram", _("Schéma unifilaire de l'installation")
        COMPANY_EXTRACT = "company_extract", _("Extrait d'immatriculation (Kbis)")
        SIGNED_OFFER = "signed_offer", _("Exemplaire signé de l'offre, sans modification")
        SIGNED_MANDATE_CONTRACT = "signed_mandate_contract", _("Contrat de Mandat signé")
        FINANCIAL_GUARANTEE = "financial_guarantee", _("Garantie financière")
        INSURANCE_CERTIFICATE = "insurance_certificate", _("Attestation d'assurance")
        DEPOSIT_PROOF = "deposit_proof", _("Justificatif du versement de l'acompte")
        OTHER = "other", _("Autre pièce")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type de pièce"), max_length=40, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} - {self.original_name}"


class Label(models.Model):
    """A person's own label on a dossier ("Ajouter un label")."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="labels")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("label"), max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "user", "text"], name="label_unique")
        ]
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


class Acceptance(models.Model):
    """An electronic acceptance (it is the signature): who, when, from where, which bytes."""

    class Party(models.TextChoices):
        PRODUCER = "producer", _("Producteur")
        OPERATOR = "operator", _("Gestionnaire de réseau")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="acceptances")
    party = models.CharField(max_length=10, choices=Party.choices)
    accepted_at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    document = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "party"], name="one_acceptance_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.accepted_at:%d/%m/%Y}"
