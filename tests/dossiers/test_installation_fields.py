"""The installation fields both kinds ask (InstallationBaseForm): the CACSI « Précisions
techniques » and the BT « Installation de production » sections, checked alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from freezegun import freeze_time

from raccord.dossiers.bt_sections import BtInstallationForm
from raccord.dossiers.cacsi_sections import InstallationBaseForm, TechnicalForm
from tests.factories import cacsi_complete_data
from tests.portal.test_bt_request import bt_complete_data

pytestmark = pytest.mark.django_db

BT_VALUES = bt_complete_data()["installation"]
BT_CONTEXT = {"answers": {"raccordement": {"installed_power_kva": "100"}}, "orientation": {}}
# kind -> (form class, complete values, integrated decoupling, without inverters, its error)
KINDS: dict[str, tuple[type[InstallationBaseForm], dict[str, str], str, str, str]] = {
    "cacsi": (
        TechnicalForm,
        cacsi_complete_data()["technique"],
        "integree",
        "sans",
        "Sans onduleur, la protection de découplage ne peut pas y être intégrée.",
    ),
    "bt": (
        BtInstallationForm,
        BT_VALUES,
        "dispositif_integre",
        "machine_tournante",
        "Sans onduleur, la protection de découplage est de type B.1 (relais).",
    ),
}


def bound(kind: str, **values: str) -> InstallationBaseForm:
    form_class, complete, *_rest = KINDS[kind]
    context: dict[str, Any] = BT_CONTEXT if kind == "bt" else {}
    return form_class(data={**complete, **values}, context=context)


def messages(form: InstallationBaseForm) -> dict[str, list[str]]:
    form.is_valid()
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_the_complete_answers_are_valid(kind: str) -> None:
    assert messages(bound(kind)) == {}


@pytest.mark.parametrize(
    ("kind", "make", "unit"),
    [
        ("cacsi", "Marque de l'onduleur", "Puissance unitaire de sortie (kVA)"),
        ("bt", "Marque des onduleurs", "Puissance unitaire de sortie d'un onduleur (kVA)"),
    ],
)
def test_each_kind_keeps_its_labels_and_the_shared_field_settings(
    kind: str, make: str, unit: str
) -> None:
    fields = KINDS[kind][0].base_fields
    assert fields["inverter_make"].label == make and fields["inverter_unit_kva"].label == unit
    assert fields["inverter_make"].max_length == 80  # type: ignore[attr-defined]
    assert fields["inverter_count"].max_value == 500  # type: ignore[attr-defined]
    assert fields["inverter_kind"].choices[0] == ("onduleur", "Onduleur(s)")  # type: ignore[attr-defined]
    # The inverter fields follow « Conversion »; the certificate follows the decoupling.
    names = list(fields)
    start = names.index("inverter_kind")
    assert names[start + 1 : start + 5] == [
        "inverter_make",
        "inverter_model",
        "inverter_count",
        "inverter_unit_kva",
    ]
    assert names[names.index("decoupling") + 1] == "certificate_standard"


@pytest.mark.parametrize(
    ("on", "accepted", "refused"),
    [
        (date(2024, 6, 3), "DIN VDE 0126-1-1", "NF EN 50549-10"),
        (date(2025, 6, 3), "NF EN 50549-1 ou NF EN 50549-2", "DIN VDE 0126-1-1"),
        (date(2026, 6, 3), "NF EN 50549-10", "NF EN 50549-1"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_the_certificate_must_cite_a_standard_accepted_on_the_day(
    kind: str, on: date, accepted: str, refused: str
) -> None:
    integrated = KINDS[kind][2]
    with freeze_time(on):
        form = bound(kind, decoupling=integrated, certificate_standard=refused)
        assert accepted.replace(" ou ", ", ") in str(form.fields["certificate_standard"].help_text)
        assert messages(form) == {
            "certificate_standard": [
                f"Un certificat citant « {refused} » n'est plus accepté : à ce jour, le "
                f"certificat doit citer {accepted}."
            ]
        }
        ok = bound(kind, decoupling=integrated, certificate_standard=accepted.split(" ou ")[0])
        assert messages(ok) == {}


@pytest.mark.parametrize("kind", KINDS)
def test_the_certificate_standard_is_asked_only_for_an_integrated_decoupling(kind: str) -> None:
    integrated = KINDS[kind][2]
    assert messages(bound(kind, decoupling=integrated)) == {
        "certificate_standard": ["Ce champ est obligatoire."]
    }
    assert "certificate_standard" not in messages(bound(kind, certificate_standard=""))


@pytest.mark.parametrize("kind", KINDS)
def test_without_inverters_the_decoupling_is_not_integrated(kind: str) -> None:
    _form, _values, integrated, without, error = KINDS[kind]
    form = bound(
        kind, inverter_kind=without, decoupling=integrated, certificate_standard="NF EN 50549-10"
    )
    assert messages(form).get("decoupling") == [error]
    # Nor are the inverter fields asked any more.
    empty = dict.fromkeys(("inverter_make", "inverter_model", "inverter_count"), "")
    assert not set(empty) & set(messages(bound(kind, inverter_kind=without, **empty)))


@pytest.mark.parametrize("kind", KINDS)
def test_the_technology_belongs_to_the_sector(kind: str) -> None:
    assert messages(bound(kind, sector="eolien")) == {
        "technology": ["Cette technologie ne relève pas de la filière choisie."]
    }


@pytest.mark.parametrize(
    ("kind", "count", "unit", "error"),
    [
        ("cacsi", "3", "6,05", None),  # within 1 %
        (
            "cacsi",
            "3",
            "5",
            "3 onduleur(s) de 5 kVA font 15 kVA, différent de la puissance maximale déclarée "
            "(18 kVA).",
        ),
        ("bt", "2", "50,4", None),
        (
            "bt",
            "2",
            "40",
            "2 onduleur(s) de 40 kVA font 80 kVA, différent de la puissance installée déclarée "
            "(100 kVA, section « Puissances et raccordement »).",
        ),
    ],
)
def test_inverter_count_times_unit_power_matches_the_installation_power(
    kind: str, count: str, unit: str, error: str | None
) -> None:
    errors = messages(bound(kind, inverter_count=count, inverter_unit_kva=unit))
    assert errors == ({"inverter_unit_kva": [error]} if error else {})
