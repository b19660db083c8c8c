"""Builders for the rules tests of classification, protections, variants (not a test module)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from raccord.rules.inputs import (
    ConnectionRequest,
    InjectionOption,
    Phases,
    ServiceType,
    Usage,
    Withdrawal,
)

ON = date(2025, 6, 1)


def bt_request(**overrides: Any) -> ConnectionRequest:
    """A valid BT 36-250 kVA request: 100 kVA total injection, no withdrawal, three phase."""
    base = ConnectionRequest(
        service_type=ServiceType.NEW_CONNECTION,
        usage=Usage.PRODUCTION_ONLY,
        injection_option=InjectionOption.TOTAL,
        phases=Phases.THREE,
        installed_power_kva=Decimal("100"),
        pracc_inj_kva=Decimal("100"),
        reference_date=ON,
    )
    return replace(base, **overrides)


def small_request(**overrides: Any) -> ConnectionRequest:
    """A valid CACSI request: 6 kVA single phase, autoconsommation totale, existing withdrawal."""
    base = ConnectionRequest(
        service_type=ServiceType.NEW_CONNECTION,
        usage=Usage.PRODUCTION_ONLY,
        injection_option=InjectionOption.NONE,
        phases=Phases.SINGLE,
        installed_power_kva=Decimal("6"),
        pracc_inj_kva=Decimal("0"),
        reference_date=ON,
        withdrawal=Withdrawal.EXISTING,
        pracc_sout_kva=Decimal("9"),
    )
    return replace(base, **overrides)
