"""Avenant L342-6 / CRD Conditions Particulières: blocks of the plan, no placeholder, money,
Annex 4 rows, merged annexes, certificates appended to the certificates annex."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
import typst
from pypdf import PdfReader

from raccord.documents import offer_render as offer_render_module
from raccord.documents.offer_builder import (
    OfferDataError,
    OfferExample,
    Signatory,
    example_offer,
    example_offer_input,
    format_number,
    offer_data,
)
from raccord.documents.offer_contracts import OfferData
from raccord.documents.offer_render import AnnexUploadError, CertificateUpload, offer_render
from raccord.documents.renderer import DocumentRenderError
from raccord.rules.inputs import (
    BeneficiaryKind,
    ConnectionRequest,
    InjectionOption,
    L342Timing,
    StudyFacts,
    Withdrawal,
)
from raccord.rules.money import NBSP, format_eur
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.variants import (
    BLOCKS_BY_ID,
    DocumentKind,
    DocumentPlan,
    document_plan,
)
from tests.documents.conftest import pdf_text
from tests.rules.plan_builders import bt_request
from tests.rules.test_variants import all_cases

AVENANT, CRD = DocumentKind.AVENANT, DocumentKind.CRD
APOS = "\u2019"  # Typst prints the template's apostrophes as typographic ones

FORBIDDEN = (
    "[]",
    "[Variante",
    "[Option",
    "[Sous variante",
    "[Sous-Variante",
    "[Fin",
    "[Paragraphe optionnel",
    "[Note",
    "[Choisir",
    "[Préciser",
    "[si besoin",
    "XXXXXX",
    "xxxxxx",
    "Erreur ! Source du renvoi introuvable",
    "Erreur ! Source",
)
ALLOWED_QUOTES = {
    "Enedis",
    "le Demandeur",
    "Demandeur",
    "Partie",
    "Parties",
    "Documentation Technique de Référence",
    "Modèles de garantie",
}


def plain(text: str) -> str:
    """Fold the typographic apostrophe and every white space so seed text can be searched."""
    return " ".join(text.replace(APOS, "'").split())


def build(
    request: ConnectionRequest, study: StudyFacts, document: DocumentKind
) -> tuple[DocumentPlan, OfferData, OfferExample]:
    ex = example_offer(request=request, study=study)
    plan = document_plan(request=request, study=study, document=document, params=P)
    data = offer_data(
        plan=plan,
        request=request,
        study=study,
        offer=ex.offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )
    return plan, data, ex


def upload_pdf(pages: int, label: str) -> bytes:
    source = "\n".join(f"{'#pagebreak()' if i else ''}\n{label} page {i + 1}" for i in range(pages))
    pdf = typst.compile(source.encode())
    assert isinstance(pdf, bytes)
    return pdf


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def assert_no_placeholder(text: str) -> None:
    for pattern in FORBIDDEN:
        assert pattern not in text, pattern
    assert "[" not in text and "]" not in text, re.findall(r".{30}[\[\]].{30}", text)[:3]
    quoted = {q.strip() for q in re.findall(r"«([^»]*)»", text)} - {"SOLEIL D'ARMOR"}
    assert quoted <= ALLOWED_QUOTES, quoted - ALLOWED_QUOTES
    assert "«" not in re.sub(r"«[^»]*»", "", text)


# --- The matrix: plans covering every block of the catalogue ----------------------------------


def _matrix() -> list[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    """A greedy cover of the catalogue by the rules tests' cases (each pick adds the most unseen
    blocks), plus CRD versions of some of them, about 30 plans in all."""
    cases = [
        (doc, r, s, document_plan(request=r, study=s, document=doc, params=P).chosen)
        for doc, r, s in all_cases()
    ]
    seen: set[str] = set()
    chosen: list[tuple[DocumentKind, ConnectionRequest, StudyFacts]] = []
    while True:
        doc, r, s, blocks = max(cases, key=lambda c: len(c[3] - seen))
        if not blocks - seen:
            break
        seen |= blocks
        chosen.append((doc, r, s))
    crd = [(CRD, r, s) for doc, r, s in chosen[::6] if doc is AVENANT]
    return chosen + crd


MATRIX = _matrix()


@pytest.fixture(scope="module")
def rendered() -> list[tuple[DocumentPlan, OfferData, str]]:
    out = []
    for doc, r, s in MATRIX:
        plan, data, _ = build(r, s, doc)
        out.append((plan, data, plain(pdf_text(offer_render(data=data)))))
    return out


def test_matrix_covers_every_block_of_the_catalogue() -> None:
    seen: set[str] = set()
    for doc, r, s in MATRIX:
        seen |= document_plan(request=r, study=s, document=doc, params=P).chosen
    assert len(MATRIX) >= 25
    assert {CRD, AVENANT} <= {doc for doc, _, _ in MATRIX}
    assert set(BLOCKS_BY_ID) - seen == set()


def test_matrix_documents_have_no_unresolved_placeholder(
    rendered: list[tuple[DocumentPlan, OfferData, str]],
) -> None:
    for _, _, text in rendered:
        assert_no_placeholder(text)


# A phrase of each block's seed text that no other block prints (whitespace folded).
MARKERS = {
    "TITRE.INJ_SOUT": "d'une Installation susceptible d'injecter et de soutirer",
    "BENEF.PERSONNE": "domicilié",
    "BENEF.SOCIETE": "dont le mandat de signature figure en annexe",
    "1.O": "intégrant la proposition d'Enedis d'une mise à disposition anticipée",
    "2.1.V1": "formulée par le Demandeur en date du",
    "2.1.V2": "formulée par le Demandeur dans sa demande initiale",
    "3.1.V1": "La totalité de la production sera injectée",
    "3.1.V2": "Le surplus de la production alimentant le Site",
    "3.2.V1": "est précisée au § 2.4 des Conditions Générales",
    "3.2.V2": "ne devra ni absorber ni injecter d'énergie réactive",
    "3.2.V3": "devra à tout instant absorber une puissance réactive égale à",
    "3.3.V1": "nécessitant uniquement un branchement",
    "3.3.V2": "nécessitant un branchement et une extension de réseau",
    "3.3.V3": "supérieure ou égale à 120 kVA nécessitant une extension de réseau",
    "4.O": "4.1. S3REnR concerné",
    "4.1.V1": "Le S3REnR de cette région a été validé le",
    "4.1.V2": "minimise le coût du raccordement (Ouvrages Propres) fait partie du S3REnR de la",
    "4.1.V3": "Cette solution alternative est en aval du Poste Source",
    "4.4.V2": "Sans Objet",
    "5.1.2.1.V1": "sera du type B.1",
    "5.1.2.1.V2": "dispositif de séparation qui peut ou non être intégré",
    "5.1.2.2.O": "n'assure pas la sélectivité des protections BT",
    "5.2.V1": "ne perturbe pas la transmission du signal tarifaire",
    "5.2.V2": "perturbe la transmission du signal tarifaire au-delà",
    "5.3.V1.SV1": "L'Installation est soumise au code RfG.",
    "5.3.V1.SV2": "seulement pour ses parties neuves ou modifiées",
    "5.3.V1.PO": "n'ont pas été remis pour l'établissement",
    "5.3.V2.SV1": "exigences de conformité définies pour les stockages",
    "5.3.V2.SV2": "arrêté du 9 juin 2020",
    "5.4.V1": "n'injecte pas des courants harmoniques",
    "5.4.V1.PO": "constituée d'onduleurs conformes à la norme",
    "5.4.V2": "L'Installation du Demandeur injecte des courants harmoniques",
    "5.5.O": "5.5. Installations de télécommunications",
    "5.5.O.O": "accès filaire (cuivre ou optique)",
    "6.O1": "protégé par disjoncteur, sur les bornes aval",
    "6.O2": "protégé par sectionneur-disjoncteur",
    "6.O3": "protégé par disjoncteur débrochable",
    "6.V1": "injection en totalité sans besoin de soutirage",
    "6.V2": "injection en totalité et nouveau raccordement en soutirage > 36 kVA",
    "6.V3": "injection en totalité avec raccordement en soutirage existant",
    "6.V4": "injection en surplus avec raccordement en soutirage existant",
    "7.1.V1": "7.1. Contribution pour reprise d'études",
    "7.2.1.V1": "Installations relevant d'un S3REnR : Ouvrages propres",
    "7.2.1.V2": "ne relevant pas d'un S3REnR : Ouvrages de branchement et d'extension",
    "7.2.2.O": "Quote-Part du coût des ouvrages à créer",
    "7.2.4.PO": "7.2.4. Travaux Mandataire",
    "7.2.5.V": "Le Demandeur adresse un ordre de service",
    "7.3.O1": "conditionnée à la complète réalisation de ces travaux",
    "7.3.O2": "implique un raccordement anticipé",
    "8.DELEG.DEMANDEUR": "par délégation de Anne KERGOAT",
    "8.DELEG.ENEDIS": "par délégation de Claire LE BRIS",
}


def test_each_block_text_is_printed_exactly_when_the_plan_chose_it(
    rendered: list[tuple[DocumentPlan, OfferData, str]],
) -> None:
    seen: dict[str, set[bool]] = {}
    for plan, _, text in rendered:
        for block_id, marker in MARKERS.items():
            present = marker in text
            assert present == plan.includes(block_id), (block_id, sorted(plan.chosen))
            seen.setdefault(block_id, set()).add(present)
    # Every marker was seen both printed and left out across the matrix.
    assert all(v == {True, False} for v in seen.values()), {
        k: v for k, v in seen.items() if v != {True, False}
    }


def test_section_6_sub_variant_and_cut_out_options_follow_the_plan(
    rendered: list[tuple[DocumentPlan, OfferData, str]],
) -> None:
    for plan, _, text in rendered:
        grouped = "Regroupement des coupe-circuits dans un même appareillage possible (ECP3D)"
        separate = "Deux coupe-circuits différents pour l'injection et le soutirage"
        assert (grouped in text) == any(
            b.endswith(".O1") and b.startswith("6.V") for b in plan.chosen
        )
        assert (separate in text) == any(
            b.endswith(".O2") and b.startswith("6.V") for b in plan.chosen
        )
        independent = "indépendant du raccordement soutirage existant"
        assert (independent in text) == bool({"6.V3.SV3.5", "6.V3.SV3.6"} & plan.chosen)


# --- The worked example ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[OfferExample, OfferData, str, bytes]:
    ex = example_offer()
    _, data, _ = build(ex.request, ex.study, AVENANT)
    pdf = offer_render(data=data)
    return ex, data, plain(pdf_text(pdf)), pdf


def test_avenant_prints_section_2_1_variant_and_7_2_4_mandataire(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    ex, _data, text, _ = example
    assert "Avenant L342-6 aux Conditions Particulières de la Convention de Raccordement" in text
    assert (
        "Enedis a élaboré d'une part la CRD 2506P4E000421-CRD et d'autre part son Avenant en "
        "réponse à la demande d'application des dispositions de l'article L342-6" in text
    )
    assert "7.2.4. Travaux Mandataire en cas de mise en œuvre de l'article L342-6" in text
    m = ex.contribution.mandataire
    assert m is not None
    assert plain(f"{format_eur(m.works_ht)} HT") in text
    assert plain(f"est de {format_eur(m.cap_ht)} HT au maximum") in text
    assert "dans un délai de 26 semaines" in text
    assert "Annexe 5 - Contrat de Mandat" in text
    assert "elle ne reproduit pas le texte du contrat" in text
    # § 1 and § 7.3 cross-references are resolved.
    assert "le détail de la solution de raccordement est décrit au chapitre 3." in text
    assert "détaillés à l'article 4 est" in text


def test_crd_has_no_avenant_only_text() -> None:
    ex = example_offer()
    plan, data, _ = build(ex.request, ex.study, CRD)
    assert not plan.includes("7.2.4.PO") and data["document"] == "crd"
    text = plain(pdf_text(offer_render(data=data)))
    assert_no_placeholder(text)
    assert "Conditions Particulières de la Convention de Raccordement Directe" in text
    # Annex 1 recalls the request, whose fields include the L342-6 question.
    body = text.split("Annexe 1 - Caractéristiques de la demande")[-2]
    for avenant_only in ("Avenant", "Mandataire", "Contrat de Mandat", "L342-6", "FOR-RES_050E"):
        assert avenant_only not in body, avenant_only
    assert "Mandataire" not in text and "Avenant" not in text
    assert "7.2.4. Modalités de règlement" in text
    assert "Annexe 5 - Attestation relative au contrôle de performances" in text


def test_money_table_prints_the_contribution_figures(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    ex, _, text, _ = example
    c = ex.contribution
    for line in c.lines:
        rate = (
            "Non"
            if not line.refaction_applies
            else f"Oui ({format_number(c.refaction_rate * 100)} %)"
        )
        assert plain(f"{line.label} {rate} {format_eur(line.billed_ht)}") in text
    assert plain(f"Total HT {format_eur(c.total_ht)}") in text
    assert plain(f"TVA (20 %) {format_eur(c.vat)}") in text
    assert plain(f"Total TTC {format_eur(c.total_ttc)}") in text
    assert plain(f"est de {format_eur(c.total_ht)} HT et TVA = {format_eur(c.vat)}") in text
    assert plain(f"soit {format_eur(c.deposit_ttc)}.") in text
    assert plain(f"de {format_eur(c.balance_ttc)} TTC") in text
    assert sum(line.billed_ht for line in c.lines) == c.total_ht
    assert c.total_ht + c.vat == c.total_ttc


def test_quote_part_row_when_s3renr_applies() -> None:
    r = bt_request(pracc_inj_kva=Decimal("240"), installed_power_kva=Decimal("240"))
    s = StudyFacts(s3renr=True)
    _, data, ex = build(r, s, AVENANT)
    text = plain(pdf_text(offer_render(data=data)))
    qp = ex.contribution.quote_part
    assert qp is not None
    rate = format_number(qp.refaction_rate * 100)
    assert plain(f"Quote-Part HT 0,24 77,55 Oui (r = {rate} %) {format_eur(qp.billed_ht)}") in text
    assert "S3REnR de Bretagne" in text


def test_annex_4_rows_are_the_voltage_study_rows(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    ex, data, text, _ = example
    rows = ex.voltage.rows
    assert len(data["annexes"]["study"]["rows"]) == len(rows)
    for row, printed in zip(rows, data["annexes"]["study"]["rows"], strict=True):
        assert printed["label"] == row.label
        if isinstance(row.value, Decimal):
            assert printed["value"].startswith(format_number(row.value))
        expected = plain(f"{row.label} {printed['value']} {row.comment}")
        assert expected in text, expected
    assert plain("Tension max au PDR du producteur demandeur après le raccordement") in text
    v = ex.voltage.connection_point_v
    assert plain(f"{format_number(v)}{NBSP}V") in text


def test_uploaded_annexes_are_merged_after_their_title_pages(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, data, _, without = example
    plan_pdf, diagram_pdf = upload_pdf(3, "PLAN DE MASSE"), upload_pdf(2, "SCHEMA UNIFILAIRE")
    merged = offer_render(data=data, annex_pdfs={2: plan_pdf, 3: diagram_pdf})
    assert page_count(merged) == page_count(without) + 3 + 2
    pages = [plain(p.extract_text()) for p in PdfReader(io.BytesIO(merged)).pages]
    title2 = next(
        i
        for i, p in enumerate(pages)
        if "Annexe 2 - Plan de situation" in p and "SOMMAIRE" not in p
    )
    assert [pages[title2 + k].strip() for k in (1, 2, 3)] == [
        f"PLAN DE MASSE page {k}" for k in (1, 2, 3)
    ]
    assert (
        pages[title2 + 4].startswith("Enedis")
        and "Annexe 3 - Schéma simplifié" in pages[title2 + 4]
    )
    assert [pages[title2 + 5].strip(), pages[title2 + 6].strip()] == [
        "SCHEMA UNIFILAIRE page 1",
        "SCHEMA UNIFILAIRE page 2",
    ]
    assert "Annexe 4 - Résultats des études" in pages[title2 + 7]
    assert "Pièce non fournie" not in " ".join(pages)
    # Footer numbering counts the merged pages.
    assert f"Page {title2 + 8} / {len(pages)}" in pages[title2 + 7]
    # Only one upload: the other annex says so.
    one = offer_render(data=data, annex_pdfs={3: diagram_pdf})
    assert page_count(one) == page_count(without) + 2
    assert plain(pdf_text(one)).count("Pièce non fournie") == 1


def test_unreadable_upload_is_refused(example: tuple[OfferExample, OfferData, str, bytes]) -> None:
    _, data, _, _ = example
    with pytest.raises(AnnexUploadError, match="Annexe 2"):
        offer_render(data=data, annex_pdfs={2: b"%PDF-1.7 not really"})
    with pytest.raises(ValueError, match="annexes 2 et 3"):
        offer_render(data=data, annex_pdfs={4: upload_pdf(1, "X")})


def test_signatures_print_names_functions_and_delegation(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, _, text, _ = example
    assert "Pour le Demandeur (ou le groupement solidaire" in text
    assert (
        "Pour Enedis Marc LE GOFF Responsable de l'Agence Raccordement par délégation de "
        "Claire LE BRIS, Directrice Régionale Enedis Bretagne" in text
    )
    assert "À Rennes, le 16/06/2025" in text
    assert "par délégation de Anne KERGOAT" not in text


def test_person_beneficiary_and_local_authority_wording() -> None:
    person = bt_request(beneficiary=BeneficiaryKind.PERSON)
    offer = example_offer_input()
    ex = example_offer(request=person, study=StudyFacts(), offer=offer)
    plan = document_plan(request=person, study=StudyFacts(), document=AVENANT, params=P)
    data = offer_data(
        plan=plan,
        request=person,
        study=StudyFacts(),
        offer=offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )
    text = plain(pdf_text(offer_render(data=data)))
    assert "« SOLEIL D'ARMOR », domicilié 12 rue du Port, 56000 VANNES," in text
    local = bt_request(beneficiary=BeneficiaryKind.LOCAL_AUTHORITY)
    _, data, ex = build(local, StudyFacts(), AVENANT)
    text = plain(pdf_text(offer_render(data=data)))
    assert plain(f"Le montant de {format_eur(ex.contribution.total_ttc)} TTC") in text
    assert "un acompte" not in text


def test_company_party_block_follows_the_seed_sentence(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, _, text, _ = example
    assert (
        "SOLEIL D'ARMOR, SAS au capital de 50 000 €, dont le siège social est situé 12 rue du "
        "Port, 56000 VANNES, immatriculée au Registre du Commerce et des Sociétés de VANNES sous "
        "le numéro 552 144 503, représentée par Yann KERGOAT, Président, dûment habilité "
        "à cet effet dont le mandat de signature figure en annexe"
    ) in plain(text.replace("\u202f", " "))
    assert "Enedis, société anonyme au capital de 270 037 000 euros" in plain(
        text.replace("\u202f", " ")
    )


def test_missing_values_of_chosen_blocks_are_refused() -> None:
    r = bt_request(l342_6_timing=L342Timing.AFTER_REQUEST, requester_signs_by_delegation=True)
    offer = example_offer_input(
        l342_requested_on=None,
        requester_signatory=Signatory("Yann KERGOAT", "Président"),
        payment_address_lines=(),
    )
    ex = example_offer(request=r, study=StudyFacts(), offer=offer)
    plan = document_plan(request=r, study=StudyFacts(), document=AVENANT, params=P)
    with pytest.raises(OfferDataError) as error:
        offer_data(
            plan=plan,
            request=r,
            study=StudyFacts(),
            offer=offer,
            contribution=ex.contribution,
            voltage=ex.voltage,
            today=ex.today,
        )
    assert set(error.value.missing) == {
        "l342_requested_on",
        "payment_address_lines",
        "requester_signatory.delegator_name",
    }


def test_hostile_text_is_printed_as_typed() -> None:
    hostile = "#panic() *gras* $x$ _a_ \\ <b>"
    offer = example_offer_input(site_name=hostile)
    ex = example_offer(offer=offer)
    _, data, _ = build(ex.request, ex.study, AVENANT)
    data = offer_data(
        plan=document_plan(request=ex.request, study=ex.study, document=AVENANT, params=P),
        request=ex.request,
        study=ex.study,
        offer=offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )
    assert hostile in pdf_text(offer_render(data=data))


def test_surplus_with_existing_withdrawal_prints_option_2() -> None:
    r = replace(
        bt_request(),
        injection_option=InjectionOption.SURPLUS,
        withdrawal=Withdrawal.EXISTING,
        pracc_sout_kva=Decimal("48"),
    )
    plan, data, _ = build(r, StudyFacts(), AVENANT)
    assert plan.includes("3.1.V2.O2")
    text = plain(pdf_text(offer_render(data=data)))
    assert "(Pracc_sout_BT) est de 48 kVA" in text.replace(NBSP, " ")
    assert "Une demande d'un raccordement supplémentaire en soutirage" not in text


def test_uploaded_annexes_are_placed_by_typst_in_one_pass(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    """Typst places the uploaded pages itself: the PDF keeps its accessibility tags and its
    bookmarks, and an uploaded page keeps its own size (an A3 landscape plan stays A3)."""
    _, data, _, _ = example
    a3 = typst.compile(b'#set page(paper: "a3", flipped: true)\nPLAN A3 page 1')
    assert isinstance(a3, bytes)
    merged = PdfReader(io.BytesIO(offer_render(data=data, annex_pdfs={2: a3})))

    assert "/StructTreeRoot" in merged.root_object
    titles = [item.title for item in merged.outline if not isinstance(item, list)]
    assert any(str(t).startswith("Annexe 2 - ") for t in titles)
    pages = [plain(p.extract_text()) for p in merged.pages]
    index = pages.index("PLAN A3 page 1")
    box = merged.pages[index].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)
    assert "Annexe 2 - Plan de situation" in pages[index - 1]


def test_uploads_typst_cannot_place_fall_back_to_the_pypdf_merge(
    example: tuple[OfferExample, OfferData, str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data, _, _ = example
    uploads = {2: upload_pdf(3, "PLAN DE MASSE"), 3: upload_pdf(2, "SCHEMA UNIFILAIRE")}
    in_one_pass = offer_render(data=data, annex_pdfs=uploads)
    real_render = offer_render_module.render_pdf

    def failing_with_files(template: str, data: object, *, files: object = None) -> bytes:
        if files:
            raise DocumentRenderError(template, "failed to decode image")
        return real_render(template, data)  # type: ignore[arg-type]

    monkeypatch.setattr(offer_render_module, "render_pdf", failing_with_files)
    merged = offer_render(data=data, annex_pdfs=uploads)

    def texts(pdf: bytes) -> list[str]:
        return [plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]

    assert texts(merged) == texts(in_one_pass)
    assert "PLAN DE MASSE page 3" in texts(merged)


# --- Certificates annex (Annexe 6 of the Avenant, Annexe 5 of the CRD) ------------------------

DECOUPLING = "Certificat de conformité de la protection de découplage (onduleur)"
CERT_TITLE = "Attestation relative au contrôle de performances"


def image_bytes(fmt: str, size: tuple[int, int] = (300, 400)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 40, 120)).save(out, format=fmt)
    return out.getvalue()


def annex_page(pages: list[str], number: str) -> int:
    """Index of the page of the certificates annex's title (not the SOMMAIRE's line)."""
    return next(
        i
        for i, p in enumerate(pages)
        if f"Annexe {number} - {CERT_TITLE}" in p and "SOMMAIRE" not in p
    )


def outline_titles(reader: PdfReader) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)  # type: ignore[arg-type]
                found[plain(str(item.title))] = page  # type: ignore[attr-defined]

    walk(list(reader.outline))
    return found


@pytest.mark.parametrize("document,number", [(AVENANT, "6"), (CRD, "5")])
def test_uploaded_certificate_pages_follow_their_caption_in_the_certificates_annex(
    document: DocumentKind, number: str
) -> None:
    ex = example_offer()
    _, data, _ = build(ex.request, ex.study, document)
    without = offer_render(data=data)
    certificate = upload_pdf(2, "CERTIFICAT ONDULEUR")
    pdf = offer_render(
        data=data,
        certificates=[
            CertificateUpload("certificat-onduleur.pdf", certificate, DECOUPLING, "NF EN 50549-1")
        ],
    )
    assert page_count(pdf) == page_count(without) + 2
    reader = PdfReader(io.BytesIO(pdf))
    pages = [plain(p.extract_text()) for p in reader.pages]
    title = annex_page(pages, number)
    caption = (
        f"Pièce n° 1 : certificat-onduleur.pdf {DECOUPLING} — "
        "norme citée : NF EN 50549-1 — 2 pages, reproduites à la suite."
    )
    assert plain(caption) in pages[title]
    # The table says which piece supports each row; the other row has no file and says so.
    row = "NF EN 50549-1 Onduleurs (protection de découplage) Joint : pièce n° 1"
    assert row in pages[title]
    assert (
        "FD C11-519-11 Contrôle de performances (annexe C) Déclaré remis, aucun fichier au "
        "dossier : à remettre avant la mise en service" in pages[title]
    )
    notice = "Le certificat FD C11-519-11 est indiqué comme remis, mais aucun fichier"
    assert notice in pages[title]
    # The certificate's own pages, in order, right after the caption, and nothing after them.
    assert pages[title + 1 :] == ["CERTIFICAT ONDULEUR page 1", "CERTIFICAT ONDULEUR page 2"]
    # The caption is a bookmark (not a SOMMAIRE line) pointing at its page.
    assert outline_titles(reader)["Pièce n° 1 : certificat-onduleur.pdf"] == title
    assert "certificat-onduleur.pdf" not in pages[3]  # the SOMMAIRE
    assert "/StructTreeRoot" in reader.root_object  # placed by Typst: tags kept
    assert f"Page {title + 1} / {len(pages)}" in pages[title]


def test_several_certificates_pdf_and_images_each_after_its_caption(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, data, _, without = example
    certificates = [
        CertificateUpload(
            "onduleur.pdf", upload_pdf(1, "CERTIFICAT A"), DECOUPLING, "NF EN 50549-1"
        ),
        CertificateUpload(
            "annexe-c.pdf", upload_pdf(3, "CERTIFICAT C"), DECOUPLING, "FD C11-519-11"
        ),
        CertificateUpload("scan.png", image_bytes("PNG"), DECOUPLING, "NF EN 50549-1"),
        CertificateUpload("photo.jpg", image_bytes("JPEG", (800, 500)), DECOUPLING, ""),
    ]
    pdf = offer_render(data=data, certificates=certificates)
    # 1 + 3 PDF pages; the second caption starts a page after the first certificate's pages;
    # each image has a page of its own (caption and image).
    assert page_count(pdf) == page_count(without) + 1 + (1 + 3) + 1 + 1
    reader = PdfReader(io.BytesIO(pdf))
    pages = [plain(p.extract_text()) for p in reader.pages]
    title = annex_page(pages, "6")
    assert (
        "Les 4 fichiers remis par le Demandeur avec sa demande suivent, chacun précédé de sa "
        "légende." in pages[title]
    )
    assert "Joint : pièces n° 1, 3 et 4" in pdf_text(pdf)
    assert "Joint : pièces n° 2 et 4" in pdf_text(pdf)
    assert "aucun fichier" not in pdf_text(pdf)
    assert plain("Pièce n° 1 : onduleur.pdf") in pages[title]
    assert pages[title + 1] == "CERTIFICAT A page 1"
    second = pages[title + 2]
    assert plain("Pièce n° 2 : annexe-c.pdf") in second and "3 pages" in second
    assert pages[title + 3 : title + 6] == [f"CERTIFICAT C page {k}" for k in (1, 2, 3)]
    png, jpg = pages[title + 6], pages[title + 7]
    assert plain(f"Pièce n° 3 : scan.png {DECOUPLING} — norme citée : NF EN 50549-1") in png
    assert "image reproduite ci-dessous" in png
    assert plain(f"Pièce n° 4 : photo.jpg {DECOUPLING} — norme non précisée") in jpg
    for index in (title + 6, title + 7):
        assert len(reader.pages[index].images) == 1, index
        assert f"Page {index + 1} / {len(pages)}" in pages[index]  # header and footer kept
    assert len(pages) == title + 8


def test_certificate_listed_as_supplied_without_file_says_so(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, _, text, _ = example
    annex = text.split(f"Annexe 6 - {CERT_TITLE}")[-1]
    assert annex.count("Déclaré remis, aucun fichier au dossier") == 2
    assert (
        "Certificats déclarés remis sans fichier Les certificats NF EN 50549-1 et FD C11-519-11 "
        "sont indiqués comme remis, mais aucun fichier correspondant ne figure au dossier : ils ne "
        "sont pas reproduits dans la présente annexe" in annex
    )
    assert "Joint" not in annex


def test_certificate_not_supplied_is_not_called_joined() -> None:
    ex = example_offer()
    request = replace(ex.request, certificates_supplied=False)
    offer = replace(ex.offer, certificates=())
    plan = document_plan(request=request, study=ex.study, document=AVENANT, params=P)
    data = offer_data(
        plan=plan,
        request=request,
        study=ex.study,
        offer=offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )
    assert data["annexes"]["certificates"] == [
        {
            "standard": "NF EN 50549-1",
            "subject": "Protection de découplage",
            "supplied": False,
            "files": [],
            "unreadable": [],
        }
    ]
    annex = plain(pdf_text(offer_render(data=data))).split(f"Annexe 6 - {CERT_TITLE}")[-1]
    assert "Non remis : à remettre avant la mise en service" in annex
    assert "Joint" not in annex and "aucun fichier" not in annex


def test_unreadable_certificate_is_named_not_reproduced(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, data, _, without = example
    certificates = [
        CertificateUpload("casse.pdf", b"%PDF-1.7 not really", DECOUPLING, "NF EN 50549-1"),
        CertificateUpload("tronque.png", image_bytes("PNG")[:60], DECOUPLING, "FD C11-519-11"),
        CertificateUpload("vide.pdf", b"", DECOUPLING, "FD C11-519-11"),
    ]
    pdf = offer_render(data=data, certificates=certificates)
    assert page_count(pdf) == page_count(without)
    annex = plain(pdf_text(pdf)).split(f"Annexe 6 - {CERT_TITLE}")[-1]
    assert "Fichier illisible (pièce n° 1) : à remettre" in annex
    assert "Fichier illisible (pièces n° 2 et 3) : à remettre" in annex
    for number, name in enumerate(("casse.pdf", "tronque.png", "vide.pdf"), start=1):
        assert f"Pièce n° {number} : {name}" in annex
    assert annex.count("Ce fichier n'a pas pu être lu") == 3
    assert "Joint" not in annex


def corrupt_png(png: bytes) -> bytes:
    """The PNG with its compressed pixels scrambled but every chunk checksum right: Pillow's
    quick check passes, decoding fails (Typst's and Pillow's)."""
    import struct
    import zlib

    out, i = png[:8], 8
    while i < len(png):
        (size,) = struct.unpack(">I", png[i : i + 4])
        kind, body = png[i + 4 : i + 8], png[i + 8 : i + 8 + size]
        if kind == b"IDAT":
            body = body[:2] + bytes(b ^ 0x55 for b in body[2:])
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        i += 12 + size
    return out


def test_image_typst_cannot_decode_is_named_unreadable_the_others_kept(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, data, _, without = example
    certificates = [
        CertificateUpload("abime.png", corrupt_png(image_bytes("PNG")), DECOUPLING, ""),
        CertificateUpload("bon.png", image_bytes("PNG"), DECOUPLING, ""),
        CertificateUpload("bon.pdf", upload_pdf(1, "CERTIFICAT BON"), DECOUPLING, ""),
    ]
    pdf = offer_render(data=data, certificates=certificates)
    pages = [plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == page_count(without) + 1 + 1 + 1  # the image's page, bon.pdf's
    title = annex_page(pages, "6")
    assert "Pièce n° 1 : abime.png" in pages[title]
    assert "Fichier illisible Ce fichier n'a pas pu être lu" in pages[title]
    assert "Pièce n° 2 : bon.png" in pages[title + 1]
    assert "Pièce n° 3 : bon.pdf" in pages[title + 2]
    assert pages[title + 3] == "CERTIFICAT BON page 1"


def test_certificate_file_name_is_printed_as_typed(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    _, data, _, _ = example
    name = "#panic() *gras* ] $x$ <b>.pdf"
    pdf = offer_render(
        data=data, certificates=[CertificateUpload(name, upload_pdf(1, "CERT"), DECOUPLING)]
    )
    assert f": {name}" in pdf_text(pdf)


def test_certificates_typst_cannot_place_fall_back_to_the_pypdf_merge(
    example: tuple[OfferExample, OfferData, str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data, _, _ = example
    uploads = {2: upload_pdf(2, "PLAN DE MASSE")}
    certificates = [
        CertificateUpload("a.pdf", upload_pdf(2, "CERTIFICAT A"), DECOUPLING, "NF EN 50549-1"),
        CertificateUpload("b.png", image_bytes("PNG"), DECOUPLING, "NF EN 50549-1"),
        CertificateUpload("c.pdf", upload_pdf(1, "CERTIFICAT C"), DECOUPLING, "FD C11-519-11"),
    ]
    in_one_pass = offer_render(data=data, annex_pdfs=uploads, certificates=certificates)
    real_render = offer_render_module.render_pdf

    def failing_on_pdfs(template: str, data: object, *, files: dict[str, bytes] | None = None):  # type: ignore[no-untyped-def]
        if files and any(name.endswith(".pdf") for name in files):
            raise DocumentRenderError(template, "failed to decode image")
        return real_render(template, data, files=files)  # type: ignore[arg-type]

    monkeypatch.setattr(offer_render_module, "render_pdf", failing_on_pdfs)
    merged = offer_render(data=data, annex_pdfs=uploads, certificates=certificates)

    def texts(pdf: bytes) -> list[str]:
        return [plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]

    pages = texts(merged)
    assert pages == texts(in_one_pass)
    # A's pages after its caption; the image's page; C's caption page, then C's page.
    assert pages[-5:-3] == ["CERTIFICAT A page 1", "CERTIFICAT A page 2"]
    assert "Pièce n° 2 : b.png" in pages[-3] and "Pièce n° 3 : c.pdf" in pages[-2]
    assert pages[-1] == "CERTIFICAT C page 1"


def test_same_certificates_same_document_but_for_the_creation_date(
    example: tuple[OfferExample, OfferData, str, bytes],
) -> None:
    """Typst stamps the creation date (and the instance id drawn from it): everything else is
    the same bytes for the same data and uploads, certificates included."""
    _, data, _, _ = example
    certificates = [
        CertificateUpload("a.pdf", upload_pdf(1, "CERTIFICAT A"), DECOUPLING, "NF EN 50549-1"),
        CertificateUpload("b.jpg", image_bytes("JPEG"), DECOUPLING, ""),
    ]

    def stamped_out(pdf: bytes) -> bytes:
        pdf = re.sub(rb"D:\d{14}Z", b"D:", pdf)
        pdf = re.sub(rb"<xmp:(Create|Modify|Metadata)Date>[^<]*<", b"<", pdf)
        return re.sub(rb"InstanceID>[^<]*<|/ID\s*\[[^\]]*\]", b"", pdf)

    first = offer_render(data=data, certificates=certificates)
    again = offer_render(data=data, certificates=list(certificates))
    assert stamped_out(first) == stamped_out(again)
