"""GET/POST /api/v1/dossiers and GET /api/v1/dossiers/{number}."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from raccord.dossiers.models import Acceptance, Dossier, State
from raccord.tracking.models import Action, Event, Message
from tests.factories import DossierFactory, UserFactory, cacsi_complete_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/dossiers"


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["number"] for item in response.json()["items"]]


# --- List -----------------------------------------------------------------------------------


def test_given_dossiers_when_listing_then_only_mine_newest_first_with_counters(me, enedis):
    old = DossierFactory(created_by=me.user, state=State.SUBMITTED)
    new = DossierFactory(created_by=me.user)
    DossierFactory()  # someone else's
    Message.objects.create(
        dossier=old, direction="to_requester", author=me.user, subject="Objet", body="Texte"
    )
    Action.objects.create(dossier=old, label="Répondre", due_date=timezone.localdate())
    response = me.api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and numbers(response) == [new.number, old.number]
    row = body["items"][1]
    assert row["state"] == "submitted" and row["state_label"] == "Transmise"
    assert row["requester_status"] == "En cours"
    assert row["unread_messages"] == 1 and row["open_actions"] == 1
    assert row["postal_code"] == "56000" and row["commune"] == "Vannes"
    assert row["url"] == f"http://testserver/api/v1/dossiers/{old.number}"


def test_given_an_installer_when_listing_then_the_organisations_dossiers_too(installer):
    colleague = UserFactory(role="installer", organisation=installer.org)
    shared = DossierFactory(created_by=colleague, organisation=installer.org)
    DossierFactory(created_by=colleague)  # filed without the organisation
    assert numbers(installer.api.get(LIST)) == [shared.number]


def test_given_a_state_filter_when_listing_then_only_those_states(me):
    draft = DossierFactory(created_by=me.user)
    sent = DossierFactory(created_by=me.user, state=State.SUBMITTED)
    waiting = DossierFactory(created_by=me.user, state=State.WAITING_REQUESTER)
    assert numbers(me.api.get(LIST, {"state": "draft"})) == [draft.number]
    assert set(numbers(me.api.get(LIST, {"state": ["submitted", "waiting_requester"]}))) == {
        sent.number,
        waiting.number,
    }
    assert set(numbers(me.api.get(LIST, {"state": "submitted,draft"}))) == {
        sent.number,
        draft.number,
    }
    refused = me.api.get(LIST, {"state": "envoyee"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["state"][0].startswith("État inconnu : « envoyee ».")


def test_given_a_search_when_listing_then_as_the_portals_search(me):
    mine = DossierFactory(created_by=me.user, requester_name="Jeanne MARTIN")
    DossierFactory(created_by=me.user, requester_name="Paul DURAND")
    assert numbers(me.api.get(LIST, {"q": "martin"})) == [mine.number]
    assert numbers(me.api.get(LIST, {"q": mine.number_display})) == [mine.number]


def test_given_many_dossiers_when_paginating_then_pages_and_links(me):
    made = [DossierFactory(created_by=me.user) for _ in range(5)]
    first = me.api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5 and first["pages"] == 3 and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/dossiers?page_size=2&page=2"
    last = me.api.get(LIST, {"page_size": 2, "page": 3}).json()
    assert [i["number"] for i in last["items"]] == [made[0].number] and last["next"] is None
    assert me.api.get(LIST, {"page": 9}).json()["items"] == []
    assert me.api.get(LIST, {"page_size": 500}).status_code == 422


def test_given_more_dossiers_when_listing_then_the_query_count_does_not_grow(me):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert me.api.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    def dossier_with_activity() -> None:
        dossier = DossierFactory(created_by=me.user, state=State.SUBMITTED)
        Message.objects.create(
            dossier=dossier, direction="to_requester", author=me.user, subject="S", body="B"
        )
        Action.objects.create(dossier=dossier, label="A", due_date=timezone.localdate())

    me.api.get(LIST)  # records the token's last use (once a minute)
    dossier_with_activity()
    one = count()
    for _ in range(9):
        dossier_with_activity()
    assert count() == one
    assert one <= 4  # token, count, page ids, rows with counters


# --- Detail ---------------------------------------------------------------------------------


def test_given_a_draft_when_reading_it_then_sections_remaining_and_the_portal_step(me, dossier):
    body = me.api.get(f"{LIST}/{dossier.number}").json()
    assert body["state"] == "draft" and body["state_label"] == "Sauvegardée"
    assert body["kind_label"] == "Autoconsommation sans injection (CACSI)"
    assert [s["slug"] for s in body["sections"]][:2] == ["chantier", "demandeur"]
    assert "La section « Chantier » est incomplète." in body["remaining"]
    assert body["portal_url"] == f"http://testserver/demandes/{dossier.number}/"
    assert body["portal_step"]["url"] == f"http://testserver/demandes/{dossier.number}/convention/"
    assert "Bon pour accord" in body["portal_step"]["label"]
    assert body["contact"]["desk"]["name"] == "AREPROD Bretagne"
    assert body["contact"]["operator"]["short_name"] == "Enedis"


def test_given_an_accepted_convention_then_the_step_is_the_submission(me, dossier):
    Acceptance.objects.create(
        dossier=dossier, party="producer", accepted_at=timezone.now(), user=me.user
    )
    body = me.api.get(f"{LIST}/{dossier.number}").json()
    assert body["portal_step"]["url"].endswith(f"/demandes/{dossier.number}/transmettre/")


def test_given_a_transmitted_cacsi_when_reading_it_then_milestones_deadlines_and_actions(
    me, enedis
):
    submitted = timezone.now() - timedelta(days=3)
    dossier = DossierFactory(
        created_by=me.user,
        desk=enedis.desk,
        state=State.WAITING_REQUESTER,
        submitted_at=submitted,
        taken_at=submitted + timedelta(days=1),
        data=cacsi_complete_data(),
    )
    due = timezone.localdate() + timedelta(days=10)
    Action.objects.create(dossier=dossier, label="Joindre le certificat", due_date=due)
    Action.objects.create(dossier=dossier, label="Fait", due_date=due, state=Action.State.DONE)
    body = me.api.get(f"{LIST}/{dossier.number}").json()
    assert body["state_label"] == "En attente de compléments"
    assert body["requester_status"] == "En attente de votre réponse"
    labels = [m["label"] for m in body["milestones"]]
    assert labels[:2] == ["Réception de la demande", "Prise en charge Enedis"]
    assert body["milestones"][1]["current"] is True and body["milestones"][0]["done_at"]
    (deadline,) = body["deadlines"]
    assert deadline["kind"] == "cacsi_commissioning"
    start = timezone.localdate(submitted)
    assert re.fullmatch(
        rf"Le \d\d/\d\d/\d{{4}} : 15 jours calendaires à compter de .+ du {start:%d/%m/%Y}\.",
        deadline["explanation"],
    )
    assert deadline["due_on"] == (start + timedelta(days=15)).isoformat()
    assert deadline["allowed_from"] == (start + timedelta(days=16)).isoformat()
    assert deadline["allowed_now"] is False
    assert body["open_actions"] == [
        {
            "id": body["open_actions"][0]["id"],
            "label": "Joindre le certificat",
            "detail": "",
            "due_date": due.isoformat(),
            "overdue": False,
        }
    ]
    assert body["portal_step"]["url"].endswith(f"/demandes/{dossier.number}/actions/")
    assert body["remaining"] == []


# --- Create ---------------------------------------------------------------------------------


ORIENTATION = {
    "commune": "56000",
    "service_type": "nouveau_raccordement",
    "usage": "production_seule",
    "power": "jusqu_a_36_kva",
    "declaration": "autoconsommation",
}


def post(client, **overrides):  # type: ignore[no-untyped-def]
    data = {**ORIENTATION, **overrides}
    return client.post(LIST, data, content_type="application/json")


def test_given_cacsi_orientation_when_creating_then_a_numbered_prefilled_draft(me):
    response = post(me.api)
    assert response.status_code == 201
    body = response.json()
    dossier = Dossier.objects.get(number=body["number"])
    now = timezone.localtime()
    assert re.fullmatch(rf"{now:%y%m}P4E\d{{6}}", dossier.number)
    assert dossier.kind == "cacsi" and dossier.state == State.DRAFT
    assert dossier.created_by == me.user and dossier.commune.postal_code == "56000"
    assert dossier.orientation == {
        "service_type": "nouveau_raccordement",
        "usage": "production_seule",
        "power": "jusqu_a_36_kva",
    }
    assert dossier.section("demandeur")["email"] == me.user.email  # as the portal pre-fills
    assert Event.objects.filter(dossier=dossier, kind="created", actor=me.user).exists()
    assert body["state_label"] == "Sauvegardée" and body["portal_step"] is not None


def test_given_36_250_kva_when_creating_then_a_bt_request(installer):
    response = post(installer.api, power="de_36_a_250_kva", declaration=None)
    assert response.status_code == 201
    dossier = Dossier.objects.get(number=response.json()["number"])
    assert dossier.kind == "bt_36_250" and dossier.organisation == installer.org
    assert dossier.section("demandeur")["has_third_party"] == "oui"


def test_given_a_commune_id_when_creating_then_it_is_used(me):
    from raccord.places.models import Commune

    vannes = Commune.objects.get(postal_code="56000")
    response = post(me.api, commune="", commune_id=vannes.pk)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"usage": "consommation_seule"}, "consommation seule"),
        ({"power": "plus_de_250_kva"}, "plus de 250 kVA"),
    ],
)
def test_given_a_request_not_handled_online_then_422_with_the_reason(me, overrides, fragment):
    response = post(me.api, **overrides)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
    assert response.json()["errors"]["__all__"] == [response.json()["detail"]]
    assert not Dossier.objects.exists()


def test_given_injection_up_to_36_kva_then_422_not_online(me):
    response = post(me.api, declaration="injection")
    assert response.status_code == 422
    assert "n'est pas encore proposé en ligne" in response.json()["errors"]["declaration"][0]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"commune": "99999"}, "commune", "Aucune commune ne correspond au code postal 99999."),
        ({"commune": ""}, "commune", "Indiquez la commune (code postal ou nom)."),
        ({"power": "10_kva"}, "power", "Sélectionnez un choix valide"),
        ({"declaration": None}, "declaration", "Ce champ est obligatoire."),
    ],
)
def test_given_bad_orientation_answers_then_422_per_field(me, overrides, field, message):
    response = post(me.api, **overrides)
    assert response.status_code == 422
    assert message in response.json()["errors"][field][0]
    assert not Dossier.objects.exists()


def test_given_a_missing_json_field_then_422_in_french(me):
    response = me.api.post(LIST, {"commune": "56000"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["service_type"] == ["Ce champ est obligatoire."]


def test_given_a_bt_offer_sent_when_reading_then_its_acceptance_deadline_and_portal_step(me):
    from raccord.documents.models import DocumentKind
    from raccord.documents.services import document_store
    from raccord.offers.models import Offer
    from tests.api.conftest import PDF

    dossier = DossierFactory(created_by=me.user, kind="bt_36_250", state=State.OFFER_SENT)
    version = document_store(
        dossier=dossier,
        kind=DocumentKind.CRD,
        title="CRD",
        filename="CRD.pdf",
        pdf=PDF,
        created_by=None,
    )
    today = timezone.localdate()
    Offer.objects.create(
        dossier=dossier,
        document_kind=Offer.DocumentKind.CRD,
        document=version,
        sent_on=today,
        valid_until=today + timedelta(days=90),
        validity_explanation=f"Le {today + timedelta(days=90):%d/%m/%Y} : 3 mois à compter de "
        f"l'envoi de l'offre du {today:%d/%m/%Y}.",
    )
    body = me.api.get(f"{LIST}/{dossier.number}").json()
    (deadline,) = body["deadlines"]
    assert deadline["kind"] == "offer_acceptance"
    assert deadline["due_on"] == (today + timedelta(days=90)).isoformat()
    assert deadline["explanation"].startswith(f"Le {today + timedelta(days=90):%d/%m/%Y} : 3 mois")
    assert "Convention de Raccordement Directe" in deadline["label"]
    assert body["portal_step"]["url"].endswith(f"/demandes/{dossier.number}/offre/")
    assert body["milestones"][3]["label"] == "Acceptation de l'offre"
