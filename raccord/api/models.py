"""Personal access tokens for the requesters' API (``/api/v1/``).

A token is shown once when it is created; only its SHA-256 hash is stored (``token_hash``), with
a short ``prefix`` so that its owner can tell tokens apart. A revoked token is kept (revocation
date) so that the list of what was issued stays readable in the admin and the audit chain.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("titulaire"),
    )
    name = models.CharField(_("nom"), max_length=80)
    prefix = models.CharField(
        _("début du jeton"), max_length=16, help_text=_("Pour reconnaître le jeton ; non secret.")
    )
    token_hash = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    expires_on = models.DateField(
        _("expire après le"),
        null=True,
        blank=True,
        help_text=_("Dernier jour de validité (heure de Paris) ; vide : sans expiration."),
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'accès à l'API")
        verbose_name_plural = _("jetons d'accès à l'API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_active_name_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def expired_on(self, today: date) -> bool:
        """True when ``today`` (a local date) is after the last day of validity."""
        return self.expires_on is not None and today > self.expires_on
