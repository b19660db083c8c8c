from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from raccord.accounts.models import Organisation, User

OPERATOR_REQUIRED = _(
    "Choisissez le gestionnaire de réseau de ce compte : il est obligatoire pour un chargé de "
    "raccordement ou un administrateur."
)
DESK_REQUIRED = _(
    "Choisissez le guichet régional de ce chargé de raccordement : il est obligatoire."
)
DESK_OF_ANOTHER_OPERATOR = _(
    "Ce guichet appartient à un autre gestionnaire de réseau (%(operator)s) : choisissez un "
    "guichet de %(expected)s."
)


class StaffAttachmentMixin(forms.BaseForm):
    """The constraints staff_has_operator and instructor_has_desk, reported at the field to fill.

    Without this, the add form has no such fields (IntegrityError) and the change form shows
    the constraint's message above the form.
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        role = cleaned.get("role")
        operator = cleaned.get("operator")
        desk = cleaned.get("desk")
        if role in User.STAFF_ROLES and operator is None and "operator" not in self.errors:
            self.add_error("operator", OPERATOR_REQUIRED)
        if role == User.Role.INSTRUCTOR and desk is None and "desk" not in self.errors:
            self.add_error("desk", DESK_REQUIRED)
        elif desk is not None and operator is not None and desk.operator_id != operator.pk:
            self.add_error(
                "desk",
                DESK_OF_ANOTHER_OPERATOR % {"operator": desk.operator, "expected": operator},
            )
        return cleaned


class UserAdminCreationForm(StaffAttachmentMixin, AdminUserCreationForm):
    pass


class UserAdminChangeForm(StaffAttachmentMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "organisation", "desk", "is_active"]
    list_filter = ["role", "operator", "desk", "is_active"]
    list_select_related = ["organisation", "desk"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Profil"), {"fields": ("role", "organisation", "operator", "desk")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
        (
            _("Profil"),
            {
                "fields": ("role", "organisation", "operator", "desk"),
                "description": _(
                    "Un chargé de raccordement a un gestionnaire de réseau et un guichet ; "
                    "un administrateur du gestionnaire, un gestionnaire de réseau."
                ),
            },
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "rcs_city"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["office_commune"]
