"""The CACSI journey of the seed cacsi-mode-operatoire, in Chromium, from sign-up to the
confirmation message, then the accepted PDF downloaded from the Documents tab."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def operator_and_desk():
    from raccord.operators.models import Desk
    from tests.factories import OperatorFactory

    operator = OperatorFactory(name="Enedis", short_name="Enedis", is_default=True)
    desk = Desk.objects.create(
        operator=operator,
        code="P4E",
        name="AREPROD Bretagne",
        address="BP 17, 29801 BREST",
        phone="02 98 00 00 00",
        email="areprod@example.test",
    )
    desk.departments.add("56")
    return operator


def choose(page, group: str, option: str) -> None:
    page.get_by_role("group", name=re.compile(group)).get_by_label(option).check()


def saved(page) -> None:
    page.get_by_text(re.compile(r"Enregistré à \d\d:\d\d")).wait_for()


def test_cacsi_declaration_from_signup_to_accepted_pdf(
    page, outbox_dir, settings, operator_and_desk, tmp_path
):
    settings.RACCORD_DEV_PAGES = True
    # Etape 2: créer un compte, recopier le code d'activation.
    page.goto("/comptes/signup/")
    page.get_by_label("Adresse e-mail").fill("violette@example.test")
    page.get_by_label("Prénom").fill("Violette")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Fournier")
    page.get_by_label("Particulier").check()
    page.get_by_label(re.compile(r"^Mot de passe\s:")).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/"))
    outbox = page.context.new_page()
    outbox.goto("/dev/outbox/")
    code = re.search(r"code d'activation : (\S+)", outbox.locator(".mail-body").first.inner_text())
    outbox.close()
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/$"))

    # Etape 3: créer une nouvelle demande.
    page.goto("/demandes/")
    page.get_by_role("link", name=re.compile("Nouvelle demande")).first.click()
    assert_accessible(page, "cacsi-01-orientation")
    commune = page.get_by_role("combobox", name=re.compile("Commune du chantier"))
    commune.fill("vannes")
    page.get_by_role("option", name=re.compile(r"Vannes \(56000")).click()
    choose(page, "type de prestation", "Un nouveau raccordement")
    choose(page, "usage", "Production seule")
    choose(page, "puissance maximale", "Inférieure ou égale à 36 kVA")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label(re.compile("Déclarer une installation d.autoconsommation")).check()
    assert_accessible(page, "cacsi-02-declaration")
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("link", name="Continuer").click()

    # Chantier (auto-saved field by field).
    assert_accessible(page, "cacsi-03-chantier")
    page.get_by_label("Numéro", exact=False).first.fill("17")
    page.get_by_label(re.compile(r"^Voie")).fill("Allée Diderot")
    saved(page)
    choose(page, "Type de site", "Sur un site individuel")
    pdl = page.get_by_label(re.compile("Numéro de PDL"))
    pdl.fill("1234")
    pdl.press("Tab")
    page.locator("#err-pdl").get_by_text(re.compile("exactement 14 chiffres")).wait_for()
    expect(pdl).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "cacsi-04-chantier-error")
    pdl.fill("12345678901234")
    pdl.press("Tab")
    expect(page.locator("#err-pdl")).to_have_text(re.compile(r"^\s*$"))
    choose(page, "compteur est-il électronique", "Oui")
    saved(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Demandeur: pre-filled from the account; postal address; no third party.
    page.get_by_label(re.compile("^Téléphone")).first.fill("06 12 34 56 78")
    page.get_by_label(re.compile("numéro et voie")).fill("17 allée Diderot")
    page.get_by_label(re.compile("^Code postal")).fill("56000")
    page.get_by_label(re.compile("^Commune")).fill("Vannes")
    choose(page, "tiers habilité", "Non")
    saved(page)
    assert_accessible(page, "cacsi-05-demandeur")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    choose(page, "convention et les courriers", "Oui")
    choose(page, "factures", "Oui")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    choose(page, "exploite-t-il", "Oui")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Précisions techniques: storage none, solar PV, micro-inverters with integrated decoupling.
    choose(page, "Stockage", "Aucun")
    page.get_by_label("Filière de production").select_option("solaire")
    page.get_by_label("Technologie").select_option("photovoltaique")
    page.get_by_label(re.compile("Puissance maximale de l.installation")).fill("0,8")
    page.get_by_label(re.compile("Puissance de raccordement demandée")).fill("0,8")
    choose(page, "Type de raccordement", "Monophasé")
    assert page.locator("#wrap-phase2_kva").is_hidden()
    choose(page, "Conversion", "Micro-onduleurs")
    page.get_by_label("Marque de l'onduleur").fill("Beon")
    page.get_by_label("Modèle de l'onduleur").fill("MI-400")
    page.get_by_label("Nombre d'onduleurs").fill("2")
    page.get_by_label(re.compile("Puissance unitaire")).fill("0,4")
    choose(page, "Protection de découplage", "Intégrée aux onduleurs")
    page.get_by_label("Norme citée par le certificat").select_option("NF EN 50549-10")
    saved(page)
    expect(page.locator("#section-status")).to_have_text("Complète")
    assert_accessible(page, "cacsi-06-technique")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Date souhaitée de mise en service").fill(
        (timezone.localdate() + timedelta(days=20)).isoformat()
    )
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Pièces jointes: the micro-inverter's conformity certificate.
    assert_accessible(page, "cacsi-07-pieces")
    certificate = tmp_path / "certificat-beon.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Type de pièce").select_option("decoupling_certificate")
    page.get_by_label("Fichier").set_input_files(str(certificate))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_text("Toutes les pièces demandées sont jointes.").wait_for()
    page.get_by_role("link", name="Continuer vers la validation").click()

    # Validation: the sworn statements.
    page.get_by_label(re.compile("J'atteste avoir mis en place un Appareil de Production")).check()
    page.get_by_label(re.compile("J'atteste de l'exactitude")).check()
    saved(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Convention: preview, « Bon pour accord », confirmation screen, then « Soumettre ».
    assert_accessible(page, "cacsi-08-convention")
    with page.expect_popup() as popup:
        page.get_by_role("link", name=re.compile("aperçu de la convention")).click()
    popup.value.close()
    page.get_by_label(re.compile("Bon pour accord")).check()
    page.get_by_role("button", name="Suivant").click()
    assert page.get_by_text("12345678901234").is_visible()
    assert page.get_by_text("Violette FOURNIER").first.is_visible()
    assert_accessible(page, "cacsi-09-confirmation")
    page.get_by_role("button", name="Confirmer").click()
    assert_accessible(page, "cacsi-10-soumettre")
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_text("Votre demande a bien été envoyée.").wait_for()
    assert_accessible(page, "cacsi-11-envoyee")
    number = re.search(r"N° (\d\d \d\d P4E \d{6})", page.locator("h1").inner_text()).group(1)

    # The accepted convention, from the Documents tab.
    page.get_by_role("link", name="Documents").click()
    assert_accessible(page, "cacsi-12-documents")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"CACSI.*\.pdf")).first.click()
    path = download_info.value.path()
    pdf = path.read_bytes()
    (ARTIFACTS / "cacsi-accepted.pdf").write_bytes(pdf)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert number.replace(" ", "") in text.replace(" ", "")
    assert "FOURNIER" in text and "Violette" in text
    assert f"Accepté le {timezone.localdate():%d/%m/%Y}" in text


def test_expired_session_keeps_what_was_typed_and_saves_it_after_login(page, operator_and_desk):
    from raccord.dossiers.models import Dossier
    from tests.factories import DossierFactory, UserFactory

    user = UserFactory(email="reprise@example.test")
    dossier = DossierFactory(created_by=user, operator=operator_and_desk)
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill("reprise@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/demandes/{dossier.number}/saisie/chantier/")
    page.get_by_label(re.compile(r"^Voie")).fill("Rue de la Paix")
    page.get_by_label(re.compile(r"^Voie")).press("Tab")
    page.get_by_text(re.compile(r"Enregistré à")).wait_for()

    # The session expires while the page is open (the CSRF cookie, long-lived, stays).
    cookies = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    street = page.get_by_label(re.compile(r"^Voie"))
    street.fill("Rue du Port")
    street.press("Tab")
    alert = page.get_by_role("alert").filter(has_text="Votre session a expiré")
    alert.wait_for()
    assert_accessible(page, "cacsi-13-session-expired")
    assert Dossier.objects.get().section("chantier")["street_name"] == "Rue de la Paix"

    alert.get_by_role("link", name="Me reconnecter").click()
    page.get_by_label("Adresse e-mail").fill("reprise@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/saisie/chantier/"))
    expect(page.get_by_label(re.compile(r"^Voie"))).to_have_value("Rue du Port")
    assert Dossier.objects.get().section("chantier")["street_name"] == "Rue du Port"


def test_a_draft_is_abandoned_after_confirmation(page, operator_and_desk):
    from raccord.dossiers.models import Dossier, State
    from tests.factories import DossierFactory, UserFactory

    user = UserFactory(email="abandon@example.test")
    dossier = DossierFactory(created_by=user, operator=operator_and_desk)
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill("abandon@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/demandes/{dossier.number}/")
    page.get_by_role("link", name="Abandonner cette demande").click()
    page.get_by_role("heading", name="Ce qui va se passer").wait_for()
    page.get_by_role("button", name="Abandonner la demande").click()
    page.get_by_role("alert").filter(has_text="La demande n'a pas été abandonnée.").wait_for()
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT
    assert_accessible(page, "cacsi-14-abandon-confirmation")
    page.get_by_label(re.compile("Je confirme vouloir abandonner")).check()
    page.get_by_role("button", name="Abandonner la demande").click()
    page.get_by_text(re.compile(r"La demande n° .* est abandonnée\.")).wait_for()
    assert Dossier.objects.get(pk=dossier.pk).state == State.WITHDRAWN


def test_a_too_big_file_is_refused_before_upload(page, operator_and_desk, tmp_path):
    from tests.factories import DossierFactory, UserFactory

    user = UserFactory(email="gros@example.test")
    dossier = DossierFactory(created_by=user, operator=operator_and_desk)
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill("gros@example.test")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/demandes/{dossier.number}/pieces/")
    assert page.get_by_text("PDF, JPEG ou PNG, 5 Mo au plus.").is_visible()
    big = tmp_path / "gros.pdf"
    big.write_bytes(PDF + b"0" * (6 * 1024 * 1024))
    page.get_by_label("Fichier").set_input_files(str(big))
    page.get_by_text("Ce fichier dépasse 5 Mo").wait_for()
    assert page.get_by_label("Fichier").input_value() == ""
