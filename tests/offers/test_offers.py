"""Offer of a 36-250 kVA dossier: preparation, sending, acceptance, lapse, modification."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from raccord.core.parameters import parameters_current
from raccord.documents.models import DocumentKind, DocumentVersion
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.services import DossierError
from raccord.offers import services
from raccord.offers.models import ChecklistItem, Offer
from raccord.rules.clocks import ClockRule, deadline_compute
from raccord.rules.money import ContributionRequest, CostCategory, CostLine, contribution_compute
from raccord.tracking.models import Event, Notification
from tests.backoffice.conftest import SECRET  # noqa: F401
from tests.factories import UserFactory
from tests.offers.conftest import EXAMPLE, full_values, prepare_complete

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login_staff(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)


def sent(bt, instructor):  # type: ignore[no-untyped-def]
    from django.test import TestCase

    prepare_complete(bt, instructor)
    bt.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.offer_send(dossier=bt, user=instructor, version=bt.version)
    bt.refresh_from_db()
    return bt


def pdf_text(version: DocumentVersion) -> str:
    from raccord.documents.services import document_read

    reader = PdfReader(io.BytesIO(document_read(version=version)))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_plan_shows_reasons_and_confirmations(bt, instructor):
    draft = services.draft_for(bt)
    values = full_values()
    values["study-extension_needed"] = ""  # left to a person
    services.draft_save(
        dossier=bt, user=instructor, version=draft.version, values=values, confirmations={}
    )
    prep = services.preparation_for(bt)
    assert prep.plan_rows and all(r.rule for r in prep.plan_rows)
    pending = [r for r in prep.plan_rows if r.needs_confirmation]
    assert pending and all(r.choices for r in pending)
    assert any("À confirmer" in p for p in prep.ready())
    with pytest.raises(DossierError, match="confirmer"):
        services.offer_send(dossier=bt, user=instructor, version=bt.version)
    draft.refresh_from_db()
    services.draft_save(
        dossier=bt,
        user=instructor,
        version=draft.version,
        values=values,
        confirmations={r.group: r.block or "-" for r in pending},
    )
    prep = services.preparation_for(bt)
    assert not [r for r in prep.plan_rows if r.needs_confirmation]
    assert any(r.confirmed_by for r in prep.plan_rows)


def test_cost_line_without_amount_is_an_error_at_that_line_and_nothing_lost(client, bt, instructor):
    login_staff(client, instructor)
    url = reverse("offers_staff:prepare", args=[bt.number])
    values = full_values()
    values["costs-2-amount_ht"] = ""
    values["costs-2-label"] = "Réseau BT à chiffrer"
    draft = services.draft_for(bt)
    response = client.post(url, {**values, "version": draft.version})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Ligne 3 : Indiquez le montant HT de cette ligne." in page
    assert "Réseau BT à chiffrer" in page and "KERLANN 2" in page
    draft.refresh_from_db()
    assert draft.data["costs-2-label"] == "Réseau BT à chiffrer"


def test_money_equals_contribution_compute(bt, instructor):
    prepare_complete(bt, instructor)
    prep = services.preparation_for(bt)
    expected = contribution_compute(
        parameters_current(),
        request=ContributionRequest(
            on=EXAMPLE.request.reference_date,
            lines=(
                CostLine(CostCategory.PRIVATE_DOMAIN, EXAMPLE.contribution.lines[0].gross_ht),
                CostLine(CostCategory.BRANCH, EXAMPLE.contribution.lines[1].gross_ht),
                CostLine(CostCategory.BT_NETWORK, EXAMPLE.contribution.lines[2].gross_ht),
                CostLine(CostCategory.SUBSTATION, EXAMPLE.contribution.lines[3].gross_ht),
            ),
            refaction_power_kw=EXAMPLE.request.pracc_inj_kva,
            pracc_inj_kva=EXAMPLE.request.pracc_inj_kva,
            deposit_percent=EXAMPLE.contribution.deposit_percent,
            mandataire_lines=(
                CostLine(CostCategory.BT_NETWORK, EXAMPLE.contribution.mandataire.works_ht),
            ),  # type: ignore[union-attr]
        ),
    )
    got = prep.contributions[services.DocumentKind.AVENANT]
    assert (got.total_ht, got.vat, got.total_ttc, got.deposit_ttc, got.balance_ttc) == (
        expected.total_ht,
        expected.vat,
        expected.total_ttc,
        expected.deposit_ttc,
        expected.balance_ttc,
    )


def test_send_stores_crd_and_avenant_with_validity(bt, instructor):
    bt = sent(bt, instructor)
    assert bt.state == State.OFFER_SENT
    crd = DocumentVersion.objects.get(dossier=bt, kind=DocumentKind.CRD)
    avenant = DocumentVersion.objects.get(dossier=bt, kind=DocumentKind.AVENANT)
    assert crd.visible_to_requester and avenant.visible_to_requester
    assert "KERLANN 2" in pdf_text(crd)
    text = pdf_text(avenant)
    assert "L342-6" in text and "Mandataire" in text
    today = timezone.localdate()
    due = deadline_compute(parameters_current(), rule=ClockRule.OFFER_ACCEPTANCE, start=today)
    for offer in Offer.objects.filter(dossier=bt):
        assert offer.valid_until == due.due and offer.sent_on == today
        assert offer.validity_explanation == due.explanation
    assert Notification.objects.filter(dossier=bt, kind="offer_sent").count() == 1


@pytest.mark.parametrize("chosen,other", [("avenant", "crd"), ("crd", "avenant")])
def test_accepting_one_offer_ends_the_other(bt, instructor, requester, chosen, other):
    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind=chosen)
    services.offer_accept(offer=offer, user=requester)
    assert Offer.objects.get(dossier=bt, document_kind=other).status == Offer.Status.ENDED_OTHER
    assert Offer.objects.get(dossier=bt, document_kind=other).get_status_display() == (
        "Fin de validité (l'autre offre a été acceptée)"
    )
    kinds = set(offer.items.values_list("kind", flat=True))
    assert ("signed_mandate_contract" in kinds) is (chosen == "avenant")


def test_checklist_missing_cannot_validate_then_validates(bt, instructor, requester):
    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind="avenant")
    services.offer_accept(offer=offer, user=requester)
    items = list(offer.items.all())
    for item in items[:-1]:
        if item.kind == ChecklistItem.Kind.DEPOSIT:
            services.deposit_declare(item=item, user=requester, paid_on=timezone.localdate())
        else:
            services.checklist_upload(item=item, user=requester, name="piece.pdf", content=PDF)
        services.checklist_verify(item=item, user=instructor)
    bt.refresh_from_db()
    with pytest.raises(DossierError, match="non vérifiés"):
        services.acceptance_validate(dossier=bt, user=instructor, version=bt.version)
    last = items[-1]
    with pytest.raises(DossierError, match="n'a pas été fourni"):
        services.checklist_verify(item=last, user=instructor)
    services.deposit_declare(item=last, user=requester, paid_on=timezone.localdate())
    services.checklist_verify(item=last, user=instructor)
    bt.refresh_from_db()
    services.acceptance_validate(dossier=bt, user=instructor, version=bt.version)
    bt.refresh_from_db()
    assert bt.state == State.ACCEPTED


def test_upload_refuses_bad_content(bt, instructor, requester):
    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind="crd")
    services.offer_accept(offer=offer, user=requester)
    item = offer.items.get(kind="signed_offer")
    with pytest.raises(DossierError, match="ni un PDF"):
        services.checklist_upload(item=item, user=requester, name="x.exe", content=b"MZ....")


def test_acceptance_and_upload_after_validity_are_refused(bt, instructor, requester):
    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind="avenant")
    late = offer.valid_until + timedelta(days=1)
    with pytest.raises(DossierError, match="délai de validité de cette offre a expiré"):
        services.offer_accept(offer=offer, user=requester, today=late)
    services.offer_accept(offer=offer, user=requester)
    item = offer.items.get(kind="signed_offer")
    with pytest.raises(DossierError, match="a expiré"):
        services.checklist_upload(item=item, user=requester, name="a.pdf", content=PDF, today=late)


def test_lapse_job_is_idempotent(bt, instructor):
    from raccord.tracking.clocks import clocks_run

    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind="crd")
    late = offer.valid_until + timedelta(days=1)
    assert services.offers_lapse_due(today=offer.valid_until, wet_run=True) == []
    dry = services.offers_lapse_due(today=late, wet_run=False)
    assert len(dry) == 1 and Dossier.objects.get(pk=bt.pk).state == State.OFFER_SENT
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert len(services.offers_lapse_due(today=late, wet_run=True)) == 1
    assert services.offers_lapse_due(today=late, wet_run=True) == []
    bt.refresh_from_db()
    assert bt.state == State.LAPSED
    assert set(Offer.objects.filter(dossier=bt).values_list("status", flat=True)) == {"lapsed"}
    assert Event.objects.filter(dossier=bt, kind="offer:capacity_released").count() == 1
    assert Notification.objects.filter(dossier=bt, kind="offer_lapsed").count() == 1
    clocks_run(wet=True)  # the hook in the clocks job finds nothing more
    assert Event.objects.filter(dossier=bt, kind="offer:capacity_released").count() == 1


def test_modification_request_lapses_and_opens_a_new_dossier(client, bt, instructor, requester):
    bt = sent(bt, instructor)
    client.force_login(requester)
    url = reverse("offers:modification", args=[bt.number])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Passer à 120 kVA"})
    assert response.status_code == 302
    bt.refresh_from_db()
    assert bt.state == State.LAPSED
    new = Dossier.objects.exclude(pk=bt.pk).get(created_by=requester)
    assert new.kind == Kind.BT_36_250 and new.state == State.DRAFT
    assert new.data == bt.data
    assert Event.objects.filter(dossier=bt, payload__new_dossier=new.number).exists()
    page = client.get(reverse("offers:page", args=[bt.number])).content.decode()
    assert new.number in page


def test_pages_render(client, bt, instructor, requester):
    login_staff(client, instructor)
    page = client.get(reverse("offers_staff:prepare", args=[bt.number])).content.decode()
    assert "Générer et envoyer l'offre" in page and "Plan du document" in page
    sent(bt, instructor)
    assert client.get(reverse("offers_staff:prepare", args=[bt.number])).status_code == 200
    client.force_login(requester)
    page = client.get(reverse("offers:page", args=[bt.number])).content.decode()
    assert "Accepter : Avenant L342-6" in page and "Offre de raccordement" in page


def test_staff_page_layout_plan_sections_and_voltages(client, bt, instructor):
    """One « § » per section, the study's voltages to one decimal, the staff stylesheet."""
    import re
    from decimal import Decimal

    from raccord.offers.views_staff import format_volts

    prepare_complete(bt, instructor)
    login_staff(client, instructor)
    page = client.get(reverse("offers_staff:prepare", args=[bt.number])).content.decode()

    assert "css/gestion.css" in page
    assert "§ §" not in page and '<span class="gestion-section">§ 1</span>' in page
    assert '<span class="gestion-section">Titre</span>' in page
    volts = re.search(
        r"Tension maximale après raccordement : ([^;]+) ; .*limite haute : ([^.<]+)", page
    )
    assert volts is not None
    for value in volts.groups():
        assert re.fullmatch(r"\d+,\d\u00a0V", value), value
    assert format_volts(Decimal("440.00")) == "440,0\u00a0V"
    # Every wide table scrolls inside its card and can be reached with the keyboard.
    assert page.count('class="table-scroll gestion-scroll" tabindex="0" role="region"') >= 3


