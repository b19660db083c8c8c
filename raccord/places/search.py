"""Commune search: normalisation and ranked prefix lookup.

"st etienne", "saint-etienne" and "Saint-Étienne" all normalise to "saint etienne".
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, IntegerField, QuerySet, Value, When

from raccord.places.models import Commune

_SEPARATORS = re.compile(r"[\s\-'\u2019`.,/()]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_PREFIX_END = "\x7f"  # above every character of a normalised name (ASCII lowercase, space)


def normalize(text: str) -> str:
    """Lowercase, without accents; hyphens and apostrophes become spaces; St/Ste expanded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    words = [w for w in _SEPARATORS.split(ascii_text) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _prefix(qs: QuerySet[Commune], field: str, prefix: str) -> QuerySet[Commune]:
    # A range instead of LIKE so that both SQLite and PostgreSQL use the index.
    return qs.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _PREFIX_END})


def search_communes(query: str, *, limit: int = 10) -> list[Commune]:
    """Communes whose postal code or normalised name starts with ``query``.

    Ranking: exact name match first, then larger population, then name. A query of digits
    searches postal codes; "vannes 56" narrows names by postal-code prefix.
    """
    text = (query or "").strip()
    if not text:
        return []
    digits = re.fullmatch(r"\d{1,5}", text.replace(" ", ""))
    qs = Commune.objects.select_related("department")
    if digits:
        qs = _prefix(qs, "postal_code", digits.group(0)).order_by(
            "postal_code", "-population", "name"
        )
        return list(qs[:limit])
    name = normalize(text)
    postal_hint = ""
    match = re.fullmatch(r"(.*?)\s*(\d{1,5})", name)
    if match and match.group(1):
        name, postal_hint = match.group(1).strip(), match.group(2)
    if not name:
        return []
    qs = _prefix(qs, "search_name", name)
    if postal_hint:
        qs = _prefix(qs, "postal_code", postal_hint)
    qs = qs.annotate(
        exact=Case(
            When(search_name=name, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("-exact", "-population", "name", "postal_code")
    return list(qs[:limit])


def resolve_commune(text: str) -> tuple[Commune | None, str | None]:
    """Resolve what a person typed (without the autocomplete) to one commune, or explain why not.

    Returns ``(commune, None)`` or ``(None, French error message)``.
    """
    text = (text or "").strip()
    if not text:
        return None, "Indiquez la commune (code postal ou nom)."
    label = re.fullmatch(r"(.+?)\s*\((\d{5})\)", text)
    if label:
        name, postal = normalize(label.group(1)), label.group(2)
        found = list(Commune.objects.filter(search_name=name, postal_code=postal)[:2])
        if len(found) == 1:
            return found[0], None
    if re.fullmatch(r"\d{5}", text):
        found = list(Commune.objects.filter(postal_code=text)[:2])
        if not found:
            return None, f"Aucune commune ne correspond au code postal {text}."
        if len(found) == 1:
            return found[0], None
        return None, (
            f"Plusieurs communes ont le code postal {text} : choisissez la vôtre dans la liste."
        )
    if re.fullmatch(r"\d+", text):
        return None, "Un code postal compte 5 chiffres."
    exact = list(Commune.objects.filter(search_name=normalize(text))[:2])
    if len(exact) == 1:
        return exact[0], None
    if not exact and not search_communes(text, limit=1):
        return None, f"Aucune commune ne s'appelle « {text} »."
    return None, "Plusieurs communes correspondent : choisissez la vôtre dans la liste."
