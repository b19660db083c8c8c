"""Follow-up of a dossier: the audit chain, actions asked of the requester, messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Append-only audit event; ``hash`` chains it to the previous event of the whole install.

    ``hash = sha256(previous hash + canonical JSON of this event)``; see tracking/services.py.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="events", null=True
    )
    kind = models.CharField(max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only.")


class ChainHead(models.Model):
    """One row holding the last hash, locked while an event is appended (serialises the chain)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.last_hash


class Action(models.Model):
    """Something the requester must do before a date (« Mes actions »)."""

    class State(models.TextChoices):
        OPEN = "open", _("À faire")
        DONE = "done", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="actions"
    )
    label = models.CharField(_("action"), max_length=200)
    detail = models.TextField(blank=True)
    due_date = models.DateField(_("avant le"))
    done_at = models.DateTimeField(_("réalisée le"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["dossier", "state"])]

    def __str__(self) -> str:
        return self.label


class Message(models.Model):
    """A message between the requester's side and the operator's staff about one dossier."""

    class Direction(models.TextChoices):
        TO_OPERATOR = "to_operator", _("Envoyé au gestionnaire")
        TO_REQUESTER = "to_requester", _("Envoyé au demandeur")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=14, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("objet"), max_length=120)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["dossier", "direction", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class MessageAttachment(models.Model):
    """A file sent with a message (PDF, JPEG or PNG checked by content), stored outside the web
    root and served by a view that checks the dossier permission."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messages/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """One e-mail to send (the outbox): written once, sent at most once, retried until sent.

    ``key`` is the idempotency key (kind + dossier or desk + a discriminator): its unique
    constraint makes a second request for the same notification a no-op. ``context`` holds the
    data frozen when the notification was decided (a digest's list, a reminder's action).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENT = "sent", _("Envoyée")
        SKIPPED = "skipped", _("Sans destinataire")
        FAILED = "failed", _("Abandonnée après trop d'essais")

    key = models.CharField(_("clé d'unicité"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=40, db_index=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    desk = models.ForeignKey(
        "operators.Desk",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipients = models.JSONField(_("destinataires"), default=list)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.key
