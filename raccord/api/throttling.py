"""Rate limits of the API, with django-ninja's own throttling (``ninja.throttling``).

Two budgets, each over a sliding window, kept in Django's default cache:

* per account, for calls with a valid token: ``RACCORD_API_RATE_USER`` (120/min by default);
  all the tokens of one person share it, another person is not affected;
* per client address, for calls without a valid token: ``RACCORD_API_RATE_ANON`` (30/min by
  default); the operations open to anyone, and the calls refused with 401 (counted by
  :class:`raccord.api.auth.TokenAuth`), so that trying tokens is slowed down too.

Every operation is limited (the API sets both throttles for all of them). A refused call gets
429, ``Retry-After`` and a French message (:mod:`raccord.api.errors`). The rates are read from
the settings at each call, so that an environment change or ``override_settings`` applies.
The cache must be shared by all the worker processes for a limit to hold (``CACHES`` in
``raccord/settings.py``: the database by default in production).
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle


class _PerThread:
    """An attribute of the throttle kept per thread: ninja keeps one throttle object for the
    whole process and calls ``allow_request`` then ``wait`` on it for each request."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, throttle: Any, owner: type | None = None) -> Any:
        return getattr(throttle._calls, self.name)

    def __set__(self, throttle: Any, value: Any) -> None:
        setattr(throttle._calls, self.name, value)


class _SettingRateThrottle(SimpleRateThrottle):
    """Ninja's sliding-window throttle, its rate read from the setting ``setting``."""

    setting: ClassVar[str]
    cache_format = "raccord_api_throttle_%(scope)s_%(ident)s"
    key = _PerThread()
    history = _PerThread()
    now = _PerThread()

    def __init__(self) -> None:
        self._calls = threading.local()

    @property
    def rate(self) -> str:  # type: ignore[override]
        return str(getattr(settings, self.setting))

    @property
    def num_requests(self) -> int:  # type: ignore[override]
        return int(self.parse_rate(self.rate)[0] or 0)

    @property
    def duration(self) -> int:  # type: ignore[override]
        return int(self.parse_rate(self.rate)[1] or 0)

    def timer(self) -> float:
        return time.time()

    def wait(self) -> float:
        """Seconds until the oldest call that fills the budget leaves the window."""
        recent: list[float] = self.history[: self.num_requests]
        if len(recent) < self.num_requests:
            return 0.0
        return max(0.0, self.duration - (float(self.now) - recent[-1]))


class UserThrottle(_SettingRateThrottle):
    """Per account: ``request.auth`` is the token's user (set by ``TokenAuth``)."""

    scope = "user"
    setting = "RACCORD_API_RATE_USER"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if user is None:
            return None  # no valid token: the anonymous budget applies
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AnonThrottle(_SettingRateThrottle, AnonRateThrottle):
    """Per client address (ninja's ``get_ident``, ``NINJA_NUM_PROXIES``), for calls without a
    valid token."""

    scope = "anon"
    setting = "RACCORD_API_RATE_ANON"


anon_throttle = AnonThrottle()
THROTTLES = [anon_throttle, UserThrottle()]
