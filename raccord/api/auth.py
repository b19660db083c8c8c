"""``Authorization: Bearer <token>`` for the API (personal tokens, never the session cookie)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, Throttled
from ninja.security import HttpBearer

from raccord.api.errors import AUTH_REQUIRED
from raccord.api.services import TokenRefused, token_authenticate
from raccord.api.throttling import anon_throttle


class TokenAuth(HttpBearer):
    """Sets ``request.auth`` to the token's user and ``request.api_token`` to the token.

    A missing header, another scheme, or a token that is unknown, revoked, expired or whose
    account may not use the API all end in a 401 with a French message; such calls count
    against the anonymous rate limit, and past it they get a 429 instead.
    """

    def __call__(self, request: HttpRequest) -> Any:
        try:
            return self._authenticate(request)
        except AuthenticationError:
            if not anon_throttle.allow_request(request):
                raise Throttled(wait=anon_throttle.wait()) from None  # type: ignore[arg-type]
            raise

    def _authenticate(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not value.strip():
            raise AuthenticationError(message=AUTH_REQUIRED)
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = token_authenticate(raw=token)
        except TokenRefused as refused:
            raise AuthenticationError(message=refused.message) from None
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user
