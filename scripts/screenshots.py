"""Take the screenshots of the user guides (docs/guide/img/*.png) from a running Raccord.

The script drives Debian's Chromium with Playwright through the real pages, starting from the
demo data of ``seed_demo``:

1. a new producer signs up (activation code read in the development outbox ``/dev/outbox/``),
   files a CACSI section by section, attaches the certificate, accepts the convention and
   submits it;
2. the demo instructor (TOTP) takes it in charge, asks for a corrected certificate, adds a note,
   a tag and asks the administrator's opinion; the producer answers; the instructor declares it
   complete and accepts it; the dashboard;
3. the demo installer files a 100 kVA request with the L342-6 option; the instructor prepares and
   sends the offer (CRD + Avenant L342-6); the installer accepts the Avenant and provides the
   checklist; the instructor verifies it and validates the acceptance;
4. the administrator answers the opinion, shows the regulatory parameters, creates a new
   instructor, whose first login (e-mail code, then TOTP activation) is shown.

Every run creates new accounts and dossiers, so it can be run again to refresh the images. Run it
on a fresh var directory so that the inbox shows only the demo dossiers and this run's.

How to run it (a development server on its own var directory, so nothing else is disturbed)::

    export RACCORD_VAR_DIR=/tmp/guide-var        # an empty directory
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python manage.py load_places
    .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py load_parameters --wet-run   # for the admin's parameter list
    .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8765

Requirements: the development profile (``RACCORD_ENV`` unset or ``dev``: the activation codes
are read at ``/dev/outbox/``), Debian's Chromium at /usr/bin/chromium (or ``RACCORD_CHROMIUM``)
and the dev dependencies (Playwright, Pillow). Staff log in with the demo TOTP secret printed by
``seed_demo`` (the codes are computed here, RFC 6238). The browser's own widgets (date fields,
« Choose File ») follow Chromium's UI language: install Debian's ``chromium-l10n`` to get them
in French. Options: ``--out DIR`` (default docs/guide/img), ``--only NAME[,NAME]`` to write only
some images (all the steps still run). About 90 seconds.

Each image is cropped to the useful part of the page (1280 px wide) and re-encoded as a
256-colour PNG so that it stays small (30-90 KB).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import io
import os
import re
import shutil
import struct
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RACCORD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",
]
PASSWORD = "raccord-demo-2026"  # noqa: S105 - the demo accounts' password (seed_demo)
# The demo staff's authenticator secret (seed_demo), as printed by the command.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
PRODUCER_PASSWORD = "Soleil-Vannes-2026"  # noqa: S105 - accounts made by this script
NEW_STAFF_PASSWORD = "Guichet-P4E-2026"  # noqa: S105
INSTRUCTOR = "instruction@demo.raccord.test"
ADMIN = "admin@demo.raccord.test"
INSTALLER = "installateur@demo.raccord.test"
WIDTH = 1280
# A minimal valid PDF for the uploads (the server checks the magic bytes).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Shooter:
    def __init__(self, out: Path, only: set[str]) -> None:
        self.out = out
        self.only = only
        self.taken: list[tuple[str, int]] = []

    def shot(
        self,
        page: Page,
        name: str,
        *,
        start: Locator | None = None,
        end: Locator | None = None,
        pad: int = 16,
        max_height: int = 1500,
    ) -> None:
        """Save ``name``.png: the page from ``start`` (else the top) to ``end`` (else the bottom
        of <main>), at most ``max_height`` px high."""
        if self.only and name not in self.only:
            return
        page.wait_for_timeout(150)  # let the last repaint land
        top = 0.0 if start is None else max(0.0, _top(start) - pad)
        last = end if end is not None else page.locator("main").first
        bottom = _bottom(last) + pad
        height = min(max(bottom - top, 200), max_height)
        png = page.screenshot(
            full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": height}
        )
        path = self.out / f"{name}.png"
        image = Image.open(io.BytesIO(png)).convert("RGB")
        small = image.quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        small.save(path, optimize=True)
        size = path.stat().st_size
        self.taken.append((name, size))
        print(f"  {name}.png  {image.width}x{image.height}  {size // 1024} KB", flush=True)


def _top(locator: Locator) -> float:
    return float(locator.first.evaluate("e => e.getBoundingClientRect().top + window.scrollY"))


def _bottom(locator: Locator) -> float:
    return float(locator.last.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY"))


def totp_now(secret: str = TOTP_SECRET) -> str:
    """The 6-digit code an authenticator app shows now (RFC 6238, SHA-1, 30 s)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 15
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def label(page: Page, pattern: str) -> Locator:
    return page.get_by_label(re.compile(pattern))


