"""Voltage-rise study of the Avenant, Annex 4 (« Fiche de contrôle de l'étude »).

Model (see ``docs/rules/models.md``): balanced three-phase, per-phase equivalent of a radial
chain

    source ─(transformer R+jX)─ JDB ─(upstream R/2)─ milieu ─(upstream R/2)─ piquage
           ─(extension R+jX)─ PDR du producteur

* source: the transformer's optimised no-load secondary voltage scaled by
  ``max HTA voltage / nominal HTA voltage`` (ideal tap ratio, HTA side stiff);
* transformer: the given resistance (Ω per phase, LV side) and a reactance given or derived
  from the short-circuit voltage parameter ``voltage.transformer_ucc``;
* minimal-load scenario for the voltage rise: consumption = share % * winter peak; the feeder's
  share sits at the middle of the upstream section (same end voltage as a load spread evenly
  along it), the rest of the substation's consumption at the JDB; consumption is purely active;
* producers inject P = Pracc (kVA taken as kW: the most active power allowed, conservative)
  and Q = tan φ * P (tan φ < 0: absorbed); existing producers on the connection feeder sit at
  the tap point (conservative for the tap point), the others at the JDB; for a direct feeder
  the existing feeder's consumption and producers are at the JDB;
* upstream reactance, when not given, is taken as zero (conservative for the rise when
  tan φ ≤ 0);
* the classic approximation ΔU ≈ (R·P + X·Q)/U is the first step of a backward/forward sweep
  with constant-power nodes, iterated until voltages move by less than 0.1 mV (a thousandth
  of the 0.1 V the results are given to), so the results are those of an exact load flow of
  this model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from raccord.rules._cache import DatedCache
from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.parameters import ParameterSet

SQRT3 = math.sqrt(3.0)
TENTH = Decimal("0.1")


class FeederType(StrEnum):
    MIXED = "mixte"
    DIRECT = "direct"

    @property
    def label(self) -> str:
        return "départ mixte" if self is FeederType.MIXED else "départ direct"


@fast_init
@dataclass(frozen=True, slots=True)
class ExistingProducer:
    """A producer already connected or queued (Annex 4 « Producteurs existants »)."""

    pracc_kva: Decimal
    tan_phi: Decimal
    on_connection_feeder: bool = True


@fast_init
@dataclass(frozen=True, slots=True)
class Extension:
    """Network extension or direct feeder (Annex 4 « Caractéristiques de l'extension »).

    ``conductor_type`` is a catalogue key (``souterrain``); the resistance and reactance are
    looked up in the catalogue (``cable.resistance_ohm_per_km.<type>.<section>``,
    ``cable.reactance_ohm_per_km.<type>``) when not given.
    """

    conductor_type: str
    length_km: Decimal
    section_mm2: int
    resistance_ohm: Decimal | None = None
    reactance_ohm: Decimal | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class VoltageStudyInput:
    """The « Données de l'étude » of Annex 4. Voltages between phases in V (kV for HTA)."""

    on: date
    hta_max_kv: Decimal
    hta_nominal_kv: Decimal
    transformer_kva: Decimal
    transformer_resistance_ohm: Decimal
    secondary_no_load_v: Decimal
    pracc_kva: Decimal
    tan_phi: Decimal
    feeder_type: FeederType
    substation_winter_peak_kw: Decimal
    feeder_winter_peak_kw: Decimal
    consumption_share_percent: Decimal
    upstream_resistance_ohm: Decimal
    existing_producers: tuple[ExistingProducer, ...] = ()
    extension: Extension | None = None
    transformer_reactance_ohm: Decimal | None = None
    upstream_reactance_ohm: Decimal | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Branch:
    """A series impedance (Ω per phase) ending at node ``name``."""

    name: str
    r_ohm: float
    x_ohm: float


@fast_init
@dataclass(frozen=True, slots=True)
class FeederModel:
    """The equivalent chain: source voltage, branches and node loads per scenario.

    Node ``k`` is the end of ``branches[k]``; loads are (P W, Q var) three-phase, consumer
    convention (an injection is negative). ``existing_nodes`` is the number of nodes present
    before the connection (the extension is new).
    """

    source_v: float
    branches: tuple[Branch, ...]
    loads_without: tuple[tuple[float, float], ...]
    loads_before: tuple[tuple[float, float], ...]
    loads_after: tuple[tuple[float, float], ...]
    existing_nodes: int
    connection_node: int
    tap_node: int


@fast_init
@dataclass(frozen=True, slots=True)
class StudyRow:
    """One line of the Annex 4 sheet: section, French label, value, unit, comment."""

    section: str
    label: str
    value: Decimal | str | None
    unit: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class _Limits:
    """The admissible range on one date and its sheet row (« Plage admissible »)."""

    nominal: Decimal
    upper: Decimal
    lower: Decimal
    row: StudyRow


@fast_init
@dataclass(frozen=True, slots=True)
class _Sheet:
    """What the sheet rows are built from besides the results: the study, the transformer
    reactance and the extension resistance used (Ω), and the admissible range."""

    study: VoltageStudyInput
    transformer_x_ohm: float
    extension_r_ohm: float
    limits: _Limits


@fast_init
@dataclass(frozen=True)
class VoltageStudy:
    """Results of Annex 4 (voltages between phases, V, to 0.1 V) and the sheet rows.

    ``rows`` (the « Fiche de contrôle de l'étude ») is built on first access and kept: most
    callers only need the verdict. The class is therefore not slotted (``cached_property``
    stores the rows in the instance dict); two studies are equal when their results and the
    inputs of their sheet are.
    """

    source_v: Decimal
    max_without_producers_v: Decimal
    max_before_v: Decimal
    max_after_v: Decimal
    connection_point_v: Decimal
    extension_rise_v: Decimal
    min_after_v: Decimal
    nominal_v: Decimal
    upper_limit_v: Decimal
    lower_limit_v: Decimal
    compliant: bool
    sheet: _Sheet = field(repr=False)

    @cached_property
    def rows(self) -> tuple[StudyRow, ...]:
        """The rows of the Annex 4 sheet: data, extension and results, in sheet order."""
        sheet = self.sheet
        return _rows(
            sheet.study,
            x_tr=sheet.transformer_x_ohm,
            r_ext=sheet.extension_r_ohm,
            max_without=self.max_without_producers_v,
            max_before=self.max_before_v,
            max_after=self.max_after_v,
            at_connection=self.connection_point_v,
            rise=self.extension_rise_v,
            limits=sheet.limits,
        )


# The admissible range by parameter set and date (a speed-up, no new rule). id(set) -> (set,
# {date: limits}); the set is kept alive by the cache so that its id is never reused.
_CACHE_MAX_SETS = 16
_CACHE_MAX_VALUES = 4096


def _read_limits(params: ParameterSet, on: date) -> _Limits:
    """Nominal voltage and ±tolerance in force on ``on`` (read through ``_limits``)."""
    nominal = params.decimal("voltage.nominal_line_v", on=on)
    tolerance = params.decimal("voltage.tolerance", on=on)
    upper = nominal * (1 + tolerance)
    lower = nominal * (1 - tolerance)
    row = StudyRow(
        _RESULTS,
        "Plage admissible",
        f"{nominal * (1 - tolerance):.0f} à {nominal * (1 + tolerance):.0f}",
        "V",
        f"Un ± {tolerance * 100:.0f} %",
    )
    return _Limits(nominal, upper, lower, row)


_LIMITS: DatedCache[ParameterSet, _Limits] = DatedCache(
    _read_limits, max_sets=_CACHE_MAX_SETS, max_dates=_CACHE_MAX_VALUES
)
# _limits(params, on): nominal voltage and ±tolerance in force on ``on``, remembered per
# (set, date).
_limits = _LIMITS.get


def _positive(value: Decimal, field: str, label: str, *, allow_zero: bool = True) -> float:
    try:
        number = float(value)
    except ValueError:  # a signalling NaN
        number = math.nan
    if 0.0 < number < math.inf:  # the usual case: the Decimal is finite and positive too
        return number
    if not value.is_finite() or value < 0 or (not allow_zero and value == 0):
        qualifier = "positif ou nul" if allow_zero else "strictement positif"
        raise RulesError(field, f"{label} doit être {qualifier}.")
    return float(value)


def _extension_impedance(params: ParameterSet, ext: Extension, on: date) -> tuple[float, float]:
    length = _positive(ext.length_km, "extension.length_km", "La longueur de l'extension")
    if ext.resistance_ohm is not None:
        r = _positive(
            ext.resistance_ohm, "extension.resistance_ohm", "La résistance de l'extension"
        )
    else:
        try:
            r_km = params.decimal(
                f"cable.resistance_ohm_per_km.{ext.conductor_type}.{ext.section_mm2}", on=on
            )
        except RulesError:
            raise RulesError(
                "extension.section_mm2",
                f"Conducteur inconnu du catalogue : {ext.conductor_type} {ext.section_mm2} mm².",
            ) from None
        r = float(r_km) * length
    if ext.reactance_ohm is not None:
        x = _positive(ext.reactance_ohm, "extension.reactance_ohm", "La réactance de l'extension")
    else:
        try:
            x_km = params.decimal(f"cable.reactance_ohm_per_km.{ext.conductor_type}", on=on)
        except RulesError:
            raise RulesError(
                "extension.conductor_type",
                f"Type de conducteur inconnu du catalogue : « {ext.conductor_type} ».",
            ) from None
        x = float(x_km) * length
    return r, x


# The equivalent chain without its dataclasses: source voltage (V between phases), node names,
# R and X per branch (Ω), loads P + jQ (W, var) per node for the three scenarios, the number of
# existing nodes, the connection node and the tap node. See FeederModel.
_Chain = tuple[
    float,
    list[str],
    list[float],
    list[float],
    list[complex],
    list[complex],
    list[complex],
    int,
    int,
    int,
]


_INF = math.inf


def _chain(params: ParameterSet, study: VoltageStudyInput) -> _Chain:
    """The equivalent chain (see :data:`_Chain`), validating the study.

    The usual study (every figure finite and strictly positive, upstream reactance absent or
    strictly positive, extension impedance given or catalogued) takes :func:`_chain_fast`,
    which makes the same floats in the same order without the per-field checks; anything else
    (a zero, a missing or invalid figure) takes :func:`_chain_checked`, which raises the
    errors. Both give the same result whenever the fast one gives one.
    """
    try:
        chain = _chain_fast(params, study)
    except (ValueError, TypeError, AttributeError, ArithmeticError, RulesError):
        chain = None
    if chain is None:
        return _chain_checked(params, study)
    return chain


def _chain_fast(params: ParameterSet, study: VoltageStudyInput) -> _Chain | None:
    hta_max = float(study.hta_max_kv)
    hta_nom = float(study.hta_nominal_kv)
    s_tr = float(study.transformer_kva)
    r_tr = float(study.transformer_resistance_ohm)
    u0 = float(study.secondary_no_load_v)
    pracc = float(study.pracc_kva)
    share = float(study.consumption_share_percent)
    p_sub = float(study.substation_winter_peak_kw)
    p_feed = float(study.feeder_winter_peak_kw)
    r_up = float(study.upstream_resistance_ohm)
    inf = _INF
    if not (
        0.0 < hta_max < inf
        and 0.0 < hta_nom < inf
        and 0.0 < s_tr < inf
        and 0.0 < r_tr < inf
        and 0.0 < u0 < inf
        and 0.0 < pracc < inf
        and 0.0 < share <= 100
        and 0.0 < p_feed <= p_sub < inf
        and 0.0 < r_up < inf
        and study.tan_phi.is_finite()
    ):
        return None
    on = study.on
    x_tr_given = study.transformer_reactance_ohm
    if x_tr_given is not None:
        x_tr = float(x_tr_given)
        if not 0.0 < x_tr < inf:
            return None
    else:
        ucc_un2 = _constants(params, on).ucc_un2
        if ucc_un2 is None:
            return None
        z = ucc_un2 / (s_tr * 1000.0)
        if r_tr > z:
            return None
        x_tr = math.sqrt(z * z - r_tr * r_tr)
    x_up_given = study.upstream_reactance_ohm
    if x_up_given is not None:
        x_up = float(x_up_given)
        if not 0.0 < x_up < inf:
            return None
    else:
        x_up = 0.0
    mixed = study.feeder_type is FeederType.MIXED
    if mixed:
        names = ["JDB", "milieu", "piquage"]
        rs = [r_tr, r_up / 2, r_up / 2]
        xs = [x_tr, x_up / 2, x_up / 2]
        tap = 2
    else:
        names = ["JDB", "piquage"]
        rs = [r_tr, r_up]
        xs = [x_tr, x_up]
        tap = 1
    existing_nodes = tap + 1
    ext = study.extension
    if ext is not None:
        length = float(ext.length_km)
        if not 0.0 < length < inf:
            return None
        if ext.resistance_ohm is not None:
            r_ext = float(ext.resistance_ohm)
            if not 0.0 < r_ext < inf:
                return None
        else:
            r_km = _catalogue_resistance(_constants(params, on), params, on, ext)
            if r_km is None:
                return None
            r_ext = r_km * length
        if ext.reactance_ohm is not None:
            x_ext = float(ext.reactance_ohm)
            if not 0.0 < x_ext < inf:
                return None
        else:
            x_km = _catalogue_reactance(_constants(params, on), params, on, ext)
            if x_km is None:
                return None
            x_ext = x_km * length
        names.append("PDR")
        rs.append(r_ext)
        xs.append(x_ext)
    connection = len(names) - 1

    n = len(names)
    without = [0j] * n
    feeder_load = share / 100 * p_feed * 1000
    substation_load = share / 100 * p_sub * 1000
    if mixed:
        without[1] += feeder_load
        without[0] += substation_load - feeder_load
    else:
        without[0] += substation_load
    before = without.copy()
    for producer in study.existing_producers:
        p = float(producer.pracc_kva)
        if not 0.0 < p < inf or not producer.tan_phi.is_finite():
            return None
        node = tap if producer.on_connection_feeder and mixed else 0
        before[node] -= complex(p * 1000, p * 1000 * float(producer.tan_phi))
    after = before.copy()
    after[connection] -= complex(pracc * 1000, pracc * 1000 * float(study.tan_phi))
    source_v = u0 * hta_max / hta_nom
    return source_v, names, rs, xs, without, before, after, existing_nodes, connection, tap


# Every parameter the fast paths read, remembered per (parameter set, date) in one record (a
# speed-up, no new rule): one look-up per study instead of one per constant.
class _Constants:
    """The parameters of one set in force on one date, as the fast paths use them.

    ``ucc_un2`` is ``ucc * un * un`` (the transformer's Ucc times the nominal voltage squared,
    the floats the chain used to multiply in that order), ``None`` when a parameter is missing;
    ``limits`` is :func:`_limits`, ``None`` when it raises, with two float thresholds:
    ``_volts(v) >= limits.lower`` whenever ``v >= lowest_ok`` and ``_volts(v) <= limits.upper``
    whenever ``v <= highest_ok`` (``_volts`` is non-decreasing). ``resistance`` and
    ``reactance`` hold the catalogue's Ω per km by (type, section) and by type as they are
    asked for (``None`` when the catalogue lacks the conductor, so that the checked path raises).
    """

    __slots__ = ("highest_ok", "limits", "lowest_ok", "reactance", "resistance", "ucc_un2")

    def __init__(self, params: ParameterSet, on: date) -> None:
        try:
            ucc = float(params.decimal("voltage.transformer_ucc", on=on))
            un = float(params.decimal("voltage.nominal_line_v", on=on))
            self.ucc_un2: float | None = ucc * un * un
        except RulesError:
            self.ucc_un2 = None
        self.lowest_ok = math.inf
        self.highest_ok = -math.inf
        try:
            limits: _Limits | None = _limits(params, on)
        except (RulesError, ArithmeticError):
            limits = None
        try:
            if limits is not None and limits.lower.is_finite() and limits.upper.is_finite():
                lowest, highest = float(limits.lower), float(limits.upper)
                if math.isfinite(lowest) and _volts(lowest) >= limits.lower:
                    self.lowest_ok = lowest
                if math.isfinite(highest) and _volts(highest) <= limits.upper:
                    self.highest_ok = highest
        except ArithmeticError:  # a limit beyond what _volts rounds: always round the extremes
            self.lowest_ok = math.inf
            self.highest_ok = -math.inf
        self.limits = limits
        self.resistance: dict[tuple[str, int], float | None] = {}
        self.reactance: dict[str, float | None] = {}


# The constants of the fast path by parameter set and date, like _LIMITS (same bounds).
_CONSTANTS: DatedCache[ParameterSet, _Constants] = DatedCache(
    _Constants, max_sets=_CACHE_MAX_SETS, max_dates=_CACHE_MAX_VALUES
)
_constants = _CONSTANTS.get


_UNKNOWN = object()


def _catalogue_resistance(
    known: _Constants, params: ParameterSet, on: date, ext: Extension
) -> float | None:
    key = (ext.conductor_type, ext.section_mm2)
    resistance = known.resistance
    found = resistance.get(key, _UNKNOWN)  # one lookup: another thread may clear() meanwhile
    if found is not _UNKNOWN:
        return found  # type: ignore[return-value]
    try:
        value: float | None = float(
            params.decimal(f"cable.resistance_ohm_per_km.{key[0]}.{key[1]}", on=on)
        )
    except RulesError:
        value = None
    if len(resistance) >= _CACHE_MAX_VALUES:
        resistance.clear()
    resistance[key] = value
    return value


def _catalogue_reactance(
    known: _Constants, params: ParameterSet, on: date, ext: Extension
) -> float | None:
    conductor = ext.conductor_type
    reactance = known.reactance
    found = reactance.get(conductor, _UNKNOWN)
    if found is not _UNKNOWN:
        return found  # type: ignore[return-value]
    try:
        value: float | None = float(
            params.decimal(f"cable.reactance_ohm_per_km.{conductor}", on=on)
        )
    except RulesError:
        value = None
    if len(reactance) >= _CACHE_MAX_VALUES:
        reactance.clear()
    reactance[conductor] = value
    return value


def _chain_checked(params: ParameterSet, study: VoltageStudyInput) -> _Chain:
    on = study.on
    hta_max = _positive(study.hta_max_kv, "hta_max_kv", "La tension max HTA", allow_zero=False)
    hta_nom = _positive(
        study.hta_nominal_kv, "hta_nominal_kv", "La tension nominale HTA", allow_zero=False
    )
    s_tr = _positive(
        study.transformer_kva, "transformer_kva", "La puissance du transformateur", allow_zero=False
    )
    r_tr = _positive(
        study.transformer_resistance_ohm,
        "transformer_resistance_ohm",
        "La résistance du transformateur",
    )
    u0 = _positive(
        study.secondary_no_load_v,
        "secondary_no_load_v",
        "La tension à vide au secondaire",
        allow_zero=False,
    )
    if study.transformer_reactance_ohm is not None:
        x_tr = _positive(
            study.transformer_reactance_ohm,
            "transformer_reactance_ohm",
            "La réactance du transformateur",
        )
    else:
        ucc = float(params.decimal("voltage.transformer_ucc", on=on))
        un = float(params.decimal("voltage.nominal_line_v", on=on))
        z = ucc * un * un / (s_tr * 1000.0)
        if r_tr > z:
            raise RulesError(
                "transformer_resistance_ohm",
                "La résistance du transformateur dépasse son impédance de court-circuit.",
            )
        x_tr = math.sqrt(z * z - r_tr * r_tr)
    pracc = _positive(study.pracc_kva, "pracc_kva", "La Pracc du demandeur", allow_zero=False)
    if not study.tan_phi.is_finite():
        raise RulesError("tan_phi", "La tangente φ doit être un nombre.")
    share = _positive(
        study.consumption_share_percent,
        "consumption_share_percent",
        "Le pourcentage de consommation retenu",
    )
    if share > 100:
        raise RulesError(
            "consumption_share_percent",
            "Le pourcentage de consommation retenu doit être compris entre 0 et 100 %.",
        )
    p_sub = _positive(
        study.substation_winter_peak_kw,
        "substation_winter_peak_kw",
        "La consommation max hiver du poste",
    )
    p_feed = _positive(
        study.feeder_winter_peak_kw, "feeder_winter_peak_kw", "La consommation max hiver du départ"
    )
    if p_feed > p_sub:
        raise RulesError(
            "feeder_winter_peak_kw",
            "La consommation du départ ne peut pas dépasser celle du poste HTA/BT.",
        )
    r_up = _positive(
        study.upstream_resistance_ohm, "upstream_resistance_ohm", "La résistance amont"
    )
    x_up = (
        _positive(study.upstream_reactance_ohm, "upstream_reactance_ohm", "La réactance amont")
        if study.upstream_reactance_ohm is not None
        else 0.0
    )
    mixed = study.feeder_type is FeederType.MIXED
    names = ["JDB"]
    rs = [r_tr]
    xs = [x_tr]
    mid = 0
    if mixed and (r_up > 0 or x_up > 0):
        names += ("milieu", "piquage")
        rs += (r_up / 2, r_up / 2)
        xs += (x_up / 2, x_up / 2)
        mid = 1
    elif r_up > 0 or x_up > 0:
        names.append("piquage")
        rs.append(r_up)
        xs.append(x_up)
    tap = len(names) - 1
    existing_nodes = len(names)
    if study.extension is not None:
        r_ext, x_ext = _extension_impedance(params, study.extension, on)
        names.append("PDR")
        rs.append(r_ext)
        xs.append(x_ext)
    connection = len(names) - 1

    n = len(names)
    without = [0j] * n
    feeder_load = share / 100 * p_feed * 1000
    substation_load = share / 100 * p_sub * 1000
    if mixed:
        without[mid] += feeder_load
        without[0] += substation_load - feeder_load
    else:
        without[0] += substation_load
    before = without.copy()
    for i, producer in enumerate(study.existing_producers):
        p = _positive(
            producer.pracc_kva, f"existing_producers[{i}].pracc_kva", "La Pracc d'un producteur"
        )
        if not producer.tan_phi.is_finite():
            raise RulesError(
                f"existing_producers[{i}].tan_phi", "La tangente φ doit être un nombre."
            )
        node = tap if producer.on_connection_feeder and mixed else 0
        before[node] -= complex(p * 1000, p * 1000 * float(producer.tan_phi))
    after = before.copy()
    after[connection] -= complex(pracc * 1000, pracc * 1000 * float(study.tan_phi))
    source_v = u0 * hta_max / hta_nom
    return source_v, names, rs, xs, without, before, after, existing_nodes, connection, tap


def feeder_model(params: ParameterSet, study: VoltageStudyInput) -> FeederModel:
    """Build the equivalent chain of the Annex 4 study (model in the module docstring).

    Raises :class:`RulesError` on negative or missing figures, a share outside 0 and 100 %, a
    substation consumption below the feeder's, or an unknown conductor.
    """
    source_v, names, rs, xs, without, before, after, existing, connection, tap = _chain(
        params, study
    )

    def freeze(loads: list[complex]) -> tuple[tuple[float, float], ...]:
        return tuple((load.real, load.imag) for load in loads)

    return FeederModel(
        source_v=source_v,
        branches=tuple(map(Branch, names, rs, xs)),
        loads_without=freeze(without),
        loads_before=freeze(before),
        loads_after=freeze(after),
        existing_nodes=existing,
        connection_node=connection,
        tap_node=tap,
    )


def _sweep(
    v_source: complex,
    impedances: Sequence[complex],
    per_phase: Sequence[complex],
    tolerance_v: float,
    max_iterations: int,
) -> list[complex] | None:
    """Per-phase node voltages of the backward/forward sweep, ``None`` if it does not converge.

    Same arithmetic, in the same order, as the textbook loop: each iteration computes the node
    currents conj(S/V), accumulates them from the far end, then walks the voltages down from the
    source; it stops once no node moved by ``tolerance_v`` or more. Two speed-ups that change
    no bit of the magnitudes:

    * nodes past the last loaded one carry no current: their voltage is that of the last loaded
      node, so the sweep runs on the loaded part only and copies that voltage along the tail
      (their moves equal the last loaded node's, so the stopping test is unchanged);
    * chains of up to four nodes (every Annex 4 model) run unrolled, without lists.
    """
    n = len(per_phase)
    loaded = n
    while loaded > 1 and per_phase[loaded - 1] == 0j and impedances[loaded - 1] * 0j == 0j:
        loaded -= 1
    if loaded == 1:
        volts = _sweep1(v_source, impedances[0], per_phase[0], tolerance_v, max_iterations)
    elif loaded == 2:
        volts = _sweep2(v_source, impedances, per_phase, tolerance_v, max_iterations)
    elif loaded == 3:
        volts = _sweep3(v_source, impedances, per_phase, tolerance_v, max_iterations)
    elif loaded == 4:
        volts = _sweep4(v_source, impedances, per_phase, tolerance_v, max_iterations)
    else:
        volts = _sweep_n(v_source, impedances, per_phase, tolerance_v, max_iterations)
    if volts is None or loaded == n:
        return volts
    return volts + [volts[-1]] * (n - loaded)


def _sweep1(
    v0: complex, z0: complex, s0: complex, tol: float, iterations: int
) -> list[complex] | None:
    u0 = v0
    for _ in range(iterations):
        w0 = v0 - z0 * (0j + (s0 / u0).conjugate())
        delta = abs(w0 - u0)
        u0 = w0
        if delta < tol:
            return [u0]
    return None


def _sweep2(
    v0: complex, z: Sequence[complex], s: Sequence[complex], tol: float, iterations: int
) -> list[complex] | None:
    z0, z1 = z[0], z[1]
    s0, s1 = s[0], s[1]
    u0 = u1 = v0
    for _ in range(iterations):
        f1 = 0j + (s1 / u1).conjugate()
        f0 = f1 + (s0 / u0).conjugate()
        w0 = v0 - z0 * f0
        w1 = w0 - z1 * f1
        delta = max(abs(w0 - u0), abs(w1 - u1))
        u0, u1 = w0, w1
        if delta < tol:
            return [u0, u1]
    return None


def _sweep3(
    v0: complex, z: Sequence[complex], s: Sequence[complex], tol: float, iterations: int
) -> list[complex] | None:
    z0, z1, z2 = z[0], z[1], z[2]
    s0, s1, s2 = s[0], s[1], s[2]
    u0 = u1 = u2 = v0
    for _ in range(iterations):
        f2 = 0j + (s2 / u2).conjugate()
        f1 = f2 + (s1 / u1).conjugate()
        f0 = f1 + (s0 / u0).conjugate()
        w0 = v0 - z0 * f0
        w1 = w0 - z1 * f1
        w2 = w1 - z2 * f2
        delta = max(abs(w0 - u0), abs(w1 - u1), abs(w2 - u2))
        u0, u1, u2 = w0, w1, w2
        if delta < tol:
            return [u0, u1, u2]
    return None


def _sweep4(
    v0: complex, z: Sequence[complex], s: Sequence[complex], tol: float, iterations: int
) -> list[complex] | None:
    z0, z1, z2, z3 = z[0], z[1], z[2], z[3]
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    u0 = u1 = u2 = u3 = v0
    for _ in range(iterations):
        f3 = 0j + (s3 / u3).conjugate()
        f2 = f3 + (s2 / u2).conjugate()
        f1 = f2 + (s1 / u1).conjugate()
        f0 = f1 + (s0 / u0).conjugate()
        w0 = v0 - z0 * f0
        w1 = w0 - z1 * f1
        w2 = w1 - z2 * f2
        w3 = w2 - z3 * f3
        delta = max(abs(w0 - u0), abs(w1 - u1), abs(w2 - u2), abs(w3 - u3))
        u0, u1, u2, u3 = w0, w1, w2, w3
        if delta < tol:
            return [u0, u1, u2, u3]
    return None


def _sweep_n(
    v0: complex, z: Sequence[complex], s: Sequence[complex], tol: float, iterations: int
) -> list[complex] | None:
    n = len(z)
    volts = [v0] * n
    flows = [0j] * n
    backward = range(n - 1, -1, -1)
    for _ in range(iterations):
        flow = 0j
        for k in backward:
            flow += (s[k] / volts[k]).conjugate()
            flows[k] = flow
        previous = v0
        delta = 0.0
        for k in range(n):
            v = previous - z[k] * flows[k]
            delta = max(delta, abs(v - volts[k]))
            volts[k] = v
            previous = v
        if delta < tol:
            return volts
    return None


_NOT_CONVERGED = (
    "Le calcul de tension ne converge pas : le réseau ne peut pas transiter cette puissance."
)


def solve_chain(
    source_v: float,
    branches: Sequence[Branch],
    loads: Sequence[tuple[float, float]],
    *,
    tolerance_v: float = 1e-6,
    max_iterations: int = 100,
) -> list[float]:
    """Voltages between phases (V) at the end of each branch of a radial chain (Annex 4 model).

    Backward/forward sweep on the per-phase equivalent with constant-power nodes; its first
    iteration is the classic ΔU ≈ (R·P + X·Q)/U. Raises :class:`RulesError` when the sweep
    does not converge (the network cannot carry that power).
    """
    if len(loads) != len(branches) and max_iterations > 0:
        raise ValueError("solve_chain: one load per branch")
    volts = _sweep(
        complex(source_v / SQRT3, 0.0),
        [complex(b.r_ohm, b.x_ohm) for b in branches],
        [complex(p / 3.0, q / 3.0) for p, q in loads],
        tolerance_v,
        max_iterations,
    )
    if volts is None:
        raise RulesError("pracc_kva", _NOT_CONVERGED)
    return [abs(v) * SQRT3 for v in volts]


# The study's stopping test: no node moved by 0.1 mV or more (per phase). Results are rounded to
# 0.1 V; on 6,000 random solves the rounded voltages equal those of a 1 nV tolerance.
_STUDY_TOLERANCE_V = 1e-4


def _solve(v_source: complex, impedances: list[complex], loads: list[complex]) -> list[float]:
    volts = _sweep(
        v_source,
        impedances,
        # Per phase: c / 3.0 divides each part by 3 (CPython's complex division by (3, 0)).
        [load / 3.0 for load in loads],
        _STUDY_TOLERANCE_V,
        100,
    )
    if volts is None:
        raise RulesError("pracc_kva", _NOT_CONVERGED)
    return [abs(v) * SQRT3 for v in volts]


def _volts(value: float) -> Decimal:
    """``value`` to 0.1 V: ``Decimal(repr(value)).quantize(TENTH)`` (half-even on the float's
    shortest decimal form).

    Fast path: away from a half-tenth (by more than 1e-6 of a tenth, far beyond the float's
    error) the rounded tenths are ``round(value * 10)``, and each result is shared.
    """
    scaled = value * 10.0
    if 0.0 < scaled < 1e7:
        tenths = round(scaled)
        if abs(scaled - tenths) < 0.499999:
            result = _TENTHS.get(tenths)
            if result is None:
                if len(_TENTHS) >= _CACHE_MAX_VALUES:
                    _TENTHS.clear()
                result = _TENTHS[tenths] = Decimal(tenths).scaleb(-1)
            return result
    return Decimal(repr(value)).quantize(TENTH)


_TENTHS: dict[int, Decimal] = {}
_NO_RISE = _volts(0.0)  # the rise without an extension: the tap point is the connection point


_PCT: dict[tuple[Decimal, Decimal], str] = {}


def _pct(value: Decimal, nominal: Decimal) -> str:
    key = (value, nominal)
    text = _PCT.get(key)
    if text is None:
        pct = ((value / nominal - 1) * 100).quantize(TENTH)
        sign = "+" if pct >= 0 else "-"
        text = f"Un {sign} {abs(pct):.1f} %".replace(".", ",")
        if len(_PCT) >= _CACHE_MAX_VALUES:
            _PCT.clear()
        _PCT[key] = text
    return text


# The sweeps of the study's fast path: _sweep1 to _sweep4 at the study's tolerance, taking the
# impedances and per-phase loads as arguments. They return the highest and lowest magnitude
# between phases (``abs(v) * SQRT3``) and those of the last two nodes (the last node twice for
# one node), or None when the sweep does not converge or a voltage is not finite (below
# _BOUND), so that the general path decides. Same iterations, same stopping test:
#
# * the stopping test ``max(d0, ..., dk) < tol`` cannot pass while the last node's move dk is
#   ``>= tol`` (max is then >= dk, or NaN): that one move is tested first, and the others are
#   computed only once it is below the tolerance (the far node moves the most, so this is
#   usually the last iteration); ``all(d < tol) or max(...) < tol`` is then ``max(...) < tol``
#   (the first implies the second; max keeps its behaviour on a NaN);
# * the flows drop the ``0j +`` of the textbook loop, and a real source voltage or load may be
#   a float (``x`` and ``complex(x, 0.0)`` enter +, -, *, / with the same parts): this only
#   changes the sign of a zero part, and a zero's sign never changes a non-zero result of +, -,
#   *, / or abs, so the magnitudes are the same bits.
_STEPS = range(100)
_TOL = _STUDY_TOLERANCE_V
_BOUND = 1e15
_Extremes = tuple[float, float, float, float]


def _fast1(v0: complex, z0: complex, s0: complex) -> _Extremes | None:
    u0 = v0
    for _ in _STEPS:
        w0 = v0 - z0 * (s0 / u0).conjugate()
        d0 = abs(w0 - u0)
        u0 = w0
        if d0 < _TOL:
            m0 = abs(w0) * SQRT3
            return (m0, m0, m0, m0) if m0 < _BOUND else None
    return None


def _fast2(v0: complex, z0: complex, z1: complex, s0: complex, s1: complex) -> _Extremes | None:
    u0 = u1 = v0
    for _ in _STEPS:
        f1 = (s1 / u1).conjugate()
        w0 = v0 - z0 * (f1 + (s0 / u0).conjugate())
        w1 = w0 - z1 * f1
        d1 = abs(w1 - u1)
        if not d1 >= _TOL:
            d0 = abs(w0 - u0)
            if (d0 < _TOL and d1 < _TOL) or max(d0, d1) < _TOL:
                m0 = abs(w0) * SQRT3
                m1 = abs(w1) * SQRT3
                if not m0 + m1 < _BOUND:
                    return None
                return (m0, m1, m0, m1) if m0 >= m1 else (m1, m0, m0, m1)
        u0 = w0
        u1 = w1
    return None


def _fast3(
    v0: complex, z0: complex, z1: complex, z2: complex, s0: complex, s1: complex, s2: complex
) -> _Extremes | None:
    u0 = u1 = u2 = v0
    for _ in _STEPS:
        f2 = (s2 / u2).conjugate()
        f1 = f2 + (s1 / u1).conjugate()
        w0 = v0 - z0 * (f1 + (s0 / u0).conjugate())
        w1 = w0 - z1 * f1
        w2 = w1 - z2 * f2
        d2 = abs(w2 - u2)
        if not d2 >= _TOL:
            d0 = abs(w0 - u0)
            d1 = abs(w1 - u1)
            if (d0 < _TOL and d1 < _TOL and d2 < _TOL) or max(d0, d1, d2) < _TOL:
                m0 = abs(w0) * SQRT3
                m1 = abs(w1) * SQRT3
                m2 = abs(w2) * SQRT3
                if not m0 + m1 + m2 < _BOUND:
                    return None
                high, low = (m0, m1) if m0 >= m1 else (m1, m0)
                return (
                    m2 if m2 > high else high,
                    m2 if m2 < low else low,
                    m1,
                    m2,
                )
        u0 = w0
        u1 = w1
        u2 = w2
    return None


def _fast4(
    v0: complex,
    z0: complex,
    z1: complex,
    z2: complex,
    z3: complex,
    s0: complex,
    s1: complex,
    s2: complex,
    s3: complex,
) -> _Extremes | None:
    u0 = u1 = u2 = u3 = v0
    for _ in _STEPS:
        f3 = (s3 / u3).conjugate()
        f2 = f3 + (s2 / u2).conjugate()
        f1 = f2 + (s1 / u1).conjugate()
        w0 = v0 - z0 * (f1 + (s0 / u0).conjugate())
        w1 = w0 - z1 * f1
        w2 = w1 - z2 * f2
        w3 = w2 - z3 * f3
        d3 = abs(w3 - u3)
        if not d3 >= _TOL:
            d0 = abs(w0 - u0)
            d1 = abs(w1 - u1)
            d2 = abs(w2 - u2)
            if (d0 < _TOL and d1 < _TOL and d2 < _TOL and d3 < _TOL) or max(d0, d1, d2, d3) < _TOL:
                m0 = abs(w0) * SQRT3
                m1 = abs(w1) * SQRT3
                m2 = abs(w2) * SQRT3
                m3 = abs(w3) * SQRT3
                if not m0 + m1 + m2 + m3 < _BOUND:
                    return None
                high, low = (m0, m1) if m0 >= m1 else (m1, m0)
                if m2 > high:
                    high = m2
                elif m2 < low:
                    low = m2
                return (
                    m3 if m3 > high else high,
                    m3 if m3 < low else low,
                    m2,
                    m3,
                )
        u0 = w0
        u1 = w1
        u2 = w2
        u3 = w3
    return None


_MIXED = FeederType.MIXED


def _study_fast(params: ParameterSet, study: VoltageStudyInput) -> VoltageStudy | None:
    """The usual study without lists: the floats of :func:`_chain_fast`, the loads placed on
    the nodes that carry them, the sweeps of ``_fast1`` to ``_fast4`` on the loaded part of
    each scenario (the nodes past it have the last loaded node's voltage, as in :func:`_sweep`),
    and only the roundings the results need. ``None`` when the general path must decide.
    """
    hta_max = float(study.hta_max_kv)
    hta_nom = float(study.hta_nominal_kv)
    s_tr = float(study.transformer_kva)
    r_tr = float(study.transformer_resistance_ohm)
    u0 = float(study.secondary_no_load_v)
    pracc = float(study.pracc_kva)
    share = float(study.consumption_share_percent)
    p_sub = float(study.substation_winter_peak_kw)
    p_feed = float(study.feeder_winter_peak_kw)
    r_up = float(study.upstream_resistance_ohm)
    tan_phi = float(study.tan_phi)
    inf = _INF
    if not (
        0.0 < hta_max < inf
        and 0.0 < hta_nom < inf
        and 0.0 < s_tr < inf
        and 0.0 < r_tr < inf
        and 0.0 < u0 < inf
        and 0.0 < pracc < inf
        and 0.0 < share <= 100
        and 0.0 < p_feed <= p_sub < inf
        and 0.0 < r_up < inf
        and -inf < tan_phi < inf
    ):
        return None
    on = study.on
    known = _constants(params, on)
    limits = known.limits
    if limits is None:
        return None
    x_tr_given = study.transformer_reactance_ohm
    if x_tr_given is not None:
        x_tr = float(x_tr_given)
        if not 0.0 < x_tr < inf:
            return None
    else:
        ucc_un2 = known.ucc_un2
        if ucc_un2 is None:
            return None
        z = ucc_un2 / (s_tr * 1000.0)
        if r_tr > z:
            return None
        x_tr = math.sqrt(z * z - r_tr * r_tr)
    x_up_given = study.upstream_reactance_ohm
    if x_up_given is not None:
        x_up = float(x_up_given)
        if not 0.0 < x_up < inf:
            return None
    else:
        x_up = 0.0
    ext = study.extension
    if ext is not None:
        length = float(ext.length_km)
        if not 0.0 < length < inf:
            return None
        if ext.resistance_ohm is not None:
            r_ext = float(ext.resistance_ohm)
            if not 0.0 < r_ext < inf:
                return None
        else:
            r_km = known.resistance.get((ext.conductor_type, ext.section_mm2))
            if r_km is None:
                r_km = _catalogue_resistance(known, params, on, ext)
                if r_km is None:
                    return None
            r_ext = r_km * length
        if ext.reactance_ohm is not None:
            x_ext = float(ext.reactance_ohm)
            if not 0.0 < x_ext < inf:
                return None
        else:
            x_km = known.reactance.get(ext.conductor_type)
            if x_km is None:
                x_km = _catalogue_reactance(known, params, on, ext)
                if x_km is None:
                    return None
            x_ext = x_km * length
        z_ext = complex(r_ext, x_ext)
    mixed = study.feeder_type is _MIXED
    z_tr = complex(r_tr, x_tr)
    # Node loads (W, var), consumer convention, in the operations and order of _chain_fast;
    # a real load stays a float (``(0j + x) / 3.0`` and ``x / 3.0`` are the same complex).
    feeder_load = share / 100 * p_feed * 1000
    substation_load = share / 100 * p_sub * 1000
    # board: the JDB's load; tap: the tap point's (mixed feeder only); per phase below.
    tap_load: complex | float = 0.0
    if mixed:
        board: complex | float = substation_load - feeder_load
        middle = feeder_load / 3.0
        if middle == 0.0:
            return None
    else:
        board = substation_load
    producers = study.existing_producers
    for producer in producers:
        p = float(producer.pracc_kva)
        t = float(producer.tan_phi)
        if not (0.0 < p < inf and -inf < t < inf):
            return None
        p *= 1000
        if producer.on_connection_feeder and mixed:
            tap_load -= complex(p, p * t)
        else:
            board -= complex(p, p * t)
    pracc *= 1000
    requester = complex(pracc, pracc * tan_phi)
    source_v = u0 * hta_max / hta_nom
    v0 = source_v / SQRT3
    s_board = board / 3.0
    s_tap = tap_load / 3.0
    # The three scenarios on their loaded nodes (z_up: each half of a mixed feeder's upstream
    # section, or a direct feeder's whole section).
    after: _Extremes | None
    if mixed:
        z_up = complex(r_up / 2, x_up / 2)
        without = _fast2(v0, z_tr, z_up, (substation_load - feeder_load) / 3.0, middle)
        if not producers:
            before = without
        elif s_tap != 0.0:
            before = _fast3(v0, z_tr, z_up, z_up, s_board, middle, s_tap)
        else:
            before = _fast2(v0, z_tr, z_up, s_board, middle)
        if ext is None:
            s_requester = (tap_load - requester) / 3.0
            after = _fast3(v0, z_tr, z_up, z_up, s_board, middle, s_requester)
            r_connection = r_up / 2
        else:
            s_requester = (0j - requester) / 3.0
            after = _fast4(v0, z_tr, z_up, z_up, z_ext, s_board, middle, s_tap, s_requester)
            r_connection = r_ext
    else:
        z_up = complex(r_up, x_up)
        without = _fast1(v0, z_tr, substation_load / 3.0)
        before = _fast1(v0, z_tr, s_board) if producers else without
        s_requester = (0j - requester) / 3.0
        if ext is None:
            after = _fast2(v0, z_tr, z_up, s_board, s_requester)
            r_connection = r_up
        else:
            after = _fast3(v0, z_tr, z_up, z_ext, s_board, 0.0, s_requester)
            r_connection = r_ext
    if without is None or before is None or after is None or s_requester == 0.0:
        return None
    high_without, low_without = without[0], without[1]
    high_before, low_before = before[0], before[1]
    high_after, low_after, at_tap, at_connection_v = after
    # The results: rounded once per distinct value (_volts of equal floats is equal).
    max_without = _volts(high_without)
    max_before = max_without if high_before == high_without else _volts(high_before)
    max_after = _volts(high_after)
    min_after = _volts(low_after)
    if at_connection_v == high_after:
        at_connection = max_after
    elif at_connection_v == low_after:
        at_connection = min_after
    else:
        at_connection = _volts(at_connection_v)
    # The verdict as in _study_general (every voltage is finite here): the extremes against
    # the range, through the float thresholds when they decide.
    lowest = low_without if low_without < low_before else low_before
    if low_after < lowest:
        lowest = low_after
    highest = high_without if high_without > high_before else high_before
    if high_after > highest:
        highest = high_after
    compliant = (lowest >= known.lowest_ok or limits.lower <= _volts(lowest)) and (
        highest <= known.highest_ok or max(max_without, max_before, max_after) <= limits.upper
    )
    return VoltageStudy(
        _volts(source_v),
        max_without,
        max_before,
        max_after,
        at_connection,
        _volts(at_connection_v - at_tap) if ext is not None else _NO_RISE,
        min_after,
        limits.nominal,
        limits.upper,
        limits.lower,
        compliant,
        _Sheet(study, x_tr, r_connection, limits),
    )


def voltage_study(params: ParameterSet, *, study: VoltageStudyInput) -> VoltageStudy:
    """Voltage-rise study of the Avenant Annex 4 and its verdict against ±10 % of 230/400 V.

    Computes the max voltage on the BT feeder without producers, before and after the
    connection, and at the requester's connection point, and returns the rows of the « Fiche
    de contrôle de l'étude ». Nominal voltage and tolerance come from ``voltage.*`` parameters.

    The usual study takes :func:`_study_fast` (same floats, same sweep iterations, same
    results); any other one (a zero, a missing or invalid figure, a sweep that does not
    converge or a non-finite voltage) takes :func:`_study_general`, which raises the errors.
    """
    try:
        result = _study_fast(params, study)
    except (ValueError, TypeError, AttributeError, ArithmeticError, RulesError):
        result = None
    if result is None:
        return _study_general(params, study)
    return result


def _study_general(params: ParameterSet, study: VoltageStudyInput) -> VoltageStudy:
    """The study on the chain of :func:`_chain` and the generic sweep of :func:`_solve`."""
    source_v, _, rs, xs, without, before, after, existing, connection, tap = _chain(params, study)
    limits = _limits(params, study.on)
    nominal, upper, lower = limits.nominal, limits.upper, limits.lower
    v_source = complex(source_v / SQRT3, 0.0)
    impedances = list(map(complex, rs, xs))
    v_without = _solve(v_source, impedances, without)[:existing]
    v_before = (
        # Without existing producers the scenario before is the one without (same loads).
        _solve(v_source, impedances, before)[:existing] if study.existing_producers else v_without
    )
    v_after = _solve(v_source, impedances, after)
    max_without = _volts(max(v_without))
    max_before = _volts(max(v_before))
    max_after = _volts(max(v_after))
    min_after = _volts(min(v_after))
    at_connection = _volts(v_after[connection])
    rise = _volts(v_after[connection] - v_after[tap])
    every = v_without + v_before + v_after
    if math.isfinite(sum(every)):
        # _volts is non-decreasing, so every rounded value is in range iff the extremes are,
        # and the rounded maximum is the largest of the three rounded maxima.
        highest = max(max_without, max_before, max_after)
        compliant = lower <= _volts(min(every)) and highest <= upper
    else:
        all_values = [_volts(v) for v in every]
        compliant = all(lower <= v <= upper for v in all_values)
    return VoltageStudy(
        _volts(source_v),
        max_without,
        max_before,
        max_after,
        at_connection,
        rise,
        min_after,
        nominal,
        upper,
        lower,
        compliant,
        _Sheet(study, xs[0], rs[connection], limits),
    )


_DATA = "Données de l'étude"
_EXTENSION = "Caractéristiques de l'extension de réseau / départ direct"
_RESULTS = "Résultats de l'étude"
_FOUR_PLACES = Decimal("0.0001")
_ZERO = Decimal(0)


def _rows(
    study: VoltageStudyInput,
    *,
    x_tr: float,
    r_ext: float,
    max_without: Decimal,
    max_before: Decimal,
    max_after: Decimal,
    at_connection: Decimal,
    rise: Decimal,
    limits: _Limits,
) -> tuple[StudyRow, ...]:
    row = StudyRow
    data = _DATA
    producers = study.existing_producers
    existing_total = sum((p.pracc_kva for p in producers), _ZERO)
    rows = [
        row(data, "Tension max HTA", study.hta_max_kv, "kV"),
        row(data, "Puissance du transformateur", study.transformer_kva, "kVA"),
        row(
            data,
            "Tension à vide optimisée au secondaire du transformateur",
            study.secondary_no_load_v,
            "V",
        ),
        row(
            data,
            "Producteurs existants ou déjà en file d'attente",
            existing_total,
            "kVA",
            f"{len(producers)} producteur(s)",
        ),
        row(data, "Pracc du producteur demandeur", study.pracc_kva, "kVA"),
        row(data, "Tangente(φ) au point de raccordement", study.tan_phi),
        row(data, "Type de raccordement (départ mixte / départ direct)", study.feeder_type.label),
        row(data, "Puissance conso max hiver poste HTA/BT", study.substation_winter_peak_kw, "kW"),
        row(
            data,
            "Puissance conso max hiver départ BT de raccordement",
            study.feeder_winter_peak_kw,
            "kW",
        ),
        row(
            data,
            "% de puissance conso max hiver retenue pour l'étude",
            study.consumption_share_percent,
            "%",
        ),
        row(
            data,
            "Résistance amont (du JDB BT au PDR=Point De Raccordement)",
            study.upstream_resistance_ohm,
            "Ω",
        ),
        row(data, "Résistance du transformateur", study.transformer_resistance_ohm, "Ω"),
        row(
            data,
            "Réactance du transformateur",
            Decimal(repr(x_tr)).quantize(_FOUR_PLACES),
            "Ω",
            "donnée" if study.transformer_reactance_ohm is not None else "déduite de la Ucc",
        ),
    ]
    ext = study.extension
    if ext is not None:
        rows += (
            row(_EXTENSION, "Type de conducteur", ext.conductor_type),
            row(_EXTENSION, "Longueur", ext.length_km * 1000, "m"),
            row(_EXTENSION, "Section", Decimal(ext.section_mm2), "mm²"),
            row(
                _EXTENSION,
                "Résistance de l'extension",
                Decimal(repr(r_ext)).quantize(_FOUR_PLACES),
                "Ω",
            ),
        )
    nominal = limits.nominal
    rows += (
        row(_EXTENSION, "Élévation de tension dans l'extension / départ direct", rise, "V"),
        row(
            _RESULTS,
            "Tension max sur départ BT sans les producteurs",
            max_without,
            "V",
            _pct(max_without, nominal),
        ),
        row(
            _RESULTS,
            "Tension max sur départ BT avant le raccordement",
            max_before,
            "V",
            _pct(max_before, nominal),
        ),
        row(
            _RESULTS,
            "Tension max sur départ BT après le raccordement",
            max_after,
            "V",
            _pct(max_after, nominal),
        ),
        row(
            _RESULTS,
            "Tension max au PDR du producteur demandeur après le raccordement",
            at_connection,
            "V",
            _pct(at_connection, nominal),
        ),
        limits.row,
    )
    return tuple(rows)
