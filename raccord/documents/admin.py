"""Read-only admin for stored document versions: they are never added, changed or deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from raccord.documents.models import DocumentVersion


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "dossier", "kind", "filename", "size", "created_at", "created_by"]
    list_filter = ["kind", "visible_to_requester"]
    search_fields = ["dossier__number", "filename", "sha256"]
    list_select_related = ["dossier", "created_by"]
    date_hierarchy = "created_at"
    # The file is shown as its name only (MEDIA_URL is routed nowhere, so no link would work).
    fields = [
        "dossier",
        "kind",
        "title",
        "filename",
        "sha256",
        "size",
        "created_at",
        "created_by",
        "visible_to_requester",
        "comment",
    ]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
