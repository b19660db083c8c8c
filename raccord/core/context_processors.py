from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from raccord.operators.selectors import operator_default


def site(request: HttpRequest) -> dict[str, Any]:
    """The operator shown in the header, and whether the dev-only pages exist."""
    return {
        "site_operator": SimpleLazyObject(operator_default),
        "dev_pages": settings.RACCORD_DEV_PAGES,
    }
