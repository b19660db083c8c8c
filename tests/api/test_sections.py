"""GET/PUT /api/v1/dossiers/{number}/sections/{section}: the portal's validation and locks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from raccord.dossiers.models import Acceptance, Dossier, State
from raccord.dossiers.services import ACCEPTED_MESSAGE, LOCKED_MESSAGE
from raccord.tracking.models import Event
from tests.factories import DossierFactory, cacsi_complete_data

pytestmark = pytest.mark.django_db


def url(dossier: Dossier, slug: str) -> str:
    return f"/api/v1/dossiers/{dossier.number}/sections/{slug}"


def put(client, dossier: Dossier, slug: str, values: dict):  # type: ignore[no-untyped-def]
    return client.put(url(dossier, slug), {"values": values}, content_type="application/json")


def test_given_a_section_when_reading_it_then_values_errors_and_field_descriptions(me, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        data={"chantier": {"street_name": "Allée Diderot", "pdl": "123"}}
    )
    body = me.api.get(url(dossier, "chantier")).json()
    assert body["title"] == "Chantier" and body["editable"] is True and body["complete"] is False
    assert body["values"] == {"street_name": "Allée Diderot", "pdl": "123"}
    # As the portal: errors only for what has a value.
    assert body["errors"] == {"pdl": ["Le numéro de PDL compte exactement 14 chiffres."]}
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["site_type"]["type"] == "choice" and fields["site_type"]["required"] is True
    assert {"value": "individuel", "label": "Sur un site individuel (maison individuelle)"} in (
        fields["site_type"]["choices"]
    )
    assert fields["street_number"]["required"] is False
    assert fields["street_name"]["max_length"] == 150


def test_given_conditional_fields_then_their_condition_is_described(me, dossier):
    body = me.api.get(url(dossier, "technique")).json()
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["phase1_kva"]["condition"] == {"field": "phases", "values": ["triphase"]}
    assert fields["phase1_kva"]["applies"] is False and fields["phase1_kva"]["type"] == "decimal"
    assert fields["inverter_count"]["type"] == "integer"
    validation = {f["name"]: f for f in me.api.get(url(dossier, "validation")).json()["fields"]}
    assert validation["sworn_accuracy"]["type"] == "boolean"


def test_given_valid_values_when_saving_then_only_those_fields_change(me, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(data={"chantier": {"street_number": "17"}})
    response = put(
        me.api,
        dossier,
        "chantier",
        {"street_name": "Allée Diderot", "pdl": "12345678901234", "site_type": "individuel"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["values"]["street_number"] == "17"  # not sent: kept
    assert body["errors"] == {} and body["complete"] is False  # electronic_meter missing
    dossier.refresh_from_db()
    assert dossier.section("chantier")["pdl"] == "12345678901234"
    response = put(me.api, dossier, "chantier", {"electronic_meter": "oui"})
    assert response.json()["complete"] is True


def test_given_an_invalid_value_when_saving_then_422_and_nothing_saved_is_lost(me, dossier):
    put(me.api, dossier, "chantier", {"pdl": "12345678901234", "street_name": "Allée Diderot"})
    before = Dossier.objects.get(pk=dossier.pk)
    response = put(me.api, dossier, "chantier", {"pdl": "1234", "street_name": "Rue Neuve"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"pdl": ["Le numéro de PDL compte exactement 14 chiffres."]}
    assert "n'a pas été enregistrée" in response.json()["detail"]
    after = Dossier.objects.get(pk=dossier.pk)
    assert after.data == before.data and after.version == before.version
    assert after.section("chantier")["street_name"] == "Allée Diderot"


def test_given_a_cross_field_rule_when_saving_then_the_portals_message(me, dossier):
    response = put(
        me.api,
        dossier,
        "technique",
        {"max_power_kva": "20", "connection_power_kva": "18"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["connection_power_kva"] == [
        "La puissance de raccordement doit être au moins égale à celle de l'installation (20 kVA)."
    ]
    response = put(me.api, dossier, "technique", {"max_power_kva": "40"})
    assert response.json()["errors"]["max_power_kva"] == [
        "Une CACSI concerne une installation d'au plus 36 kVA."
    ]


def test_given_json_types_when_saving_then_they_are_read_as_the_portal_posts_them(me, dossier):
    response = put(me.api, dossier, "validation", {"sworn_device": True, "sworn_accuracy": True})
    assert response.status_code == 200 and response.json()["complete"] is True
    assert response.json()["values"] == {"sworn_device": "on", "sworn_accuracy": "on"}
    response = put(me.api, dossier, "validation", {"sworn_device": False})
    assert response.json()["complete"] is False
    response = put(me.api, dossier, "technique", {"inverter_count": 3, "max_power_kva": 18.5})
    assert response.status_code == 200
    assert response.json()["values"]["inverter_count"] == "3"
    response = put(me.api, dossier, "chantier", {"site_type": True})
    assert response.status_code == 422 and "site_type" in response.json()["errors"]
    response = put(me.api, dossier, "chantier", {"pdl": ["1"]})
    assert response.status_code == 422


def test_given_an_unknown_field_or_section_then_refused(me, dossier):
    response = put(me.api, dossier, "chantier", {"colour": "bleu"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"colour": ["Champ inconnu dans la section « Chantier »."]}
    response = put(me.api, dossier, "garage", {"a": "b"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Section inconnue : « garage ».")
    assert me.api.get(url(dossier, "garage")).status_code == 404


def test_given_a_transmitted_request_then_locked_sections_409_and_others_stay_editable(me, enedis):
    dossier = DossierFactory(created_by=me.user, state=State.SUBMITTED, data=cacsi_complete_data())
    section = me.api.get(url(dossier, "chantier")).json()
    assert section["editable"] is False and section["lock_reason"] == LOCKED_MESSAGE
    response = put(me.api, dossier, "chantier", {"street_name": "Ailleurs"})
    assert response.status_code == 409
    assert response.json() == {"detail": LOCKED_MESSAGE}
    assert Dossier.objects.get(pk=dossier.pk).section("chantier")["street_name"] == (
        "Allée Diderot"
    )
    # The requester's contact details stay editable, with the same audit event as the portal.
    response = put(me.api, dossier, "demandeur", {"phone": "07 00 00 00 00"})
    assert response.status_code == 200
    event = Event.objects.get(dossier=dossier, kind="edited_after_submission")
    assert event.actor == me.user and event.payload == {"section": "demandeur", "fields": ["phone"]}


def test_given_an_accepted_convention_then_every_section_is_locked(me, dossier):
    Acceptance.objects.create(
        dossier=dossier, party="producer", accepted_at=timezone.now(), user=me.user
    )
    response = put(me.api, dossier, "demandeur", {"phone": "07 00 00 00 00"})
    assert response.status_code == 409 and response.json()["detail"] == ACCEPTED_MESSAGE
