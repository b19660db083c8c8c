"""Decisions depend on the dossier's kind; guards live in the declared workflow; the history
speaks French (review checks included); the operator's due date follows the 15-day rule."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib import messages as django_messages
from django.urls import reverse
from django.utils import timezone

from raccord.backoffice.views import EVENT_TEXTS, event_label
from raccord.dossiers import decisions
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.review import review_apply
from raccord.dossiers.services import DossierError
from raccord.dossiers.workflow import (
    CONNECTION_AVAILABLE_FIRST,
    TRANSITIONS,
    Actor,
    transitions_available,
)
from raccord.offers.models import WorksMilestone
from raccord.tracking.models import Event
from tests.backoffice.conftest import move
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, instructor):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    return client


def bt_dossier(requester, desk, operator, state: State = State.COMPLETE) -> Dossier:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return DossierFactory(
        kind=Kind.BT_36_250,
        complete=True,
        created_by=requester,
        desk=desk,
        operator=operator,
        number="2611P4E000777",
        state=state,
        submitted_at=now,
        taken_at=now,
        completed_at=now,
        accepted_at=now if state == State.ACCEPTED else None,
        requester_name="SOLEIL D'ARMOR",
    )


def page(client, dossier) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("backoffice:dossier", args=[dossier.number])).content.decode()


def flash(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in django_messages.get_messages(response.wsgi_request)]


# --- 1. Decisions by kind -----------------------------------------------------------------------


def test_a_bt_dossier_at_complete_is_not_offered_the_convention_and_points_to_the_offer(
    logged, requester, desk, operator
):
    bt = bt_dossier(requester, desk, operator)
    html = page(logged, bt)
    assert "Accepter la convention" not in html
    assert reverse("backoffice:decide", args=[bt.number, "accept"]) not in html
    offer_url = reverse("offers_staff:prepare", args=[bt.number])
    decisions_block = html[html.index('id="decisions"') : html.index('id="demande"')]
    assert offer_url in decisions_block
    assert "page de l'offre de raccordement" in decisions_block


def test_a_cacsi_at_complete_is_offered_the_convention_and_no_offer_page(logged, dossier):
    move(dossier, State.COMPLETE)
    html = page(logged, dossier)
    assert "Accepter la convention" in html
    assert "page de l'offre de raccordement" not in html


def test_transitions_available_depend_on_the_kind():
    bt = {
        t.name
        for t in transitions_available(state=State.COMPLETE, actor=Actor.STAFF, kind="bt_36_250")
    }
    cacsi = {
        t.name for t in transitions_available(state=State.COMPLETE, actor=Actor.STAFF, kind="cacsi")
    }
    assert "accept" in cacsi and "send_offer" not in cacsi
    assert "accept" not in bt and "send_offer" in bt


def test_accepting_the_convention_of_a_bt_dossier_is_refused_by_the_workflow(
    instructor, requester, desk, operator
):
    bt = bt_dossier(requester, desk, operator)
    with pytest.raises(DossierError) as refused:
        decisions.dossier_accept(dossier=bt, user=instructor, version=bt.version, ip_address=None)
    assert "ne concerne pas les demandes de type" in refused.value.message


# --- 2. The commissioning guard, one place ------------------------------------------------------


def test_commissioning_a_bt_dossier_needs_the_connection_milestone_on_both_paths(
    logged, instructor, requester, desk, operator
):
    bt = bt_dossier(requester, desk, operator, state=State.ACCEPTED)
    # The decisions block.
    response = logged.post(
        reverse("backoffice:decide", args=[bt.number, "commission"]),
        {"commission-version": bt.version, "commission-on": timezone.localdate().isoformat()},
    )
    assert flash(response) == [CONNECTION_AVAILABLE_FIRST]
    bt.refresh_from_db()
    assert bt.state == State.ACCEPTED
    logged.get(response.url)  # shows (and consumes) the message
    # The offer page.
    response = logged.post(
        reverse("offers_staff:commission", args=[bt.number]), {"version": bt.version}
    )
    assert flash(response) == [CONNECTION_AVAILABLE_FIRST]
    bt.refresh_from_db()
    assert bt.state == State.ACCEPTED
    # The service itself (any other path).
    with pytest.raises(DossierError) as refused:
        decisions.dossier_commission(dossier=bt, user=instructor, version=bt.version)
    assert refused.value.message == CONNECTION_AVAILABLE_FIRST
    # With the milestone, the decisions block commissions.
    WorksMilestone.objects.create(
        dossier=bt,
        kind=WorksMilestone.Kind.CONNECTION_AVAILABLE,
        on=timezone.localdate(),
        recorded_by=instructor,
    )
    response = logged.post(
        reverse("backoffice:decide", args=[bt.number, "commission"]),
        {"commission-version": bt.version, "commission-on": timezone.localdate().isoformat()},
    )
    bt.refresh_from_db()
    assert bt.state == State.COMMISSIONED


def test_commissioning_a_cacsi_has_no_milestone_guard(instructor, dossier):
    move(dossier, State.ACCEPTED, accepted_at=timezone.now())
    decisions.dossier_commission(dossier=dossier, user=instructor, version=dossier.version)
    dossier.refresh_from_db()
    assert dossier.state == State.COMMISSIONED


def test_the_guard_is_declared_in_the_workflow_table():
    commission = next(t for t in TRANSITIONS if t.name == "commission")
    assert [g.message for g in commission.guards] == [CONNECTION_AVAILABLE_FIRST]


# --- 4. History in French -----------------------------------------------------------------------

RAISED_KINDS = re.compile(r'event_record\(\s*kind=(?:"([^"]+)" if [^\n]+ else "([^"]+)"|"([^"]+)")')
NO_DOSSIER = {"api_token_created", "api_token_revoked"}


def test_every_event_kind_recorded_by_the_code_has_a_french_label():
    root = Path(__file__).resolve().parents[2] / "raccord"
    kinds: set[str] = set()
    for path in root.rglob("*.py"):
        for match in RAISED_KINDS.finditer(path.read_text(encoding="utf-8")):
            kinds.update(k for k in match.groups() if k)
    assert {"review_passed", "review_failed", "created", "offer:sent"} <= kinds
    missing = sorted(k for k in kinds - NO_DOSSIER if k not in EVENT_TEXTS)
    assert missing == []
    for transition in TRANSITIONS:
        assert event_label(f"transition:{transition.name}") == transition.label
    assert event_label("something_new") == "Événement"


def test_history_shows_review_checks_in_french_and_which_failed(logged, dossier):
    data = dossier.data
    data["chantier"]["pdl"] = "123"
    Dossier.objects.filter(pk=dossier.pk).update(data=data)
    Event.objects.filter(dossier=dossier, kind__startswith="review_").delete()
    review_apply(dossier_id=dossier.pk)
    html = page(logged, dossier)
    history = html[html.index('id="historique"') :]
    assert "review_failed" not in history and "review_passed" not in history
    assert "Contrôles automatiques en échec" in history
    assert "Numéro de PDL : ÉCHEC" in history
    assert "Classement CACSI : réussi" in history
    assert "Contrôles en échec : Numéro de PDL." in history


# --- 5. The operator's due date is the 15-day rule's --------------------------------------------


def test_back_office_deadline_is_the_rule_deadline_and_counts_waiting_periods(logged, dossier):
    today = timezone.localdate()
    start = today - timedelta(days=5)
    move(
        dossier,
        State.IN_CHARGE,
        submitted_at=timezone.now() - timedelta(days=5),
        pauses=[[(start + timedelta(days=1)).isoformat(), (start + timedelta(days=2)).isoformat()]],
    )
    rule = decisions.cacsi_rule(dossier)
    assert rule is not None and rule.deadline.due == start + timedelta(days=17)
    assert decisions.operator_deadline(dossier) == rule.deadline.due
    html = page(logged, dossier)
    assert f"{rule.deadline.due:%d/%m/%Y}" in html
