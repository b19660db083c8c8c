"""The request list (« Espace Partenaire »), all pending actions, the person's own labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from raccord.accounts.models import User
from raccord.dossiers.models import Dossier, Label, State
from raccord.dossiers.selectors import (
    LIST_PAGE_SIZE,
    SEARCH_MAX_LENGTH,
    dossier_for_user,
    dossier_list_for,
    dossier_search,
    dossiers_visible_to,
    open_actions_count,
)
from raccord.dossiers.services import DossierError, label_add, label_remove
from raccord.tracking.models import Action


@dataclass(frozen=True)
class StatusFilter:
    slug: str
    label: str
    states: tuple[str, ...]


# The statuses a requester sees (Dossier.requester_status), as filter choices: every state is in
# the filter whose label it displays (tests/portal/test_list.py checks it).
STATUS_FILTERS: tuple[StatusFilter, ...] = (
    StatusFilter("sauvegardee", gettext_lazy("Sauvegardée"), (State.DRAFT,)),
    StatusFilter(
        "en-cours",
        gettext_lazy("En cours"),
        (State.SUBMITTED, State.IN_CHARGE, State.COMPLETE, State.OFFER_SENT, State.ACCEPTED),
    ),
    StatusFilter(
        "en-attente", gettext_lazy("En attente de votre réponse"), (State.WAITING_REQUESTER,)
    ),
    StatusFilter("mise-en-service", gettext_lazy("Mise en service"), (State.COMMISSIONED,)),
    StatusFilter("refusee", gettext_lazy("Refusée"), (State.REFUSED,)),
    StatusFilter("abandonnee", gettext_lazy("Abandonnée"), (State.WITHDRAWN,)),
    StatusFilter("caduque", gettext_lazy("Caduque"), (State.LAPSED,)),
)
STATUS_BY_SLUG = {s.slug: s for s in STATUS_FILTERS}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    status = request.GET.get("statut", "")
    label = request.GET.get("label", "")[:40]

    # Filter and paginate on the bare dossier table (no joins), then load the counters and my
    # labels for the rows of the page only: the cost does not grow with the number of dossiers.
    queryset = dossier_search(dossiers_visible_to(user), q)
    if status in STATUS_BY_SLUG:
        queryset = queryset.filter(state__in=STATUS_BY_SLUG[status].states)
    else:
        status = ""
    if label:
        queryset = queryset.filter(
            pk__in=Label.objects.filter(user=user, text=label).values("dossier_id")
        )
    filtered = bool(q or status or label)
    paginator = Paginator(
        queryset.order_by("-created_at", "-pk").values_list("pk", flat=True), LIST_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    rows = (
        dossier_list_for(user)
        .filter(pk__in=page_ids)
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch(
                "labels",
                queryset=Label.objects.filter(user=user).order_by("text"),
                to_attr="my_labels",
            )
        )
        if page_ids
        else Dossier.objects.none()
    )
    label_choices = list(
        Label.objects.filter(user=user)
        .filter(Exists(dossiers_visible_to(user).filter(pk=OuterRef("dossier_id"))))
        .order_by("text")
        .values_list("text", flat=True)
        .distinct()
    )
    return render(
        request,
        "portal/list.html",
        {
            "page": page,
            "rows": list(rows),
            "paginator": paginator,
            "q": q,
            "status": status,
            "label": label,
            "filtered": filtered,
            "status_filters": STATUS_FILTERS,
            "label_choices": label_choices,
            "open_actions": open_actions_count(user),
        },
    )


@login_required
@require_GET
def all_actions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    rows = list(
        Action.objects.filter(dossier__in=dossiers_visible_to(user), state=Action.State.OPEN)
        .select_related("dossier")
        .order_by("due_date", "pk")
    )
    for action in rows:
        action.overdue = action.due_date < today  # type: ignore[attr-defined]
    return render(
        request,
        "portal/all_actions.html",
        {"actions": rows, "overdue_count": sum(1 for a in rows if a.due_date < today)},
    )


def _back(request: HttpRequest, dossier: Dossier) -> HttpResponseRedirect:
    """Back to the referring page of this dossier (or the list), never to another site."""
    for candidate in (request.POST.get("next", ""), request.headers.get("referer", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(candidate)
    return HttpResponseRedirect(reverse("portal:list"))


@login_required
@require_POST
def label_create(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    try:
        label = label_add(dossier=dossier, user=user, text=request.POST.get("text", ""))
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Label « %(text)s » ajouté.") % {"text": label.text})
    return _back(request, dossier)


@login_required
@require_POST
def label_delete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = dossier_for_user(user, number)
    label = get_object_or_404(Label, pk=pk, dossier=dossier, user=user)
    text = label.text
    label_remove(label=label)
    messages.success(request, _("Label « %(text)s » retiré.") % {"text": text})
    return _back(request, dossier)