def choose(page: Page, group: str, option: str) -> None:
    page.get_by_role("group", name=re.compile(group)).get_by_label(option).check()


def saved(page: Page) -> None:
    page.get_by_text(re.compile(r"Enregistré à \d\d:\d\d")).first.wait_for()


def next_section(page: Page) -> None:
    expect(page.locator("#section-status")).to_have_text("Complète")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_load_state()


def login(page: Page, email: str, password: str = PASSWORD, *, staff: bool = False) -> None:
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    label(page, r"^Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    if staff:  # the second factor; a code already used is refused: wait for the next one
        page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
        for _attempt in range(2):
            page.get_by_label("Code").fill(totp_now())
            page.get_by_role("button", name=re.compile("Connexion|S'identifier")).click()
            page.wait_for_load_state()
            if "/2fa/" not in page.url:
                break
            time.sleep(31 - time.time() % 30)
    page.wait_for_url(re.compile(r"/$"))


def logout(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/$"))


def activation_code(page: Page, email: str) -> str:
    """The latest activation code sent to ``email``, read in the development outbox."""
    outbox = page.context.new_page()
    outbox.goto("/dev/outbox/")
    mail = outbox.locator(".mail", has_text=email)
    text = mail.first.inner_text() if mail.count() else ""
    outbox.close()
    code = re.search(r"code d'activation : (\S+)", text)
    if code is None:
        sys.exit(f"No activation code for {email} at /dev/outbox/: is the server in dev?")
    return code.group(1)


def pdf_file(directory: Path, name: str) -> str:
    path = directory / name
    path.write_bytes(PDF)
    return str(path)


# --- 1. A producer signs up and files a CACSI ----------------------------------------------------


def producer_signs_up(page: Page, s: Shooter, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Créer mon compte").first.click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Prénom").fill("Violette")
    label(page, r"^Nom\b").fill("Fournier")
    page.get_by_label("Particulier").check()
    label(page, r"^Mot de passe\s:").fill(PRODUCER_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PRODUCER_PASSWORD)
    s.shot(page, "compte-creation")
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/"))
    page.get_by_label("Code").fill(activation_code(page, email))
    s.shot(page, "compte-code", max_height=800)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/$"))


def producer_files_cacsi(page: Page, s: Shooter, tmp: Path) -> str:
    page.goto("/demandes/")
    page.get_by_role("link", name=re.compile("Nouvelle demande")).first.click()
    commune = page.get_by_role("combobox", name=re.compile("Commune du chantier"))
    commune.fill("vannes")
    page.get_by_role("option", name=re.compile(r"Vannes \(56000")).click()
    choose(page, "type de prestation", "Un nouveau raccordement")
    choose(page, "usage", "Production seule")
    choose(page, "puissance maximale", "Inférieure ou égale à 36 kVA")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label(re.compile("Déclarer une installation d.autoconsommation")).check()
    s.shot(page, "cacsi-orientation", max_height=1500)
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("heading", name="Votre demande est créée").wait_for()
    number = page.url.split("/demandes/")[1].split("/")[0]
    page.get_by_role("link", name="Continuer").click()

    # Chantier: saved field by field; a wrong PDL is flagged at once.
    label(page, r"^Numéro").first.fill("4")
    label(page, r"^Voie").fill("Rue du Port")
    saved(page)
    choose(page, "Type de site", "Sur un site individuel")
    pdl = label(page, "Numéro de PDL")
    pdl.fill("0987654321")
    pdl.press("Tab")
    page.locator("#err-pdl").get_by_text(re.compile("14 chiffres")).wait_for()
    choose(page, "compteur est-il électronique", "Oui")
    saved(page)
    s.shot(page, "cacsi-chantier", max_height=1400)
    pdl.fill("09876543210123")
    pdl.press("Tab")
    saved(page)
    next_section(page)

    # Demandeur: pre-filled from the account.
    label(page, "^Téléphone").first.fill("06 98 76 54 32")
    label(page, "numéro et voie").fill("4 rue du Port")
    label(page, "^Code postal").fill("56000")
    label(page, "^Commune").fill("Vannes")
    choose(page, "tiers habilité", "Non")
    saved(page)
    next_section(page)
    choose(page, "convention et les courriers", "Oui")
    choose(page, "factures", "Oui")
    next_section(page)
    choose(page, "exploite-t-il", "Oui")
    next_section(page)

    # Précisions techniques: a plug-in solar kit with micro-inverters.
    choose(page, "Stockage", "Aucun")
    page.get_by_label("Filière de production").select_option("solaire")
    page.get_by_label("Technologie").select_option("photovoltaique")
    label(page, "Puissance maximale de l.installation").fill("0,8")
    label(page, "Puissance de raccordement demandée").fill("0,8")
    choose(page, "Type de raccordement", "Monophasé")
    choose(page, "Conversion", "Micro-onduleurs")
    page.get_by_label("Marque de l'onduleur").fill("Beon")
    page.get_by_label("Modèle de l'onduleur").fill("MI-400")
    page.get_by_label("Nombre d'onduleurs").fill("2")
    label(page, "Puissance unitaire").fill("0,4")
    choose(page, "Protection de découplage", "Intégrée aux onduleurs")
    page.get_by_label("Norme citée par le certificat").select_option("NF EN 50549-10")
    saved(page)
    s.shot(
        page, "cacsi-technique", start=page.get_by_role("group", name="Conversion"), max_height=1300
    )
    next_section(page)
    page.get_by_label("Date souhaitée de mise en service").fill(
        (date.today() + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Pièces jointes: the micro-inverter's conformity certificate.
    page.wait_for_url(re.compile(r"/pieces/$"))
    page.get_by_label("Type de pièce").select_option("decoupling_certificate")
    page.get_by_label("Fichier").set_input_files(pdf_file(tmp, "certificat-beon-mi400.pdf"))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_text("Toutes les pièces demandées sont jointes.").wait_for()
    s.shot(page, "cacsi-pieces", max_height=1300)
    page.get_by_role("link", name="Continuer vers la validation").click()

    label(page, "J'atteste avoir mis en place un Appareil de Production").check()
    label(page, "J'atteste de l'exactitude").check()
    saved(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Convention: preview, « Bon pour accord », confirmation, « Soumettre ».
    page.get_by_label(re.compile("Bon pour accord")).check()
    s.shot(page, "cacsi-convention", max_height=1300)
    page.get_by_role("button", name="Suivant").click()
    s.shot(page, "cacsi-confirmation", max_height=1300)
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_text("Votre demande a bien été envoyée.").wait_for()
    page.get_by_role("link", name="Suivi de dossier").click()
    s.shot(page, "suivi", max_height=1500)
    page.goto("/demandes/")
    s.shot(page, "liste-demandes", max_height=900)
    return number


# --- 2. The instructor takes the CACSI, asks for an item; the producer answers --------------------


def section(page: Page, anchor: str) -> Locator:
    return page.locator(f"section#{anchor}")


def staff_requests_item(page: Page, s: Shooter, number: str) -> None:
    page.goto("/gestion/")
    page.get_by_role("heading", name=re.compile("Dossiers à instruire")).wait_for()
    s.shot(page, "gestion-boite", max_height=1500)
    page.goto(f"/gestion/{number}/")
    s.shot(page, "gestion-dossier", end=section(page, "decisions"), max_height=1300)
    page.get_by_role("button", name="Prendre en charge").click()
    page.get_by_text("Dossier pris en charge.").wait_for()
    form = page.locator("form", has=page.get_by_role("heading", name=re.compile("Demander des")))
    form.get_by_label("Pièce ou information incorrecte").check()
    form.get_by_label("Pièce ou information concernée").fill(
        "Certificat de conformité de la protection de découplage"
    )
    form.get_by_label("Ce que le demandeur doit faire").fill(
        "Le fichier joint est illisible. Envoyez le certificat NF EN 50549-10 de vos "
        "micro-onduleurs Beon MI-400."
    )
    s.shot(page, "gestion-decisions", start=section(page, "decisions"), end=form, max_height=1100)
    form.get_by_role("button", name=re.compile("Demander des")).click()
    page.get_by_text(re.compile("Demande de compléments envoyée")).wait_for()

    # Internal note, tag and an expert's opinion (never shown to the requester).
    notes = section(page, "notes")
    notes.get_by_label("Note interne").fill(
        "Certificat illisible : redemandé. Vérifier la norme citée à réception."
    )
    notes.get_by_role("button", name="Ajouter la note").click()
    page.get_by_text(re.compile("Note ajoutée|Note interne ajoutée")).first.wait_for()
    section(page, "notes").get_by_label("Nouvelle étiquette").fill("kit solaire")
    section(page, "notes").get_by_role("button", name="Ajouter l'étiquette").click()
    page.wait_for_load_state()
    avis = section(page, "avis")
    expert = avis.get_by_label("Collègue à consulter")
    expert.select_option(expert.locator("option", has_text="Alex Admin").get_attribute("value"))
    avis.get_by_label("Votre question").fill(
        "Deux micro-onduleurs de 0,4 kVA en monophasé : un contrôle de plus à prévoir ?"
    )
    avis.get_by_role("button", name="Demander l'avis").click()
    page.wait_for_load_state()
    s.shot(
        page,
        "gestion-notes",
        start=section(page, "notes"),
        end=section(page, "avis"),
        max_height=1300,
    )


def producer_answers(page: Page, s: Shooter, number: str, tmp: Path) -> None:
    page.goto(f"/demandes/{number}/actions/")
    page.get_by_text(re.compile("Certificat de conformité de la protection")).first.wait_for()
    s.shot(page, "actions", max_height=1400)
    page.get_by_role("link", name="Ajouter une pièce").first.click()
    page.get_by_label("Type de pièce").select_option("decoupling_certificate")
    page.get_by_label("Fichier").set_input_files(pdf_file(tmp, "certificat-NF-EN-50549-10.pdf"))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_text("Pièce ajoutée.").wait_for()
    page.goto(f"/demandes/{number}/actions/")
    page.get_by_label("Votre réponse").fill(
        "Voici le certificat lisible (NF EN 50549-10), référence BEON-2026-117."
    )
    page.get_by_role("button", name="Répondre et reprendre l'instruction").click()
    page.get_by_text("Votre réponse a été transmise").wait_for()
    page.goto(f"/demandes/{number}/messages/")
    s.shot(page, "messages", max_height=1400)


def staff_accepts(page: Page, s: Shooter, number: str) -> None:
    page.goto(f"/gestion/{number}/")
    page.get_by_role("button", name="Déclarer complète").click()
    page.get_by_text("Dossier déclaré complet.").wait_for()
    page.get_by_role("button", name="Accepter la convention").click()
    page.get_by_text(re.compile("Convention acceptée : elle est disponible")).wait_for()
    page.goto("/gestion/tableau-de-bord/")
    s.shot(page, "gestion-tableau-de-bord", max_height=1500)


def producer_documents(page: Page, s: Shooter, number: str) -> None:
    page.goto(f"/demandes/{number}/documents/")
    page.get_by_text("CACSI Acceptée Enedis").first.wait_for()
    s.shot(page, "documents", max_height=1100)


# --- 3. The installer files a 36-250 kVA request; the offer -------------------------------------

# The instructor's preparation: the technical solution, the study, the voltage study inputs,
# money and delays (the parties come from the request). Values of a worked example.
OFFER_VALUES = {
    "solution-connection_kind": "extension",
    "solution-bt_feeder": "KERLANN 2",
    "solution-bt_feeder_code": "D0456",
    "solution-substation": "KERLANN",
    "solution-substation_code": "P0123",
    "solution-hta_feeder": "THEIX",
    "solution-primary_substation": "VANNES EST",
    "solution-primary_substation_code": "PS056",
    "solution-private_works": "Niche du coffret de comptage et tranchée en domaine privé.",
    "bt_created-0-kind": "extension",
    "bt_created-0-description": "Création d'une extension de réseau 3x150 mm² Alu (180 m)",
    "bt_created-0-location": "depart_bt",
    "ct-0-ratio": "200 A / 5 A",
    "ct-0-accuracy_class": "0,5",
    "ct-0-burden_va": "15",
    "ct-0-meter_type": "PME/PMI 4Q",
    "study-extension_needed": "oui",
    "study-s3renr": "non",
    "study-private_works_needed": "oui",
    "study-tariff_signal_filter_needed": "non",
    "study-harmonics_filter_needed": "non",
    "study-mobile_coverage": "oui",
    "study-anticipated_connection_offered": "non",
    "study-dso_signs_by_delegation": "on",
    "study-meter_type": "PME/PMI 4Q",
    "voltage-hta_max_kv": "20,6",
    "voltage-hta_nominal_kv": "20",
    "voltage-transformer_kva": "400",
    "voltage-transformer_resistance_ohm": "0,006",
    "voltage-secondary_no_load_v": "400",
    "voltage-tan_phi": "-0,35",
    "voltage-feeder_type": "mixte",
    "voltage-substation_winter_peak_kw": "300",
    "voltage-feeder_winter_peak_kw": "100",
    "voltage-consumption_share_percent": "20",
    "voltage-upstream_resistance_ohm": "0,04",
    "voltage-existing_producers_kva": "36",
    "voltage-extension_type": "souterrain",
    "voltage-extension_length_km": "0,18",
    "voltage-extension_section_mm2": "150",
    "costs-0-category": "branchement",
    "costs-0-amount_ht": "3420,50",
    "money-deposit_percent": "30",
    "money-mandataire_description": "Tranchée, fourreaux et pose du câble de l'extension",
    "money-mandataire_cost_ht": "9800",
    "money-mandataire_delay_weeks": "26",
    "delays-works_months": "6",
    "delays-source_months": "0",
    "delays-payment_entity": "Enedis Agence Raccordement Bretagne",
    "delays-payment_address": "2 rue Jacques Prévert\n35000 RENNES",
    "delays-payee": "Enedis",
    "delays-place": "Rennes",
    "parties-representative_name": "Claire LE BRIS",
    "parties-representative_function": "Directrice Régionale",
    "parties-operator_signatory_name": "Marc LE GOFF",
    "parties-operator_signatory_function": "Responsable de l'Agence Raccordement",
    "parties-operator_delegator_name": "Claire LE BRIS",
    "parties-operator_delegator_function": "Directrice Régionale",
}


def type_value(page: Page, name: str, value: str) -> None:
    """Type a preparation value in its field, whatever the widget."""
    field = page.locator(f"[name='{name}']")
    if not field.count():
        return
    kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
    if kind.startswith("SELECT"):
        field.select_option(value)
    elif kind == "INPUT:checkbox":
        field.check() if value else field.uncheck()
    elif kind == "INPUT:radio":
        page.locator(f"[name='{name}'][value='{value}']").check()
    else:
        field.fill(value)


def installer_files_bt(page: Page, s: Shooter, tmp: Path) -> str:
    page.goto("/demandes/nouvelle/")
    commune = page.get_by_role("combobox", name=re.compile("Commune du chantier"))
    commune.fill("56000")
    page.get_by_role("option", name=re.compile(r"Vannes \(56000")).click()
    choose(page, "type de prestation", "Un nouveau raccordement")
    choose(page, "usage", "Consommation et production")
    choose(page, "puissance maximale", "Entre 36 et 250 kVA")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_role("heading", name="Je fais ma demande de raccordement en ligne").wait_for()
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("heading", name="Votre demande est créée").wait_for()
    number = page.url.split("/demandes/")[1].split("/")[0]
    page.get_by_role("link", name="Continuer").click()

    page.wait_for_url(re.compile(r"/saisie/chantier/$"))
    label(page, r"^Numéro").fill("4")
    label(page, r"^Voie").fill("Rue des Forges")
    label(page, r"^Références cadastrales").fill("AB 123")
    choose(page, "Emplacement souhaité", "En limite de propriété")
    next_section(page)

    # The installer's client, a company; the installer is the authorised third party.
    choose(page, "producteur", "Une entreprise")
    label(page, r"^Raison sociale").fill("SOLEIL D'ARMOR")
    label(page, r"^Forme juridique").fill("SAS")
    label(page, r"^Capital social").fill("50000")
    label(page, r"^SIRET").fill("73282932000074")
    label(page, r"^Siège social : numéro et voie").fill("12 quai de la Rabine")
    label(page, r"^Siège social : code postal").fill("56000")
    label(page, r"^Siège social : commune").fill("Vannes")
    label(page, r"^Ville du RCS").fill("Vannes")
    label(page, r"^Nom et prénom du signataire").fill("Anne LE GOFF")
    label(page, r"^Fonction du signataire").fill("Présidente")
    label(page, r"^Téléphone\b(?! du)").fill("02 97 00 00 00")
    label(page, r"^Adresse e-mail").fill("contact@soleil-armor.demo.raccord.test")
    label(page, r"^Adresse postale : numéro et voie").fill("12 quai de la Rabine")
    label(page, r"^Code postal").fill("56000")
    label(page, r"^Commune").fill("Vannes")
    label(page, r"^Téléphone du tiers habilité").fill("02 97 11 22 33")
    saved(page)
    next_section(page)
    choose(page, "convention et les courriers", "Oui")
    choose(page, "factures", "Oui")
    next_section(page)
    choose(page, "exploite-t-il", "Oui")
    next_section(page)

    # Puissances: 100 kVA injected (surplus), a new 60 kVA withdrawal, three-phase.
    choose(page, "Option d'injection", "Injection du surplus")
    choose(page, "Besoin en soutirage", "Un nouveau raccordement en soutirage")
    label(page, r"^Puissance de raccordement en soutirage").fill("60")
    label(page, r"^Puissance installée").fill("100")
    label(page, r"^Puissance de raccordement demandée en injection").fill("100")
    choose(page, "Type de raccordement", "Triphasé")
    saved(page)
    s.shot(page, "bt-raccordement", start=page.locator("h2").first, max_height=1400)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/installation/$"))

    label(page, r"^Filière de production").select_option("solaire")
    label(page, r"^Technologie").select_option("photovoltaique")
    choose(page, "Conversion", "Onduleur(s)")
    label(page, r"^Marque des onduleurs").fill("Huawei")
    label(page, r"^Modèle des onduleurs").fill("SUN2000-50KTL")
    label(page, r"^Nombre d'onduleurs").fill("2")
    label(page, r"^Puissance unitaire de sortie").fill("50")
    choose(page, "Protection de découplage", "Dispositif de séparation intégré")
    norm = label(page, r"^Norme citée par le certificat")
    norm.select_option(index=1)
    choose(page, "Stockage d'énergie", "Aucun")
    choose(page, "code de réseau RfG", "Installation neuve")
    next_section(page)
    choose(page, "réaliser moi-même une partie des travaux", "Oui")
    next_section(page)
    label(page, r"^Date souhaitée de mise en service").fill(
        (date.today() + timedelta(days=200)).isoformat()
    )
    saved(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url(re.compile(r"/pieces/$"))
    for kind, name in (
        ("situation_plan", "plan-de-situation.pdf"),
        ("ground_plan", "plan-de-masse.pdf"),
        ("single_line_diagram", "schema-unifilaire.pdf"),
        ("company_extract", "kbis-soleil-armor.pdf"),
        ("decoupling_certificate", "certificat-sun2000.pdf"),
        ("mandate", "mandat-soleil-pose.pdf"),
    ):
        page.get_by_label("Type de pièce").select_option(kind)
        page.get_by_label("Fichier").set_input_files(pdf_file(tmp, name))
        page.get_by_role("button", name="Ajouter la pièce").click()
        page.get_by_text("Pièce ajoutée.").wait_for()
    page.get_by_text("Toutes les pièces demandées sont jointes.").wait_for()
    page.get_by_role("link", name="Continuer vers la validation").click()
    label(page, r"^J'atteste de l'exactitude").check()
    label(page, r"^J'ai pris connaissance que le gestionnaire").check()
    saved(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Transmettre ma demande").click()
    page.get_by_text(re.compile("Votre demande a bien été transmise à")).wait_for()
    return number


def staff_sends_offer(page: Page, s: Shooter, number: str) -> None:
    page.goto(f"/gestion/{number}/")
    page.get_by_role("button", name="Prendre en charge").click()
    page.get_by_text("Dossier pris en charge.").wait_for()
    page.get_by_role("button", name="Déclarer complète").click()
    page.get_by_text("Dossier déclaré complet.").wait_for()
    page.get_by_role("link", name="Offre de raccordement", exact=True).click()
    page.get_by_role("heading", name="Préparation de l'offre").wait_for()
    for name, value in OFFER_VALUES.items():
        type_value(page, name, value)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon de l'offre enregistré.").wait_for()
    page.get_by_label("Catégorie, ligne 2").last.select_option("reseau_bt")
    page.get_by_label("Montant HT (€), ligne 2").fill("12 480")
    for select in page.locator("select[name^='conf-']").all():
        if select.get_attribute("data-needs") == "1":
            select.select_option(select.get_attribute("data-default"))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon de l'offre enregistré.").wait_for()
    page.get_by_text("Tous les choix sont faits.").wait_for()
    s.shot(
        page, "offre-plan", start=page.locator("#plan"), end=page.locator("#plan"), max_height=950
    )
    s.shot(
        page,
        "offre-calculs",
        start=page.locator("#calculs"),
        end=page.locator("#envoi"),
        max_height=1500,
    )
    page.get_by_role("button", name="Générer et envoyer l'offre").click()
    page.locator(".messages").first.wait_for()


def installer_accepts(page: Page, s: Shooter, number: str, tmp: Path) -> None:
    page.goto(f"/demandes/{number}/offre/")
    s.shot(page, "offre-demandeur", max_height=1500)
    page.get_by_role("link", name="Accepter : Avenant L342-6").click()
    page.get_by_role("heading", name="Ce qui va se passer").wait_for()
    s.shot(page, "offre-confirmation", max_height=1100)
    page.get_by_label(re.compile("j'accepte l'offre : Avenant L342-6")).check()
    page.get_by_role("button", name="Confirmer l'acceptation").click()
    page.get_by_text(re.compile("Vous avez accepté")).wait_for()
    for item, name in (
        ("Exemplaire original", "avenant-signe.pdf"),
        ("Contrat de Mandat", "contrat-de-mandat-signe.pdf"),
        ("Garantie financière", "garantie-financiere.pdf"),
        ("Attestation d'assurance", "attestation-assurance.pdf"),
    ):
        field = page.get_by_label(re.compile(f"^Fichier : {item}"))
        field.set_input_files(pdf_file(tmp, name))
        page.locator("form", has=field).get_by_role("button", name="Envoyer la pièce").click()
        page.get_by_text(re.compile("Pièce ajoutée")).first.wait_for()
    page.get_by_label("Date du versement de l'acompte").fill(date.today().isoformat())
    page.get_by_role("button", name="Déclarer le versement").click()
    page.get_by_text("Versement de l'acompte déclaré.").wait_for()
    s.shot(page, "offre-checklist", start=page.locator("h2").first, max_height=1150)


def staff_validates(page: Page, s: Shooter, number: str) -> None:
    page.goto(f"/gestion/{number}/offre/")
    verify = page.get_by_role("button", name=re.compile("^Vérifier : "))
    verify.first.click()
    page.get_by_text(re.compile(r"vérifié\.$")).first.wait_for()
    s.shot(
        page,
        "offre-verification",
        start=page.locator("#acceptation"),
        end=page.locator("#acceptation"),
        max_height=1200,
    )
    while verify.count():
        verify.first.click()
        page.get_by_text(re.compile(r"vérifié\.$")).first.wait_for()
    page.get_by_role("button", name="Valider l'acceptation de l'offre").click()
    page.get_by_text("Acceptation de l'offre validée.").wait_for()


# --- 4. The administrator: an expert's opinion, the regulatory parameters -------------------------


def admin_pages(page: Page, s: Shooter, number: str) -> None:
    login(page, ADMIN, staff=True)
    page.goto("/gestion/")
    pending = page.locator("section.bo-expert-pending")
    if pending.count():
        pending.get_by_role("link", name=re.compile(number[-6:])).first.click()
        avis = section(page, "avis")
        answer = avis.get_by_label("Votre avis")
        if answer.count():
            answer.first.fill("Non : le certificat NF EN 50549-10 suffit pour des micro-onduleurs.")
            avis.get_by_role("button", name="Donner mon avis").first.click()
            page.wait_for_load_state()
    page.goto("/admin/core/regulatoryparameter/?q=clock.")
    s.shot(page, "admin-parametres", max_height=1000)


def admin_creates_instructor(page: Page, email: str) -> None:
    """A new instructor of the P4E desk, created in the admin (e-mail, password, role, desk)."""
    page.goto("/admin/accounts/user/add/")
    page.locator("#id_email").fill(email)
    # The add form has no operator/desk fields and the database requires them for a staff
    # role: create the account as « Particulier », then give the role with its desk.
    page.locator("#id_role").select_option("private")
    page.locator("#id_password1").fill(NEW_STAFF_PASSWORD)
    page.locator("#id_password2").fill(NEW_STAFF_PASSWORD)
    page.locator("input[name=_continue]").click()
    page.wait_for_url(re.compile(r"/change/$"))
    page.locator("#id_first_name").fill("Nina")
    page.locator("#id_last_name").fill("Le Gall")
    page.locator("#id_role").select_option("instructor")
    operator = page.locator("#id_operator")
    operator.select_option(label=operator.locator("option", has_text="Enedis").first.inner_text())
    desk = page.locator("#id_desk")
    desk.select_option(label=desk.locator("option", has_text="P4E").first.inner_text())
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/accounts/user/$"))


def new_instructor_first_login(page: Page, s: Shooter, email: str) -> None:
    """First login: the e-mail code, the password again, then the TOTP activation."""
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    label(page, r"^Mot de passe").fill(NEW_STAFF_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/"))
    page.get_by_label("Code").fill(activation_code(page, email))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/comptes/reauthenticate/"))
    label(page, r"^Mot de passe").fill(NEW_STAFF_PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/comptes/2fa/totp/activate/"))
    secret = page.get_by_label("Secret d'authentification").input_value()
    s.shot(page, "gestion-totp-activation", max_height=820)
    page.get_by_label("Code de l'authentificateur").fill(totp_now(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the running server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--out", default=str(ROOT / "docs" / "guide" / "img"))
    parser.add_argument("--only", default="", help="comma-separated image names to keep")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="raccord-screenshots-"))
    s = Shooter(out, {n for n in args.only.split(",") if n})
    stamp = time.strftime("%d%H%M%S")
    email = f"violette.fournier.{stamp}@demo.raccord.test"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

        def context_page() -> Page:
            context = browser.new_context(
                base_url=args.url.rstrip("/"),
                locale="fr-FR",
                timezone_id="Europe/Paris",
                viewport={"width": WIDTH, "height": 900},
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            return page

        try:
            producer = context_page()
            print("Producer: sign-up and CACSI", flush=True)
            producer_signs_up(producer, s, email)
            number = producer_files_cacsi(producer, s, tmp)
            print(f"  dossier {number}")
            print("Instructor: inbox, decisions, notes", flush=True)
            staff = context_page()
            login(staff, INSTRUCTOR, staff=True)
            staff_requests_item(staff, s, number)
            print("Producer: action, answer, messages", flush=True)
            producer_answers(producer, s, number, tmp)
            print("Instructor: complete, accept, dashboard", flush=True)
            staff_accepts(staff, s, number)
            producer_documents(producer, s, number)
            print("Installer: 36-250 kVA request", flush=True)
            installer = context_page()
            login(installer, INSTALLER)
            bt_number = installer_files_bt(installer, s, tmp)
            print(f"  dossier {bt_number}")
            print("Instructor: offer preparation and sending", flush=True)
            staff_sends_offer(staff, s, bt_number)
            print("Installer: acceptance and checklist", flush=True)
            installer_accepts(installer, s, bt_number, tmp)
            print("Instructor: checklist verified, acceptance validated", flush=True)
            staff_validates(staff, s, bt_number)
            print("Administrator: expert opinion, regulatory parameters", flush=True)
            admin = context_page()
            admin_pages(admin, s, number)
            print("New instructor: first login and TOTP activation", flush=True)
            new_staff = f"nina.legall.{stamp}@demo.raccord.test"
            admin_creates_instructor(admin, new_staff)
            new_instructor_first_login(context_page(), s, new_staff)
        finally:
            browser.close()
            shutil.rmtree(tmp, ignore_errors=True)
    total = sum(size for _n, size in s.taken)
    print(f"{len(s.taken)} image(s) in {out}, {total // 1024} KB in all.")


if __name__ == "__main__":
    main()
