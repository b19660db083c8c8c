"""Avenant §5.1.2.1: decoupling protection and dated certificate standards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from raccord.rules.errors import RulesError
from raccord.rules.inputs import DecouplingKind
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.parameters import Parameter, ParameterSet
from raccord.rules.protections import (
    accepted_certificate_standards,
    certificate_standard_accepted,
    decoupling_protection,
)
from tests.rules.plan_builders import bt_request


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 12, 31), ("DIN VDE 0126-1-1",)),
        (date(2025, 1, 1), ("NF EN 50549-1", "NF EN 50549-2")),
        (date(2025, 12, 31), ("NF EN 50549-1", "NF EN 50549-2")),
        (date(2026, 1, 1), ("NF EN 50549-10",)),
    ],
)
def test_avenant_5_1_2_1_accepted_standards_by_date(on: date, expected: tuple[str, ...]) -> None:
    assert accepted_certificate_standards(on=on, params=P) == expected


@pytest.mark.parametrize(
    ("standard", "on", "accepted"),
    [
        ("DIN VDE 0126-1-1", date(2024, 6, 1), True),
        ("DIN VDE 0126 1.1 / A1", date(2024, 6, 1), True),  # spelling of the seed
        ("din vde 0126-1-1 (2013-08)", date(2024, 6, 1), True),  # CACSI mode opératoire
        ("DIN VDE 0126-1-1", date(2025, 1, 1), False),
        ("NF EN 50549-1", date(2025, 3, 1), True),
        ("EN 50549-2:2019", date(2025, 3, 1), True),
        ("NF EN 50549-1", date(2026, 1, 1), False),
        ("NF EN 50549-10", date(2026, 1, 1), True),
        ("NF EN 50549-10", date(2025, 6, 1), False),
        ("VDE-AR-N 4105", date(2025, 6, 1), False),
    ],
)
def test_avenant_5_1_2_1_certificate_standard_accepted_on_date(
    standard: str, on: date, accepted: bool
) -> None:
    assert certificate_standard_accepted(standard, on=on, params=P) is accepted


def test_certificate_check_before_every_period_raises() -> None:
    with pytest.raises(RulesError) as caught:
        certificate_standard_accepted("DIN VDE 0126-1-1", on=date(2016, 12, 31), params=P)
    assert caught.value.field == "reference_date"
    assert "en vigueur" in caught.value.message


def test_avenant_5_1_2_1_variant_1_b1_relays_with_settings() -> None:
    d = decoupling_protection(request=bt_request(decoupling=DecouplingKind.B1_RELAYS), params=P)
    assert d.variant == 1 and d.instantaneous
    settings = {(x.function, x.count, x.setting, x.unit) for x in d.relays}
    assert settings == {
        ("minimum de tension", 2, D("85"), "% Un"),
        ("maximum de tension", 1, D("115"), "% Un"),
        ("minimum de fréquence", 1, D("49.5"), "Hz"),
        ("maximum de fréquence", 1, D("50.5"), "Hz"),
    }


def test_b1_settings_come_from_parameters() -> None:
    changed = ParameterSet(
        tuple(
            Parameter(p.key, D("80"), p.valid_from, "test")
            if p.key == "decoupling.b1.undervoltage_pct"
            else p
            for p in P.parameters
        )
    )
    d = decoupling_protection(
        request=bt_request(decoupling=DecouplingKind.B1_RELAYS), params=changed
    )
    assert d.relays[0].setting == D("80")


def test_avenant_5_1_2_1_variant_2_with_accepted_certificate() -> None:
    r = bt_request(
        decoupling=DecouplingKind.SEPARATION_DEVICE, certificate_standards=("NF EN 50549-1",)
    )
    d = decoupling_protection(request=r, params=P)
    assert d.variant == 2
    assert d.certificate_accepted is True
    assert not d.needs_confirmation


def test_avenant_5_1_2_1_variant_2_with_refused_certificate_needs_confirmation() -> None:
    r = bt_request(
        decoupling=DecouplingKind.SEPARATION_DEVICE,
        certificate_standards=("DIN VDE 0126-1-1",),
    )
    d = decoupling_protection(request=r, params=P)
    assert d.certificate_accepted is False
    assert d.needs_confirmation
    assert "NF EN 50549-1" in d.reason


def test_default_decoupling_follows_inverters() -> None:
    with_inverters = decoupling_protection(request=bt_request(), params=P)
    without = decoupling_protection(request=bt_request(has_inverters=False), params=P)
    assert with_inverters.variant == 2 and with_inverters.needs_confirmation
    assert without.variant == 1 and without.needs_confirmation
