"""TOTP helpers around allauth's MFA (demo accounts, dev command, tests)."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from raccord.accounts.models import User


def totp_activate(*, user: User, secret: str) -> None:
    """Give the user a TOTP authenticator with this base32 secret (idempotent)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


def totp_current_code(secret: str, *, at: float | None = None, period: int = 30) -> str:
    """The 6-digit code an authenticator app shows now for this secret."""
    counter = int((time.time() if at is None else at) // period)
    return format_hotp_value(hotp_value(secret, counter))
