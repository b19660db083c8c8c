"""Operator staff must protect their account with a second factor (TOTP)."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/comptes/", "/static/", "/healthz", "/dev/", "/lieux/")


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (getattr(user, "is_operator_staff", False) or user.is_superuser)
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Les comptes du gestionnaire de réseau doivent être protégés par une "
                "double authentification : activez-la pour continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
