"""Staff-only data about a dossier: notes, tags and expert-opinion requests.

Nothing here is ever shown to the requester (the portal never reads these models).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffNote(models.Model):
    """An internal note written by a staff member on a dossier."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="staff_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note interne")

    def __str__(self) -> str:
        return self.body[:40]


class StaffTag(models.Model):
    """A tag the operator's staff put on a dossier (shared by the staff, never shown outside)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="staff_tags"
    )
    text = models.CharField(_("étiquette"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text"]
        verbose_name = _("étiquette interne")
        constraints = [models.UniqueConstraint(fields=["dossier", "text"], name="staff_tag_unique")]

    def __str__(self) -> str:
        return self.text


class ExpertRequest(models.Model):
    """A question a staff member asks a colleague of the same operator about a dossier."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="expert_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_requests"
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("avis"), blank=True)
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("demande d'avis")
        indexes = [models.Index(fields=["expert", "answered_at"])]

    def __str__(self) -> str:
        return self.question[:40]

    @property
    def pending(self) -> bool:
        return self.answered_at is None
