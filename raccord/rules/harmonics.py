"""Harmonic current standards of the inverters (Avenant §5.4 variant 1, optional paragraph).

The seed lists, « au choix » : CEI 61000-3-2 for devices « de moins de 16 A par phase »,
CEI 61000-3-4 « de plus de 16 A par phase », CEI 61000-3-12 « de moins de 75 A par phase ».
The ranges overlap, so Raccord decides (documented in ``docs/rules/document-plan.md``):

* I ≤ 16 A: CEI 61000-3-2 only (its own scope is « ≤ 16 A »; the seed's « moins de » and
  « plus de » leave exactly 16 A unassigned);
* 16 A < I < 75 A: CEI 61000-3-12 first, CEI 61000-3-4 also accepted;
* I ≥ 75 A: CEI 61000-3-4 only (the seed requires « moins de 75 A » for 61000-3-12).

The current per phase of a device of apparent power S is ``S / V`` in single phase (V the
phase-to-neutral voltage, 230 V) and ``S / (√3 · U)`` in three phase (U the line voltage,
400 V); voltages, limits and standard names are parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.inputs import ConnectionRequest, Phases
from raccord.rules.parameters import ParameterSet
from raccord.rules.technical_values import TechnicalValues, lazy_text, remember, technical_values

# Enum members read in the rules as module constants (reading a member through its class
# goes through the enum metaclass, several times slower).
_PHASES_SINGLE = Phases.SINGLE

_THREE = Decimal(3)
_SQRT3 = _THREE.sqrt()
_MILLI = Decimal("0.001")
_ZERO = Decimal(0)
_THOUSAND = Decimal(1000)


@lazy_text("reason")
@fast_init
@dataclass(frozen=True, slots=True)
class HarmonicsStandard:
    """The standard the inverters must meet, for a current per phase ``current_a``.

    ``reason`` (French) is written when first read."""

    current_a: Decimal
    standard: str
    accepted: tuple[str, ...]
    reason: str


# The constructor given a recipe for ``reason`` (see lazy_text) instead of the text.
_standard: Callable[..., HarmonicsStandard] = HarmonicsStandard


def current_per_phase(*, apparent_kva: Decimal, phases: Phases, tv: TechnicalValues) -> Decimal:
    """Current per phase in A of ``apparent_kva`` (Avenant §5.4; 230/400 V, Annexe 4)."""
    return _current(apparent_kva, phases, tv)


def _current(apparent_kva: Decimal, phases: Phases, tv: TechnicalValues) -> Decimal:
    if not apparent_kva.is_finite() or apparent_kva < _ZERO:
        raise RulesError("inverter_unit_kva", "La puissance apparente doit être positive.")
    va = apparent_kva * _THOUSAND
    if phases is _PHASES_SINGLE:
        current = va / tv.voltage_single_phase_v
    else:
        divisor = tv.memo.get(_THREE_PHASE_DIVISOR)
        if not isinstance(divisor, Decimal):
            divisor = _SQRT3 * tv.voltage_three_phase_v
            remember(tv, _THREE_PHASE_DIVISOR, divisor)
        current = va / divisor
    return current.quantize(_MILLI, ROUND_HALF_UP)


# tv.memo keys: √3 · U, and the three (standard, accepted standards) pairs.
_THREE_PHASE_DIVISOR = ("harmonics", "sqrt3 U")
_CHOICES = ("harmonics", "choices")


def harmonics_standard_for_current(current_a: Decimal, tv: TechnicalValues) -> HarmonicsStandard:
    """Standard(s) for a device drawing ``current_a`` per phase (Avenant §5.4 variant 1)."""
    choices = tv.memo.get(_CHOICES)
    if not isinstance(choices, tuple):
        low_std, mid_std, high_std = (
            tv.harmonics_standard_low,
            tv.harmonics_standard_mid,
            tv.harmonics_standard_high,
        )
        choices = ((low_std, (low_std,)), (mid_std, (mid_std, high_std)), (high_std, (high_std,)))
        remember(tv, _CHOICES, choices)
    if current_a <= tv.harmonics_limit_low_a:
        index = 0
    elif current_a < tv.harmonics_limit_high_a:
        index = 1
    else:
        index = 2
    standard, accepted = choices[index]
    return _standard(current_a, standard, accepted, (_reason, index, current_a, tv))


def _reason(index: int, current_a: Decimal, tv: TechnicalValues) -> str:
    """The text of HarmonicsStandard.reason, written when first read."""
    shown = f"{current_a.normalize():f}".replace(".", ",")
    low, high = tv.harmonics_limit_low_a, tv.harmonics_limit_high_a
    if index == 0:
        return f"{shown!s} A par phase, au plus {low!s} A : {tv.harmonics_standard_low!s}."
    if index == 1:
        return (
            f"{shown!s} A par phase, plus de {low!s} A et moins de {high!s} A : "
            f"{tv.harmonics_standard_mid!s} ({tv.harmonics_standard_high!s} également admise)."
        )
    return f"{shown!s} A par phase, au moins {high!s} A : {tv.harmonics_standard_high!s}."


def harmonics_standard(
    *, apparent_kva: Decimal, phases: Phases, on: date, params: ParameterSet
) -> HarmonicsStandard:
    """Harmonics standard for one device of ``apparent_kva`` (Avenant §5.4 variant 1)."""
    tv = technical_values(params, on=on)
    return harmonics_standard_for_current(
        current_per_phase(apparent_kva=apparent_kva, phases=phases, tv=tv), tv
    )


def request_harmonics_standard(
    *, request: ConnectionRequest, params: ParameterSet
) -> HarmonicsStandard:
    """Avenant §5.4 for a request: per inverter when its unit power is known, otherwise for the
    installed power as a whole (the conservative choice: a larger current)."""
    return request_harmonics_standard_with(
        request, technical_values(params, on=request.reference_date)
    )


def request_harmonics_standard_with(r: ConnectionRequest, tv: TechnicalValues) -> HarmonicsStandard:
    """Avenant §5.4 for a request, parameters already resolved."""
    apparent = r.inverter_unit_kva
    if apparent is None:
        apparent = r.installed_power_kva
    return harmonics_standard_for_current(_current(apparent, r.phases, tv), tv)
