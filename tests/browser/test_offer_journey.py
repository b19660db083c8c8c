"""The 36-250 kVA offer in Chromium: staff take an installer's 100 kVA surplus-injection request
with L342-6 in charge, declare it complete, prepare and send the offer (CRD + Avenant); the
installer accepts the Avenant and uploads the checklist; staff verify and validate; the CRD is
shown as ended. axe on every page.

The request is created with factories (the portal 36-250 kVA form is built in parallel) and its
rules input is the worked example (``offer_builder.example_offer``); most of the preparation
is saved through the service, the cost line is typed in the page.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_backoffice_journey import SECRET, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from raccord.accounts.models import Organisation, User
    from raccord.accounts.totp import totp_activate
    from raccord.documents.offer_builder import example_offer
    from raccord.dossiers.models import State
    from raccord.operators.models import Desk
    from tests.factories import OperatorFactory, OrganisationFactory, UserFactory
    from tests.offers.conftest import bt_dossier

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    example = example_offer()
    monkeypatch.setattr(
        "raccord.offers.preparation.connection_request", lambda dossier: example.request
    )
    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    staff = UserFactory(
        email="lea.martin@enedis.test",
        first_name="Léa",
        last_name="Martin",
        role=User.Role.INSTRUCTOR,
        operator=operator,
        desk=desk,
    )
    totp_activate(user=staff, secret=SECRET)
    org = OrganisationFactory(kind=Organisation.Kind.INSTALLER, name="Soleil Pose")
    installer = UserFactory(email="pose@soleil.test", role=User.Role.INSTALLER, organisation=org)
    dossier = bt_dossier(requester=installer, desk=desk, operator=operator, number="2611P4E000777")
    dossier.state, dossier.taken_at, dossier.completed_at = State.SUBMITTED, None, None
    dossier.submitted_at = timezone.now()
    dossier.save()
    return dossier, staff, installer


def test_offer_journey(page, browser, live_server, setting, tmp_path):  # type: ignore[no-untyped-def]
    from raccord.dossiers.models import Dossier, State
    from raccord.offers.models import Offer
    from tests.offers.conftest import full_values

    dossier, staff, _installer = setting
    login(page, "lea.martin@enedis.test", totp=True)
    page.goto(f"/gestion/{dossier.number}/")
    page.get_by_role("button", name="Prendre en charge").click()
    page.get_by_text("Dossier pris en charge.").wait_for()
    page.get_by_role("button", name="Déclarer complète").click()
    page.get_by_text("Dossier déclaré complet.").wait_for()
    page.get_by_role("link", name="Offre de raccordement").click()
    page.get_by_role("heading", name="Préparation de l'offre").wait_for()
    assert_accessible(page, "offer-01-prepare")

    # Most fields through the service; the plan's confirmations and a cost line in the page.
    from raccord.offers.services import draft_for, draft_save

    values = full_values()
    values.pop("costs-3-category")
    values.pop("costs-3-amount_ht")
    dossier.refresh_from_db()
    draft_save(
        dossier=dossier,
        user=staff,
        version=draft_for(dossier).version,
        values=values,
        confirmations={},
    )
    page.reload()
    page.get_by_label("Catégorie, ligne 4", exact=False).last.select_option("poste_hta_bt")
    page.get_by_label("Montant HT (€), ligne 4").fill("2150")
    for select in page.locator("select[name^='conf-']").all():
        if select.get_attribute("data-needs") == "1":  # confirm the rule's default choice
            select.select_option(select.get_attribute("data-default"))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon de l'offre enregistré.").wait_for()
    assert_accessible(page, "offer-02-draft")
    page.get_by_role("button", name="Générer et envoyer l'offre").click()
    page.locator(".messages").first.wait_for()
    assert "Offre envoyée (2 document" in page.locator(".messages").first.inner_text(), (
        page.locator(".messages").first.inner_text()
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.OFFER_SENT
    assert_accessible(page, "offer-03-sent")

    # The installer accepts the Avenant and provides the checklist.
    ctx = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    rpage = ctx.new_page()
    rpage.set_default_timeout(15_000)
    login(rpage, "pose@soleil.test", totp=False)
    rpage.goto(f"/demandes/{dossier.number}/offre/")
    assert_accessible(rpage, "offer-04-requester")
    rpage.get_by_role("button", name="Accepter : Avenant L342-6").click()
    rpage.get_by_text(re.compile("Vous avez accepté")).wait_for()
    rpage.get_by_text("Fin de validité (l'autre offre a été acceptée)").wait_for()
    pdf = tmp_path / "piece.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    for label in (
        "Exemplaire original",
        "Contrat de Mandat",
        "Garantie financière",
        "Attestation d'assurance",
    ):
        rpage.get_by_label(re.compile(f"^Fichier : {label}")).set_input_files(str(pdf))
        rpage.locator(
            "form", has=rpage.get_by_label(re.compile(f"^Fichier : {label}"))
        ).get_by_role("button", name="Envoyer la pièce").click()
        rpage.get_by_text(re.compile("Pièce ajoutée")).wait_for()
    from django.utils import timezone

    rpage.get_by_label("Date du versement de l'acompte").fill(f"{timezone.localdate():%Y-%m-%d}")
    rpage.get_by_role("button", name="Déclarer le versement").click()
    rpage.get_by_text("Versement de l'acompte déclaré.").wait_for()
    assert_accessible(rpage, "offer-05-checklist")

    # Staff verify every element and validate the acceptance.
    page.reload()
    while page.get_by_role("button", name=re.compile("^Vérifier : ")).count():
        page.get_by_role("button", name=re.compile("^Vérifier : ")).first.click()
        page.get_by_text(re.compile("vérifié\\.$")).first.wait_for()
    page.get_by_role("button", name="Valider l'acceptation de l'offre").click()
    page.get_by_text("Acceptation de l'offre validée.").wait_for()
    assert Dossier.objects.get(pk=dossier.pk).state == State.ACCEPTED
    assert Offer.objects.get(dossier=dossier, document_kind="crd").status == "ended_other"
    assert_accessible(page, "offer-06-accepted")
    rpage.reload()
    rpage.get_by_text("Fin de validité (l'autre offre a été acceptée)").wait_for()
    assert_accessible(rpage, "offer-07-requester-accepted")
    ctx.close()
