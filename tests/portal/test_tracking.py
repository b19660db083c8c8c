"""Tracking tabs of a dossier: Suivi, Actions, Messages, Documents, Contact."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from raccord.core.parameters import parameters_current
from raccord.documents.models import DocumentKind
from raccord.documents.services import document_store
from raccord.dossiers.models import State
from raccord.rules.clocks import ClockRule, deadline_compute
from raccord.tracking.messaging import MessageError, message_post, messages_mark_read
from raccord.tracking.models import Event, Message
from raccord.tracking.services import event_record
from tests.factories import DeskFactory, DossierFactory, UserFactory
from tests.portal.test_list import action, installer, message

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.4\n% Raccord test document\n%%EOF\n"


@pytest.fixture
def me(client):  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def url(name: str, dossier, *args: object) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"portal:{name}", args=[dossier.number, *args])


def submitted(me, *, at: datetime, meter: str = "oui", **kwargs):  # type: ignore[no-untyped-def]
    dossier = DossierFactory(
        created_by=me, complete=True, state=State.SUBMITTED, submitted_at=at, **kwargs
    )
    data = dict(dossier.data)
    data["chantier"] = {**data["chantier"], "electronic_meter": meter}
    type(dossier).objects.filter(pk=dossier.pk).update(data=data)
    dossier.refresh_from_db()
    return dossier


# --- Every page refuses another account ----------------------------------------------------------

TAB_PAGES = ("tracking", "actions", "messages", "documents", "contact")


@pytest.mark.parametrize("name", TAB_PAGES)
def test_every_tab_refuses_a_second_account_with_404(client, me, name):
    owner = UserFactory()
    dossier = DossierFactory(created_by=owner)
    assert client.get(url(name, dossier)).status_code == 404
    client.force_login(owner)
    assert client.get(url(name, dossier)).status_code == 200


def test_posting_a_message_on_another_accounts_dossier_is_404(client, me):
    dossier = DossierFactory(state=State.IN_CHARGE)
    response = client.post(url("messages", dossier), {"subject": "Hé", "body": "Coucou"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_another_account_cannot_read_and_thus_mark_messages(client, me):
    dossier = DossierFactory(state=State.IN_CHARGE)
    incoming = message(dossier)
    client.get(url("messages", dossier))
    incoming.refresh_from_db()
    assert incoming.read_at is None


def test_document_download_refuses_a_second_account(client, me, media):
    dossier = DossierFactory()
    version = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="CACSI Acceptée Enedis",
        filename="CACSI Acceptee Enedis-x.pdf",
        pdf=PDF,
        created_by=None,
    )
    assert client.get(url("document", dossier, version.pk)).status_code == 404


def test_document_of_another_dossier_is_404_even_through_my_own_dossier(client, me, media):
    mine = DossierFactory(created_by=me)
    other = DossierFactory()
    version = document_store(
        dossier=other,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="T",
        filename="t.pdf",
        pdf=PDF,
        created_by=None,
    )
    assert client.get(url("document", mine, version.pk)).status_code == 404


def test_an_installer_colleague_sees_the_tabs_of_the_organisation(client):
    me = installer()
    colleague = installer(me.organisation)
    dossier = DossierFactory(created_by=colleague, organisation=me.organisation)
    client.force_login(me)
    for name in TAB_PAGES:
        assert client.get(url(name, dossier)).status_code == 200, name


# --- Suivi de dossier ----------------------------------------------------------------------------


def test_tracking_shows_milestones_in_paris_time_and_the_current_one(client, me):
    # 23:30 UTC on 4 Dec is 5 Dec in Paris.
    dossier = DossierFactory(
        created_by=me,
        state=State.ACCEPTED,
        submitted_at=datetime(2017, 12, 4, 23, 30, tzinfo=ZoneInfo("UTC")),
        taken_at=datetime(2017, 12, 6, 9, 0, tzinfo=PARIS),
        completed_at=datetime(2017, 12, 6, 9, 5, tzinfo=PARIS),
        accepted_at=datetime(2017, 12, 6, 10, 0, tzinfo=PARIS),
    )
    response = client.get(url("tracking", dossier))
    assert response.status_code == 200
    text = unescape(response.text)
    short = dossier.operator.short_name
    assert f"L'état de la demande : Acceptation {short}" in text
    assert (
        "Votre convention est acceptée. Nous attendons votre confirmation de Mise en service"
        in text
    )
    milestones = response.context["milestones"]
    assert [m.label for m in milestones] == [
        "Réception de la demande",
        f"Prise en charge {short}",
        "Demande de raccordement complète",
        f"Acceptation {short}",
        "Mise en service de votre installation",
    ]
    assert [m.current for m in milestones] == [False, False, False, True, False]
    assert "05/12/2017" in text and "04/12/2017" not in text
    assert text.count('aria-current="step"') == 1
    assert "Rappel" not in text  # accepted: the 15-day rule no longer applies


def test_a_draft_is_at_no_milestone(client, me):
    dossier = DossierFactory(created_by=me)
    response = client.get(url("tracking", dossier))
    text = unescape(response.text)
    assert "L'état de la demande : Sauvegardée" in text
    assert "n'a pas encore été transmise" in text
    assert not any(m.current for m in response.context["milestones"])


def test_the_15_day_rule_for_a_submitted_dossier_with_an_electronic_meter(client, me):
    at = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
    dossier = submitted(me, at=at)
    response = client.get(url("tracking", dossier))
    text = response.text
    expected = deadline_compute(
        parameters_current(), rule=ClockRule.CACSI_COMMISSIONING, start=at.date()
    )
    assert expected.due.isoformat() == "2026-03-17"
    assert "Mise en service possible à partir du 18/03/2026" in text or (
        "Le délai est expiré : vous pouvez réaliser votre mise en service depuis le 18/03/2026"
        in text
    )
    assert "Le 17/03/2026 : 15 jours calendaires à compter de la transmission" in text
    assert "du 02/03/2026" in text
    assert response.context["commissioning"].deadline == expected


def test_the_15_day_rule_says_when_the_delay_has_expired(client, me):
    today = timezone.localdate()
    start = today - timedelta(days=20)
    dossier = submitted(me, at=datetime(start.year, start.month, start.day, 12, tzinfo=PARIS))
    text = client.get(url("tracking", dossier)).text
    assert "Le délai est expiré" in text


def test_the_15_day_rule_before_expiry(client, me):
    start = timezone.localdate() - timedelta(days=2)
    dossier = submitted(me, at=datetime(start.year, start.month, start.day, 12, tzinfo=PARIS))
    text = client.get(url("tracking", dossier)).text
    allowed = start + timedelta(days=16)
    assert f"Mise en service possible à partir du {allowed:%d/%m/%Y}" in text


def test_no_15_day_rule_without_an_electronic_meter(client, me):
    dossier = submitted(me, at=timezone.now(), meter="non")
    response = client.get(url("tracking", dossier))
    assert response.context["commissioning"] is None
    assert "Rappel" not in response.text


def test_tracking_history_in_french_hides_internal_events(client, me):
    dossier = DossierFactory(created_by=me)
    event_record(kind="created", dossier=dossier, actor=me, to_state=State.DRAFT)
    event_record(kind="attachment_added", dossier=dossier, actor=me, payload={"kind": "mandate"})
    event_record(
        kind="convention_accepted", dossier=dossier, actor=me, payload={"party": "producer"}
    )
    event_record(
        kind="transition:submit",
        dossier=dossier,
        actor=me,
        from_state="draft",
        to_state="submitted",
    )
    event_record(kind="assignment_internal", dossier=dossier, actor=None)
    text = client.get(url("tracking", dossier)).text
    short = dossier.operator.short_name
    assert "Demande créée" in text
    assert "Pièce jointe ajoutée : Mandat du tiers habilité" in text
    assert "Convention acceptée par le producteur" in text
    assert f"Demande transmise à {short}" in text
    assert "assignment_internal" not in text


# --- Actions -------------------------------------------------------------------------------------


def test_actions_tab_lists_actions_and_says_what_to_do(client, me):
    dossier = DossierFactory(created_by=me, state=State.WAITING_REQUESTER)
    action(dossier, label="Répondre au message: Autre")
    done = action(dossier, label="Fournir le mandat", state="done")
    type(done).objects.filter(pk=done.pk).update(done_at=timezone.now())
    response = client.get(url("actions", dossier))
    text = response.text
    assert "Mes actions" in text
    for header in ("Action", "Avant le", "Réalisé le", "État"):
        assert f'<th scope="col">{header}</th>' in text
    assert "Vous avez 2 action(s) enregistrée(s)" in text
    assert "À faire avant le" in text and "Écrire un message" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text  # Réalisé le
    assert response.context["tab_counts"]["actions"] == 1


# --- Messages ------------------------------------------------------------------------------------


def test_opening_messages_marks_them_read_and_the_counters_drop(client, me):
    dossier = DossierFactory(created_by=me, state=State.IN_CHARGE)
    message(dossier)
    message(dossier)
    outgoing = message(dossier, direction=Message.Direction.TO_OPERATOR)
    list_page = client.get(reverse("portal:list"))
    assert list_page.context["rows"][0].unread_messages == 2

    response = client.get(url("messages", dossier))

    assert response.text.count(">Nouveau<") == 2
    assert response.context["tab_counts"]["messages"] == 0
    assert not Message.objects.filter(direction="to_requester", read_at__isnull=True).exists()
    outgoing.refresh_from_db()
    assert outgoing.read_at is None  # only the operator's reading marks it
    assert client.get(reverse("portal:list")).context["rows"][0].unread_messages == 0
    assert ">Nouveau<" not in client.get(url("messages", dossier)).text


def test_posting_a_message_creates_it_and_records_an_event(client, me):
    dossier = DossierFactory(created_by=me, state=State.IN_CHARGE)
    response = client.post(
        url("messages", dossier), {"subject": "Onduleur", "body": "Le modèle est un Symo 6.0."}
    )
    assert response.status_code == 302
    sent = Message.objects.get()
    assert (sent.direction, sent.author, sent.subject) == ("to_operator", me, "Onduleur")
    assert Event.objects.filter(dossier=dossier, kind="message_sent").exists()
    page = client.get(url("messages", dossier)).text
    assert "Votre message a été envoyé." in page and "Le modèle est un Symo 6.0." in page
    assert "pas encore lu" in page


def test_bad_message_input_keeps_what_was_typed_with_french_errors_at_the_fields(client, me):
    dossier = DossierFactory(created_by=me, state=State.IN_CHARGE)
    body = "Mon long message " * 400  # 6,800 characters
    response = client.post(url("messages", dossier), {"subject": "", "body": body})
    assert response.status_code == 200
    text = unescape(response.text)
    assert "Indiquez l'objet de votre message." in text
    assert "Le message compte" in text and "5000 au plus" in text
    assert body.strip()[:200] in text
    assert 'aria-invalid="true"' in text
    assert 'aria-describedby="id_subject_error' in text
    assert not Message.objects.exists()


def test_a_draft_cannot_write_to_the_operator_yet(client, me):
    dossier = DossierFactory(created_by=me)
    response = client.post(url("messages", dossier), {"subject": "A", "body": "B"})
    assert "une fois votre demande transmise" in unescape(response.text)
    assert not Message.objects.exists()


def test_message_services_validate_in_french(me):
    dossier = DossierFactory(created_by=me, state=State.IN_CHARGE)
    with pytest.raises(MessageError) as error:
        message_post(
            dossier=dossier, author=me, direction="to_operator", subject="x" * 121, body="b"
        )
    assert error.value.field == "subject"
    with pytest.raises(MessageError) as error:
        message_post(dossier=dossier, author=me, direction="to_operator", subject="s", body="  ")
    assert error.value.field == "body" and error.value.message == "Écrivez votre message."
    with pytest.raises(MessageError):
        message_post(dossier=dossier, author=me, direction="sideways", subject="s", body="b")
    sent = message_post(
        dossier=dossier, author=me, direction="to_requester", subject=" S ", body="B\r\n"
    )
    assert (sent.subject, sent.body) == ("S", "B")
    assert messages_mark_read(dossier=dossier, direction="to_requester") == 1
    assert messages_mark_read(dossier=dossier, direction="to_requester") == 0


# --- Documents -----------------------------------------------------------------------------------


def test_documents_tab_hides_versions_not_visible_to_the_requester(client, me, media):
    dossier = DossierFactory(created_by=me, state=State.ACCEPTED)
    shown = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="CACSI Acceptée Enedis",
        filename=f"CACSI Acceptee Enedis-{dossier.number}.pdf",
        pdf=PDF,
        created_by=None,
        comment="Bonne mise en service",
    )
    hidden = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="Brouillon interne",
        filename="interne.pdf",
        pdf=PDF,
        created_by=None,
        visible_to_requester=False,
    )
    response = client.get(url("documents", dossier))
    text = response.text
    for header in ("Type de document", "Fichier", "Date de dépôt", "Commentaire"):
        assert f'<th scope="col">{header}</th>' in text
    assert "CACSI Acceptée Enedis" in text and shown.filename in text
    assert "Bonne mise en service" in text
    assert "Brouillon interne" not in text and "interne.pdf" not in text
    assert url("document", dossier, shown.pk) in text

    download = client.get(url("document", dossier, shown.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert client.get(url("document", dossier, hidden.pk)).status_code == 404


def test_a_tampered_document_is_not_served(client, me, media):
    dossier = DossierFactory(created_by=me)
    version = document_store(
        dossier=dossier,
        kind=DocumentKind.CACSI_ACCEPTED,
        title="T",
        filename="t.pdf",
        pdf=PDF,
        created_by=None,
    )
    (media / version.file.name).write_bytes(PDF + b"tampered")
    response = client.get(url("document", dossier, version.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("documents", dossier)
    assert "momentanément indisponible" in response.text


def test_documents_tab_lists_my_attachments_with_links(client, me, media):
    from raccord.dossiers.services import attachment_add

    dossier = DossierFactory(created_by=me)
    kept = attachment_add(dossier=dossier, user=me, kind="mandate", name="mandat.pdf", content=PDF)
    removed = attachment_add(
        dossier=dossier, user=me, kind="other", name="vieux.pdf", content=PDF + b" "
    )
    type(removed).objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    text = client.get(url("documents", dossier)).text
    assert "Mandat du tiers habilité" in text and url("attachment", dossier, kept.pk) in text
    assert "vieux.pdf" not in text


# --- Contact -------------------------------------------------------------------------------------


def test_contact_shows_the_desk_and_the_areprod_sentence(client, me):
    desk = DeskFactory(
        name="AREPROD Bretagne", phone="02 99 00 00 00", email="areprod@example.test"
    )
    dossier = DossierFactory(created_by=me, desk=desk, operator=desk.operator)
    text = client.get(url("contact", dossier)).text
    assert "AREPROD Bretagne" in text and "02 99 00 00 00" in text
    assert "mailto:areprod@example.test" in text and "1 rue du Guichet" in text
    assert desk.operator.name in text
    assert "veuillez vous rapprocher de votre guichet régional (AREPROD)" in text


def test_contact_without_a_desk(client, me):
    dossier = DossierFactory(created_by=me)
    assert "pas encore désigné" in client.get(url("contact", dossier)).text


# --- The 15-day rule: one reading (raccord.rules.clocks.cacsi_commissioning) ----------------------


def _in_state(me, *, days_ago: int, state: State, **fields):  # type: ignore[no-untyped-def]
    dossier = submitted(me, at=_days_ago(days_ago))
    type(dossier).objects.filter(pk=dossier.pk).update(state=state, **fields)
    dossier.refresh_from_db()
    return dossier


def _days_ago(days: int) -> datetime:
    start = timezone.localdate() - timedelta(days=days)
    return datetime(start.year, start.month, start.day, 12, tzinfo=PARIS)


def test_the_15_day_rule_still_runs_after_prise_en_charge_and_complete(client, me):
    for state in (State.IN_CHARGE, State.COMPLETE):
        dossier = _in_state(me, days_ago=2, state=state)
        text = client.get(url("tracking", dossier)).text
        allowed = timezone.localdate() - timedelta(days=2) + timedelta(days=16)
        assert f"Mise en service possible à partir du {allowed:%d/%m/%Y}" in text


def test_the_15_day_rule_is_suspended_while_items_are_requested(client, me):
    dossier = _in_state(
        me, days_ago=20, state=State.WAITING_REQUESTER, paused_since=timezone.localdate()
    )
    response = client.get(url("tracking", dossier))
    rule = response.context["commissioning"]
    assert rule is not None and rule.suspended and not rule.allowed_now
    assert "Délai suspendu" in response.text
    assert "Mise en service possible" not in response.text
    assert "Le délai est expiré" not in response.text


def test_the_15_day_rule_is_not_announced_once_answered(client, me):
    for state in (State.ACCEPTED, State.REFUSED, State.COMMISSIONED):
        dossier = _in_state(me, days_ago=2, state=state)
        response = client.get(url("tracking", dossier))
        assert response.context["commissioning"] is None
        assert "Mise en service possible" not in response.text


def test_the_15_day_rule_counts_out_the_days_spent_waiting_for_the_requester(client, me):
    today = timezone.localdate()
    start = today - timedelta(days=10)
    pause = [(start + timedelta(days=2)).isoformat(), (start + timedelta(days=5)).isoformat()]
    dossier = _in_state(me, days_ago=10, state=State.IN_CHARGE, pauses=[pause])
    response = client.get(url("tracking", dossier))
    allowed = start + timedelta(days=16 + 4)
    assert f"Mise en service possible à partir du {allowed:%d/%m/%Y}" in response.text
    assert "prolongés de 4 jours de suspension" in response.text
    from raccord.dossiers.decisions import operator_deadline

    assert response.context["commissioning"].deadline.due == operator_deadline(dossier)
