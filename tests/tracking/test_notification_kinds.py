"""Every kind of mail sent about a dossier is classified: legally required (always sent) or
switchable by a preference; the offer-lapse mail is always sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from raccord.dossiers.models import State
from raccord.dossiers.notifications import LEGAL_KINDS, OPTIONAL_KINDS, recipients
from raccord.tracking.models import Notification
from raccord.tracking.notify import notify_dossier
from tests.factories import DossierFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2] / "raccord"
SENT = (
    re.compile(r'\b_notify\(\s*\w+,\s*"(\w+)"'),
    re.compile(r'\bnotify_dossier\([^)]*?\bkind="(\w+)"', re.S),
    re.compile(r'\bnotification_create\([^)]*?\bkind="(\w+)"', re.S),
)
DESK_ADDRESS_ONLY = {"digest"}  # to the desk's shared address, not to people


def kinds_sent() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in SENT:
            found.update(pattern.findall(text))
    return found


def test_every_kind_sent_is_classified_and_every_legal_kind_is_sent():
    sent = kinds_sent() - DESK_ADDRESS_ONLY
    assert {"offer_lapsed", "offer_sent", "submitted", "items_requested"} <= sent
    assert sorted(sent - LEGAL_KINDS - OPTIONAL_KINDS) == []
    assert not LEGAL_KINDS & OPTIONAL_KINDS
    # Each legally required kind is one the code actually sends (no dead name like « lapsed »).
    assert sorted(LEGAL_KINDS - sent) == []


@pytest.mark.django_db
def test_the_offer_lapse_mail_ignores_the_preferences():
    producer = UserFactory(
        email="martin.dupont@example.test",
        notify_steps=False,
        notify_messages=False,
        notify_reminders=False,
    )
    dossier = DossierFactory(
        complete=True, created_by=producer, kind="bt_36_250", state=State.LAPSED
    )
    assert recipients(dossier, "offer_lapsed") == ["martin.dupont@example.test"]
    assert recipients(dossier, "works_milestone") == []
    notify_dossier(dossier_id=dossier.pk, kind="offer_lapsed", key="lapse")
    row = Notification.objects.get(kind="offer_lapsed")
    assert row.recipients == ["martin.dupont@example.test"]
    assert row.status == Notification.Status.PENDING
