"""The CACSI convention: identities, installation data, acceptance boxes, preview, hostile text."""

from __future__ import annotations

import copy

import pytest

from raccord.documents.contracts import CacsiData
from raccord.documents.examples import cacsi_example_data
from raccord.documents.services import cacsi_render
from tests.documents.conftest import pdf_pages, pdf_runs, pdf_text

PAGE_WIDTH = 595.28  # A4 in points
APOS = "\u2019"  # Typst prints the apostrophes of the template as typographic ones


@pytest.fixture(scope="module")
def example_text() -> str:
    return pdf_text(cacsi_render(data=cacsi_example_data()))


def _person(data: CacsiData) -> CacsiData:
    data = copy.deepcopy(data)
    data["producer"]["kind"] = "person"
    data["producer"]["company"] = None
    data["producer"]["person"] = {
        "civility": "Mme",
        "first_name": "Élodie",
        "last_name": "Le Gall",
        "address_lines": ["3 rue des Mouettes", "29200 BREST"],
    }
    data["third_party"] = None
    return data


def test_given_a_company_producer_then_its_party_block_is_printed(example_text: str) -> None:
    assert f"Convention d{APOS}Autoconsommation sans injection n° 1706P4E948637" in example_text
    assert "Installation de Production Solaire Photovoltaïque" in example_text
    assert "PARTENAIRE PRO, SARL au capital de 10 000 €" in example_text
    assert (
        "dont le siège social est situé 57, RUE DANTON, COMPLEMENT DEMANDEUR, "
        "92500 RUEIL-MALMAISON" in example_text
    )
    assert "sous le numéro 552 144 503" in example_text
    assert "représentée par Armelle JOLY, Gérante, dûment habilité(e) à cet effet" in example_text
    assert "par Martin DUPONT (TIERS MANDATÉ), tiers habilité" in example_text
    assert "Ci-après dénommé(e) « le Producteur »" in example_text


def test_given_a_private_producer_then_name_and_address_are_printed() -> None:
    text = pdf_text(cacsi_render(data=_person(cacsi_example_data())))

    assert "Mme Élodie LE GALL, demeurant 3 rue des Mouettes, 29200 BREST" in text
    assert "PARTENAIRE PRO" not in text
    assert "tiers habilité" not in text


def test_given_the_operator_record_then_its_identity_is_printed(example_text: str) -> None:
    assert (
        "Enedis, Société anonyme à directoire et à conseil de surveillance au capital de "
        "270 037 000 €, dont le siège social est situé Tour Enedis, 34 place des Corolles, "
        "92079 PARIS LA DEFENSE CEDEX, immatriculée au Registre du Commerce et des Sociétés de "
        "Nanterre sous le numéro B 444 608 442, représentée par le Directeur Régional de la "
        "région, faisant élection de domicile BP 17, 29801 BREST et dûment habilité à cet effet"
    ) in example_text
    assert "Ci-après dénommée « Enedis »" in example_text
    assert f"D{APOS}autre part" in example_text


def test_given_the_installation_then_every_declared_value_is_printed(example_text: str) -> None:
    for expected in (
        "17 ALLEE DIDEROT, 56000 VANNES",
        "12345678901234",
        f"Puissance maximale de l{APOS}installation 18 kVA",
        "Puissance de raccordement demandée 18 kVA",
        "Triphasé — Phase 1 : 6 kVA · Phase 2 : 6 kVA · Phase 3 : 6 kVA",
        "Oui — capacité 13,5 kWh",
        "Fronius Symo 9.0-3-M 2 9 kVA",
        "Assurée par un sectionneur automatique conforme à la norme NF EN 50549-1",
        "15/01/2018",
        "01 00 00 00 00",
        "contact@partenaire-pro.example",
    ):
        assert expected in example_text, expected


def test_given_integrated_decoupling_and_no_storage_then_worded_accordingly() -> None:
    data = cacsi_example_data()
    data["installation"]["decoupling"] = "integrated"
    data["installation"]["storage_present"] = False
    data["installation"]["storage_capacity_kwh"] = None
    data["installation"]["commissioning_date"] = None

    text = pdf_text(cacsi_render(data=data))

    assert "intégré à chaque onduleur, conforme à la norme NF EN 50549-1" in text
    assert f"Présence d{APOS}un stockage d{APOS}énergie Non" in text
    assert "Non précisée" in text


