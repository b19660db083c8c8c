"""Admin of the follow-up: the outbox (with « send again »), the audit chain read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from raccord.tracking.models import Action, Event, Notification
from raccord.tracking.notify import notification_send


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "dossier",
        "desk",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["key", "dossier__number"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Renvoyer maintenant (les notifications non envoyées)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        pending = queryset.filter(sent_at__isnull=True).exclude(status=Notification.Status.SKIPPED)
        pending.update(status=Notification.Status.PENDING, next_attempt_at=timezone.now())
        sent = sum(
            notification_send(notification_id=pk) for pk in pending.values_list("pk", flat=True)
        )
        self.message_user(request, f"{sent} notification(s) envoyée(s).", messages.INFO)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "dossier", "actor", "at", "from_state", "to_state"]
    list_filter = ["kind"]
    search_fields = ["dossier__number", "kind"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["label", "dossier", "due_date", "state", "done_at"]
    list_filter = ["state"]
    search_fields = ["dossier__number", "label"]
    raw_id_fields = ["dossier", "created_by"]
