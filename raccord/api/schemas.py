"""Typed bodies of the API (they make the OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

# --- Errors ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Ce qui ne va pas, en une phrase (français).")


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages par champ (``__all__`` : erreurs qui ne portent sur aucun champ).",
    )


# --- Dossiers -------------------------------------------------------------------------------


class DossierSummaryOut(Schema):
    number: str = Field(description="Numéro de la demande, sans espaces (ex. 2611P4E000123).")
    number_display: str = Field(description="Numéro tel qu'affiché (ex. 26 11 P4E 000123).")
    kind: str = Field(description="cacsi ou bt_36_250.")
    kind_label: str
    state: str = Field(description="État technique (draft, submitted, in_charge, …).")
    state_label: str = Field(description="Libellé français de l'état.")
    requester_status: str = Field(description="Statut tel que le montre la liste du portail.")
    requester_name: str
    commune: str
    postal_code: str
    created_at: datetime
    submitted_at: datetime | None
    unread_messages: int
    open_actions: int
    url: str = Field(description="Adresse de la demande dans l'API.")


class DossierPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    items: list[DossierSummaryOut]


class MilestoneOut(Schema):
    position: int
    label: str
    done_at: datetime | None
    current: bool


class DeadlineOut(Schema):
    kind: str = Field(description="cacsi_commissioning (règle des 15 jours) ou offer_acceptance.")
    label: str
    due_on: date = Field(description="Dernier jour du délai.")
    explanation: str = Field(description="Comment la date est calculée (français).")
    allowed_from: date | None = Field(
        None, description="Règle des 15 jours : premier jour où la mise en service est possible."
    )
    allowed_now: bool | None = None


class ActionOut(Schema):
    id: int
    label: str
    detail: str
    due_date: date = Field(description="« Avant le ».")
    overdue: bool


class DeskOut(Schema):
    name: str
    address: str
    phone: str
    email: str


class OperatorOut(Schema):
    name: str
    short_name: str
    legal_form: str
    registered_office: str
    website: str


class ContactOut(Schema):
    desk: DeskOut | None = Field(description="Guichet régional (AREPROD), s'il est désigné.")
    operator: OperatorOut


class SectionRefOut(Schema):
    slug: str
    title: str
    complete: bool
    editable: bool
    lock_reason: str | None
    url: str


class PortalStepOut(Schema):
    label: str
    url: str


class DossierOut(Schema):
    number: str
    number_display: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    requester_status: str
    requester_name: str
    commune: str
    postal_code: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    taken_at: datetime | None
    completed_at: datetime | None
    accepted_at: datetime | None
    commissioned_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    milestones: list[MilestoneOut]
    deadlines: list[DeadlineOut] = Field(description="Délais légaux en cours, avec explication.")
    open_actions: list[ActionOut]
    unread_messages: int
    sections: list[SectionRefOut]
    attachments_missing: list[str]
    remaining: list[str] = Field(
        description="Brouillon : ce qui empêche encore l'acceptation ou la transmission."
    )
    contact: ContactOut
    portal_url: str = Field(description="La demande dans le portail.")
    portal_step: PortalStepOut | None = Field(
        description="L'étape à réaliser dans le portail (signature, transmission, réponse…)."
    )


class DossierCreateIn(Schema):
    commune: str = Field(
        "",
        description="Commune du chantier, comme dans le portail sans la liste : code postal "
        "(56000), « Nom (code postal) » ou nom.",
        examples=["Vannes (56000)"],
    )
    commune_id: int | None = Field(
        None, description="Ou l'identifiant de la commune (autocomplétion /lieux/communes/)."
    )
    service_type: str = Field(
        description="nouveau_raccordement, augmentation_puissance ou modification."
    )
    usage: str = Field(
        description="production_seule, consommation_et_production ou consommation_seule."
    )
    power: str = Field(description="jusqu_a_36_kva, de_36_a_250_kva ou plus_de_250_kva.")
    declaration: str | None = Field(
        None,
        description="Jusqu'à 36 kVA : « autoconsommation » (CACSI) ; « injection » n'est pas "
        "encore proposé en ligne.",
    )


# --- Sections -------------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str


class ConditionOut(Schema):
    field: str
    values: list[str]


class FieldOut(Schema):
    name: str
    label: str
    type: Literal["string", "text", "email", "choice", "boolean", "integer", "decimal", "date"]
    required: bool = Field(description="Obligatoire pour que la section soit complète.")
    applies: bool = Field(description="Le champ s'applique compte tenu des autres réponses.")
    help_text: str
    max_length: int | None
    choices: list[ChoiceOut] | None
    condition: ConditionOut | None = Field(
        description="Le champ ne s'applique que si « field » vaut l'une de « values »."
    )


class SectionOut(Schema):
    slug: str
    title: str
    complete: bool
    editable: bool
    lock_reason: str | None
    values: dict[str, str] = Field(description="Réponses enregistrées, telles que saisies.")
    errors: dict[str, list[str]] = Field(
        description="Erreurs des réponses enregistrées (champs remplis seulement)."
    )
    notes: list[str]
    fields: list[FieldOut]


class SectionIn(Schema):
    values: dict[str, str | int | float | bool | None] = Field(
        description="Les champs à enregistrer ; les champs absents gardent leur valeur ; "
        "« » ou null efface un champ. Cases à cocher : true/false.",
        examples=[{"street_name": "Allée Diderot", "pdl": "12345678901234"}],
    )


# --- Attachments, documents, messages -------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_url: str


class AttachmentListOut(Schema):
    items: list[AttachmentOut]
    missing: list[str] = Field(description="Pièces demandées et pas encore jointes.")
    editable: bool
    lock_reason: str | None
    kinds: list[ChoiceOut] = Field(description="Types de pièce acceptés pour ce dossier.")


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    filename: str
    size: int
    sha256: str
    comment: str
    created_at: datetime
    download_url: str


class DocumentListOut(Schema):
    items: list[DocumentOut]


class MessageFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download_url: str


class MessageOut(Schema):
    id: int
    direction: str = Field(description="to_operator (envoyé) ou to_requester (reçu).")
    direction_label: str
    author: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    files: list[MessageFileOut]


class MessageListOut(Schema):
    items: list[MessageOut]
    can_write: bool
    blocked_reason: str | None
