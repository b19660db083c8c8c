"""The technical parameters in force on one date, resolved once (a speed-up, no new rule).

:func:`technical_values` reads every key of :mod:`raccord.rules.defaults_technical` from a
:class:`~raccord.rules.parameters.ParameterSet` for one date and keeps the result, so that a
batch of dossiers sharing a reference date pays the lookups once. A date outside every period of
a parameter raises :class:`~raccord.rules.errors.RulesError` on ``reference_date`` naming the
parameter, whichever rule needs it.

Also here, two more speed-ups of the technical rules (no new rule either):

* :attr:`TechnicalValues.memo`: results that depend only on the snapshot and a few enum / bool
  / string inputs (:func:`remember`, read from ``memo``), kept with the snapshot itself;
* :func:`lazy_text`: the French explanations of the results (``reason``) are written when they
  are first read, from what the rule passes (a recipe), instead of for every request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import TypeVar, cast

from raccord.rules._cache import DatedCache
from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.parameters import ParameterSet


@fast_init
@dataclass(frozen=True, slots=True)
class TechnicalValues:
    """Every technical parameter value in force on ``on`` (see ``defaults_technical``).

    ``memo`` holds what the rules derived from these values alone (see :func:`remember`); it is
    left out of ``repr``, equality and hashing.
    """

    on: date
    cacsi_max_kva: Decimal
    bt_max_kva: Decimal
    extension_kva: Decimal
    small_withdrawal_kva: Decimal
    split_tolerance_kva: Decimal
    export_tolerance_ratio: Decimal
    export_window_seconds: int
    accepted_certificate_standards: tuple[str, ...]
    b1_undervoltage_relays: int
    b1_undervoltage_pct: Decimal
    b1_overvoltage_relays: int
    b1_overvoltage_pct: Decimal
    b1_underfrequency_relays: int
    b1_underfrequency_hz: Decimal
    b1_overfrequency_relays: int
    b1_overfrequency_hz: Decimal
    default_tan_phi: Decimal
    zero_derogation_qualified_before: date
    zero_control_threshold_ratio: Decimal
    zero_max_absorbed_ratio: Decimal
    rotating_tolerance: Decimal
    rotating_threshold_default: Decimal
    rotating_threshold_max: Decimal
    voltage_single_phase_v: Decimal
    voltage_three_phase_v: Decimal
    harmonics_limit_low_a: Decimal
    harmonics_limit_high_a: Decimal
    harmonics_standard_low: str
    harmonics_standard_mid: str
    harmonics_standard_high: str
    meter_types: tuple[str, ...]
    four_quadrant_meter_types: tuple[str, ...]
    default_meter_type: str
    memo: dict[tuple[object, ...], object] = field(repr=False, compare=False)


def _string(params: ParameterSet, key: str, on: date) -> str:
    value = params.value(key, on=on)
    if not isinstance(value, str):
        raise RulesError(key, f"Le paramètre « {key} » n'est pas un texte.")
    return value


def _date(params: ParameterSet, key: str, on: date) -> date:
    text = _string(params, key, on)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RulesError(key, f"Le paramètre « {key} » n'est pas une date AAAA-MM-JJ.") from None


def _resolve(params: ParameterSet, on: date) -> TechnicalValues:
    d = params.decimal
    i = params.integer
    s = params.strings
    return TechnicalValues(
        on=on,
        cacsi_max_kva=d("threshold.cacsi_max_kva", on=on),
        bt_max_kva=d("threshold.bt_max_kva", on=on),
        extension_kva=d("threshold.extension_kva", on=on),
        small_withdrawal_kva=d("threshold.small_withdrawal_kva", on=on),
        split_tolerance_kva=d("phases.split_tolerance_kva", on=on),
        export_tolerance_ratio=d("export_limit.tolerance", on=on),
        export_window_seconds=i("export_limit.window_s", on=on),
        accepted_certificate_standards=s("decoupling.accepted_certificate_standards", on=on),
        b1_undervoltage_relays=i("decoupling.b1.undervoltage_relays", on=on),
        b1_undervoltage_pct=d("decoupling.b1.undervoltage_pct", on=on),
        b1_overvoltage_relays=i("decoupling.b1.overvoltage_relays", on=on),
        b1_overvoltage_pct=d("decoupling.b1.overvoltage_pct", on=on),
        b1_underfrequency_relays=i("decoupling.b1.underfrequency_relays", on=on),
        b1_underfrequency_hz=d("decoupling.b1.underfrequency_hz", on=on),
        b1_overfrequency_relays=i("decoupling.b1.overfrequency_relays", on=on),
        b1_overfrequency_hz=d("decoupling.b1.overfrequency_hz", on=on),
        default_tan_phi=d("reactive.default_tan_phi", on=on),
        zero_derogation_qualified_before=_date(
            params, "reactive.zero_derogation_qualified_before", on
        ),
        zero_control_threshold_ratio=d("reactive.zero.control_threshold_ratio", on=on),
        zero_max_absorbed_ratio=d("reactive.zero.max_absorbed_ratio", on=on),
        rotating_tolerance=d("reactive.rotating.tolerance", on=on),
        rotating_threshold_default=d("reactive.rotating.threshold_default", on=on),
        rotating_threshold_max=d("reactive.rotating.threshold_max", on=on),
        voltage_single_phase_v=d("voltage.nominal_phase_v", on=on),
        voltage_three_phase_v=d("voltage.nominal_line_v", on=on),
        harmonics_limit_low_a=d("harmonics.limit_low_a", on=on),
        harmonics_limit_high_a=d("harmonics.limit_high_a", on=on),
        harmonics_standard_low=_string(params, "harmonics.standard_low", on),
        harmonics_standard_mid=_string(params, "harmonics.standard_mid", on),
        harmonics_standard_high=_string(params, "harmonics.standard_high", on),
        meter_types=s("metering.meter_types", on=on),
        four_quadrant_meter_types=s("metering.four_quadrant_types", on=on),
        default_meter_type=_string(params, "metering.default_meter_type", on),
        memo={},
    )


# _CACHE (below, after _resolved): id(params) -> (params, {date: values}). The set is kept alive
# by the cache so that its id is never reused by another object; the cache is bounded (a process
# sees a handful of sets).
_CACHE_MAX_SETS = 16
_CACHE_MAX_DATES = 4096


# Results that depend only on a snapshot and a few enum / bool / string inputs, shared by the
# rules that use them (their result objects are immutable): kept in the snapshot's ``memo``,
# inputs -> result, so that they live and die with the snapshot. Bounded per snapshot and, all
# snapshots of _CACHE together, by a budget of entries after which every memo starts afresh.
MEMO_MAX = 4096
MEMO_BUDGET = 16384
_remembered = [0]  # entries added since the memos last started afresh


def remember(tv: TechnicalValues, key: tuple[object, ...], result: object) -> None:
    """Keep ``result``, computed from ``tv`` and the inputs ``key`` only (bounded cache)."""
    memo = tv.memo
    if len(memo) >= MEMO_MAX:
        memo.clear()
    _remembered[0] += 1
    if _remembered[0] > MEMO_BUDGET:
        _remembered[0] = 0
        # Copies (made by C code, in one step under the GIL): another thread may add or drop a
        # snapshot meanwhile; iterating the live dicts would then raise.
        for _params, by_date in _CACHE.values():
            for values in list(by_date.values()):
                values.memo.clear()
        memo.clear()
    memo[key] = result


T = TypeVar("T")


def lazy_text(name: str) -> Callable[[type[T]], type[T]]:
    """Let the ``str`` field ``name`` of a frozen slotted dataclass be written on first read.

    Apply it above :func:`~raccord.rules._frozen.fast_init`. The field is given either its
    text or a recipe, a tuple ``(function, *arguments)``: the first read calls
    ``function(*arguments)`` and keeps the text in place of the recipe. Every reader (attribute,
    ``repr``, equality, hashing, ``dataclasses.asdict`` / ``replace``, pickling) sees the text
    only, as if it had been given; the rules give recipes so that the text costs nothing when
    nobody reads it. The class stays frozen (its ``__setattr__`` refuses every assignment).
    """

    def wrap(cls: type[T]) -> type[T]:
        slot = cls.__dict__[name]  # the dataclass's slot descriptor
        get: Callable[[object], object] = slot.__get__
        put: Callable[[object, object], None] = slot.__set__

        def read(self: object) -> str:
            value = get(self)
            if type(value) is tuple:
                function, *arguments = value
                value = function(*arguments)
                put(self, value)
            return cast(str, value)

        def write(self: object, value: object) -> None:
            # Reached through object.__setattr__ only (dataclass unpickling): the class is frozen.
            put(self, value)

        setattr(cls, name, property(read, write, doc=f"{cls.__qualname__}.{name} (French text)."))
        return cls

    return wrap


def technical_values(params: ParameterSet, *, on: date) -> TechnicalValues:
    """The technical parameters in force on ``on`` (all sections of the Avenant).

    Raises :class:`RulesError` (field ``reference_date``, the message naming the parameter)
    when a parameter has no value in force on that date, or is ambiguous or of the wrong type.
    """
    return _CACHE.get(params, on)


def _resolved(params: ParameterSet, on: date) -> TechnicalValues:
    try:
        values = _resolve(params, on)
    except RulesError as error:
        raise RulesError(
            "reference_date",
            f"{error.message} Date de référence hors des périodes des paramètres "
            f"techniques (paramètre « {error.field} »).",
        ) from error
    return _sharing_memo(values)


_CACHE: DatedCache[ParameterSet, TechnicalValues] = DatedCache(
    _resolved, max_sets=_CACHE_MAX_SETS, max_dates=_CACHE_MAX_DATES
)


# Snapshots of different dates (or sets) whose values are all equal share one memo: what the
# rules remember depends on the values only, never on the date (``on``), and parameters change
# rarely, so a few memos serve every date. values (but ``on`` and ``memo``) -> memo; bounded.
_MEMOS: dict[tuple[object, ...], dict[tuple[object, ...], object]] = {}
_MEMOS_MAX = 256
_SHARED_BY = tuple(f.name for f in fields(TechnicalValues) if f.name not in ("on", "memo"))


def _sharing_memo(values: TechnicalValues) -> TechnicalValues:
    key = tuple(getattr(values, name) for name in _SHARED_BY)
    memo = _MEMOS.get(key)
    if memo is None:
        if len(_MEMOS) >= _MEMOS_MAX:
            _MEMOS.clear()
        _MEMOS[key] = values.memo
        return values
    return replace(values, memo=memo)
