"""The request journey: orientation, auto-saved sections, attachments, then submission.

CACSI: convention preview, « Bon pour accord » acceptance, then « Soumettre ». BT 36-250 kVA:
« Transmettre ma demande » directly (the operator's offer comes later), and the L342-6 request
after transmission. Sections come from :func:`raccord.dossiers.sections.sections_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from raccord.accounts.models import User
from raccord.core.responses import upload_response
from raccord.core.templatetags.raccord_dates import date_fr
from raccord.dossiers.bt_request import bt_request_submit, l342_6_request, l342_6_timing
from raccord.dossiers.cacsi_sections import Section
from raccord.dossiers.convention import producer_display, site_address_lines
from raccord.dossiers.decisions import dossier_answer
from raccord.dossiers.forms import AttachmentForm, DeclarationForm, OrientationForm
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.sections import ATTACHMENTS_AFTER, section_by_slug, sections_for
from raccord.dossiers.selectors import dossier_for_user, sections_overview
from raccord.dossiers.services import (
    DossierError,
    attachment_add,
    attachment_remove,
    attachments_missing,
    dossier_create,
    dossier_field_save,
    dossier_ready,
    draft_abandon,
    producer_accepted,
    section_editable,
    section_evaluate,
)
from raccord.dossiers.signing import convention_accept, convention_preview, dossier_submit
from raccord.portal.context import dossier_context
from raccord.portal.forms import AgreementForm, ConfirmForm
from raccord.rules.classification import Route, orientation_route
from raccord.rules.inputs import PowerBucket, ServiceType, Usage

View = Callable[..., HttpResponse]


def requester_required(view: View) -> View:
    """Logged-in requester; an expired session on an auto-save gets 401 (the page keeps data)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.headers.get("HX-Request"):
                return JsonResponse(
                    {"error": "Votre session a expiré : reconnectez-vous."}, status=401
                )
            return login_required(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@requester_required
def dossier_new(request: HttpRequest) -> HttpResponse:
    """Orientation questions, then « Déclarer une installation d'autoconsommation »."""
    user = _user(request)
    if user.is_operator_staff:
        raise Http404
    form = OrientationForm(request.POST or None)
    declaration = None
    route = None
    if request.method == "POST" and form.is_valid():
        route = orientation_route(
            service_type=ServiceType(form.cleaned_data["service_type"]),
            usage=Usage(form.cleaned_data["usage"]),
            bucket=PowerBucket(form.cleaned_data["power"]),
        )
        if route.route == Route.BT_36_250 and request.POST.get("start") == Kind.BT_36_250:
            try:
                dossier = dossier_create(
                    user=user,
                    commune=form.cleaned_data["commune"],
                    orientation={
                        "service_type": form.cleaned_data["service_type"],
                        "usage": form.cleaned_data["usage"],
                        "power": form.cleaned_data["power"],
                    },
                    kind=Kind.BT_36_250,
                )
            except DossierError as error:
                form.add_error("commune", error.message)
            else:
                return redirect("portal:start", number=dossier.number)
        elif route.route == Route.CACSI_ELIGIBLE:
            declaration = DeclarationForm(request.POST if "declaration" in request.POST else None)
            if declaration.is_bound and declaration.is_valid():
                if declaration.cleaned_data["declaration"] == "autoconsommation":
                    try:
                        dossier = dossier_create(
                            user=user,
                            commune=form.cleaned_data["commune"],
                            orientation={
                                "service_type": form.cleaned_data["service_type"],
                                "usage": form.cleaned_data["usage"],
                                "power": form.cleaned_data["power"],
                            },
                        )
                    except DossierError as error:
                        form.add_error("commune", error.message)
                    else:
                        return redirect("portal:start", number=dossier.number)
                else:
                    declaration.add_error(
                        "declaration",
                        "Le raccordement d'une installation qui injecte n'est pas encore proposé "
                        "en ligne sur Raccord : contactez votre gestionnaire de réseau.",
                    )
    return render(
        request,
        "portal/new.html",
        {
            "form": form,
            "route": route,
            "declaration": declaration,
            "cacsi_eligible": route is not None and route.route == Route.CACSI_ELIGIBLE,
            "bt_eligible": route is not None and route.route == Route.BT_36_250,
            "bt_kind": Kind.BT_36_250.value,
        },
    )


def _dossier(request: HttpRequest, number: str) -> Dossier:
    return dossier_for_user(_user(request), number)


@requester_required
def dossier_start(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    return render(
        request,
        "portal/start.html",
        dossier_context(
            _user(request),
            dossier,
            "demande",
            first=sections_for(dossier.kind)[0],
            sections=sections_for(dossier.kind),
            bt=dossier.kind == Kind.BT_36_250,
        ),
    )


@requester_required
def dossier_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Tab « Demande »: what is filed, section by section, and what is left to do.

    POST ``action=l342_6``: a BT requester asks, after transmission, to build part of the
    works (article L342-6), until the offer is accepted.
    """
    dossier = _dossier(request, number)
    if request.method == "POST":
        if request.POST.get("action") != "l342_6":
            raise Http404
        try:
            l342_6_request(dossier=dossier, user=_user(request))
        except DossierError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "Votre demande de réaliser une partie des travaux (article L342-6) est "
                "enregistrée : le gestionnaire en tiendra compte dans son offre (Avenant L342-6).",
            )
        return redirect("portal:detail", number=dossier.number)
    bt = dossier.kind == Kind.BT_36_250
    timing = l342_6_timing(dossier) if bt else None
    overview = sections_overview(dossier)
    missing = attachments_missing(dossier)
    return render(
        request,
        "portal/detail.html",
        dossier_context(
            _user(request),
            dossier,
            "demande",
            overview=overview,
            attachments_missing=missing,
            all_complete=all(row["complete"] for row in overview) and not missing,
            accepted=producer_accepted(dossier),
            draft=dossier.state == State.DRAFT,
            abandoned_draft=dossier.state == State.WITHDRAWN and dossier.submitted_at is None,
            attachments_editable=section_editable(dossier, None) is None,
            lock_reason=section_editable(dossier, None),
            site_lines=site_address_lines(dossier),
            bt=bt,
            attachments_after=ATTACHMENTS_AFTER,
            l342_6_timing=timing.value if timing else "",
            l342_6_requested_at=date_fr(str(dossier.data.get("l342_6_requested_at", ""))),
            l342_6_may_ask=bt
            and timing is None
            and dossier.state
            in (
                State.SUBMITTED,
                State.IN_CHARGE,
                State.WAITING_REQUESTER,
                State.COMPLETE,
                State.OFFER_SENT,
            ),
        ),
    )


def _section_or_404(dossier: Dossier, slug: str) -> Section:
    section = section_by_slug(dossier.kind, slug)
    if section is None:
        raise Http404
    return section


def _next_url(dossier: Dossier, section: Section) -> str:
    sections = sections_for(dossier.kind)
    index = sections.index(section)
    if section.slug == ATTACHMENTS_AFTER:
        return reverse("portal:attachments", args=[dossier.number])
    if index + 1 < len(sections):
        return reverse("portal:section", args=[dossier.number, sections[index + 1].slug])
    if dossier.kind == Kind.BT_36_250:
        return reverse("portal:detail", args=[dossier.number])
    return reverse("portal:convention", args=[dossier.number])


def _posted_values(request: HttpRequest, section: Section) -> dict[str, str]:
    """Every field of the section as posted; an absent field (unchecked box) is empty."""
    return {name: request.POST.get(name, "") for name in section.form_class.base_fields}


@requester_required
def section_edit(request: HttpRequest, number: str, slug: str) -> HttpResponse:
    dossier = _dossier(request, number)
    section = _section_or_404(dossier, slug)
    lock = section_editable(dossier, section)
    if request.method == "POST":
        if lock:
            messages.error(request, lock)
            return redirect("portal:detail", number=dossier.number)
        try:
            result = dossier_field_save(
                dossier=dossier,
                user=_user(request),
                section_slug=section.slug,
                values=_posted_values(request, section),
            )
        except DossierError as error:
            messages.error(request, error.message)
            return redirect("portal:detail", number=dossier.number)
        if result.state.errors or "continue" not in request.POST:
            if not result.state.errors:
                messages.success(request, "Section enregistrée.")
            dossier = result.dossier
        else:
            return redirect(_next_url(dossier, section))
    state = section_evaluate(dossier, section)
    form = state.form
    # Show errors only for what was typed, so that a fresh section is not all red.
    for name in list(form.errors):
        if name not in state.errors:
            del form.errors[name]
    sections = sections_for(dossier.kind)
    index = sections.index(section)
    return render(
        request,
        "portal/section.html",
        dossier_context(
            _user(request),
            dossier,
            "demande",
            section=section,
            form=form,
            complete=state.complete,
            lock=lock,
            sections=sections,
            attachments_after=ATTACHMENTS_AFTER,
            notes=form.notes,
            previous=sections[index - 1] if index else None,
            autosave_url=reverse("portal:autosave", args=[dossier.number, section.slug]),
            conditions=section.form_class.conditions,
        ),
    )


@require_POST
@requester_required
def section_autosave(request: HttpRequest, number: str, slug: str) -> HttpResponse:
    """HTMX: save the section as typed; answer with out-of-band error and status updates."""
    dossier = _dossier(request, number)
    section = _section_or_404(dossier, slug)
    try:
        result = dossier_field_save(
            dossier=dossier,
            user=_user(request),
            section_slug=section.slug,
            values=_posted_values(request, section),
        )
    except DossierError as error:
        return render(request, "portal/_autosave.html", {"failed": error.message}, status=409)
    return render(
        request,
        "portal/_autosave.html",
        {
            "state": result.state,
            "saved_at": timezone.localtime(result.saved_at),
            "fields": list(section.form_class.base_fields),
        },
    )


@requester_required
def attachments(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    lock = section_editable(dossier, None)
    form = AttachmentForm(request.POST or None, request.FILES or None, dossier_kind=dossier.kind)
    if request.method == "POST" and not lock and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment_add(
                dossier=dossier,
                user=_user(request),
                kind=form.cleaned_data["kind"],
                name=upload.name,
                content=upload.read(),
            )
        except DossierError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, "Pièce ajoutée.")
            return redirect("portal:attachments", number=dossier.number)
    elif request.method == "POST" and lock:
        messages.error(request, lock)
    return render(
        request,
        "portal/attachments.html",
        dossier_context(
            _user(request),
            dossier,
            "demande",
            form=form,
            lock=lock,
            files=dossier.attachments.filter(removed_at__isnull=True),
            missing=attachments_missing(dossier),
        ),
    )


@requester_required
def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    dossier = _dossier(request, number)
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk, removed_at__isnull=True)
    return upload_response(attachment)


@require_POST
@requester_required
def attachment_delete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = _dossier(request, number)
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk, removed_at__isnull=True)
    try:
        attachment_remove(attachment=attachment, user=_user(request))
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Pièce retirée.")
    return redirect("portal:attachments", number=dossier.number)


def _recap(dossier: Dossier) -> list[tuple[str, str]]:
    """« Rappel des principales données » of the seed's confirmation screen."""
    requester, technique = dossier.section("demandeur"), dossier.section("technique")
    producer = producer_display(dossier)
    if requester.get("has_third_party") == "oui":
        producer += f" représenté(e) par {requester.get('third_party_name', '')}"
    sector = {"solaire": "Solaire", "eolien": "Éolien", "hydraulique": "Hydraulique"}.get(
        str(technique.get("sector", "")), str(technique.get("sector", "")).capitalize()
    )
    technology = {"photovoltaique": "Photovoltaïque"}.get(str(technique.get("technology", "")), "")
    return [
        ("N° de dossier", dossier.number),
        ("Producteur", producer),
        ("Téléphone", str(requester.get("phone", ""))),
        ("Adresse mail", str(requester.get("email", ""))),
        ("Adresse de l'installation", " ".join(site_address_lines(dossier))),
        ("PDL de l'installation", str(dossier.section("chantier").get("pdl", ""))),
        ("Puissance maximale", f"{technique.get('max_power_kva', '')} kVA"),
        ("Type de production", f"{sector} {technology}".strip()),
        (
            "Présence d'un stockage d'énergie",
            "OUI" if technique.get("storage") == "batterie" else "NON",
        ),
        (
            "Protection de découplage",
            "Intégrée aux onduleurs (" + str(technique.get("certificate_standard", "")) + ")"
            if technique.get("decoupling") == "integree"
            else "Assurée par un sectionneur automatique",
        ),
    ]


@requester_required
def convention(request: HttpRequest, number: str) -> HttpResponse:
    """« Validation »: re-read the convention, tick « Bon pour accord », then « Suivant »."""
    dossier = _dossier(request, number)
    if dossier.kind != Kind.CACSI:
        return redirect("portal:detail", number=dossier.number)
    if producer_accepted(dossier) or dossier.state != State.DRAFT:
        return redirect("portal:submit", number=dossier.number)
    problems = dossier_ready(dossier)
    form = AgreementForm(
        request.GET if "bon_pour_accord" in request.GET or "next" in request.GET else None
    )
    if form.is_bound and form.is_valid() and not problems:
        return redirect(reverse("portal:confirm", args=[dossier.number]) + "?bon_pour_accord=on")
    return render(
        request,
        "portal/convention.html",
        dossier_context(_user(request), dossier, "demande", form=form, problems=problems),
    )


@requester_required
def convention_preview_pdf(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    if dossier.kind != Kind.CACSI:
        raise Http404
    pdf = convention_preview(dossier=dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="CACSI-apercu-{dossier.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requester_required
def convention_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """« Confirmation »: recall the main data; « Confirmer » is the electronic acceptance."""
    dossier = _dossier(request, number)
    if dossier.kind != Kind.CACSI:
        return redirect("portal:detail", number=dossier.number)
    if producer_accepted(dossier) or dossier.state != State.DRAFT:
        return redirect("portal:submit", number=dossier.number)
    source = request.POST if request.method == "POST" else request.GET
    form = AgreementForm(source if "bon_pour_accord" in source else None)
    if not (form.is_bound and form.is_valid()):
        messages.error(request, "Cochez « Bon pour accord » pour accepter la convention.")
        return redirect(reverse("portal:convention", args=[dossier.number]) + "?next=1")
    if request.method == "POST":
        try:
            convention_accept(
                dossier=dossier,
                user=_user(request),
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except DossierError as error:
            messages.error(request, error.message)
            return redirect("portal:detail", number=dossier.number)
        return redirect("portal:submit", number=dossier.number)
    return render(
        request,
        "portal/confirm.html",
        dossier_context(_user(request), dossier, "demande", recap=_recap(dossier)),
    )


@require_POST
@requester_required
def dossier_answer_post(request: HttpRequest, number: str) -> HttpResponse:
    """« Répondre »: the requester answers the operator's request for items."""
    dossier = _dossier(request, number)
    text = request.POST.get("answer", "")
    if not text.strip():
        messages.error(request, "Écrivez votre réponse avant de l'envoyer.")
        return redirect("portal:actions", number=dossier.number)
    try:
        dossier_answer(dossier=dossier, user=_user(request), message=text)
    except DossierError as error:
        messages.error(request, error.message)
        return redirect("portal:actions", number=dossier.number)
    messages.success(request, "Votre réponse a été transmise : le dossier reprend son instruction.")
    return redirect("portal:tracking", number=dossier.number)


@requester_required
def dossier_transmit(request: HttpRequest, number: str) -> HttpResponse:
    """« Soumettre »: transmit the accepted convention; then the seed's confirmation message."""
    dossier = _dossier(request, number)
    if dossier.kind == Kind.BT_36_250:
        return _bt_transmit(request, dossier)
    if request.method == "POST":
        try:
            dossier_submit(dossier=dossier, user=_user(request))
        except DossierError as error:
            messages.error(request, error.message)
            return redirect("portal:detail", number=dossier.number)
        dossier.refresh_from_db()
        return render(
            request, "portal/submitted.html", dossier_context(_user(request), dossier, "demande")
        )
    if dossier.state != State.DRAFT:
        return render(
            request, "portal/submitted.html", dossier_context(_user(request), dossier, "demande")
        )
    if not producer_accepted(dossier):
        return redirect("portal:convention", number=dossier.number)
    return render(
        request, "portal/submit.html", dossier_context(_user(request), dossier, "demande")
    )


def _bt_transmit(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """« Transmettre ma demande » (BT 36-250 kVA): no convention to accept at this stage."""
    if request.method == "POST":
        try:
            bt_request_submit(dossier=dossier, user=_user(request))
        except DossierError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Votre demande a bien été transmise à {dossier.operator.short_name}. Elle "
                "étudiera votre dossier, vous confirmera sa complétude puis vous adressera son "
                "offre de raccordement (Convention de Raccordement Directe). Un e-mail de "
                "confirmation vous a été envoyé.",
            )
    return redirect("portal:detail", number=dossier.number)


def _abandon_form(data: Any = None) -> ConfirmForm:
    return ConfirmForm(
        data,
        label="Je confirme vouloir abandonner cette demande : elle ne pourra plus être "
        "modifiée ni transmise.",
        required_message="Cochez cette case pour confirmer l'abandon.",
    )


@transaction.atomic
@require_http_methods(["GET", "POST"])
@requester_required
def dossier_abandon(request: HttpRequest, number: str) -> HttpResponse:
    """« Abandonner cette demande » (a draft only): a confirmation page saying what happens,
    then an explicit box to tick; nothing changes unless it is ticked on the POST."""
    dossier = _dossier(request, number)
    if dossier.state != State.DRAFT:
        messages.error(
            request,
            "Seule une demande sauvegardée (non transmise) peut être abandonnée ici. Pour "
            "renoncer à une demande transmise, écrivez au gestionnaire (onglet Messages).",
        )
        return redirect("portal:detail", number=dossier.number)
    form = _abandon_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft_abandon(dossier=dossier, user=_user(request))
        except DossierError as error:
            messages.error(request, error.message)
            return redirect("portal:detail", number=dossier.number)
        messages.success(request, f"La demande n° {dossier.number_display} est abandonnée.")
        return redirect("portal:list")
    return render(
        request,
        "portal/abandon.html",
        dossier_context(_user(request), dossier, "demande", form=form),
        status=400 if form.is_bound else 200,
    )
