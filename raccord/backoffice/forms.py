"""Forms of the back-office (French labels; each decision form carries the dossier version)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from raccord.dossiers.decisions import ItemProblem, action_due_default
from raccord.dossiers.models import Kind, State
from raccord.tracking.messaging import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequestItemsForm(DecisionForm):
    problem = forms.ChoiceField(
        label="Nature du problème",
        choices=ItemProblem.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la nature du problème."},
    )
    item = forms.CharField(
        label="Pièce ou information concernée",
        max_length=150,
        help_text="Par exemple : certificat de conformité de la protection de découplage.",
        error_messages={"required": "Indiquez la pièce ou l'information concernée."},
    )
    detail = forms.CharField(
        label="Ce que le demandeur doit faire",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Indiquez ce que le demandeur doit faire."},
    )
    due_date = forms.DateField(
        label="À fournir avant le",
        widget=DateInput(),
        help_text="Par défaut, le délai de réponse à une action (paramètre réglementaire).",
        error_messages={"required": "Indiquez la date limite.", "invalid": "Date invalide."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = action_due_default()


class ReasonForm(DecisionForm):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif."},
    )


class CommissionForm(DecisionForm):
    on = forms.DateField(
        label="Date de mise en service",
        widget=DateInput(),
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


DECISION_FORMS: dict[str, type[DecisionForm]] = {
    "take_in_charge": DecisionForm,
    "declare_complete": DecisionForm,
    "request_items": RequestItemsForm,
    "accept": DecisionForm,
    "refuse": ReasonForm,
    "commission": CommissionForm,
    "withdraw": ReasonForm,
}


class StaffMessageForm(forms.Form):
    subject = forms.CharField(
        label="Objet",
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={"required": "Indiquez l'objet du message."},
    )
    body = forms.CharField(
        label="Message au demandeur",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Le demandeur reçoit un e-mail et lit le message dans son espace.",
        error_messages={"required": "Écrivez le message."},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note interne",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Visible seulement du personnel du gestionnaire de réseau.",
        error_messages={"required": "Écrivez la note."},
    )


class TagForm(forms.Form):
    text = forms.CharField(
        label="Nouvelle étiquette",
        max_length=40,
        error_messages={"required": "Saisissez une étiquette."},
    )


class ExpertAskForm(forms.Form):
    expert = forms.TypedChoiceField(
        label="Collègue à consulter",
        coerce=int,
        error_messages={"required": "Choisissez un ou une collègue."},
    )
    question = forms.CharField(
        label="Votre question",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Posez votre question."},
    )

    def __init__(self, *args: Any, experts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "— Choisir —")] + [
            (u.pk, f"{u.display_name} ({u.get_role_display()})") for u in experts
        ]


class ExpertAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Votre avis",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Donnez votre avis."},
    )


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label="Attribuer à", coerce=int, empty_value=None)

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Personne")] + [
            (u.pk, u.display_name) for u in colleagues
        ]
        self.fields["assignee"].required = False


STATE_CHOICES = [("", "Tous les états")] + [
    (value, label) for value, label in State.choices if value != State.DRAFT
]
KIND_CHOICES = [("", "Tous les types"), *Kind.choices]
