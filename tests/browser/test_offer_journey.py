"""The 36-250 kVA request and its offer in Chromium, end to end: an installer files a 100 kVA
surplus-injection request with L342-6 through the portal form (every section typed, the
attachments uploaded, « Transmettre ma demande »); staff take it in charge, declare it complete,
prepare and send the offer (CRD + Avenant) from the request's real answers; the installer
accepts the Avenant and completes the checklist; staff verify and validate; the CRD is shown as
ended. The Avenant PDF is downloaded from the Documents tab and read. axe on every page.

Nothing is monkeypatched: ``bt_connection_request`` reads the typed answers for the rules core,
the plan, the money and the PDFs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMPANY = "SOLEIL D'ARMOR"
VALID_SIRET = "73282932000074"


@pytest.fixture
def setting(p4e_staff):  # type: ignore[no-untyped-def]
    from raccord.accounts.models import Organisation, User
    from tests.factories import OrganisationFactory, UserFactory

    staff = p4e_staff.staff
    org = OrganisationFactory(kind=Organisation.Kind.INSTALLER, name="Soleil Pose")
    installer = UserFactory(
        email="pose@soleil.test",
        first_name="Erwan",
        last_name="Tanguy",
        role=User.Role.INSTALLER,
        organisation=org,
    )
    return staff, installer


def pdf_file(path, label: str):  # type: ignore[no-untyped-def]
    """A real one-page PDF (merged into the offer's annexes 2 and 3)."""
    import typst

    path.write_bytes(typst.compile(f"#set page(width: 21cm, height: 15cm)\n= {label}".encode()))
    return str(path)


def choose(page, group: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("group", name=re.compile(group)).get_by_label(option).check()


def label(page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(text))


def next_section(page, slug: str) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#section-status")).to_have_text("Complète")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(rf"/{slug}/$"))


def type_value(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Type a preparation value in its field, whatever the widget."""
    field = page.locator(f"[name='{name}']")
    kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
    if kind.startswith("SELECT"):
        field.select_option(value)
    elif kind == "INPUT:checkbox":
        field.check() if value else field.uncheck()
    elif kind == "INPUT:radio":
        page.locator(f"[name='{name}'][value='{value}']").check()
    else:
        field.fill(value)


def test_installer_files_a_request_then_staff_send_the_offer_and_validate_its_acceptance(  # type: ignore[no-untyped-def]
    page, browser, live_server, setting, tmp_path
):
    from raccord.core.parameters import parameters_current
    from raccord.dossiers.models import Dossier, State
    from raccord.offers.models import Offer
    from raccord.rules.protections import accepted_certificate_standards
    from tests.documents.test_offer import assert_no_placeholder
    from tests.offers.conftest import full_values

    # --- The installer files the request through the portal -------------------------------
    login(page, "pose@soleil.test", totp=False)
    page.goto("/demandes/")
    page.get_by_role("link", name=re.compile("Nouvelle demande")).first.click()
    commune = page.get_by_role("combobox", name=re.compile("Commune du chantier"))
    commune.fill("vannes")
    page.get_by_role("option", name=re.compile(r"Vannes \(56000")).click()
    choose(page, "type de prestation", "Un nouveau raccordement")
    choose(page, "usage", "Consommation et production")
    choose(page, "puissance maximale", "Entre 36 et 250 kVA")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_role("heading", name="Je fais ma demande de raccordement en ligne").wait_for()
    assert_accessible(page, "offer-01-orientation")
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("heading", name="Votre demande est créée").wait_for()
    dossier = Dossier.objects.get()
    assert dossier.kind == "bt_36_250" and dossier.state == State.DRAFT
    page.get_by_role("link", name="Continuer").click()

    # Chantier.
    page.wait_for_url(re.compile(r"/saisie/chantier/$"))
    label(page, r"^Numéro").fill("4")
    label(page, r"^Voie").fill("Rue des Forges")
    label(page, r"^Références cadastrales").fill("AB 123")
    choose(page, "Emplacement souhaité", "En limite de propriété")
    assert_accessible(page, "offer-02-chantier")
    next_section(page, "demandeur")

    # Demandeur: the installer's client, a company; the installer is the third party.
    choose(page, "producteur", "Une entreprise")
    label(page, r"^Raison sociale").fill(COMPANY)
    label(page, r"^Forme juridique").fill("SAS")
    label(page, r"^Capital social").fill("50000")
    label(page, r"^SIRET").fill(VALID_SIRET)
    label(page, r"^Siège social : numéro et voie").fill("12 quai de la Rabine")
    label(page, r"^Siège social : code postal").fill("56000")
    label(page, r"^Siège social : commune").fill("Vannes")
    label(page, r"^Ville du RCS").fill("Vannes")
    label(page, r"^Nom et prénom du signataire").fill("Anne LE GOFF")
    label(page, r"^Fonction du signataire").fill("Présidente")
    label(page, r"^Téléphone\b(?! du)").fill("02 97 00 00 00")
    label(page, r"^Adresse e-mail").fill("contact@soleil-armor.example.test")
    label(page, r"^Adresse postale : numéro et voie").fill("12 quai de la Rabine")
    label(page, r"^Code postal").fill("56000")
    label(page, r"^Commune").fill("Vannes")
    expect(
        page.get_by_role("group", name=re.compile("tiers habilité")).get_by_label("Oui")
    ).to_be_checked()
    expect(label(page, r"^Société du tiers habilité")).to_have_value("Soleil Pose")
    label(page, r"^Téléphone du tiers habilité").fill("02 97 11 22 33")
    assert_accessible(page, "offer-03-demandeur")
    next_section(page, "adresses")
    choose(page, "convention et les courriers", "Oui")
    choose(page, "factures", "Oui")
    next_section(page, "exploitant")
    choose(page, "exploite-t-il", "Oui")
    next_section(page, "raccordement")

    # Puissances: 100 kVA injected (surplus), a new 60 kVA withdrawal, three-phase.
    choose(page, "Option d'injection", "Injection du surplus")
    choose(page, "Besoin en soutirage", "Un nouveau raccordement en soutirage")
    label(page, r"^Puissance de raccordement en soutirage").fill("60")
    label(page, r"^Puissance installée").fill("100")
    label(page, r"^Puissance de raccordement demandée en injection").fill("100")
    choose(page, "Type de raccordement", "Triphasé")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/installation/$"))

    # Installation: 2 inverters of 50 kVA with an integrated decoupling device.
    standard = accepted_certificate_standards(on=timezone.localdate(), params=parameters_current())[
        0
    ]
    label(page, r"^Filière de production").select_option("solaire")
    label(page, r"^Technologie").select_option("photovoltaique")
    choose(page, "Conversion", "Onduleur(s)")
    label(page, r"^Marque des onduleurs").fill("Huawei")
    label(page, r"^Modèle des onduleurs").fill("SUN2000-50KTL")
    label(page, r"^Nombre d'onduleurs").fill("2")
    label(page, r"^Puissance unitaire de sortie").fill("50")
    choose(page, "Protection de découplage", "Dispositif de séparation intégré")
    label(page, r"^Norme citée par le certificat").select_option(standard)
    choose(page, "Stockage d'énergie", "Aucun")
    choose(page, "code de réseau RfG", "Installation neuve")
    assert_accessible(page, "offer-04-installation")
    next_section(page, "travaux")
    choose(page, "réaliser moi-même une partie des travaux", "Oui")
    next_section(page, "mise-en-service")
    label(page, r"^Date souhaitée de mise en service").fill(
        (timezone.localdate() + timedelta(days=200)).isoformat()
    )
    expect(page.locator("#section-status")).to_have_text("Complète")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Pièces jointes.
    page.wait_for_url(re.compile(r"/pieces/$"))
    for kind, name in (
        ("situation_plan", "Plan de situation"),
        ("ground_plan", "Plan de masse"),
        ("single_line_diagram", "Schéma unifilaire"),
        ("company_extract", "Extrait Kbis"),
        ("decoupling_certificate", "Certificat de conformité"),
        ("mandate", "Mandat du tiers habilité"),
    ):
        page.get_by_label("Type de pièce").select_option(kind)
        page.get_by_label("Fichier").set_input_files(pdf_file(tmp_path / f"{kind}.pdf", name))
        page.get_by_role("button", name="Ajouter la pièce").click()
        page.get_by_text("Pièce ajoutée.").wait_for()
    page.get_by_text("Toutes les pièces demandées sont jointes.").wait_for()
    assert_accessible(page, "offer-05-pieces")
    page.get_by_role("link", name="Continuer vers la validation").click()
    label(page, r"^J'atteste de l'exactitude").check()
    label(page, r"^J'ai pris connaissance que le gestionnaire").check()
    expect(page.locator("#section-status")).to_have_text("Complète")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Transmettre ma demande").click()
    page.get_by_text(re.compile("Votre demande a bien été transmise à Enedis")).wait_for()
    assert_accessible(page, "offer-06-transmitted")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == State.SUBMITTED and dossier.requester_name == COMPANY
    assert dossier.section("raccordement")["pracc_inj_kva"] == "100"
    number = dossier.number

    # --- Staff take it in charge, declare it complete, prepare and send the offer ------------
    spage = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    ).new_page()
    spage.set_default_timeout(15_000)
    login(spage, "lea.martin@enedis.test", totp=True)
    spage.goto(f"/gestion/{number}/")
    spage.get_by_role("button", name="Prendre en charge").click()
    spage.get_by_text("Dossier pris en charge.").wait_for()
    spage.get_by_role("button", name="Déclarer complète").click()
    spage.get_by_text("Dossier déclaré complet.").wait_for()
    spage.get_by_role("link", name="Offre de raccordement", exact=True).click()
    spage.get_by_role("heading", name="Préparation de l'offre").wait_for()
    assert_accessible(spage, "offer-07-prepare")
    # The parties come from the request.
    expect(spage.locator("[name='parties-beneficiary_name']")).to_have_value(COMPANY)
    expect(spage.locator("[name='parties-beneficiary_address']")).to_have_value(
        "12 quai de la Rabine\n56000 VANNES"
    )
    expect(spage.locator("[name='parties-requester_signatory_name']")).to_have_value("Anne LE GOFF")
    expect(spage.locator("[name='parties-beneficiary_siren']")).to_have_value(VALID_SIRET[:9])
    expect(spage.locator("[name='study-l342_requested']")).to_be_checked()

    values = {
        k: v
        for k, v in full_values().items()
        if (not k.startswith("parties-") or "representative" in k or "operator_" in k)
        and not re.match(r"costs-[1-9]", k)
    }
    values.update({"delays-place": "Rennes", "costs-0-category": "branchement"})
    values["costs-0-amount_ht"] = "3420,50"
    for name, value in values.items():
        type_value(spage, name, value)
    spage.get_by_role("button", name="Enregistrer le brouillon").click()
    spage.get_by_text("Brouillon de l'offre enregistré.").wait_for()
    spage.get_by_text(re.compile("^Conforme : la tension reste")).wait_for()

    # A second cost line, and the choices the rules leave to a person.
    spage.get_by_label("Catégorie, ligne 2").last.select_option("reseau_bt")
    spage.get_by_label("Montant HT (€), ligne 2").fill("12 480")
    for select in spage.locator("select[name^='conf-']").all():
        if select.get_attribute("data-needs") == "1":
            select.select_option(select.get_attribute("data-default"))
    spage.get_by_role("button", name="Enregistrer le brouillon").click()
    spage.get_by_text("Brouillon de l'offre enregistré.").wait_for()
    spage.get_by_text("Tous les choix sont faits.").wait_for()
    spage.get_by_role("table", name="Contribution — Avenant L342-6").wait_for()
    assert_accessible(spage, "offer-08-draft")
    spage.get_by_role("button", name="Générer et envoyer l'offre").click()
    spage.locator(".messages").first.wait_for()
    message = spage.locator(".messages").first.inner_text()
    assert "Offre envoyée (2 document" in message, message
    assert Dossier.objects.get(pk=dossier.pk).state == State.OFFER_SENT
    assert_accessible(spage, "offer-09-sent")

    # --- The installer accepts the Avenant and provides the checklist ------------------------
    page.goto(f"/demandes/{number}/offre/")
    assert_accessible(page, "offer-10-requester")
    page.get_by_role("link", name="Accepter : Avenant L342-6").click()
    # The confirmation page says what accepting does; nothing is accepted without the box.
    page.get_by_role("heading", name="Ce qui va se passer").wait_for()
    page.get_by_text(re.compile("L'autre offre, « Convention de Raccordement Directe")).wait_for()
    page.get_by_role("button", name="Confirmer l'acceptation").click()
    page.get_by_role("alert").filter(has_text="Rien n'a été accepté.").wait_for()
    assert Offer.objects.filter(dossier=dossier, status="sent").count() == 2
    assert_accessible(page, "offer-10b-accept-confirmation")
    page.get_by_label(re.compile("j'accepte l'offre : Avenant L342-6")).check()
    page.get_by_role("button", name="Confirmer l'acceptation").click()
    page.get_by_text(re.compile("Vous avez accepté")).wait_for()
    page.get_by_text("Fin de validité (l'autre offre a été acceptée)").wait_for()
    for item in (
        "Exemplaire original",
        "Contrat de Mandat",
        "Garantie financière",
        "Attestation d'assurance",
    ):
        field = page.get_by_label(re.compile(f"^Fichier : {item}"))
        field.set_input_files(pdf_file(tmp_path / "piece.pdf", item))
        page.locator("form", has=field).get_by_role("button", name="Envoyer la pièce").click()
        page.get_by_text(re.compile("Pièce ajoutée")).wait_for()
    page.get_by_label("Date du versement de l'acompte").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_role("button", name="Déclarer le versement").click()
    page.get_by_text("Versement de l'acompte déclaré.").wait_for()
    assert_accessible(page, "offer-11-checklist")

    # --- Staff verify every element and validate the acceptance ------------------------------
    spage.reload()
    while spage.get_by_role("button", name=re.compile("^Vérifier : ")).count():
        spage.get_by_role("button", name=re.compile("^Vérifier : ")).first.click()
        spage.get_by_text(re.compile("vérifié\\.$")).first.wait_for()
    spage.get_by_role("button", name="Valider l'acceptation de l'offre").click()
    spage.get_by_text("Acceptation de l'offre validée.").wait_for()
    assert Dossier.objects.get(pk=dossier.pk).state == State.ACCEPTED
    assert Offer.objects.get(dossier=dossier, document_kind="crd").status == "ended_other"
    assert_accessible(spage, "offer-12-accepted")
    spage.context.close()

    # --- The CRD is shown as ended; the Avenant is in the Documents tab ----------------------
    page.reload()
    page.get_by_text("Fin de validité (l'autre offre a été acceptée)").wait_for()
    assert_accessible(page, "offer-13-requester-accepted")
    page.get_by_role("link", name="Documents").click()
    assert_accessible(page, "offer-14-documents")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Avenant L342-6 .*\.pdf")).first.click()
    pdf = download_info.value.path().read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "avenant-journey.pdf"
    target.write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    folded = text.replace("\u2019", "'")
    assert dossier.number_display in text
    assert COMPANY in folded
    assert "Puissance de raccordement en injection de 100 kVA" in folded
    assert "Puissance de raccordement en soutirage de 60 kVA" in folded
    assert "Le surplus de la production alimentant le Site sera injecté" in folded
    assert "dont le siège social est situé 12 quai de la Rabine, 56000 VANNES" in folded
    assert "représentée par Anne LE GOFF, Présidente" in folded
    assert "Plan de situation" in folded and "Schéma unifilaire" in folded  # annexes 2 and 3
    assert_no_placeholder(text)
    if shutil.which("pdftoppm"):  # the first pages as images, to look at
        stem = str(ARTIFACTS / "avenant-journey")
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-l", "6", str(target), stem], check=True)
