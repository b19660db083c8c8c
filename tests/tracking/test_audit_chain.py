"""``verify_audit_chain`` names the first broken link and exits non-zero."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from raccord.tracking.models import Event
from raccord.tracking.services import event_record
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def chain(n: int = 4):  # type: ignore[no-untyped-def]
    dossier = DossierFactory()
    return dossier, [
        event_record(kind=f"step{i}", dossier=dossier, payload={"i": i}) for i in range(n)
    ]


def test_an_intact_chain_is_ok_with_its_count():
    chain()
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "OK" in out.getvalue() and f"{Event.objects.count()} événement" in out.getvalue()


def test_a_tampered_event_is_named_with_its_dossier_and_date():
    dossier, events = chain()
    target = events[2]
    Event.objects.filter(pk=target.pk).update(payload={"i": 99})
    with pytest.raises(CommandError) as error:
        call_command("verify_audit_chain")
    message = str(error.value)
    assert f"#{target.pk}" in message and "step2" in message and dossier.number in message
    assert target.at.strftime("%Y") in message


def test_raw_sql_tampering_is_caught_too():
    _dossier, events = chain()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracking_event SET kind = %s WHERE id = %s", ["forged", events[1].pk]
        )
    with pytest.raises(CommandError, match=f"#{events[1].pk} \\(forged\\)"):
        call_command("verify_audit_chain")


def test_a_deleted_last_event_is_reported():
    _dossier, events = chain()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracking_event WHERE id = %s", [events[-1].pk])
    with pytest.raises(CommandError, match="incomplète"):
        call_command("verify_audit_chain")


def test_the_command_exits_non_zero(capsys):
    _dossier, events = chain()
    Event.objects.filter(pk=events[0].pk).update(kind="forged")
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "verify_audit_chain", "--skip-checks"]).execute()
    assert exit_info.value.code != 0
    assert f"#{events[0].pk}" in capsys.readouterr().err
