"""Exports of the inbox as filtered: CSV and XLSX hold exactly the rows of the filtered inbox."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from raccord.backoffice.selectors import EXPORT_HEADERS
from raccord.dossiers.models import State
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def rows(desk, operator, other_desk, requester, instructor):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    # 23:30 UTC on 31 January is 1 February 00:30 in Paris: the export shows Paris time.
    late_evening = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    made = [
        DossierFactory(
            created_by=requester,
            desk=desk,
            operator=operator,
            state=State.IN_CHARGE,
            submitted_at=late_evening,
            due_on=today - timedelta(days=1),
            requester_name="Alice Late",
            assigned_to=instructor,
        ),
        DossierFactory(
            created_by=requester,
            desk=desk,
            operator=operator,
            state=State.COMPLETE,
            submitted_at=timezone.now() - timedelta(days=3),
            due_on=today + timedelta(days=10),
            requester_name="Bruno Temps",
        ),
        DossierFactory(
            created_by=requester,
            desk=desk,
            operator=operator,
            state=State.WAITING_REQUESTER,
            submitted_at=timezone.now() - timedelta(days=8),
            requester_name="Chloé Pause",
        ),
    ]
    DossierFactory(  # another desk's dossier: never exported to this desk
        created_by=requester,
        desk=other_desk,
        operator=operator,
        state=State.IN_CHARGE,
        submitted_at=timezone.now(),
        requester_name="Autre Guichet",
    )
    return made


def inbox_numbers(client, params):  # type: ignore[no-untyped-def]
    response = client.get(reverse("backoffice:inbox"), params)
    assert response.status_code == 200
    return [d.number for d in response.context["rows"]]


def csv_rows(client, params):  # type: ignore[no-untyped-def]
    response = client.get(reverse("backoffice:export_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="dossiers-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(client, params):  # type: ignore[no-untyped-def]
    response = client.get(reverse("backoffice:export_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dossiers-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"en_retard": "1"},
        {"etat": "complete"},
        {"mes_dossiers": "1"},
        {"lieu": "56", "tri": "recentes"},
        {"lieu": "75"},
    ],
)
def test_csv_and_xlsx_equal_the_filtered_inbox(client, instructor, rows, params):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    expected = inbox_numbers(client, params)
    table = csv_rows(client, params)
    assert tuple(table[0]) == EXPORT_HEADERS
    assert [r[0] for r in table[1:]] == expected
    sheet = xlsx_rows(client, params)
    assert tuple(sheet[0]) == EXPORT_HEADERS
    assert [r[0] for r in sheet[1:]] == expected
    for text_row, cells in zip(table[1:], sheet[1:], strict=True):
        as_text = [
            f"{c:%d/%m/%Y %H:%M}"
            if i == 6 and c
            else f"{c:%d/%m/%Y}"
            if i == 7 and c
            else ("" if c is None else str(c))
            for i, c in enumerate(cells)
        ]
        assert as_text == text_row


def test_columns_and_paris_dates(client, instructor, rows):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    table = {r[0]: r for r in csv_rows(client, {})[1:]}
    late = table[rows[0].number]
    assert late[1] == "Autoconsommation sans injection (CACSI)"
    assert late[2] == "Prise en charge"
    assert late[3] == "Alice Late"
    assert (late[4], late[5]) == (rows[0].commune.name, "56000")
    assert late[6] == "01/02/2026 00:30"
    assert late[7] == f"{timezone.localdate() - timedelta(days=1):%d/%m/%Y}"
    assert late[8] == "oui"
    assert late[9] == instructor.display_name
    paused = table[rows[2].number]
    assert (paused[7], paused[8], paused[9]) == ("", "non", "")
    sheet = {r[0]: r for r in xlsx_rows(client, {})[1:]}
    assert sheet[rows[0].number][6] == datetime(2026, 2, 1, 0, 30)
    assert sheet[rows[0].number][8] == "oui"


def test_another_desk_exports_nothing_of_this_desk(client, outsider, foreign_staff, rows):  # type: ignore[no-untyped-def]
    ours = {d.number for d in rows}
    for stranger in (outsider, foreign_staff):
        client.force_login(stranger)
        exported = {r[0] for r in csv_rows(client, {})[1:]} | {
            r[0] for r in xlsx_rows(client, {})[1:]
        }
        assert not exported & ours


def test_requesters_cannot_export(client, requester, rows):  # type: ignore[no-untyped-def]
    client.force_login(requester)
    assert client.get(reverse("backoffice:export_csv")).status_code == 404
    assert client.get(reverse("backoffice:export_xlsx")).status_code == 404


def test_inbox_links_carry_the_query_string(client, instructor, rows):  # type: ignore[no-untyped-def]
    client.force_login(instructor)
    html = client.get(reverse("backoffice:inbox"), {"etat": "complete", "page": "1"}).content
    text = html.decode()
    assert f'href="{reverse("backoffice:export_csv")}?etat=complete"' in text
    assert f'href="{reverse("backoffice:export_xlsx")}?etat=complete"' in text
