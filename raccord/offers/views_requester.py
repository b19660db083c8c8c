"""The requester's offer page (/demandes/<number>/offre/): the offers, their validity, the
acceptance checklist, the modification request. Scope: ``dossier_for_user`` (404 outside)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.selectors import dossier_for_user
from raccord.dossiers.services import MAX_ATTACHMENT_BYTES, DossierError
from raccord.offers import services
from raccord.offers.forms import DepositForm, ModificationForm, UploadForm
from raccord.offers.models import ChecklistItem, Offer, WorksMilestone
from raccord.portal.context import dossier_context
from raccord.portal.forms import ConfirmForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _dossier(request: HttpRequest, number: str) -> Dossier:
    dossier = dossier_for_user(_user(request), number)
    if dossier.kind != Kind.BT_36_250:
        raise Http404
    return dossier


def _page(
    request: HttpRequest, dossier: Dossier, *, status: int = 200, **bound: Any
) -> HttpResponse:
    offers = list(
        Offer.objects.filter(dossier=dossier)
        .select_related("document")
        .prefetch_related("items__attachment")
    )
    today = timezone.localdate()
    context = dossier_context(
        _user(request),
        dossier,
        "offre",
        offers=offers,
        today=today,
        open=dossier.state == State.OFFER_SENT,
        upload_form=UploadForm(),
        deposit_form=bound.get("deposit_form") or DepositForm(),
        modification_form=bound.get("modification_form") or ModificationForm(),
        milestones=list(WorksMilestone.objects.filter(dossier=dossier)),
        new_dossier=dossier.events.filter(kind="offer:modification_new_request").first(),
        error_item=bound.get("error_item"),
        error_text=bound.get("error_text", ""),
    )
    return render(request, "offers/requester.html", context, status=status)


@login_required
@require_GET
def offer_page(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, _dossier(request, number))


def _accept_form(offer: Offer, data: Any = None) -> ConfirmForm:
    kind = offer.get_document_kind_display()
    return ConfirmForm(
        data,
        label=f"J'ai pris connaissance de ce qui précède et j'accepte l'offre : {kind}.",
        required_message="Cochez cette case pour confirmer l'acceptation de l'offre.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """« Accepter » leads to this confirmation page: what accepting does (the other offer ends,
    the acceptance pieces and their deadline), then a box to tick. Nothing is accepted unless
    the box is ticked on the POST."""
    dossier = _dossier(request, number)
    offer = get_object_or_404(Offer.objects.select_related("document"), pk=pk, dossier=dossier)
    back = reverse("offers:page", args=[number])
    if dossier.state != State.OFFER_SENT or offer.status != Offer.Status.SENT:
        messages.error(
            request,
            f"Cette offre ne peut pas être acceptée : {offer.get_status_display()}."
            if dossier.state == State.OFFER_SENT
            else "Cette offre n'est plus ouverte à l'acceptation.",
        )
        return redirect(back)
    form = _accept_form(offer, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_accept(offer=offer, user=_user(request))
        except DossierError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(
            request,
            f"Vous avez accepté : {offer.get_document_kind_display()}. Complétez maintenant les "
            "pièces de l'acceptation.",
        )
        return redirect(back + "#acceptation")
    others = list(Offer.objects.filter(dossier=dossier, status=Offer.Status.SENT).exclude(pk=pk))
    pieces = [
        ChecklistItem.Kind(kind).label
        for kind in services.CHECKLIST[offer.document_kind]
        if not (kind == ChecklistItem.Kind.DEPOSIT and offer.deposit_ttc <= 0)
    ]
    return render(
        request,
        "portal/offer_accept.html",
        dossier_context(
            _user(request),
            dossier,
            "offre",
            offer=offer,
            others=others,
            pieces=pieces,
            form=form,
        ),
        status=400 if form.is_bound else 200,
    )


def _item(dossier: Dossier, pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, pk=pk, offer__dossier=dossier)


@login_required
@require_POST
def upload(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = _dossier(request, number)
    item = _item(dossier, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(
            request, dossier, status=400, error_item=item.pk, error_text="Choisissez un fichier."
        )
    upload_file = form.cleaned_data["file"]
    if upload_file.size > MAX_ATTACHMENT_BYTES:
        content = b"x" * (MAX_ATTACHMENT_BYTES + 1)
    else:
        content = upload_file.read()
    try:
        services.checklist_upload(
            item=item, user=_user(request), name=upload_file.name, content=content
        )
    except DossierError as error:
        return _page(request, dossier, status=400, error_item=item.pk, error_text=error.message)
    messages.success(request, f"Pièce ajoutée : {item.get_kind_display()}.")
    return redirect(reverse("offers:page", args=[number]) + "#acceptation")


@login_required
@require_POST
def deposit(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    dossier = _dossier(request, number)
    item = _item(dossier, pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        try:
            services.deposit_declare(
                item=item, user=_user(request), paid_on=form.cleaned_data["paid_on"]
            )
        except DossierError as error:
            form.add_error("paid_on" if error.field == "paid_on" else None, error.message)
        else:
            messages.success(request, "Versement de l'acompte déclaré.")
            return redirect(reverse("offers:page", args=[number]) + "#acceptation")
    return _page(request, dossier, status=400, deposit_form=form)


@login_required
@require_POST
def modification(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number)
    form = ModificationForm(request.POST)
    if form.is_valid():
        try:
            new = services.modification_request(
                dossier=dossier, user=_user(request), reason=form.cleaned_data["reason"]
            )
        except DossierError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                f"L'offre est caduque. Votre nouvelle demande n° {new.number_display} reprend "
                "vos réponses : complétez-la puis transmettez-la.",
            )
            return redirect("offers:page", number=number)
    return _page(request, dossier, status=400, modification_form=form)
