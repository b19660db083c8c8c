"""The operator's name in French sentences (« d'Enedis », « de SER ») and the mention of
Raccord's model texts in the PDFs that use them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from raccord.core.templatetags.raccord_french import de_operator
from raccord.documents.contracts import TYPOGRAPHIC_APOSTROPHE
from raccord.documents.examples import cacsi_example_data
from raccord.documents.offer_builder import example_offer, offer_data
from raccord.documents.offer_render import offer_render
from raccord.documents.services import cacsi_render
from raccord.rules.parameters import DEFAULT_PARAMETERS
from raccord.rules.variants import DocumentKind, document_plan
from tests.documents.conftest import pdf_text

APOS = TYPOGRAPHIC_APOSTROPHE
MODEL = "Texte modèle Raccord"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Enedis", "d'Enedis"),
        ("Électricité de Strasbourg Réseaux", "d'Électricité de Strasbourg Réseaux"),
        ("Strasbourg Électricité Réseaux", "de Strasbourg Électricité Réseaux"),
        ("SER", "de SER"),
        ("URM", "d'URM"),
        ("Hydrostadt", "de Hydrostadt"),  # no guess on a leading h
        ("  Enedis ", "d'Enedis"),
    ],
)
def test_de_operator_elides_before_a_vowel_only(name: str, expected: str) -> None:
    assert de_operator(name) == expected
    assert de_operator(name, APOS) == expected.replace("'", APOS)


def test_de_operator_filter_in_a_template() -> None:
    template = Template("{% load raccord_french %}Sans réponse {{ op|de_operator }}.")

    assert template.render(Context({"op": "Enedis"})) == "Sans réponse d&#x27;Enedis."
    assert template.render(Context({"op": "SER"})) == "Sans réponse de SER."


def cacsi_text(short_name: str) -> str:
    data = cacsi_example_data()
    data["operator"]["short_name"] = short_name
    del data["operator"]["de_short_name"]  # as raccord.dossiers.convention builds it
    return pdf_text(cacsi_render(data=data))


def test_cacsi_names_the_operator_with_elision_and_says_its_articles_are_a_model() -> None:
    enedis, ser = cacsi_text("Enedis"), cacsi_text("SER")

    assert f"Article 4 — Engagements d{APOS}Enedis" in enedis
    assert f"À défaut de réponse d{APOS}Enedis," in enedis
    assert "de Enedis" not in enedis
    assert "Article 4 — Engagements de SER" in ser
    assert "À défaut de réponse de SER," in ser
    for text in (enedis, ser):
        assert f"{MODEL} : articles 1 à 7 de la convention." in text
        assert "remplace par son texte officiel" in text


def offer_text(kind: DocumentKind, short_name: str = "Enedis") -> str:
    from dataclasses import replace

    ex = example_offer()
    offer = replace(ex.offer, operator=replace(ex.offer.operator, short_name=short_name))
    plan = document_plan(
        request=ex.request, study=ex.study, document=kind, params=DEFAULT_PARAMETERS
    )
    data = offer_data(
        plan=plan,
        request=ex.request,
        study=ex.study,
        offer=offer,
        contribution=ex.contribution,
        voltage=ex.voltage,
        today=ex.today,
    )
    return pdf_text(offer_render(data=data))


def test_crd_section_2_says_it_is_raccord_model_text_the_avenant_does_not() -> None:
    crd, avenant = offer_text(DocumentKind.CRD), offer_text(DocumentKind.AVENANT)

    assert f"{MODEL} : chapitre 2 de la CRD, rédigé par Raccord." in crd
    assert "remplace par son texte officiel" in crd
    assert MODEL not in avenant  # the Avenant's text is the seed's model, printed as is


def test_avenant_names_the_operator_with_elision() -> None:
    enedis = offer_text(DocumentKind.AVENANT)
    ser = offer_text(DocumentKind.AVENANT, "SER")

    assert f"pour le compte d{APOS}Enedis" in enedis
    assert f"site internet d{APOS}Enedis" in enedis
    assert "pour le compte de SER" in ser
    assert f"d{APOS}SER" not in ser and "d'SER" not in ser
