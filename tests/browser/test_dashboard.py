"""The desk dashboard in Chromium (axe on the figures and on a refused period), the inbox's
export links, and the size warning of the message files shown before upload."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(p4e_staff):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from raccord.dossiers.models import State
    from tests.factories import DossierFactory, UserFactory

    desk, operator = p4e_staff.desk, p4e_staff.operator
    requester = UserFactory(email="martin.dupont@example.test")
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for i in range(12):
        submitted = now - timedelta(days=5 + i * 6)
        fields = {
            "state": State.IN_CHARGE,
            "submitted_at": submitted,
            "taken_at": submitted + timedelta(days=1 + i % 4),
            "due_on": today + timedelta(days=(-3 if i % 5 == 0 else 20)),
            "requester_name": f"Demandeur {i}",
        }
        if i % 3 == 0:
            fields.update(
                state=State.ACCEPTED,
                completed_at=submitted + timedelta(days=6),
                accepted_at=submitted + timedelta(days=8 + i % 3),
                due_on=None,
            )
        made.append(
            DossierFactory(
                created_by=requester,
                desk=desk,
                operator=operator,
                number=f"2611P4E{100 + i:06d}",
                **fields,
            )
        )
    return made


def test_dashboard_is_accessible_and_linked_from_the_inbox(page, live_server, setting):  # type: ignore[no-untyped-def]
    login(page, "lea.martin@enedis.test", totp=True)
    page.goto("/gestion/")
    page.get_by_role("heading", name=re.compile("Dossiers à instruire")).wait_for()
    csv_link = page.get_by_role("link", name=re.compile("^CSV"))
    assert csv_link.get_attribute("href") == "/gestion/exporter/csv/"
    page.goto("/gestion/?etat=in_charge")
    assert (
        page.get_by_role("link", name=re.compile("^Excel")).get_attribute("href")
        == "/gestion/exporter/xlsx/?etat=in_charge"
    )

    page.get_by_role("link", name="Tableau de bord du guichet").click()
    page.get_by_role("heading", name="Tableau de bord", exact=False).first.wait_for()
    page.get_by_role("img", name=re.compile("Arrivées et décisions par semaine")).wait_for()
    page.get_by_text("Données du graphique sous forme de tableau").click()
    page.get_by_role("table", name="Arrivées et décisions par semaine").wait_for()
    assert_accessible(page, "bo-dash-01")

    # A period ending before it starts: the error is shown at the field.
    page.get_by_label("Du :", exact=True).fill("2026-03-10")
    page.get_by_label("Au (inclus) :", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_text("La fin de la période doit être après son début.").wait_for()
    assert page.get_by_label("Au (inclus) :", exact=True).get_attribute("aria-invalid") == "true"
    assert_accessible(page, "bo-dash-02-bad-period")


def test_message_files_too_big_are_flagged_before_upload(page, live_server, setting):  # type: ignore[no-untyped-def]
    login(page, "lea.martin@enedis.test", totp=True)
    dossier = setting[1]
    page.goto(f"/gestion/{dossier.number}/")
    files = page.get_by_label("Pièces jointes (facultatif) :", exact=True)
    files.set_input_files(
        [
            {"name": "petit.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"},
            {
                "name": "gros.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1),
            },
        ]
    )
    page.get_by_text("Un fichier dépasse 5 Mo").wait_for()
    assert files.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.querySelector('input[type=file]').files.length") == 0
    assert_accessible(page, "bo-dash-03-file-too-big")
