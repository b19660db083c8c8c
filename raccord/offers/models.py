"""The offer of a 36-250 kVA dossier: the staff's draft, the offers sent, their checklist, and
the works milestones after acceptance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raccord.dossiers.models import Attachment


class OfferDraft(models.Model):
    """What staff typed in the preparation form, kept exactly as typed (nothing is lost)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="offer_draft"
    )
    data = models.JSONField(default=dict, blank=True)
    confirmations = models.JSONField(
        default=dict, blank=True, help_text="Group id → chosen block id ('' = omitted)."
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Brouillon d'offre {self.dossier_id}"


class Offer(models.Model):
    """One offer sent to the requester (the CRD, or the Avenant L342-6)."""

    class DocumentKind(models.TextChoices):
        CRD = "crd", _("Convention de Raccordement Directe (CRD)")
        AVENANT = "avenant", _("Avenant L342-6")

    class Status(models.TextChoices):
        SENT = "sent", _("En cours de validité")
        ACCEPTED = "accepted", _("Acceptée par le demandeur")
        ENDED_OTHER = "ended_other", _("Fin de validité (l'autre offre a été acceptée)")
        LAPSED = "lapsed", _("Caduque")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="offers")
    document_kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    document = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField(_("envoyée le"))
    valid_until = models.DateField(_("valable jusqu'au"))
    validity_explanation = models.CharField(max_length=300)
    deposit_ttc = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document_kind"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document_kind"], name="one_offer_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()} {self.dossier_id}"


class ChecklistItem(models.Model):
    """One element of the acceptance (Avenant § 2.2.2), provided by the requester, checked by
    staff."""

    class Kind(models.TextChoices):
        SIGNED_OFFER = (
            Attachment.Kind.SIGNED_OFFER.value,
            _("Exemplaire original, daté et signé, sans modification ni réserve"),
        )
        SIGNED_MANDATE_CONTRACT = (
            Attachment.Kind.SIGNED_MANDATE_CONTRACT.value,
            _("Contrat de Mandat (annexe 5) daté et signé"),
        )
        FINANCIAL_GUARANTEE = (
            Attachment.Kind.FINANCIAL_GUARANTEE.value,
            _("Garantie financière datée et signée par un tiers garant"),
        )
        INSURANCE_CERTIFICATE = (
            Attachment.Kind.INSURANCE_CERTIFICATE.value,
            _("Attestation d'assurance en cours de validité"),
        )
        DEPOSIT = "deposit", _("Règlement de l'acompte")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    attachment = models.ForeignKey(
        "dossiers.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("acompte versé le"), null=True, blank=True)
    provided_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["offer", "kind"], name="one_item_per_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def provided(self) -> bool:
        return self.provided_at is not None


class WorksMilestone(models.Model):
    """A dated step of the works after acceptance."""

    class Kind(models.TextChoices):
        WORKS_ORDERED = "works_ordered", _("Travaux commandés")
        MANDATAIRE_RECEIVED = (
            "mandataire_received",
            _("Travaux du Mandataire réceptionnés (Avenant)"),
        )
        CONNECTION_AVAILABLE = "connection_available", _("Raccordement mis à disposition")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="works_milestones"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="one_milestone_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"
