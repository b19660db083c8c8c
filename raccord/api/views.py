"""API v1 for requesters and installers (``/api/v1/``), with django-ninja.

Every operation authenticates a personal token (:class:`raccord.api.auth.TokenAuth`), loads the
dossier through ``dossier_for_user`` (404 for a dossier the person may not see, whether it
exists or not) and calls the same services as the portal, so that the rules, locks, French
messages and audit events are the same. An operation never writes itself: it calls a service.

Ninja's interactive documentation page is disabled: it is a script application whose
accessibility is not checked, and the project's pages load nothing from a CDN. The description
is served at ``/api/v1/openapi.json`` for any OpenAPI tool.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import File, Form, NinjaAPI, Query, Status
from ninja.files import UploadedFile

from raccord.accounts.models import User
from raccord.api import presenters
from raccord.api.auth import TokenAuth
from raccord.api.errors import ApiError, field_errors, install_error_handlers
from raccord.api.schemas import (
    AttachmentListOut,
    AttachmentOut,
    DocumentListOut,
    DossierCreateIn,
    DossierOut,
    DossierPageOut,
    ErrorOut,
    FieldErrorsOut,
    MessageListOut,
    MessageOut,
    SectionIn,
    SectionOut,
    SectionRefOut,
)
from raccord.api.throttling import THROTTLES
from raccord.core.responses import upload_response
from raccord.documents.models import DocumentVersion
from raccord.documents.services import DocumentIntegrityError
from raccord.documents.views import document_response
from raccord.dossiers.cacsi_sections import Section
from raccord.dossiers.forms import (
    REQUEST_ATTACHMENT_KINDS,
    AttachmentForm,
    DeclarationForm,
    OrientationForm,
)
from raccord.dossiers.models import Attachment, Dossier, Kind, State
from raccord.dossiers.sections import section_by_slug, sections_for
from raccord.dossiers.selectors import (
    LIST_PAGE_SIZE,
    dossier_for_user,
    dossier_list_for,
    dossier_search,
    dossiers_visible_to,
)
from raccord.dossiers.services import (
    DossierError,
    attachment_add,
    attachments_missing,
    dossier_create,
    dossier_field_save,
    section_editable,
)
from raccord.rules.classification import Route, orientation_route
from raccord.rules.inputs import PowerBucket, ServiceType, Usage
from raccord.tracking.messaging import MessageError, message_post, messages_mark_read
from raccord.tracking.models import Message, MessageAttachment

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
INJECTION_NOT_ONLINE = (
    "Le raccordement d'une installation qui injecte n'est pas encore proposé en ligne sur "
    "Raccord : contactez votre gestionnaire de réseau."
)
SECTION_REJECTED = (
    "La section n'a pas été enregistrée : corrigez les champs signalés. Les réponses déjà "
    "enregistrées sont inchangées."
)
FILE_NOT_FOUND = "Pièce jointe introuvable."
DOCUMENT_UNAVAILABLE = (
    "Ce document est momentanément indisponible. Réessayez plus tard ou contactez votre guichet "
    "régional (onglet Contact du portail)."
)

DESCRIPTION = """
API de Raccord pour les demandeurs et les installateurs : suivre ses demandes de raccordement,
créer un brouillon, compléter ses sections, joindre des pièces, lire les documents du
gestionnaire de réseau et échanger des messages.

**Authentification** : un jeton personnel, créé dans le portail (« Mon profil » → « Accès à
l'API »), envoyé dans l'en-tête `Authorization: Bearer <jeton>`. Un jeton inconnu, révoqué ou
expiré reçoit une réponse 401. Les comptes du gestionnaire de réseau n'ont pas accès à l'API.

**Mêmes règles que le portail** : les contrôles, les messages d'erreur (en français), les
verrouillages après transmission et le journal d'audit sont ceux du portail. Une demande que
vous ne pouvez pas voir répond 404, qu'elle existe ou non.

**Erreurs** : `{"detail": "..."}` ; erreurs de saisie (422) :
`{"detail": "...", "errors": {"champ": ["message"]}}` ; une information verrouillée depuis la
transmission : 409.

**Limite de débit** : un nombre d'appels par minute est permis par compte (tous ses jetons
ensemble), et un nombre plus faible par adresse pour les appels sans jeton valide. Au-delà, la
réponse est 429 avec l'en-tête `Retry-After` (secondes à attendre) et
`{"detail": "Trop de requêtes : réessayez dans N secondes."}`.

