"""E-mails about a dossier, sent by background tasks once the transaction has committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from raccord.dossiers.models import Dossier


def recipients(dossier: Dossier) -> list[str]:
    """The requester and, when there is one, the authorised third party (installer)."""
    requester = dossier.section("demandeur")
    emails = [str(requester.get("email") or dossier.created_by.email)]
    if requester.get("has_third_party") == "oui" and requester.get("third_party_email"):
        emails.append(str(requester["third_party_email"]))
    if dossier.created_by.email not in emails:
        emails.append(dossier.created_by.email)
    return list(dict.fromkeys(e.lower() for e in emails if e))


@task()
def send_dossier_mail(*, dossier_id: int, template: str) -> int:
    dossier = Dossier.objects.select_related("operator", "desk", "commune").get(pk=dossier_id)
    context = {"dossier": dossier, "site_url": getattr(settings, "RACCORD_SITE_URL", "")}
    subject = render_to_string(f"dossiers/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"dossiers/email/{template}_message.txt", context)
    return send_mail(subject, body, None, recipients(dossier))
