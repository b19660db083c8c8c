"""Form pieces for a message with files, shared by the requester's and the staff's message
forms; the files' content is checked by ``raccord.tracking.messaging``."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raccord.dossiers.services import MAX_ATTACHMENT_BYTES
from raccord.tracking.messaging import MAX_FILES


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MessageFilesField(forms.FileField):
    """Several files at once (a list, possibly empty); their content is checked by
    ``message_post``. The size limit is shown before upload (``data-max-bytes-each``)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Pièces jointes (facultatif)"))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                gettext_lazy(
                    "PDF, JPEG ou PNG, 5 Mo au plus par fichier, {n} fichiers au plus. "
                    "Vous pouvez en choisir plusieurs."
                ),
                n=MAX_FILES,
            ),
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update(
            {
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                "data-max-bytes-each": str(MAX_ATTACHMENT_BYTES),
            }
        )

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def message_files(form: forms.Form) -> list[tuple[str, bytes]]:
    """The files of a valid message form, as ``message_post`` takes them."""
    return [(f.name or "piece", f.read()) for f in form.cleaned_data.get("files") or []]


def files_reselect_notice(form: forms.Form, request: HttpRequest) -> None:
    """After an error, say at the file field that chosen files must be chosen again (a browser
    never keeps them); the typed subject and body are kept by the bound form."""
    if request.FILES.getlist("files") and "files" not in form.errors:
        form.add_error(
            "files",
            _("Les fichiers choisis n'ont pas été envoyés : choisissez-les à nouveau."),
        )