**Ce qui reste dans le portail** : l'acceptation de la convention (« Bon pour accord », qui vaut
signature électronique, avec sa preuve), la transmission de la demande, l'acceptation d'une
offre de raccordement et la réponse à une demande de compléments. Le détail d'une demande
donne l'adresse de l'étape à réaliser (`portal_step`).
"""

api = NinjaAPI(
    title="API Raccord",
    version="1",
    description=DESCRIPTION,
    urls_namespace=presenters.NAMESPACE,
    auth=TokenAuth(),
    throttle=THROTTLES,
    docs_url=None,
)
install_error_handlers(api)

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 429: ErrorOut}
BINARY = {
    "responses": {
        200: {
            "description": "Le fichier (PDF, JPEG ou PNG), en téléchargement.",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/jpeg", "image/png")
            },
        }
    }
}


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _dossier(request: HttpRequest, number: str) -> Dossier:
    return dossier_for_user(_user(request), number)


def _section(dossier: Dossier, slug: str) -> Section:
    section = section_by_slug(dossier.kind, slug)
    if section is None:
        names = ", ".join(s.slug for s in sections_for(dossier.kind))
        raise ApiError(404, f"Section inconnue : « {slug} ». Sections de ce dossier : {names}.")
    return section


# --- Dossiers -------------------------------------------------------------------------------


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@api.get(
    "/dossiers",
    response={200: DossierPageOut, 422: FieldErrorsOut, **ERRORS},
    url_name="dossiers",
    tags=["Demandes"],
    summary="Mes demandes",
)
def dossier_list(
    request: HttpRequest,
    state: list[str] = Query(  # noqa: B008
        [], description="États à garder (draft, submitted, …), répétable ou séparés par « , »."
    ),
    q: str = Query("", max_length=100, description="Numéro, nom du demandeur ou code postal."),
    page: int = Query(1, ge=1),
    page_size: int = Query(LIST_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Les demandes que vous voyez dans le portail (les vôtres ; pour un installateur, celles de
    son entreprise), de la plus récente à la plus ancienne, par pages."""
    user = _user(request)
    states = [s.strip() for value in state for s in value.split(",") if s.strip()]
    unknown = [s for s in states if s not in State.values]
    if unknown:
        raise field_errors(
            {
                "state": [
                    f"État inconnu : « {s} ». États possibles : {', '.join(State.values)}."
                    for s in unknown
                ]
            }
        )
    # As the portal's list: filter and paginate the bare table, then load the page's rows with
    # their counters; the number of queries does not grow with the number of dossiers.
    queryset = dossier_search(dossiers_visible_to(user), q)
    if states:
        queryset = queryset.filter(state__in=states)
    paginator = Paginator(
        queryset.order_by("-created_at", "-pk").values_list("pk", flat=True), page_size
    )
    try:
        page_ids = list(paginator.page(page).object_list)
    except EmptyPage:
        page_ids = []
    rows = (
        list(dossier_list_for(user).filter(pk__in=page_ids).order_by("-created_at", "-pk"))
        if page_ids
        else []
    )
    return {
        "count": paginator.count,
        "page": page,
        "page_size": page_size,
        "pages": paginator.num_pages if paginator.count else 0,
        "next": _page_url(request, page + 1) if page < paginator.num_pages else None,
        "previous": (_page_url(request, min(page - 1, paginator.num_pages)) if page > 1 else None),
        "items": [presenters.dossier_summary(request, d) for d in rows],
    }


@api.get(
    "/dossiers/{number}",
    response={200: DossierOut, **ERRORS},
    url_name="dossier",
    tags=["Demandes"],
    summary="Une demande",
)
def dossier_get(request: HttpRequest, number: str) -> dict[str, Any]:
    """État (avec son libellé), dates, étapes, délais légaux expliqués, actions à réaliser avec
    leur date limite, sections, pièces manquantes, contact, et l'étape à réaliser dans le
    portail (`portal_step`)."""
    return presenters.dossier_detail(request, _dossier(request, number))


