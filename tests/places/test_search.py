"""Commune autocomplete on the full official list (issue: foundation, "Places")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raccord.places.models import Commune
from raccord.places.search import normalize, resolve_commune, search_communes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("saint-etienne", "saint etienne"),
        ("st etienne", "saint etienne"),
        ("ST-ÉTIENNE", "saint etienne"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
    ],
)
def test_normalize_ignores_case_accents_hyphens_and_expands_saint(typed, expected):
    assert normalize(typed) == expected


def test_the_full_official_list_is_loaded():
    assert Commune.objects.values("insee_code").distinct().count() > 34000
    assert Commune.objects.filter(insee_code="2A004", name="Ajaccio").exists()  # Corsica 2A


@pytest.mark.parametrize("typed", ["st etienne", "saint-etienne", "Saint-Étienne", "SAINT ETIENNE"])
def test_every_spelling_finds_saint_etienne_first(typed):
    results = search_communes(typed)
    assert results[0].name == "Saint-Étienne"
    assert results[0].department_id == "42"


def test_prefix_results_are_ranked_by_population():
    names = [c.name for c in search_communes("vann")]
    assert names[0] == "Vannes"


def test_postal_code_finds_every_commune_of_that_code():
    results = search_communes("56000")
    assert {c.name for c in results} == {"Vannes"}
    partial = search_communes("561")
    assert len(partial) == 10 and all(c.postal_code.startswith("561") for c in partial)


def test_name_and_postal_code_prefix_narrow_the_search():
    results = search_communes("saint denis 93")
    assert results and all(c.postal_code.startswith("93") for c in results)


def test_autocomplete_endpoint_returns_accessible_options(client):
    response = client.get(reverse("places:communes"), {"q": "st etienne"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="listbox"' in html and 'role="option"' in html
    assert "Saint-Étienne" in html
    data = client.get(reverse("places:communes"), {"q": "56000", "format": "json"}).json()
    assert data["results"][0]["label"] == "Vannes (56000)"


def test_autocomplete_says_when_nothing_matches(client):
    response = client.get(reverse("places:communes"), {"q": "zzzzqqq"})
    assert "Aucune commune ne correspond" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("99999", "Aucune commune ne correspond au code postal 99999."),
        ("560", "Un code postal compte 5 chiffres."),
        ("Zzzzqqq", "Aucune commune ne s'appelle « Zzzzqqq »."),
        ("13001", None),
    ],
)
def test_resolving_typed_text_explains_failures(typed, error):
    commune, message = resolve_commune(typed)
    assert message == error
    assert (commune is None) == (error is not None)


def test_a_postal_code_shared_by_several_communes_asks_to_choose():
    commune, message = resolve_commune("01400")
    assert commune is None and "Plusieurs communes" in message


def test_loading_twice_changes_nothing():
    from raccord.places.services import places_load

    before = Commune.objects.count()
    report = places_load()
    assert report.created == 0 and report.updated == 0
    assert Commune.objects.count() == before
