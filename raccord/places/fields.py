"""A form field to choose a commune: an accessible combobox fed by the autocomplete.

The widget renders a text input (what the person types or picks) and a hidden input with the
chosen commune's id. Without JavaScript, or when the person types without picking, the server
resolves the text ("56000", "Vannes (56000)", "Vannes") or says precisely why it cannot.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from raccord.places.models import Commune
from raccord.places.search import resolve_commune


class CommuneWidget(forms.Widget):
    template_name = "places/commune_widget.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        commune_id, text = value if isinstance(value, tuple) else (value, "")
        if commune_id and not text:
            commune = Commune.objects.filter(pk=commune_id).first()
            text = commune.label if commune else ""
        context["widget"].update(
            {
                "commune_id": commune_id or "",
                "text": text,
                "url": reverse("places:communes"),
                "listbox": f"{context['widget']['attrs'].get('id', name)}-listbox",
                "describedby": context["widget"]["attrs"].get("aria-describedby", ""),
                "invalid": context["widget"]["attrs"].get("aria-invalid", ""),
            }
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (data.get(name, "") or "", data.get(f"{name}_text", "") or "")

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_text" not in data


class CommuneField(forms.Field):
    widget = CommuneWidget

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Commune):
            return (str(value.pk), value.label)
        return value

    def to_python(self, value: Any) -> Commune | None:
        commune_id, text = value if isinstance(value, tuple) else (value, "")
        if commune_id:
            commune = (
                Commune.objects.filter(pk=commune_id).first() if str(commune_id).isdigit() else None
            )
            # The id wins only if the visible text still names it (the person may have retyped).
            if commune is not None and (not text or text.strip() == commune.label):
                return commune
        if not text and not commune_id:
            return None
        commune, error = resolve_commune(text)
        if error:
            raise ValidationError(error, code="commune")
        return commune

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError("Indiquez la commune (code postal ou nom).", code="required")
