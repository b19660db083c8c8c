"""The desk's dashboard (counts, delays per milestone, weekly activity, overdue list) and the
exports of the inbox as filtered (CSV, XLSX).

Both are scoped like the inbox (``raccord.backoffice.selectors``): an instructor sees his desk,
an operator administrator his operator.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from raccord.accounts.models import User
from raccord.backoffice import forms as bo_forms
from raccord.backoffice.selectors import (
    EXPORT_HEADERS,
    DeskDashboard,
    ExportRow,
    WeekActivity,
    desk_dashboard,
    inbox_export_rows,
    inbox_filters_from,
)
from raccord.backoffice.views import staff_required

DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 731


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _scope_label(user: User) -> str:
    if user.role == User.Role.INSTRUCTOR and user.desk:
        return user.desk.name
    return user.operator.name if user.operator else ""


# --- Dashboard -----------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    du = forms.DateField(
        label="Du",
        widget=bo_forms.DateInput(),
        error_messages={
            "required": "Indiquez le début de la période.",
            "invalid": "Date invalide : saisissez une date comme 01/03/2026.",
        },
    )
    au = forms.DateField(
        label="Au (inclus)",
        widget=bo_forms.DateInput(),
        error_messages={
            "required": "Indiquez la fin de la période.",
            "invalid": "Date invalide : saisissez une date comme 31/03/2026.",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("du", "Le début de la période ne peut pas être dans le futur.")
        if start and end:
            if end < start:
                self.add_error("au", "La fin de la période doit être après son début.")
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("au", "La période ne peut pas dépasser deux ans.")
        return data


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Coordinates of the weekly bar chart, computed here so the template only draws."""

    width: int
    height: int
    left: int
    bottom: float
    arrivals: list[Bar]
    decisions: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total_arrivals: int
    total_decisions: int


CHART_WIDTH, CHART_HEIGHT = 720, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 40, 10, 10, 30


def weekly_chart(weeks: list[WeekActivity]) -> Chart:
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bottom = float(CHART_TOP + plot_h)
    top_value = max([1] + [max(w.arrivals, w.decisions) for w in weeks])
    step = max(1, -(-top_value // 4))  # four horizontal lines at most
    scale_max = step * -(-top_value // step)
    slot = plot_w / max(1, len(weeks))
    bar_w = max(1.0, slot * 0.4)
    arrivals: list[Bar] = []
    decisions: list[Bar] = []
    x_ticks: list[Tick] = []
    label_every = max(1, -(-len(weeks) // 8))
    for i, week in enumerate(weeks):
        x0 = CHART_LEFT + i * slot + slot * 0.1
        for value, target, x in (
            (week.arrivals, arrivals, x0),
            (week.decisions, decisions, x0 + bar_w),
        ):
            h = plot_h * value / scale_max
            target.append(
                Bar(round(x, 1), round(bottom - h, 1), round(bar_w, 1), round(h, 1), value)
            )
        if i % label_every == 0:
            x_ticks.append(Tick(round(CHART_LEFT + i * slot + slot / 2, 1), f"{week.start:%d/%m}"))
    y_ticks = [
        Tick(round(bottom - plot_h * v / scale_max, 1), str(v))
        for v in range(0, scale_max + 1, step)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=CHART_LEFT,
        bottom=bottom,
        arrivals=arrivals,
        decisions=decisions,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        total_arrivals=sum(w.arrivals for w in weeks),
        total_decisions=sum(w.decisions for w in weeks),
    )


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",")


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    default = {"du": today - timedelta(days=DEFAULT_PERIOD_DAYS), "au": today}
    if "du" in request.GET or "au" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm({k: v.isoformat() for k, v in default.items()})
    figures: DeskDashboard | None = None
    chart: Chart | None = None
    if form.is_valid():
        figures = desk_dashboard(user, start=form.cleaned_data["du"], end=form.cleaned_data["au"])
        chart = weekly_chart(figures.weeks)
    counts = figures.counts if figures else {}
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "chart": chart,
            "delays": [
                {"label": d.label, "count": d.count, "median": _days(d.median), "p90": _days(d.p90)}
                for d in (figures.delays if figures else [])
            ],
            "counts": [
                (value, label, counts.get(value, 0))
                for value, label in bo_forms.STATE_CHOICES
                if value
            ],
            "total": sum(counts.values()),
            "today": today,
            "scope_label": _scope_label(user),
        },
        status=200 if figures else 400,
    )


# --- Exports -------------------------------------------------------------------------------------


def _export_name(extension: str) -> str:
    return f"dossiers-{timezone.localdate():%Y-%m-%d}.{extension}"


def export_cells(row: ExportRow) -> list[str]:
    """A row as text, as in the CSV (dates in Europe/Paris, French formats)."""
    return [
        row.number,
        row.kind,
        row.state,
        row.requester,
        row.commune,
        row.postal_code,
        f"{row.submitted_at:%d/%m/%Y %H:%M}" if row.submitted_at else "",
        f"{row.due_on:%d/%m/%Y}" if row.due_on else "",
        "oui" if row.overdue else "non",
        row.assigned_to,
    ]


@staff_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    rows = inbox_export_rows(_user(request), inbox_filters_from(request.GET))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # spreadsheet software then reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_HEADERS)
    for row in rows:
        writer.writerow(export_cells(row))
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_WIDTHS = (16, 38, 22, 28, 26, 12, 18, 12, 10, 24)


@staff_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = inbox_export_rows(_user(request), inbox_filters_from(request.GET))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Dossiers"
    sheet.append(list(EXPORT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.number,
                row.kind,
                row.state,
                row.requester,
                row.commune,
                row.postal_code,
                row.submitted_at,
                row.due_on,
                "oui" if row.overdue else "non",
                row.assigned_to,
            ]
        )
    for line in sheet.iter_rows(min_row=2, min_col=6, max_col=8):
        line[0].number_format = "@"
        line[1].number_format = "DD/MM/YYYY HH:MM"
        line[2].number_format = "DD/MM/YYYY"
    for i, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name("xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
