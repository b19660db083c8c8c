"""Writes on API tokens (one transaction each) and the check of a presented token.

Tokens are ``rac_`` followed by 43 URL-safe characters (256 random bits). Only their SHA-256
hash is stored: a token is long and random, so a fast hash is enough (no password stretching
needed) and lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from raccord.accounts.models import User
from raccord.api.models import ApiToken
from raccord.tracking.services import event_record

TOKEN_PREFIX = "rac_"  # noqa: S105 (a public marker, not a secret)
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
MAX_ACTIVE_TOKENS = 20
#: ``last_used_at`` is written at most once per this interval and token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)

STAFF_REFUSED = (
    "Les comptes du gestionnaire de réseau (chargés de raccordement, administrateurs) sont "
    "protégés par une double authentification et ne peuvent pas utiliser de jeton d'accès : "
    "l'API est réservée aux demandeurs et aux installateurs."
)


class TokenError(Exception):
    """A refused token operation, with a French message and the form field at fault, if any."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TokenRefused(Exception):
    """A presented token that does not authenticate anyone, with the French reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_allowed(user: User) -> bool:
    """Requesters and installers only: staff accounts must log in with their second factor."""
    return user.is_active and not (user.is_operator_staff or user.is_superuser or user.is_staff)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str


@transaction.atomic
def token_create(*, user: User, name: str, expires_on: date | None) -> NewToken:
    """A new token for ``user``; the raw value is returned once and never stored."""
    if not token_allowed(user):
        raise TokenError(STAFF_REFUSED)
    name = " ".join(name.split())[:80]
    if not name:
        raise TokenError("Donnez un nom au jeton.", field="name")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise TokenError(
            "La date d'expiration doit être postérieure à aujourd'hui.", field="expires_on"
        )
    # Lock the person's row: two concurrent creations cannot both pass the checks below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.filter(name=name).exists():
        raise TokenError(
            f"Vous avez déjà un jeton nommé « {name} » : choisissez un autre nom.", field="name"
        )
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un avant d'en "
            "créer un autre."
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=raw[:SHOWN_PREFIX_LENGTH],
                token_hash=token_hash(raw),
                expires_on=expires_on,
            )
    except IntegrityError:
        raise TokenError(
            f"Vous avez déjà un jeton nommé « {name} » : choisissez un autre nom.", field="name"
        ) from None
    event_record(
        kind="api_token_created",
        actor=user,
        payload={
            "token": token.pk,
            "name": name,
            "prefix": token.prefix,
            "expires_on": expires_on.isoformat() if expires_on else "",
        },
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke one of ``user``'s tokens (at once: the next request with it gets a 401)."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != user.pk:
        raise TokenError("Ce jeton n'existe pas.")
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    event_record(
        kind="api_token_revoked",
        actor=user,
        payload={"token": locked.pk, "name": locked.name, "prefix": locked.prefix},
    )
    return locked


def _fmt(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return day.strftime("%d/%m/%Y")


def token_authenticate(*, raw: str, now: datetime | None = None) -> ApiToken:
    """The valid token ``raw`` with its user, or :class:`TokenRefused` with the French reason.

    Records the use in ``last_used_at`` at most once per :data:`LAST_USED_RESOLUTION`, with a
    conditional update (no write at all on most requests; no lost update between workers).
    """
    now = now or timezone.now()
    raw = raw.strip()
    token = None
    if raw.startswith(TOKEN_PREFIX) and len(raw) < 200:
        token = (
            ApiToken.objects.select_related("user", "user__organisation")
            .filter(token_hash=token_hash(raw))
            .first()
        )
    if token is None:
        raise TokenRefused(
            "Jeton d'accès inconnu : vérifiez-le, ou créez-en un depuis votre profil "
            "(« Accès à l'API »)."
        )
    if token.revoked_at is not None:
        raise TokenRefused(
            f"Ce jeton d'accès a été révoqué le {_fmt(token.revoked_at)} : créez-en un autre "
            "depuis votre profil (« Accès à l'API »)."
        )
    if token.expires_on is not None and token.expired_on(timezone.localdate(now)):
        raise TokenRefused(
            f"Ce jeton d'accès a expiré le {_fmt(token.expires_on)} au soir : créez-en un autre "
            "depuis votre profil (« Accès à l'API »)."
        )
    if not token_allowed(token.user):
        raise TokenRefused("Ce compte ne peut pas utiliser l'API.")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        stale = now - LAST_USED_RESOLUTION
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
