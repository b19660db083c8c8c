"""The desk's instructors are mailed at once when a request is transmitted to their desk and
when the requester's side writes, through the outbox, unless they turned it off."""

from __future__ import annotations

import pytest
from django.core import mail

from raccord.dossiers.signing import convention_accept, dossier_submit
from raccord.tracking.messaging import message_post
from raccord.tracking.models import Event, Message, Notification
from raccord.tracking.notify import desk_notify_event
from tests.backoffice.conftest import staff
from tests.factories import DeskFactory, DossierFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = DeskFactory(operator=operator, code="P4E", name="AREPROD Bretagne")
    other = DeskFactory(operator=operator, code="P5X", name="AREPROD Normandie")
    lea = staff(desk=desk, operator=operator, email="lea@enedis.test")
    paul = staff(desk=desk, operator=operator, email="paul@enedis.test", notify_steps=False)
    staff(desk=desk, operator=operator, email="parti@enedis.test", is_active=False)
    staff(desk=other, operator=operator, email="ailleurs@enedis.test")
    requester = UserFactory(email="martin.dupont@example.test")
    dossier = DossierFactory(
        complete=True, created_by=requester, desk=desk, operator=operator, number="2611P4E000555"
    )
    convention_accept(dossier=dossier, user=requester, ip_address="127.0.0.1", user_agent="t")
    return dossier, requester, lea, paul


def test_a_transmitted_request_mails_the_desk_instructors_who_want_it(
    setup, django_capture_on_commit_callbacks, settings
):
    settings.RACCORD_SITE_URL = "https://raccord.example.fr"
    dossier, requester, _lea, _paul = setup
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(dossier=dossier, user=requester)
    row = Notification.objects.get(kind="desk_submitted")
    assert row.recipients == ["lea@enedis.test"]
    assert row.desk_id == dossier.desk_id and row.dossier_id == dossier.pk
    sent = [m for m in mail.outbox if m.to == ["lea@enedis.test"]]
    assert len(sent) == 1
    assert "Nouvelle demande transmise" in sent[0].subject
    assert "26 11 P4E 000555" in sent[0].subject or dossier.number_display in sent[0].subject
    assert f"https://raccord.example.fr/gestion/{dossier.number}/" in sent[0].body
    # Once per event: writing it again does nothing.
    event = Event.objects.get(dossier=dossier, kind="transition:submit")
    desk_notify_event(event_id=event.pk)
    assert Notification.objects.filter(kind="desk_submitted").count() == 1


def test_a_requester_message_mails_the_desk_but_a_staff_message_does_not(
    setup, django_capture_on_commit_callbacks
):
    dossier, requester, lea, paul = setup
    dossier_submit(dossier=dossier, user=requester)  # no on-commit: no desk mail here
    dossier.refresh_from_db()
    paul.notify_messages = False
    paul.save(update_fields=["notify_messages"])
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            dossier=dossier,
            author=requester,
            direction=Message.Direction.TO_OPERATOR,
            subject="Onduleur",
            body="Voici le certificat.",
        )
    row = Notification.objects.get(kind="desk_message")
    assert row.recipients == ["lea@enedis.test"]
    sent = [m for m in mail.outbox if m.to == ["lea@enedis.test"]]
    assert len(sent) == 1 and "Onduleur" in sent[0].subject
    assert "Voici le certificat" not in sent[0].body  # the content stays in the application
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            dossier=dossier,
            author=lea,
            direction=Message.Direction.TO_REQUESTER,
            subject="Bien reçu",
            body="Merci.",
        )
    assert Notification.objects.filter(kind="desk_message").count() == 1


def test_the_preferences_turn_the_desk_mails_off(setup, django_capture_on_commit_callbacks):
    dossier, requester, lea, _paul = setup
    lea.notify_steps = False
    lea.save(update_fields=["notify_steps"])
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(dossier=dossier, user=requester)
    row = Notification.objects.get(kind="desk_submitted")
    assert row.recipients == [] and row.status == Notification.Status.SKIPPED