def test_refusals(client, bt, instructor, outsider, foreign_staff, requester):
    stranger = UserFactory()
    staff_urls = [
        ("get", reverse("offers_staff:prepare", args=[bt.number])),
        ("post", reverse("offers_staff:prepare", args=[bt.number])),
        ("post", reverse("offers_staff:send", args=[bt.number])),
        ("post", reverse("offers_staff:verify", args=[bt.number, 1])),
        ("post", reverse("offers_staff:validate", args=[bt.number])),
        ("post", reverse("offers_staff:milestone", args=[bt.number])),
        ("post", reverse("offers_staff:commission", args=[bt.number])),
    ]
    requester_urls = [
        ("get", reverse("offers:page", args=[bt.number])),
        ("post", reverse("offers:accept", args=[bt.number, 1])),
        ("post", reverse("offers:upload", args=[bt.number, 1])),
        ("post", reverse("offers:deposit", args=[bt.number, 1])),
        ("post", reverse("offers:modification", args=[bt.number])),
    ]
    for user in (outsider, foreign_staff, requester, stranger):
        login_staff(client, user)
        for method, url in staff_urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    for user in (stranger, instructor):
        client.force_login(user)
        for method, url in requester_urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    client.logout()
    assert client.get(requester_urls[0][1]).status_code == 302


