"""The activation mail goes through a real SMTP server (aiosmtpd on loopback) and is read back."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.urls import reverse

from raccord.accounts.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


class Collector(Message):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[bytes] = []

    def handle_message(self, message):  # type: ignore[no-untyped-def]
        self.received.append(message.as_bytes())


@pytest.fixture
def smtp_server(settings):  # type: ignore[no-untyped-def]
    handler = Collector()
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


def test_activation_code_travels_through_real_smtp_and_activates(client, smtp_server):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "smtp.person@example.test",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "role": "private",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert len(smtp_server.received) == 1
    parsed = message_from_bytes(smtp_server.received[0], policy=policy.default)
    assert parsed["To"] == "smtp.person@example.test"
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    code = re.search(r"code d'activation : (\S+)", body).group(1)
    client.post(reverse("account_email_verification_sent"), {"code": code})
    assert User.objects.get(email="smtp.person@example.test").emailaddress_set.get().verified
