"""French dates (jj/mm/aaaa) for stored values: ``{% load raccord_dates %}`` then ``|date_fr``.

Section answers are stored as ISO text in ``Dossier.data`` (a date field as ``2026-12-23``, a
moment as ``2026-11-23T10:15:00+00:00``): ``date_fr`` shows them as ``23/12/2026``, and also takes
``date`` and ``datetime`` objects (an aware moment in the local time zone). Anything else is
returned unchanged, so it can be applied to any shown value. Python code calls
:func:`date_fr` directly.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
            if _ISO_MOMENT.match(text):
                return _as_date(datetime.fromisoformat(text))
        except ValueError:
            return None
    return None


@register.filter
def date_fr(value: Any) -> Any:
    """``23/12/2026`` for a date, a moment or their ISO text; other values unchanged."""
    day = _as_date(value)
    return day.strftime("%d/%m/%Y") if day else value
