"""Error bodies of the API, all in French.

* every error: ``{"detail": "<une phrase>"}``;
* field errors (422): ``{"detail": "...", "errors": {"<champ>": ["<message>", ...]}}``, the
  messages being exactly those of the portal's forms and services (``__all__`` for the errors
  that concern no single field);
* 401 also carries ``WWW-Authenticate: Bearer`` (RFC 6750);
* 429 (rate limit, :mod:`raccord.api.throttling`) also carries ``Retry-After`` in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

INVALID = "La requête contient des erreurs : corrigez les champs signalés."
NOT_FOUND = "Ressource introuvable."
AUTH_REQUIRED = (
    "Authentification requise : envoyez votre jeton d'accès dans l'en-tête "
    "« Authorization: Bearer <jeton> » (créez-le depuis votre profil, « Accès à l'API »)."
)


def too_many_requests(seconds: int) -> str:
    unit = "seconde" if seconds <= 1 else "secondes"
    return f"Trop de requêtes : réessayez dans {seconds} {unit}."


class ApiError(Exception):
    """A refused operation: HTTP status, French sentence and optional field errors."""

    def __init__(
        self, status: int, detail: str, *, errors: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}


def field_errors(errors: Mapping[str, Sequence[str]], detail: str = INVALID) -> ApiError:
    return ApiError(422, detail, errors=errors)


def _body(detail: str, errors: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = dict(errors)
    return body


_PYDANTIC_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Saisissez un texte.",
    "string_too_long": "Ce texte est trop long : {max_length} caractères au plus.",
    "int_parsing": "Saisissez un nombre entier.",
    "int_type": "Saisissez un nombre entier.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "bool_parsing": "Saisissez true ou false.",
    "date_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "literal_error": "Valeur non autorisée : choisissez parmi {expected}.",
    "enum": "Valeur non autorisée : choisissez parmi {expected}.",
    "dict_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "extra_forbidden": "Champ inconnu.",
}


def _pydantic_field(loc: Sequence[Any]) -> str:
    """``("body", "payload", "values", "pdl")`` → ``values.pdl``; ``("query", "page")`` → page."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "body"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _pydantic_message(error: Mapping[str, Any]) -> str:
    template = _PYDANTIC_MESSAGES.get(str(error.get("type", "")), "Valeur invalide.")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return "Valeur invalide."


def install_error_handlers(api: NinjaAPI) -> None:
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, _body(exc.detail, exc.errors), status=exc.status)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) if exc.args and str(exc) else NOT_FOUND
        return api.create_response(request, _body(message), status=404)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else AUTH_REQUIRED
        response = api.create_response(request, _body(message), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="raccord"' + (
            ', error="invalid_token"' if message != AUTH_REQUIRED else ""
        )
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, _body(str(exc)), status=exc.status_code)

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        seconds = max(1, math.ceil(exc.wait or 0))
        response = api.create_response(request, _body(too_many_requests(seconds)), status=429)
        response["Retry-After"] = str(seconds)
        return response

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_pydantic_field(error.get("loc", ())), []).append(
                _pydantic_message(error)
            )
        return api.create_response(request, _body(INVALID, errors), status=422)

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(ValidationError, invalid)