def test_checklist_upload_through_the_page_and_its_size_limit(bt, instructor, requester, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bt = sent(bt, instructor)
    offer = Offer.objects.get(dossier=bt, document_kind="crd")
    services.offer_accept(offer=offer, user=requester)
    item = offer.items.get(kind="signed_offer")
    client.force_login(requester)
    url = reverse("offers:upload", args=[bt.number, item.pk])
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (5 * 1024 * 1024))
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "la limite est de 5 Mo" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("signe.pdf", PDF)})
    assert response.status_code == 302
    item.refresh_from_db()
    assert bt.attachments.filter(kind="signed_offer").exists()


def test_accepting_through_the_page_asks_for_confirmation_first(client, bt, instructor, requester):
    bt = sent(bt, instructor)
    avenant = Offer.objects.get(dossier=bt, document_kind="avenant")
    client.force_login(requester)
    page = client.get(reverse("offers:page", args=[bt.number])).content.decode()
    url = reverse("offers:accept", args=[bt.number, avenant.pk])
    assert f'href="{url}"' in page  # « Accepter » leads to the confirmation page
    page = client.get(url).content.decode()
    assert "Ce qui va se passer" in page
    assert "L'autre offre, « Convention de Raccordement Directe (CRD) », prend fin" in page
    assert "Contrat de Mandat" in page  # the pieces of the Avenant's acceptance
    assert '<label for="id_confirm">' in page
    assert Offer.objects.filter(dossier=bt, status=Offer.Status.SENT).count() == 2


