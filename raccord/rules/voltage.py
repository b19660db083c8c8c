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
  with constant-power nodes, iterated until voltages move by less than 1 µV, so the results
  are those of an exact load flow of this model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

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


@fast_init
@dataclass(frozen=True, slots=True)
class VoltageStudy:
    """Results of Annex 4 (voltages between phases, V, to 0.1 V) and the sheet rows."""

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
    rows: tuple[StudyRow, ...]


def _positive(value: Decimal, field: str, label: str, *, allow_zero: bool = True) -> float:
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


def feeder_model(params: ParameterSet, study: VoltageStudyInput) -> FeederModel:
    """Build the equivalent chain of the Annex 4 study (model in the module docstring).

    Raises :class:`RulesError` on negative or missing figures, a share outside 0 and 100 %, a
    substation consumption below the feeder's, or an unknown conductor.
    """
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
    branches = [Branch("JDB", r_tr, x_tr)]
    mid = 0
    if mixed and (r_up > 0 or x_up > 0):
        branches.append(Branch("milieu", r_up / 2, x_up / 2))
        mid = len(branches) - 1
        branches.append(Branch("piquage", r_up / 2, x_up / 2))
    elif r_up > 0 or x_up > 0:
        branches.append(Branch("piquage", r_up, x_up))
    tap = len(branches) - 1
    existing_nodes = len(branches)
    if study.extension is not None:
        r_ext, x_ext = _extension_impedance(params, study.extension, on)
        branches.append(Branch("PDR", r_ext, x_ext))
    connection = len(branches) - 1

    n = len(branches)
    without = [[0.0, 0.0] for _ in range(n)]
    feeder_load = share / 100 * p_feed * 1000
    substation_load = share / 100 * p_sub * 1000
    if mixed:
        without[mid][0] += feeder_load
        without[0][0] += substation_load - feeder_load
    else:
        without[0][0] += substation_load
    before = [list(v) for v in without]
    for i, producer in enumerate(study.existing_producers):
        p = _positive(
            producer.pracc_kva, f"existing_producers[{i}].pracc_kva", "La Pracc d'un producteur"
        )
        if not producer.tan_phi.is_finite():
            raise RulesError(
                f"existing_producers[{i}].tan_phi", "La tangente φ doit être un nombre."
            )
        node = tap if producer.on_connection_feeder and mixed else 0
        before[node][0] -= p * 1000
        before[node][1] -= p * 1000 * float(producer.tan_phi)
    after = [list(v) for v in before]
    after[connection][0] -= pracc * 1000
    after[connection][1] -= pracc * 1000 * float(study.tan_phi)

    def freeze(loads: list[list[float]]) -> tuple[tuple[float, float], ...]:
        return tuple((p, q) for p, q in loads)

    return FeederModel(
        source_v=u0 * hta_max / hta_nom,
        branches=tuple(branches),
        loads_without=freeze(without),
        loads_before=freeze(before),
        loads_after=freeze(after),
        existing_nodes=existing_nodes,
        connection_node=connection,
        tap_node=tap,
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
    v_source = complex(source_v / SQRT3, 0.0)
    n = len(branches)
    volts = [v_source] * n
    per_phase = [complex(p / 3.0, q / 3.0) for p, q in loads]
    impedances = [complex(b.r_ohm, b.x_ohm) for b in branches]
    for _ in range(max_iterations):
        currents = [(s / v).conjugate() for s, v in zip(per_phase, volts, strict=True)]
        flow = 0j
        branch_currents = [0j] * n
        for k in range(n - 1, -1, -1):
            flow += currents[k]
            branch_currents[k] = flow
        previous = v_source
        delta = 0.0
        new = []
        for k in range(n):
            v = previous - impedances[k] * branch_currents[k]
            delta = max(delta, abs(v - volts[k]))
            new.append(v)
            previous = v
        volts = new
        if delta < tolerance_v:
            return [abs(v) * SQRT3 for v in volts]
    raise RulesError(
        "pracc_kva",
        "Le calcul de tension ne converge pas : le réseau ne peut pas transiter cette puissance.",
    )


def _volts(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(TENTH)


def _pct(value: Decimal, nominal: Decimal) -> str:
    pct = ((value / nominal - 1) * 100).quantize(TENTH)
    sign = "+" if pct >= 0 else "-"
    return f"Un {sign} {abs(pct):.1f} %".replace(".", ",")


def voltage_study(params: ParameterSet, *, study: VoltageStudyInput) -> VoltageStudy:
    """Voltage-rise study of the Avenant Annex 4 and its verdict against ±10 % of 230/400 V.

    Computes the max voltage on the BT feeder without producers, before and after the
    connection, and at the requester's connection point, and returns the rows of the « Fiche
    de contrôle de l'étude ». Nominal voltage and tolerance come from ``voltage.*`` parameters.
    """
    model = feeder_model(params, study)
    nominal = params.decimal("voltage.nominal_line_v", on=study.on)
    tolerance = params.decimal("voltage.tolerance", on=study.on)
    upper = nominal * (1 + tolerance)
    lower = nominal * (1 - tolerance)
    existing = model.existing_nodes
    v_without = solve_chain(model.source_v, model.branches, model.loads_without)
    v_before = solve_chain(model.source_v, model.branches, model.loads_before)
    v_after = solve_chain(model.source_v, model.branches, model.loads_after)
    max_without = _volts(max(v_without[:existing]))
    max_before = _volts(max(v_before[:existing]))
    max_after = _volts(max(v_after))
    min_after = _volts(min(v_after))
    at_connection = _volts(v_after[model.connection_node])
    rise = _volts(v_after[model.connection_node] - v_after[model.tap_node])
    all_values = [_volts(v) for v in (*v_without[:existing], *v_before[:existing], *v_after)]
    compliant = all(lower <= v <= upper for v in all_values)
    rows = _rows(
        study, model, params, max_without, max_before, max_after, at_connection, rise, nominal
    )
    return VoltageStudy(
        source_v=_volts(model.source_v),
        max_without_producers_v=max_without,
        max_before_v=max_before,
        max_after_v=max_after,
        connection_point_v=at_connection,
        extension_rise_v=rise,
        min_after_v=min_after,
        nominal_v=nominal,
        upper_limit_v=upper,
        lower_limit_v=lower,
        compliant=compliant,
        rows=rows,
    )


def _rows(
    study: VoltageStudyInput,
    model: FeederModel,
    params: ParameterSet,
    max_without: Decimal,
    max_before: Decimal,
    max_after: Decimal,
    at_connection: Decimal,
    rise: Decimal,
    nominal: Decimal,
) -> tuple[StudyRow, ...]:
    data = "Données de l'étude"
    ext_section = "Caractéristiques de l'extension de réseau / départ direct"
    results = "Résultats de l'étude"
    existing_total = sum((p.pracc_kva for p in study.existing_producers), Decimal(0))
    transformer = model.branches[0]
    rows = [
        StudyRow(data, "Tension max HTA", study.hta_max_kv, "kV"),
        StudyRow(data, "Puissance du transformateur", study.transformer_kva, "kVA"),
        StudyRow(
            data,
            "Tension à vide optimisée au secondaire du transformateur",
            study.secondary_no_load_v,
            "V",
        ),
        StudyRow(
            data,
            "Producteurs existants ou déjà en file d'attente",
            existing_total,
            "kVA",
            f"{len(study.existing_producers)} producteur(s)",
        ),
        StudyRow(data, "Pracc du producteur demandeur", study.pracc_kva, "kVA"),
        StudyRow(data, "Tangente(φ) au point de raccordement", study.tan_phi),
        StudyRow(
            data, "Type de raccordement (départ mixte / départ direct)", study.feeder_type.label
        ),
        StudyRow(
            data, "Puissance conso max hiver poste HTA/BT", study.substation_winter_peak_kw, "kW"
        ),
        StudyRow(
            data,
            "Puissance conso max hiver départ BT de raccordement",
            study.feeder_winter_peak_kw,
            "kW",
        ),
        StudyRow(
            data,
            "% de puissance conso max hiver retenue pour l'étude",
            study.consumption_share_percent,
            "%",
        ),
        StudyRow(
            data,
            "Résistance amont (du JDB BT au PDR=Point De Raccordement)",
            study.upstream_resistance_ohm,
            "Ω",
        ),
        StudyRow(data, "Résistance du transformateur", study.transformer_resistance_ohm, "Ω"),
        StudyRow(
            data,
            "Réactance du transformateur",
            Decimal(repr(transformer.x_ohm)).quantize(Decimal("0.0001")),
            "Ω",
            "donnée" if study.transformer_reactance_ohm is not None else "déduite de la Ucc",
        ),
    ]
    ext = study.extension
    if ext is not None:
        branch = model.branches[model.connection_node]
        rows += [
            StudyRow(ext_section, "Type de conducteur", ext.conductor_type),
            StudyRow(ext_section, "Longueur", ext.length_km * 1000, "m"),
            StudyRow(ext_section, "Section", Decimal(ext.section_mm2), "mm²"),
            StudyRow(
                ext_section,
                "Résistance de l'extension",
                Decimal(repr(branch.r_ohm)).quantize(Decimal("0.0001")),
                "Ω",
            ),
        ]
    rows.append(
        StudyRow(ext_section, "Élévation de tension dans l'extension / départ direct", rise, "V")
    )
    tolerance = params.decimal("voltage.tolerance", on=study.on)
    rows += [
        StudyRow(
            results,
            "Tension max sur départ BT sans les producteurs",
            max_without,
            "V",
            _pct(max_without, nominal),
        ),
        StudyRow(
            results,
            "Tension max sur départ BT avant le raccordement",
            max_before,
            "V",
            _pct(max_before, nominal),
        ),
        StudyRow(
            results,
            "Tension max sur départ BT après le raccordement",
            max_after,
            "V",
            _pct(max_after, nominal),
        ),
        StudyRow(
            results,
            "Tension max au PDR du producteur demandeur après le raccordement",
            at_connection,
            "V",
            _pct(at_connection, nominal),
        ),
        StudyRow(
            results,
            "Plage admissible",
            f"{nominal * (1 - tolerance):.0f} à {nominal * (1 + tolerance):.0f}",
            "V",
            f"Un ± {tolerance * 100:.0f} %",
        ),
    ]
    return tuple(rows)
