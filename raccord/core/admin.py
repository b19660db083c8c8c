from django.contrib import admin

from raccord.core.models import RegulatoryParameter


@admin.register(RegulatoryParameter)
class RegulatoryParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "unit", "valid_from", "valid_until", "label"]
    list_filter = ["value_type"]
    search_fields = ["key", "label", "source"]