@api.post(
    "/dossiers",
    response={201: DossierOut, 422: FieldErrorsOut, **ERRORS},
    url_name="dossier_create",
    tags=["Demandes"],
    summary="Créer une demande (brouillon)",
)
def dossier_new(request: HttpRequest, payload: DossierCreateIn) -> Status[dict[str, Any]]:
    """Les réponses aux questions d'orientation du portail. Jusqu'à 36 kVA, `declaration`
    « autoconsommation » crée une CACSI ; de 36 à 250 kVA, une demande BT 36-250 kVA. Une
    demande qui n'est pas traitée en ligne reçoit une 422 avec la raison."""
    user = _user(request)
    form = OrientationForm(
        data={
            "commune": str(payload.commune_id or ""),
            "commune_text": payload.commune,
            "service_type": payload.service_type,
            "usage": payload.usage,
            "power": payload.power,
        }
    )
    if not form.is_valid():
        raise field_errors({k: list(v) for k, v in form.errors.items()})
    route = orientation_route(
        service_type=ServiceType(form.cleaned_data["service_type"]),
        usage=Usage(form.cleaned_data["usage"]),
        bucket=PowerBucket(form.cleaned_data["power"]),
    )
    if route.route == Route.NOT_ONLINE:
        raise field_errors({"__all__": [route.message]}, detail=route.message)
    kind = Kind.BT_36_250
    if route.route == Route.CACSI_ELIGIBLE:
        declaration = DeclarationForm(data={"declaration": payload.declaration or ""})
        if not declaration.is_valid():
            raise field_errors({k: list(v) for k, v in declaration.errors.items()})
        if declaration.cleaned_data["declaration"] != "autoconsommation":
            raise field_errors({"declaration": [INJECTION_NOT_ONLINE]}, detail=INJECTION_NOT_ONLINE)
        kind = Kind.CACSI
    orientation = {key: form.cleaned_data[key] for key in ("service_type", "usage", "power")}
    try:
        dossier = dossier_create(
            user=user, commune=form.cleaned_data["commune"], orientation=orientation, kind=kind
        )
    except DossierError as error:
        raise field_errors({"commune": [error.message]}) from None
    dossier = dossier_for_user(user, dossier.number)
    return Status(201, presenters.dossier_detail(request, dossier))


# --- Sections -------------------------------------------------------------------------------


@api.get(
    "/dossiers/{number}/sections",
    response={200: list[SectionRefOut], **ERRORS},
    url_name="sections",
    tags=["Sections"],
    summary="Les sections du formulaire",
)
def section_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    dossier = _dossier(request, number)
    return [presenters.section_ref(request, dossier, s) for s in sections_for(dossier.kind)]


@api.get(
    "/dossiers/{number}/sections/{section}",
    response={200: SectionOut, **ERRORS},
    url_name="section",
    tags=["Sections"],
    summary="Lire une section",
)
def section_get(request: HttpRequest, number: str, section: str) -> dict[str, Any]:
    """Réponses enregistrées, erreurs, complétude, verrouillage et description des champs
    (type, choix, condition d'application)."""
    dossier = _dossier(request, number)
    return presenters.section_detail(request, dossier, _section(dossier, section))