def test_given_the_15_day_rule_then_it_is_a_clause(example_text: str) -> None:
    assert "délai de quinze (15) jours à compter de la transmission de sa demande" in example_text


def _acceptance_runs(pdf: bytes) -> list[tuple[str, float]]:
    return [(text, x) for _, text, x, _ in pdf_runs(pdf) if text.startswith("Accepté le")]


def test_given_no_acceptance_then_both_boxes_are_empty() -> None:
    pdf = cacsi_render(data=cacsi_example_data(producer_accepted=None))

    assert "Accepté le" not in pdf_text(pdf)
    assert "Pour le Producteur Pour Enedis" in pdf_text(pdf)


def test_given_only_the_producer_accepted_then_only_its_box_shows_the_date() -> None:
    pdf = cacsi_render(data=cacsi_example_data(producer_accepted="05/12/2017"))

    assert pdf_text(pdf).count("Accepté le") == 1
    [(text, x)] = _acceptance_runs(pdf)
    assert text == "Accepté le 05/12/2017"
    assert x < PAGE_WIDTH / 2  # the left box: « Pour le Producteur »


def test_given_both_accepted_then_each_box_shows_its_own_date() -> None:
    pdf = cacsi_render(
        data=cacsi_example_data(producer_accepted="05/12/2017", operator_accepted="06/12/2017")
    )

    assert pdf_text(pdf).count("Accepté le") == 2
    runs = sorted(_acceptance_runs(pdf), key=lambda run: run[1])
    assert [text for text, _ in runs] == ["Accepté le 05/12/2017", "Accepté le 06/12/2017"]
    assert runs[0][1] < PAGE_WIDTH / 2 < runs[1][1]


def test_given_the_signature_block_then_boxes_are_titled_with_the_short_name() -> None:
    data = cacsi_example_data()
    data["operator"]["short_name"] = "SRD"

    text = pdf_text(cacsi_render(data=data))

    assert "Pour le Producteur Pour SRD" in text


def test_given_a_preview_then_every_page_carries_the_mark() -> None:
    pdf = cacsi_render(data=cacsi_example_data(producer_accepted=None, preview=True))

    pages = pdf_pages(pdf)
    assert all("APERÇU — non signé" in " ".join(page.split()) for page in pages)


def test_given_a_final_version_then_no_preview_mark(example_text: str) -> None:
    assert "APERÇU" not in example_text


def test_given_every_page_then_footer_has_number_and_page_count() -> None:
    pages = pdf_pages(cacsi_render(data=cacsi_example_data()))

    for index, page in enumerate(pages, start=1):
        text = " ".join(page.split())
        assert "N° 17 06 P4E 948637" in text
        assert f"Page {index} / {len(pages)}" in text


@pytest.mark.parametrize(
    "hostile",
    [
        "#panic()",
        "*x*",
        "]",
        "$",
        "\\",
        "<script>alert(1)</script>",
        '#import "lib.typ": *',
        "_a_ `b` @c <d> // e /* f",
        '" + sys.inputs.data + "',
    ],
)
def test_given_a_hostile_producer_name_then_it_prints_literally(hostile: str) -> None:
    data = _person(cacsi_example_data())
    assert data["producer"]["person"] is not None
    data["producer"]["person"]["first_name"] = hostile
    data["site"]["address_lines"] = [hostile, "56000 VANNES"]

    text = pdf_text(cacsi_render(data=data))

    assert f"Mme {' '.join(hostile.split())} LE GALL" in text
    assert f"{' '.join(hostile.split())}, 56000 VANNES" in text


def test_given_a_hostile_company_name_then_it_prints_literally_in_upper_case() -> None:
    data = cacsi_example_data()
    assert data["producer"]["company"] is not None
    data["producer"]["company"]["name"] = '#panic("x") *gras* ]'

    text = pdf_text(cacsi_render(data=data))

    assert '#PANIC("X") *GRAS* ], SARL' in text


def test_given_the_last_article_then_it_shares_its_page_with_the_signature_boxes() -> None:
    pages = pdf_pages(cacsi_render(data=cacsi_example_data()))

    [last] = [page for page in pages if "Pour le Producteur" in page]
    assert "Article 7" in last
    assert "Signatures" in last
