"""Review fixes of the requester portal: dates as jj/mm/aaaa, abandoning a draft with a
confirmation, the « Bon pour accord » box beside its label, both request paths on the home page,
the forgotten-password page's wording and contact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from raccord.core.templatetags.raccord_dates import date_fr
from raccord.dossiers.models import Kind, State
from raccord.operators.models import Desk
from raccord.tracking.models import Event
from tests.factories import DossierFactory, OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enedis():
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    desk.departments.add("56")
    return operator


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-23", "23/12/2026"),
        (date(2026, 1, 2), "02/01/2026"),
        ("2026-11-23T23:30:00+00:00", "24/11/2026"),  # an aware moment, in Paris time
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "24/11/2026"),
        ("2026-02-30", "2026-02-30"),  # not a date: unchanged
        ("12345678901234", "12345678901234"),
        ("Allée Diderot", "Allée Diderot"),
        ("", ""),
        (None, None),
    ],
)
def test_date_fr(value, shown):
    assert date_fr(value) == shown


def test_the_wished_commissioning_date_is_shown_dd_mm_yyyy(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, complete=True, state=State.SUBMITTED)
    wished = timezone.localdate() + timedelta(days=30)
    assert dossier.section("mise-en-service")["wished_date"] == wished.isoformat()
    client.force_login(user)
    page = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert f"{wished:%d/%m/%Y}" in page
    assert wished.isoformat() not in page
    # The locked section shows it the same way.
    section = reverse("portal:section", args=[dossier.number, "mise-en-service"])
    page = client.get(section).content.decode()
    assert f"{wished:%d/%m/%Y}" in page and wished.isoformat() not in page


def test_the_l342_6_request_date_is_shown_dd_mm_yyyy(client, enedis):
    user = UserFactory()
    dossier = DossierFactory(
        created_by=user,
        kind=Kind.BT_36_250,
        state=State.IN_CHARGE,
        data={"l342_6_requested_at": "2026-11-23T10:15:00+00:00"},
    )
    client.force_login(user)
    page = client.get(reverse("portal:detail", args=[dossier.number])).content.decode()
    assert "Vous avez demandé le 23/11/2026" in page
    assert "2026-11-23" not in page


# --- Abandoning a draft ------------------------------------------------------------------------


def test_a_draft_offers_to_abandon_it_and_a_submitted_dossier_does_not(client, enedis):
    user = UserFactory()
    draft = DossierFactory(created_by=user)
    submitted = DossierFactory(created_by=user, complete=True, state=State.SUBMITTED)
    client.force_login(user)
    url = reverse("portal:abandon", args=[draft.number])
    assert url in client.get(reverse("portal:detail", args=[draft.number])).content.decode()
    other = reverse("portal:abandon", args=[submitted.number])
    assert other not in client.get(reverse("portal:detail", args=[submitted.number])).text


def test_abandon_asks_for_confirmation_and_nothing_happens_without_it(client, enedis):
    user = UserFactory()
    draft = DossierFactory(created_by=user)
    client.force_login(user)
    url = reverse("portal:abandon", args=[draft.number])
    page = client.get(url).content.decode()
    assert "Ce qui va se passer" in page and "Abandonnée" in page
    assert 'type="checkbox" name="confirm"' in page and '<label for="id_confirm">' in page

    response = client.post(url, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "La demande n'a pas été abandonnée." in page
    assert "Cochez cette case pour confirmer l&#x27;abandon." in page
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert not Event.objects.filter(dossier=draft, kind="transition:abandon_draft").exists()


def test_abandon_with_confirmation_uses_the_workflow_transition(client, enedis):
    user = UserFactory()
    draft = DossierFactory(created_by=user)
    client.force_login(user)
    response = client.post(reverse("portal:abandon", args=[draft.number]), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:list")
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN and draft.closed_at is not None
    assert draft.requester_status == "Abandonnée"
    event = Event.objects.get(dossier=draft, kind="transition:abandon_draft")
    assert event.actor == user
    assert (event.from_state, event.to_state) == (State.DRAFT, State.WITHDRAWN)
    page = client.get(reverse("portal:detail", args=[draft.number])).content.decode()
    assert "Vous avez abandonné cette demande" in page
    assert reverse("portal:abandon", args=[draft.number]) not in page
    assert [
        d.number
        for d in client.get(reverse("portal:list"), {"statut": "abandonnee"}).context["rows"]
    ] == [draft.number]


def test_another_account_cannot_abandon_a_draft(client, enedis):
    owner = UserFactory()
    draft = DossierFactory(created_by=owner)
    url = reverse("portal:abandon", args=[draft.number])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(UserFactory(role="installer", organisation=OrganisationFactory()))
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.logout()
    assert client.post(url, {"confirm": "on"}).status_code == 302  # to the login page
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_an_installer_colleague_may_abandon_a_draft_of_the_organisation(client, enedis):
    org = OrganisationFactory()
    author = UserFactory(role="installer", organisation=org)
    draft = DossierFactory(created_by=author, organisation=org)
    client.force_login(UserFactory(role="installer", organisation=org))
    client.post(reverse("portal:abandon", args=[draft.number]), {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.IN_CHARGE, State.WAITING_REQUESTER, State.OFFER_SENT]
)
def test_a_submitted_dossier_cannot_be_abandoned_this_way(client, enedis, state):
    user = UserFactory()
    dossier = DossierFactory(created_by=user, complete=True, state=state)
    client.force_login(user)
    url = reverse("portal:abandon", args=[dossier.number])
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "Seule une demande sauvegardée" in response.content.decode()
    assert client.get(url).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == state
    assert not Event.objects.filter(dossier=dossier, kind="transition:abandon_draft").exists()


# --- « Bon pour accord » -------------------------------------------------------------------------


def test_bon_pour_accord_box_sits_beside_its_label(client, enedis):
    user = UserFactory()
    draft = DossierFactory(created_by=user, complete=True)
    client.force_login(user)
    page = client.get(reverse("portal:convention", args=[draft.number])).content.decode()
    row = page[page.index('<div class="check-row">') :]
    row = row[: row.index("</div>")]
    assert 'type="checkbox" name="bon_pour_accord"' in row
    assert 'id="id_bon_pour_accord"' in row and '<label for="id_bon_pour_accord">' in row
    assert row.index("checkbox") < row.index("<label")


# --- Home page -----------------------------------------------------------------------------------


def test_the_logged_in_home_page_presents_both_request_paths(client, enedis):
    client.force_login(UserFactory())
    page = client.get(reverse("core:home")).content.decode()
    assert "CACSI" in page and "36 kVA" in page
    assert "De 36 à 250 kVA" in page and "offre de raccordement" in page
    assert reverse("portal:new") in page and reverse("portal:list") in page


# --- Forgotten password --------------------------------------------------------------------------


def test_password_reset_says_adresse_e_mail_and_gives_the_desks_contact(client, enedis):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Courriel" not in page and "Merci de nous contacter" not in page
    assert '<label for="id_email">Adresse e-mail</label>' in page
    assert "AREPROD Bretagne" in page
    assert 'href="mailto:areprod@example.test"' in page and 'href="tel:0298000000"' in page


def test_password_reset_errors_stay_at_the_field(client, enedis):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@example.test"})
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'id="id_email_error"' in page
    assert 'value="inconnu@example.test"' in page


def test_password_reset_done_gives_the_desks_contact(client, enedis):
    page = client.get(reverse("account_reset_password_done")).content.decode()
    assert "contactez-nous" not in page.lower()
    assert "areprod@example.test" in page