class _Rejected(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("section rejected")
        self.errors = errors


def _typed(section: Section, values: dict[str, Any]) -> dict[str, str]:
    """The values as the portal's form posts them: text; a ticked box is « on »."""
    fields = section.form_class.base_fields
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise field_errors(
            {name: [f"Champ inconnu dans la section « {section.title} »."] for name in unknown}
        )
    typed: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is None:
            typed[name] = ""
        elif isinstance(value, bool):
            if isinstance(fields[name], forms.BooleanField):
                typed[name] = "on" if value else ""
            else:
                errors[name] = ["Envoyez une valeur parmi les choix proposés, pas true/false."]
        else:
            typed[name] = str(value)
    if errors:
        raise field_errors(errors, detail=SECTION_REJECTED)
    return typed


@api.put(
    "/dossiers/{number}/sections/{section}",
    response={200: SectionOut, 409: ErrorOut, 422: FieldErrorsOut, **ERRORS},
    url_name="section_save",
    tags=["Sections"],
    summary="Enregistrer une section",
)
def section_put(
    request: HttpRequest, number: str, section: str, payload: SectionIn
) -> dict[str, Any]:
    """Enregistre les champs fournis (les autres gardent leur valeur) avec les contrôles du
    portail. Si la section contient alors une erreur, rien n'est enregistré (422, messages par
    champ). Après la transmission, les sections verrouillées répondent 409."""
    user = _user(request)
    dossier = _dossier(request, number)
    target = _section(dossier, section)
    lock = section_editable(dossier, target)
    if lock:
        raise ApiError(409, lock)
    typed = _typed(target, payload.values)
    try:
        with transaction.atomic():
            result = dossier_field_save(
                dossier=dossier, user=user, section_slug=target.slug, values=typed
            )
            if result.state.errors:
                raise _Rejected(result.state.errors)  # rolls the save back
    except _Rejected as rejected:
        raise field_errors(rejected.errors, detail=SECTION_REJECTED) from None
    except DossierError as error:
        raise ApiError(409, error.message) from None
    return presenters.section_detail(request, result.dossier, target)


# --- Attachments ----------------------------------------------------------------------------


@api.get(
    "/dossiers/{number}/attachments",
    response={200: AttachmentListOut, **ERRORS},
    url_name="attachments",
    tags=["Pièces jointes"],
    summary="Pièces jointes de la demande",
)
def attachment_list(request: HttpRequest, number: str) -> dict[str, Any]:
    dossier = _dossier(request, number)
    lock = section_editable(dossier, None)
    files = dossier.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk")
    kinds = REQUEST_ATTACHMENT_KINDS.get(dossier.kind, REQUEST_ATTACHMENT_KINDS["cacsi"])
    return {
        "items": [presenters.attachment_out(request, a) for a in files.select_related("dossier")],
        "missing": attachments_missing(dossier),
        "editable": lock is None,
        "lock_reason": lock,
        "kinds": [{"value": k.value, "label": str(k.label)} for k in kinds],
    }


@api.post(
    "/dossiers/{number}/attachments",
    response={201: AttachmentOut, 409: ErrorOut, 422: FieldErrorsOut, **ERRORS},
    url_name="attachment_add",
    tags=["Pièces jointes"],
    summary="Joindre une pièce",
)
def attachment_upload(
    request: HttpRequest,
    number: str,
    kind: str = Form(..., description="Type de pièce (voir `kinds` de la liste)."),
    file: UploadedFile = File(..., description="PDF, JPEG ou PNG, 5 Mo au plus."),  # noqa: B008
) -> Status[dict[str, Any]]:
    """Envoi `multipart/form-data` (champs `kind` et `file`), avec les contrôles du portail :
    type de pièce, format reconnu par le contenu du fichier, taille."""
    user = _user(request)
    dossier = _dossier(request, number)
    lock = section_editable(dossier, None)
    if lock:
        raise ApiError(409, lock)
    form = AttachmentForm(data={"kind": kind}, files={"file": file}, dossier_kind=dossier.kind)
    if not form.is_valid():
        raise field_errors({k: list(v) for k, v in form.errors.items()})
    upload = form.cleaned_data["file"]
    try:
        attachment = attachment_add(
            dossier=dossier,
            user=user,
            kind=form.cleaned_data["kind"],
            name=upload.name or "piece",
            content=upload.read(),
        )
    except DossierError as error:
        dossier.refresh_from_db()
        lock = section_editable(dossier, None)
        if lock:
            raise ApiError(409, lock) from None
        raise field_errors({error.field or "__all__": [error.message]}) from None
    return Status(201, presenters.attachment_out(request, attachment))


@api.get(
    "/dossiers/{number}/attachments/{attachment_id}",
    response=ERRORS,
    url_name="attachment",
    tags=["Pièces jointes"],
    summary="Télécharger une pièce jointe",
    openapi_extra=BINARY,
)
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    dossier = _dossier(request, number)
    attachment = Attachment.objects.filter(
        dossier=dossier, pk=attachment_id, removed_at__isnull=True
    ).first()
    if attachment is None:
        raise Http404(FILE_NOT_FOUND)
    return upload_response(attachment)


# --- Documents ------------------------------------------------------------------------------


@api.get(
    "/dossiers/{number}/documents",
    response={200: DocumentListOut, **ERRORS},
    url_name="documents",
    tags=["Documents"],
    summary="Documents transmis par le gestionnaire",
)
def document_list(request: HttpRequest, number: str) -> dict[str, Any]:
    """Les documents de l'onglet Documents du portail (la convention acceptée, les offres…)."""
    dossier = _dossier(request, number)
    versions = (
        DocumentVersion.objects.filter(dossier=dossier, visible_to_requester=True)
        .select_related("dossier")
        .order_by("created_at", "pk")
    )
    return {"items": [presenters.document_out(request, v) for v in versions]}


@api.get(
    "/dossiers/{number}/documents/{document_id}",
    response={503: ErrorOut, **ERRORS},
    url_name="document",
    tags=["Documents"],
    summary="Télécharger un document",
    openapi_extra=BINARY,
)
def document_download(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    """Le PDF tel qu'il a été enregistré (son empreinte est vérifiée avant l'envoi)."""
    dossier = _dossier(request, number)
    version = DocumentVersion.objects.filter(
        pk=document_id, dossier=dossier, visible_to_requester=True
    ).first()
    if version is None:
        raise Http404("Document introuvable.")
    try:
        return document_response(version)
    except DocumentIntegrityError:
        logger.exception("Refused to serve document %s of dossier %s", version.pk, dossier.number)
        raise ApiError(503, DOCUMENT_UNAVAILABLE) from None


# --- Messages -------------------------------------------------------------------------------


@api.get(
    "/dossiers/{number}/messages",
    response={200: MessageListOut, **ERRORS},
    url_name="messages",
    tags=["Messages"],
    summary="Messages de la demande",
)
def message_list(
    request: HttpRequest,
    number: str,
    mark_read: bool = Query(
        True, description="Marquer comme lus les messages reçus (comme l'onglet du portail)."
    ),
) -> dict[str, Any]:
    """Du plus ancien au plus récent, avec leurs pièces jointes."""
    dossier = _dossier(request, number)
    thread = list(
        Message.objects.filter(dossier=dossier)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    items = [presenters.message_out(request, dossier, m) for m in thread]
    if mark_read and any(
        m.direction == Message.Direction.TO_REQUESTER and m.read_at is None for m in thread
    ):
        messages_mark_read(dossier=dossier, direction=Message.Direction.TO_REQUESTER)
    blocked = presenters.message_blocked(dossier)
    return {"items": items, "can_write": blocked is None, "blocked_reason": blocked}


@api.post(
    "/dossiers/{number}/messages",
    response={201: MessageOut, 409: ErrorOut, 422: FieldErrorsOut, **ERRORS},
    url_name="message_send",
    tags=["Messages"],
    summary="Écrire au gestionnaire de réseau",
)
def message_send(
    request: HttpRequest,
    number: str,
    subject: str = Form(..., description="Objet, 120 caractères au plus."),
    body: str = Form(..., description="Message, 5 000 caractères au plus."),
    files: list[UploadedFile] = File(  # noqa: B008
        None, description="Pièces jointes : PDF, JPEG ou PNG, 5 Mo au plus chacune, 10 au plus."
    ),
) -> Status[dict[str, Any]]:
    """Envoi `multipart/form-data` (ou `application/x-www-form-urlencoded` sans fichier). Possible
    une fois la demande transmise, et tant qu'elle n'est pas close (409 sinon)."""
    user = _user(request)
    dossier = _dossier(request, number)
    try:
        message = message_post(
            dossier=dossier,
            author=user,
            direction=Message.Direction.TO_OPERATOR,
            subject=subject,
            body=body,
            files=[(f.name or "piece", f.read()) for f in files or []],
        )
    except MessageError as error:
        if error.field:
            raise field_errors({error.field: [error.message]}) from None
        raise ApiError(409, error.message) from None
    message = Message.objects.select_related("author").get(pk=message.pk)
    return Status(201, presenters.message_out(request, dossier, message))


@api.get(
    "/dossiers/{number}/messages/attachments/{attachment_id}",
    response=ERRORS,
    url_name="message_attachment",
    tags=["Messages"],
    summary="Télécharger une pièce jointe d'un message",
    openapi_extra=BINARY,
)
def message_attachment_download(
    request: HttpRequest, number: str, attachment_id: int
) -> FileResponse:
    dossier = _dossier(request, number)
    attachment = MessageAttachment.objects.filter(
        pk=attachment_id, message__dossier=dossier
    ).first()
    if attachment is None:
        raise Http404(FILE_NOT_FOUND)
    return upload_response(attachment)


# Last route: any other address under /api/v1/ is a JSON 404 (not Django's HTML page).
@api.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:rest}",
    auth=None,
    include_in_schema=False,
)
def unknown_route(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404(
        "Adresse inconnue de l'API : la liste des opérations est dans /api/v1/openapi.json."
    )
