from django.contrib import admin

from raccord.places.models import Commune, Department, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "insee_code", "department", "operator"]
    list_filter = ["operator", "department__region"]
    search_fields = ["name", "postal_code", "insee_code"]
    list_select_related = ["department", "operator"]
    readonly_fields = ["insee_code", "postal_code", "name", "department", "population"]
