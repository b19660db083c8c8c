from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from raccord.core.mail import outbox_messages


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def outbox(request: HttpRequest) -> HttpResponse:
    """Dev-only: the e-mails the application 'sent' (written to var/outbox/)."""
    if not settings.RACCORD_DEV_PAGES:
        raise Http404
    return render(request, "core/outbox.html", {"messages_sent": outbox_messages()})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
