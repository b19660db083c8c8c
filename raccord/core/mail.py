"""Development e-mail backend: each message is written as a .eml file in ``var/outbox/``.

The dev-only page ``/dev/outbox/`` lists them, so that a person can read the activation code.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(settings.OUTBOX_DIR)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def outbox_messages(directory: Path | None = None, limit: int = 50) -> list[dict[str, str]]:
    """The newest messages of the outbox, parsed for display."""
    folder = Path(directory or settings.OUTBOX_DIR)
    if not folder.exists():
        return []
    result = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain", "html"))
        result.append(
            {
                "id": path.stem,
                "to": str(parsed.get("To", "")),
                "subject": str(parsed.get("Subject", "")),
                "date": str(parsed.get("Date", "")),
                "body": body.get_content() if body is not None else "",
            }
        )
    return result
