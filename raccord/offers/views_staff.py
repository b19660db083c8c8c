"""Staff pages of the offer (/gestion/<number>/offre/): preparation, sending, verification of
the acceptance, works milestones. Scope: ``raccord.backoffice.selectors`` (404 outside it)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from raccord.backoffice.views import _instructed, _user, staff_required
from raccord.dossiers import decisions
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.services import DossierError
from raccord.offers import services
from raccord.offers.forms import LINE_FORMS, MilestoneForm
from raccord.offers.models import ChecklistItem, Offer, WorksMilestone
from raccord.offers.preparation import preparation_build
from raccord.rules.money import NBSP, Contribution, format_eur, format_kva
from raccord.rules.variants import DocumentKind


def _dossier(request: HttpRequest, number: str) -> Dossier:
    dossier = _instructed(request, number)
    if dossier.kind != Kind.BT_36_250:
        raise Http404
    return dossier


def _milestone_form(dossier: Dossier, data: Any = None) -> MilestoneForm:
    done = set(WorksMilestone.objects.filter(dossier=dossier).values_list("kind", flat=True))
    avenant = Offer.objects.filter(
        dossier=dossier, status=Offer.Status.ACCEPTED, document_kind=Offer.DocumentKind.AVENANT
    ).exists()
    choices = [
        (k.value, k.label)
        for k in WorksMilestone.Kind
        if k.value not in done and (avenant or k != WorksMilestone.Kind.MANDATAIRE_RECEIVED)
    ]
    return MilestoneForm(data, choices=choices, prefix="ms")


def _money(kind: DocumentKind, c: Contribution) -> dict[str, Any]:
    return {
        "title": "Avenant L342-6" if kind is DocumentKind.AVENANT else "CRD",
        "lines": [
            (
                line.label,
                format_eur(line.gross_ht),
                format_eur(line.refaction_ht),
                format_eur(line.billed_ht),
            )
            for line in c.lines
        ],
        "total_ht": format_eur(c.total_ht),
        "vat": format_eur(c.vat),
        "total_ttc": format_eur(c.total_ttc),
        "deposit_percent": c.deposit_percent,
        "deposit_ttc": format_eur(c.deposit_ttc),
        "balance_ttc": format_eur(c.balance_ttc),
        "mandataire": format_eur(c.mandataire.works_ht) if c.mandataire else "",
        "mandataire_cap": format_eur(c.mandataire.cap_ht) if c.mandataire else "",
        "quote_part": format_eur(c.quote_part.billed_ht) if c.quote_part else "",
    }


def format_volts(value: Decimal) -> str:
    """A voltage of the study, always to one decimal: ``430.5`` → « 430,5 V », ``440.00`` →
    « 440,0 V » (the study computes to 0.1 V; the upper limit is a parameter with two)."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    units, _, tenths = f"{abs(rounded):f}".partition(".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{format_kva(Decimal(units), unit='').rstrip(NBSP)},{tenths}{NBSP}V"


def _page(
    request: HttpRequest, dossier: Dossier, *, status: int = 200, ms_form: Any = None
) -> HttpResponse:
    draft = services.draft_for(dossier)
    prep = preparation_build(dossier, draft) if dossier.state == State.COMPLETE else None
    offers = list(
        Offer.objects.filter(dossier=dossier).select_related("document").prefetch_related("items")
    )
    accepted = next((o for o in offers if o.status == Offer.Status.ACCEPTED), None)
    context = {
        "dossier": dossier,
        "draft": draft,
        "prep": prep,
        "line_titles": {k: t for k, (t, _c) in LINE_FORMS.items()},
        "offers": offers,
        "accepted": accepted,
        "all_verified": bool(accepted) and all(i.verified_at for i in accepted.items.all()),  # type: ignore[union-attr]
        "milestones": list(WorksMilestone.objects.filter(dossier=dossier)),
        "milestone_form": ms_form or _milestone_form(dossier),
        "AVENANT": DocumentKind.AVENANT,
        "CRD": DocumentKind.CRD,
    }
    if prep is not None:
        context["line_sets"] = [
            (prefix, LINE_FORMS[prefix][0], rows) for prefix, rows in prep.lines.items()
        ]
        if prep.voltage is not None:
            context["volts"] = {
                "max_after": format_volts(prep.voltage.max_after_v),
                "connection_point": format_volts(prep.voltage.connection_point_v),
                "upper_limit": format_volts(prep.voltage.upper_limit_v),
            }
        context["money_rows"] = [
            _money(kind, prep.contributions[kind])
            for kind in prep.documents
            if kind in prep.contributions
        ]
    return render(request, "offers/staff.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    if request.method == "POST":
        values = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "version")
        }
        confirmations = {
            k.removeprefix("conf-"): v for k, v in values.items() if k.startswith("conf-")
        }
        try:
            services.draft_save(
                dossier=dossier,
                user=_user(request),
                version=int(request.POST.get("version") or 0),
                values={k: v for k, v in values.items() if not k.startswith("conf-")},
                confirmations=confirmations,
            )
        except DossierError as error:
            messages.error(request, error.message)
            return redirect("offers_staff:prepare", number=number)
        messages.success(request, "Brouillon de l'offre enregistré.")
        return redirect(reverse("offers_staff:prepare", args=[number]) + "#calculs")
    return _page(request, dossier)


@staff_required
@require_POST
def send(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    try:
        sent = services.offer_send(
            dossier=dossier, user=_user(request), version=int(request.POST.get("version") or 0)
        )
    except DossierError as error:
        messages.error(request, error.message)
        return redirect("offers_staff:prepare", number=number)
    messages.success(
        request,
        f"Offre envoyée ({len(sent.offers)} document(s)). Valable jusqu'au "
        f"{sent.valid_until:%d/%m/%Y} — {sent.explanation}",
    )
    return redirect("offers_staff:prepare", number=number)


@staff_required
@require_POST
def verify(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = _dossier(request, number)
    item = get_object_or_404(ChecklistItem, pk=pk, offer__dossier=dossier)
    try:
        services.checklist_verify(item=item, user=_user(request))
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"« {item.get_kind_display()} » vérifié.")
    return redirect(reverse("offers_staff:prepare", args=[number]) + "#acceptation")


@staff_required
@require_POST
def validate(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    try:
        services.acceptance_validate(
            dossier=dossier, user=_user(request), version=int(request.POST.get("version") or 0)
        )
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Acceptation de l'offre validée.")
    return redirect(reverse("offers_staff:prepare", args=[number]) + "#acceptation")


@staff_required
@require_POST
def milestone(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    form = _milestone_form(dossier, request.POST)
    if form.is_valid():
        try:
            services.milestone_record(
                dossier=dossier,
                user=_user(request),
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
            )
        except DossierError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Étape des travaux enregistrée.")
            return redirect(reverse("offers_staff:prepare", args=[number]) + "#travaux")
    return _page(request, dossier, status=400, ms_form=form)


@staff_required
@require_POST
def commission(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    try:
        # The workflow's guard refuses it before « Raccordement mis à disposition ».
        decisions.dossier_commission(
            dossier=dossier, user=_user(request), version=int(request.POST.get("version") or 0)
        )
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Mise en service enregistrée.")
    return redirect("offers_staff:prepare", number=number)
