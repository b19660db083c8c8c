"""Reactive power set point (Avenant §3.2 variants 1, 2, 3).

* Variant 1: the Conditions Générales' set point, ``reactive.default_tan_phi`` (-0,35, i.e.
  cos φ 0,944 under-excited).
* Variant 2: tan φ = 0, for a modification keeping its original set point or a request
  qualified before ``reactive.zero_derogation_qualified_before`` (01/02/2023). Control: when
  the active power exceeds ``reactive.zero.control_threshold_ratio`` (0,2) x Pracc_inj, the
  absorbed reactive power lies between 0 and ``reactive.zero.max_absorbed_ratio`` (0,1) x P.
* Variant 3: rotating machines with a particular technical constraint: absorb a given
  tan φ x P; control above a threshold (``reactive.rotating.threshold_default`` 0,2 by
  default, adjustable up to ``reactive.rotating.threshold_max`` 0,6) x Pracc_inj, within
  tan φ ± ``reactive.rotating.tolerance`` (0,05).

Sign convention: ``tan_phi`` is signed as in the seed's variant 1 (negative: the installation
absorbs reactive power, under-excited); ratios of *absorbed* reactive power are positive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.inputs import ConnectionRequest, ServiceType
from raccord.rules.parameters import ParameterSet
from raccord.rules.technical_values import (
    TechnicalValues,
    lazy_text,
    remember,
    technical_values,
)

# Enum members read in the rules as module constants (reading a member through its class
# goes through the enum metaclass, several times slower).
_NEW_CONNECTION = ServiceType.NEW_CONNECTION

_ONE = Decimal(1)
_ZERO = Decimal(0)
_COS_QUANTUM = Decimal("0.001")
_COS_ONE = _ONE.quantize(_COS_QUANTUM)


@fast_init
@dataclass(frozen=True, slots=True)
class ReactiveControl:
    """How the DSO checks the set point: above ``threshold_kw`` of active power, the absorbed
    reactive power lies between ``min_absorbed_ratio`` and ``max_absorbed_ratio`` x P."""

    threshold_ratio: Decimal
    threshold_kw: Decimal
    min_absorbed_ratio: Decimal
    max_absorbed_ratio: Decimal


@lazy_text("reason")
@fast_init
@dataclass(frozen=True, slots=True)
class ReactiveSetpoint:
    """§3.2 decision; ``reason`` (French) is written when first read."""

    variant: int
    tan_phi: Decimal
    cos_phi: Decimal
    under_excited: bool
    control: ReactiveControl | None
    needs_confirmation: bool
    reason: str


# The constructor given a recipe for ``reason`` (see lazy_text) instead of the text.
_setpoint: Callable[..., ReactiveSetpoint] = ReactiveSetpoint

_COS_CACHE: dict[Decimal, Decimal] = {}


def cos_phi_of(tan_phi: Decimal) -> Decimal:
    """cos φ = 1 / √(1 + tan² φ), to three decimals (Avenant §3.2: -0,35 ↔ 0,944)."""
    cos = _COS_CACHE.get(tan_phi)
    if cos is None:
        cos = (_ONE / (_ONE + tan_phi * tan_phi).sqrt()).quantize(_COS_QUANTUM, ROUND_HALF_UP)
        if len(_COS_CACHE) < 4096:
            _COS_CACHE[tan_phi] = cos
    return cos


def _fr(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def reactive_setpoint(*, request: ConnectionRequest, params: ParameterSet) -> ReactiveSetpoint:
    """Avenant §3.2: choose the reactive set point variant and its control rule.

    Raises :class:`RulesError` for a rotating-machine request without a positive tan φ, a
    control threshold outside [default, maximum], or a « keep the original set point » on a
    new connection (there is no original set point).
    """
    r = request
    return reactive_setpoint_with(r, technical_values(params, on=r.reference_date))


def reactive_setpoint_with(r: ConnectionRequest, tv: TechnicalValues) -> ReactiveSetpoint:
    """Avenant §3.2 set point, parameters already resolved."""
    if r.rotating_machines:
        tan = r.rotating_tan_phi
        if tan is None or not tan.is_finite() or tan <= _ZERO:
            raise RulesError(
                "rotating_tan_phi",
                "Pour des machines tournantes, indiquez la valeur de tan φ (positive) de la "
                "puissance réactive à absorber.",
            )
        threshold = r.rotating_control_threshold
        if threshold is None:
            threshold = tv.rotating_threshold_default
        if not (tv.rotating_threshold_default <= threshold <= tv.rotating_threshold_max):
            raise RulesError(
                "rotating_control_threshold",
                f"Le seuil de contrôle ({_fr(threshold)!s} x Pracc_inj) doit être compris entre "
                f"{_fr(tv.rotating_threshold_default)!s} et {_fr(tv.rotating_threshold_max)!s}.",
            )
        tol = tv.rotating_tolerance
        return _setpoint(
            3,
            -tan,
            cos_phi_of(tan),
            True,
            ReactiveControl(threshold, threshold * r.pracc_inj_kva, tan - tol, tan + tol),
            True,
            (_reason_rotating, tan, tol, threshold),
        )
    keep = r.keep_original_zero_setpoint
    if keep and r.service_type is _NEW_CONNECTION:
        raise RulesError(
            "keep_original_zero_setpoint",
            "Un nouveau raccordement n'a pas de consigne d'origine à maintenir.",
        )
    if keep or r.reference_date < tv.zero_derogation_qualified_before:
        ratio = tv.zero_control_threshold_ratio
        return _setpoint(
            2,
            _ZERO,
            _COS_ONE,
            False,
            ReactiveControl(ratio, ratio * r.pracc_inj_kva, _ZERO, tv.zero_max_absorbed_ratio),
            False,
            (_reason_zero, keep, tv),
        )
    found = tv.memo.get(_GENERAL_CONDITIONS)
    if isinstance(found, ReactiveSetpoint):
        return found
    tan = tv.default_tan_phi
    setpoint = ReactiveSetpoint(
        1,
        tan,
        cos_phi_of(tan),
        tan < _ZERO,
        None,
        False,
        f"Consigne des Conditions Générales : tan φ = {_fr(tan)!s} (cos φ = "
        f"{_fr(cos_phi_of(tan))!s} sous excité) (§ 3.2 variante 1).",
    )
    remember(tv, _GENERAL_CONDITIONS, setpoint)
    return setpoint


_GENERAL_CONDITIONS = ("reactive", 1)


# The texts of ReactiveSetpoint.reason for variants 3 and 2, written when first read.


def _reason_rotating(tan: Decimal, tol: Decimal, threshold: Decimal) -> str:
    return (
        f"Machines tournantes : absorption de {_fr(tan)!s} x P (tan φ ± {_fr(tol)!s}) au-delà "
        f"de {_fr(threshold)!s} x Pracc_inj (§ 3.2 variante 3, contrainte technique à "
        "confirmer par le gestionnaire de réseau)."
    )


def _reason_zero(keep: bool, tv: TechnicalValues) -> str:
    qualified_before: date = tv.zero_derogation_qualified_before
    why = (
        "modification avec maintien de la consigne d'origine tan φ = 0"
        if keep
        else "demande qualifiée avant le " + qualified_before.strftime("%d/%m/%Y")
    )
    return (
        f"Consigne dérogatoire tan φ = 0 ({why!s}) ; contrôle au-delà de "
        f"{_fr(tv.zero_control_threshold_ratio)!s} x Pracc_inj : réactif absorbé entre 0 et "
        f"{_fr(tv.zero_max_absorbed_ratio)!s} x P (§ 3.2 variante 2)."
    )


def reactive_compliant(
    setpoint: ReactiveSetpoint, *, active_kw: Decimal, absorbed_kvar: Decimal
) -> bool | None:
    """Avenant §3.2 control rule on one measurement; ``None`` when the rule does not apply
    (variant 1, whose control is in the Conditions Générales, or active power not above the
    threshold)."""
    control = setpoint.control
    if control is None or active_kw <= control.threshold_kw:
        return None
    return (
        control.min_absorbed_ratio * active_kw
        <= absorbed_kvar
        <= control.max_absorbed_ratio * active_kw
    )
