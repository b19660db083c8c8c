"""The DSO back-office in Chromium: staff take a transmitted CACSI, ask for a missing
certificate, the requester answers by message, staff accept, the requester downloads
« CACSI Acceptée Enedis » with both « Accepté le »; e-mails at each step; axe on every page."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(p4e_staff):  # type: ignore[no-untyped-def]
    from raccord.dossiers.signing import convention_accept, dossier_submit
    from tests.factories import DossierFactory, UserFactory

    desk, operator = p4e_staff.desk, p4e_staff.operator
    requester = UserFactory(email="martin.dupont@example.test")
    dossier = DossierFactory(
        created_by=requester, complete=True, desk=desk, operator=operator, number="2611P4E000042"
    )
    convention_accept(dossier=dossier, user=requester, ip_address="127.0.0.1", user_agent="t")
    dossier_submit(dossier=dossier, user=requester)
    mail.outbox.clear()
    return dossier


def last_mail(fragment: str) -> mail.EmailMessage:
    found = [m for m in mail.outbox if fragment in m.subject]
    assert found, [m.subject for m in mail.outbox]
    return found[-1]


def test_staff_request_a_certificate_then_accept_and_the_requester_gets_the_pdf(
    page, browser, live_server, setting, tmp_path
):
    from raccord.dossiers.models import Dossier, State

    dossier = setting
    number = dossier.number_display

    # Staff log in with their second factor and open the inbox.
    login(page, "lea.martin@enedis.test", totp=True)
    page.goto("/gestion/")
    page.get_by_role("heading", name=re.compile("Dossiers à instruire")).wait_for()
    assert_accessible(page, "bo-01-inbox")
    page.get_by_role("link", name=number).click()
    page.get_by_role("heading", name=re.compile(number)).wait_for()
    assert_accessible(page, "bo-02-dossier")

    # Take it in charge.
    page.get_by_role("button", name="Prendre en charge").click()
    page.get_by_text("Dossier pris en charge.").wait_for()
    assert "prise en charge" in last_mail("prise en charge").subject
    assert_accessible(page, "bo-03-in-charge")

    # Ask for the missing certificate; first with an empty form (errors at the fields).
    form = page.locator("form", has=page.get_by_role("heading", name=re.compile("Demander des")))
    form.get_by_role("button", name=re.compile("Demander des")).click()
    page.get_by_text("Choisissez la nature du problème.").wait_for()
    assert_accessible(page, "bo-04-request-errors")
    form = page.locator("form", has=page.get_by_role("heading", name=re.compile("Demander des")))
    form.get_by_label("Pièce ou information manquante").check()
    form.get_by_label("Pièce ou information concernée").fill(
        "Certificat de conformité de la protection de découplage"
    )
    form.get_by_label("Ce que le demandeur doit faire").fill(
        "Envoyez le certificat NF EN 50549-10 de votre onduleur."
    )
    form.get_by_role("button", name=re.compile("Demander des")).click()
    page.get_by_text(re.compile("Demande de compléments envoyée")).wait_for()
    items_mail = last_mail("compléments")
    assert "Actions" in items_mail.body
    assert_accessible(page, "bo-05-waiting")

    # The requester sees the action, uploads the certificate and answers.
    requester_context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    rpage = requester_context.new_page()
    rpage.set_default_timeout(15_000)
    login(rpage, "martin.dupont@example.test", totp=False)
    rpage.goto(f"/demandes/{dossier.number}/actions/")
    rpage.get_by_text(re.compile("Certificat de conformité de la protection")).first.wait_for()
    assert_accessible(rpage, "bo-portal-action")
    rpage.get_by_role("link", name="Ajouter une pièce").first.click()
    certificate = tmp_path / "certificat.pdf"
    certificate.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    rpage.get_by_label("Type de pièce").select_option("decoupling_certificate")
    rpage.get_by_label("Fichier").set_input_files(str(certificate))
    rpage.get_by_role("button", name="Ajouter la pièce").click()
    rpage.get_by_text("Pièce ajoutée.").wait_for()
    rpage.goto(f"/demandes/{dossier.number}/actions/")
    rpage.get_by_label("Votre réponse").fill("Voici la référence : certificat n° 2026-117.")
    rpage.get_by_role("button", name="Répondre et reprendre l'instruction").click()
    rpage.get_by_text("Votre réponse a été transmise").wait_for()
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_CHARGE
    assert (
        Dossier.objects.get(pk=dossier.pk)
        .attachments.filter(kind="decoupling_certificate")
        .exists()
    )

    # Staff read the answer, declare complete and accept.
    page.reload()
    page.get_by_text("Voici la référence : certificat n° 2026-117.").wait_for()
    page.get_by_role("button", name="Déclarer complète").click()
    page.get_by_text("Dossier déclaré complet.").wait_for()
    assert last_mail("complète")
    page.get_by_role("button", name="Accepter la convention").click()
    page.get_by_text(re.compile("Convention acceptée : elle est disponible")).wait_for()
    accepted = last_mail("acceptée")
    assert "Documents" in accepted.body
    assert_accessible(page, "bo-06-accepted")

    # The requester downloads « CACSI Acceptée Enedis » from the Documents tab.
    rpage.goto(f"/demandes/{dossier.number}/documents/")
    rpage.get_by_text("CACSI Acceptée Enedis").first.wait_for()
    with rpage.expect_download() as download_info:
        rpage.get_by_role("link", name=re.compile(r"CACSI Acceptee Enedis.*\.pdf")).click()
    pdf = download_info.value.path().read_bytes()
    (ARTIFACTS / "cacsi-accepted-by-operator.pdf").write_bytes(pdf)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    assert text.count("Accepté le") == 2
    assert f"Accepté le {timezone.localdate():%d/%m/%Y}" in text
    requester_context.close()

    # Phone width: the inbox stays usable.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/gestion/")
    page.get_by_role("link", name=number).wait_for()
    assert_accessible(page, "bo-07-inbox-phone")