def test_without_confirmation_nothing_is_accepted(client, bt, instructor, requester):
    bt = sent(bt, instructor)
    avenant = Offer.objects.get(dossier=bt, document_kind="avenant")
    client.force_login(requester)
    url = reverse("offers:accept", args=[bt.number, avenant.pk])
    for data in ({}, {"confirm": ""}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Rien n'a été accepté." in response.content.decode()
    assert Offer.objects.filter(dossier=bt, status=Offer.Status.SENT).count() == 2
    assert not ChecklistItem.objects.filter(offer__dossier=bt).exists()
    assert not Event.objects.filter(dossier=bt, kind="offer:accepted_by_requester").exists()


def test_confirmed_acceptance_ends_the_other_offer(client, bt, instructor, requester):
    bt = sent(bt, instructor)
    avenant = Offer.objects.get(dossier=bt, document_kind="avenant")
    client.force_login(requester)
    url = reverse("offers:accept", args=[bt.number, avenant.pk])
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith("#acceptation")
    statuses = dict(Offer.objects.filter(dossier=bt).values_list("document_kind", "status"))
    assert statuses == {"avenant": Offer.Status.ACCEPTED, "crd": Offer.Status.ENDED_OTHER}
    # The ended offer can no longer be confirmed: back to the offer page, nothing changes.
    crd = Offer.objects.get(dossier=bt, document_kind="crd")
    crd_url = reverse("offers:accept", args=[bt.number, crd.pk])
    assert client.get(crd_url).status_code == 302
    assert client.post(crd_url, {"confirm": "on"}).status_code == 302
    crd.refresh_from_db()
    assert crd.status == Offer.Status.ENDED_OTHER


def test_the_checklist_is_a_list_of_cards_without_bullets(client, bt, instructor, requester):
    from pathlib import Path

    from django.conf import settings

    bt = sent(bt, instructor)
    services.offer_accept(offer=Offer.objects.get(dossier=bt, document_kind="crd"), user=requester)
    client.force_login(requester)
    page = client.get(reverse("offers:page", args=[bt.number])).content.decode()
    assert '<ul class="checklist">' in page
    css = (Path(settings.BASE_DIR) / "raccord/static/css/raccord.css").read_text()
    assert ".checklist { list-style: none;" in css
