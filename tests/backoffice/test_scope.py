"""Who sees what in the back-office: 404 outside one's desk or operator, on every page and POST."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raccord.backoffice.models import ExpertRequest, StaffTag
from raccord.documents.models import DocumentVersion
from raccord.dossiers.models import Dossier, State
from tests.backoffice.conftest import admin, submitted_dossier
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

DECISIONS = (
    "take_in_charge",
    "declare_complete",
    "request_items",
    "accept",
    "refuse",
    "commission",
    "withdraw",
)


def endpoints(dossier: Dossier) -> list[tuple[str, str]]:
    """(method, url) of every back-office page and form about ``dossier``."""
    n = dossier.number
    document = DocumentVersion.objects.filter(dossier=dossier).first()
    tag = StaffTag.objects.filter(dossier=dossier).first()
    expert = ExpertRequest.objects.filter(dossier=dossier).first()
    return [
        ("get", reverse("backoffice:dossier", args=[n])),
        ("get", reverse("backoffice:attachment", args=[n, 1])),
        ("get", reverse("backoffice:document", args=[n, document.pk if document else 1])),
        *[("post", reverse("backoffice:decide", args=[n, name])) for name in DECISIONS],
        ("post", reverse("backoffice:message", args=[n])),
        ("post", reverse("backoffice:assign", args=[n])),
        ("post", reverse("backoffice:note_add", args=[n])),
        ("post", reverse("backoffice:tag_add", args=[n])),
        ("post", reverse("backoffice:tag_remove", args=[n, tag.pk if tag else 1])),
        ("post", reverse("backoffice:expert_ask", args=[n])),
        ("post", reverse("backoffice:expert_answer", args=[n, expert.pk if expert else 1])),
    ]


@pytest.fixture
def populated(dossier, instructor, colleague):  # type: ignore[no-untyped-def]
    StaffTag.objects.create(dossier=dossier, text="urgent", created_by=instructor)
    ExpertRequest.objects.create(
        dossier=dossier, asked_by=instructor, expert=colleague, question="?"
    )
    return dossier


@pytest.mark.parametrize("who", ["outsider", "foreign_staff", "requester"])
def test_every_page_and_post_is_404_outside_the_scope(client, request, populated, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    version = populated.version
    for method, url in endpoints(populated):
        response = getattr(client, method)(url, {"take_in_charge-version": version, "me": "1"})
        assert response.status_code == 404, (who, method, url, response.status_code)
    populated.refresh_from_db()
    assert populated.state == State.SUBMITTED and populated.version == version
    assert StaffTag.objects.filter(dossier=populated).count() == 1


def test_requesters_and_anonymous_get_no_inbox(client, requester):
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    client.force_login(requester)
    assert client.get(reverse("backoffice:inbox")).status_code == 404


def test_the_desk_instructor_sees_the_dossier_and_the_admin_sees_every_desk(
    client, populated, instructor, outsider, other_desk, operator, requester
):
    client.force_login(instructor)
    assert client.get(reverse("backoffice:dossier", args=[populated.number])).status_code == 200
    elsewhere = submitted_dossier(requester=requester, desk=other_desk, operator=operator)
    url = reverse("backoffice:dossier", args=[elsewhere.number])
    assert client.get(url).status_code == 404
    inbox = client.get(reverse("backoffice:inbox")).content.decode()
    assert populated.number_display in inbox and elsewhere.number_display not in inbox

    client.force_login(admin(operator))
    assert client.get(url).status_code == 200
    inbox = client.get(reverse("backoffice:inbox")).content.decode()
    assert populated.number_display in inbox and elsewhere.number_display in inbox


def test_drafts_are_never_shown(client, instructor, desk, operator, requester):
    draft = DossierFactory(created_by=requester, desk=desk, operator=operator, complete=True)
    client.force_login(instructor)
    assert client.get(reverse("backoffice:dossier", args=[draft.number])).status_code == 404
    assert draft.number_display not in client.get(reverse("backoffice:inbox")).content.decode()
    client.force_login(admin(operator))
    assert client.get(reverse("backoffice:dossier", args=[draft.number])).status_code == 404


def test_staff_without_totp_is_sent_to_activate_it(client, desk):
    from tests.factories import InstructorFactory

    client.force_login(InstructorFactory(desk=desk, operator=desk.operator))
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
