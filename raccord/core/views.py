from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from raccord.core.mail import outbox_messages

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def outbox(request: HttpRequest) -> HttpResponse:
    """Dev-only: the e-mails the application 'sent' (written to var/outbox/)."""
    if not settings.RACCORD_DEV_PAGES:
        raise Http404
    return render(request, "core/outbox.html", {"messages_sent": outbox_messages()})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and supervision: 200 "ok" when the database answers, else 503.

    Exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``) and from the staff MFA check.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer: %s", error)
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
