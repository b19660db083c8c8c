"""Commune autocomplete (an HTML fragment for HTMX, or JSON)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from raccord.places.search import search_communes


@require_GET
def commune_autocomplete(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:80]
    listbox = request.GET.get("listbox", "commune-listbox")[:60]
    communes = search_communes(query, limit=10) if len(query.strip()) >= 2 else []
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "results": [
                    {
                        "id": c.pk,
                        "label": c.label,
                        "insee": c.insee_code,
                        "postal_code": c.postal_code,
                        "department": c.department_id,
                    }
                    for c in communes
                ]
            }
        )
    return render(
        request,
        "places/_commune_options.html",
        {"communes": communes, "query": query, "listbox": listbox},
    )
