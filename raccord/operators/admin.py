from django.contrib import admin
from django.db import models

from raccord.operators.models import Desk, Operator


class DeskInline(admin.StackedInline):
    model = Desk
    extra = 0
    filter_horizontal = ["departments"]
    raw_id_fields = ["communes"]


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "siren", "is_default"]
    inlines = [DeskInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "operator", "phone", "email"]
    list_filter = ["operator"]
    filter_horizontal = ["departments"]
    raw_id_fields = ["communes"]
