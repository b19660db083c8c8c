"""Immutable stored versions of the documents sent to or accepted by the parties."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class DocumentKind(models.TextChoices):
    """What a stored document is. The one place where document kinds are declared.

    The CACSI preview is rendered on the fly and never stored. CRD / Avenant kinds are added
    here when their templates exist.
    """

    CACSI_PRODUCER_ACCEPTED = "cacsi_producer_accepted", _("CACSI acceptée par le producteur")
    CACSI_ACCEPTED = "cacsi_accepted", _("CACSI acceptée par le gestionnaire de réseau")
    CRD = "crd", _("Convention de Raccordement Directe — Conditions Particulières")
    AVENANT = "avenant", _("Avenant L342-6 à la Convention de Raccordement Directe")


class ImmutableDocumentError(Exception):
    """A stored document version was about to be modified or deleted."""


class DocumentVersionQuerySet(models.QuerySet["DocumentVersion"]):
    """Bulk writes are refused too: ``update()`` and ``delete()`` raise."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableDocumentError("Stored document versions cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableDocumentError("Stored document versions cannot be deleted.")


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    """``documents/<dossier number>/<filename>``; the storage adds a suffix, never overwrites."""
    return f"documents/{instance.dossier.number}/{filename}"


class DocumentVersion(models.Model):
    """One stored PDF, byte for byte: written once, never changed, never deleted.

    ``sha256`` and ``size`` are computed when the version is stored and checked on every read
    (``raccord.documents.services.document_read``). The file is never served by URL: views call
    ``raccord.documents.views.document_response`` after their own permission check.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("dossier"),
    )
    kind = models.CharField(_("type de document"), max_length=40, choices=DocumentKind.choices)
    title = models.CharField(
        _("titre"), max_length=200, help_text=_("Affiché dans l'onglet Documents.")
    )
    file = models.FileField(_("fichier"), upload_to=document_upload_to, max_length=255)
    filename = models.CharField(_("nom du fichier"), max_length=150)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    visible_to_requester = models.BooleanField(_("visible par le demandeur"), default=True)
    comment = models.TextField(_("commentaire"), blank=True)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de document")
        verbose_name_plural = _("versions de documents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dossier", "kind", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sha256__regex=SHA256_PATTERN),
                name="documentversion_sha256_hex",
            ),
            models.CheckConstraint(
                condition=~models.Q(filename=""), name="documentversion_filename_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: saving a row that already exists raises ``ImmutableDocumentError``."""
        if not self._state.adding:
            raise ImmutableDocumentError("A stored document version cannot be modified.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always raises: a stored document version is kept for the life of the dossier."""
        raise ImmutableDocumentError("A stored document version cannot be deleted.")
