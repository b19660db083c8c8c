from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Raccord's allauth adapter: French e-mails, staff accounts are not created by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "RACCORD_SIGNUP_OPEN", True))
