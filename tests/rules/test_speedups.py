"""The speed-ups of the rules core change no result: caches, faster constructors, solver paths."""

from __future__ import annotations

import dataclasses
import inspect
import math
import random
from dataclasses import FrozenInstanceError, replace
from datetime import date
from decimal import Decimal as D

import numpy as np
import pytest

from raccord.rules import classification, technical_values, variants
from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    BeneficiaryKind,
    Confirmation,
    ConnectionRequest,
    CutOutGrouping,
    DecouplingKind,
    InjectionOption,
    MeteringLocation,
    RfgScope,
    StudyFacts,
    Withdrawal,
)
from raccord.rules.metering import delivery_point, metering_plan
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.parameters import Parameter, ParameterSet
from raccord.rules.protections import decoupling_protection
from raccord.rules.reactive import reactive_setpoint
from raccord.rules.variants import DocumentKind, document_plan
from raccord.rules.voltage import (
    _STUDY_TOLERANCE_V,
    SQRT3,
    StudyRow,
    VoltageStudy,
    _rows,
    _sweep,
    _sweep_n,
    _volts,
    feeder_model,
    solve_chain,
    voltage_study,
)
from tests.rules.feeders import random_study
from tests.rules.plan_builders import bt_request

D0 = date(2025, 3, 15)


def _scan(params: ParameterSet, key: str, on: date) -> Parameter:
    """The former ``ParameterSet.get``: a scan of every parameter."""
    matches = [p for p in params.parameters if p.key == key and p.in_force(on)]
    assert len(matches) == 1
    return matches[0]


@pytest.mark.parametrize("on", [date(2018, 1, 1), date(2022, 3, 22), D0, date(2026, 6, 1)])
def test_indexed_lookup_finds_the_parameter_a_scan_finds(on: date) -> None:
    for key in sorted(P.keys()):
        try:
            expected = _scan(P, key, on)
        except AssertionError:
            with pytest.raises(RulesError):
                P.get(key, on=on)
            continue
        assert P.get(key, on=on) is expected
        if isinstance(expected.value, D | int) and not isinstance(expected.value, bool):
            assert P.decimal(key, on=on) == D(expected.value)
            assert P.decimal(key, on=on) == D(expected.value)  # remembered


def test_remembered_numbers_belong_to_their_set_and_errors_are_not_remembered() -> None:
    key = "vat.rate"
    rate = P.decimal(key, on=D0)
    other = ParameterSet(
        tuple(
            Parameter(p.key, D("0.055"), p.valid_from, "t", p.valid_until) if p.key == key else p
            for p in P.parameters
        )
    )
    assert other.decimal(key, on=D0) == D("0.055")
    assert P.decimal(key, on=D0) == rate
    for _ in range(2):
        with pytest.raises(RulesError) as err:
            P.decimal("vat.rate", on=date(1900, 1, 1))
        assert err.value.field == "vat.rate"
        with pytest.raises(RulesError):
            P.decimal("no.such.key", on=D0)
    overlapping = ParameterSet((*P.parameters, Parameter(key, D("0.1"), date(2000, 1, 1), "t")))
    for _ in range(2):
        with pytest.raises(RulesError, match="chevauchent"):
            overlapping.decimal(key, on=D0)


def test_fast_init_keeps_the_dataclass_signature_and_immutability() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Reference:
        a: int
        b: str = "x"
        c: tuple[int, ...] = ()

    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Fast:
        a: int
        b: str = "x"
        c: tuple[int, ...] = ()

    def shape(cls: type) -> list[tuple[str, object, object]]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert shape(Fast) == shape(Reference)
    obj = Fast(1, c=(2,))
    assert (obj.a, obj.b, obj.c) == (1, "x", (2,))
    assert obj == Fast(1, "x", (2,)) and hash(obj) == hash(Fast(a=1, c=(2,)))
    assert repr(obj) == repr(Reference(1, c=(2,))).replace("Reference", "Fast")
    assert replace(obj, b="y").b == "y"
    with pytest.raises(FrozenInstanceError):
        obj.a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Fast()  # type: ignore[call-arg]

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        a: int
        b: int = 2

    unslotted = fast_init(Unslotted)(1)
    assert vars(unslotted) == {"a": 1, "b": 2} and unslotted == Unslotted(1, 2)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(slots=True)
    class Mutable:
        a: int

    for unsupported in (Factory, Mutable):
        with pytest.raises(TypeError):
            fast_init(unsupported)
    # The rules' own classes: positional, keyword and default arguments as before.
    r = ConnectionRequest(*dataclasses.astuple(bt_request()))
    assert r == bt_request() and StudyFacts() == StudyFacts(*dataclasses.astuple(StudyFacts()))
    with pytest.raises(FrozenInstanceError):
        r.storage = True  # type: ignore[misc]


def test_sweep_shortcuts_give_the_textbook_loop_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    for _ in range(300):
        model = feeder_model(P, random_study(rng))
        z = [complex(b.r_ohm, b.x_ohm) for b in model.branches]
        v0 = complex(model.source_v / SQRT3, 0.0)
        for loads in (model.loads_without, model.loads_before, model.loads_after):
            s = [complex(p / 3.0, q / 3.0) for p, q in loads]
            fast = _sweep(v0, z, s, 1e-6, 100)
            slow = _sweep_n(v0, z, s, 1e-6, 100)
            assert fast is not None and slow is not None
            assert [abs(v) for v in fast] == [abs(v) for v in slow]


def test_compliance_from_the_extremes_equals_checking_every_node() -> None:
    rng = np.random.default_rng(12)
    for _ in range(200):
        study = random_study(rng)
        result = voltage_study(P, study=study)
        model = feeder_model(P, study)
        n = model.existing_nodes
        tol = _STUDY_TOLERANCE_V
        every = [
            *solve_chain(model.source_v, model.branches, model.loads_without, tolerance_v=tol)[:n],
            *solve_chain(model.source_v, model.branches, model.loads_before, tolerance_v=tol)[:n],
            *solve_chain(model.source_v, model.branches, model.loads_after, tolerance_v=tol),
        ]
        low, high = result.lower_limit_v, result.upper_limit_v
        assert result.compliant == all(low <= _volts(v) <= high for v in every)


def test_volts_shortcut_rounds_as_the_decimal_of_the_shortest_repr() -> None:
    rng = random.Random(5)
    values = [rng.uniform(0, 1000) for _ in range(20_000)]
    values += [k / 20 for k in range(20_000)]  # every half-tenth and tenth up to 1,000 V
    values += [k / 100 + 1e-12 * rng.choice((-1, 1)) for k in range(10_000)]
    # The floats next to a half-tenth, where round(value * 10) and the shortest repr disagree
    # (0.8500000000000001 is 0.9 by its repr, 0.8 by round(8.5)).
    for k in range(5_000):
        half = k / 10 + 0.05
        values += [math.nextafter(half, 0), half, math.nextafter(half, math.inf)]
    values += [0.05, 0.15, 0.25, 230.05, 230.15, 399.95, -0.0, -0.04, -12.35, 5e-324, 1e7, 2e9]
    values += [math.inf, -math.inf]
    for value in values:
        expected = D(repr(value)).quantize(D("0.1")) if math.isfinite(value) else None
        if expected is None:
            with pytest.raises(ArithmeticError):
                _volts(value)
            continue
        got = _volts(value)
        assert (got, str(got)) == (expected, str(expected)), value


def test_study_tolerance_gives_the_rounded_results_of_a_far_finer_one() -> None:
    # 0.1 mV per phase is a thousandth of the 0.1 V the study shows (docs/rules/models.md).
    rng = np.random.default_rng(21)
    for _ in range(500):
        study = random_study(rng)
        result = voltage_study(P, study=study)
        model = feeder_model(P, study)
        n = model.existing_nodes

        without, before, after = (
            solve_chain(model.source_v, model.branches, loads, tolerance_v=1e-9)
            for loads in (model.loads_without, model.loads_before, model.loads_after)
        )
        assert result.max_without_producers_v == _volts(max(without[:n]))
        assert result.max_before_v == _volts(max(before[:n]))
        assert result.max_after_v == _volts(max(after))
        assert result.min_after_v == _volts(min(after))
        assert result.connection_point_v == _volts(after[model.connection_node])


def test_lazy_sheet_rows_are_built_once_and_match_the_results() -> None:
    rng = np.random.default_rng(13)
    study = random_study(rng)
    result = voltage_study(P, study=study)
    assert "rows" not in vars(result)
    rows = result.rows
    assert result.rows is rows and all(isinstance(row, StudyRow) for row in rows)
    sheet = result.sheet
    assert rows == _rows(
        study,
        x_tr=sheet.transformer_x_ohm,
        r_ext=sheet.extension_r_ohm,
        max_without=result.max_without_producers_v,
        max_before=result.max_before_v,
        max_after=result.max_after_v,
        at_connection=result.connection_point_v,
        rise=result.extension_rise_v,
        limits=sheet.limits,
    )
    assert result == voltage_study(P, study=study)
    assert result != voltage_study(P, study=replace(study, hta_max_kv=study.hta_max_kv + D("0.5")))
    with pytest.raises(FrozenInstanceError):
        result.compliant = True  # type: ignore[misc]
    assert isinstance(result, VoltageStudy) and math.isfinite(float(result.max_after_v))


def test_results_remembered_per_snapshot_follow_a_changed_parameter_set() -> None:
    def changed(key: str, value: D | str) -> ParameterSet:
        return ParameterSet(
            tuple(
                Parameter(p.key, value, p.valid_from, "t", p.valid_until) if p.key == key else p
                for p in P.parameters
            )
        )

    r = bt_request(decoupling=DecouplingKind.B1_RELAYS)
    assert decoupling_protection(request=r, params=P).relays[0].setting != D("80")
    lowered = changed("decoupling.b1.undervoltage_pct", D("80"))
    assert decoupling_protection(request=r, params=lowered).relays[0].setting == D("80")
    assert decoupling_protection(request=r, params=P).relays[0].setting != D("80")

    plain = changed("metering.default_meter_type", "ICE")
    assert metering_plan(request=r, meter_type=None, params=P).meters[0].meter_type != "ICE"
    assert metering_plan(request=r, meter_type=None, params=plain).meters[0].meter_type == "ICE"

    tan = changed("reactive.default_tan_phi", D("-0.2"))
    assert reactive_setpoint(request=r, params=tan).tan_phi == D("-0.2")
    assert reactive_setpoint(request=r, params=P).tan_phi != D("-0.2")

    big = changed("threshold.extension_kva", D("10"))
    assert delivery_point(request=r, params=big).big_inj
    assert delivery_point(request=r, params=P).big_inj == (r.pracc_inj_kva >= D("120"))


def test_the_last_classification_is_reused_for_the_same_request_and_snapshot_only() -> None:
    r = bt_request()
    tv = technical_values.technical_values(P, on=r.reference_date)
    first = classification.classify_with(r, tv)
    assert classification.classify_with(r, tv) is first
    other = replace(r, pracc_inj_kva=D("20"), installed_power_kva=D("20"))
    assert classification.classify_with(other, tv).path is not first.path
    tighter = technical_values.technical_values(
        ParameterSet(
            tuple(
                Parameter(p.key, D("30"), p.valid_from, "t", p.valid_until)
                if p.key == "threshold.bt_max_kva"
                else p
                for p in P.parameters
            )
        ),
        on=r.reference_date,
    )
    assert classification.classify_with(r, tighter).path is not first.path


def _random_plan_inputs(rng: random.Random) -> tuple[ConnectionRequest, StudyFacts]:
    """A BT 36-250 kVA request and study facts drawn over the enum/bool inputs of the plan."""
    option = rng.choice((InjectionOption.TOTAL, InjectionOption.SURPLUS))
    withdrawal = rng.choice(
        (Withdrawal.NEW, Withdrawal.EXISTING)
        if option is InjectionOption.SURPLUS
        else tuple(Withdrawal)
    )
    r = bt_request(
        injection_option=option,
        withdrawal=withdrawal,
        pracc_sout_kva=D(0) if withdrawal is Withdrawal.NONE else D(rng.choice((20, 50, 150))),
        pracc_inj_kva=D(rng.choice((40, 100, 200))),
        installed_power_kva=D(250),
        storage=rng.random() < 0.5,
        beneficiary=rng.choice(tuple(BeneficiaryKind)),
        metering_location=rng.choice(tuple(MeteringLocation)),
        cut_out_grouping=rng.choice((None, *CutOutGrouping)),
        rfg_scope=rng.choice((None, *RfgScope)),
        decoupling=rng.choice((None, *DecouplingKind)),
        certificates_supplied=rng.random() < 0.5,
        requester_signs_by_delegation=rng.random() < 0.5,
    )
    s = StudyFacts(
        s3renr=rng.choice((None, False, True)),
        mobile_coverage=rng.choice((None, False, True)),
        source_works=rng.random() < 0.5,
        anticipated_connection_offered=rng.choice((None, False, True)),
        tariff_signal_filter_needed=rng.choice((None, False, True)),
        harmonics_filter_needed=rng.choice((None, False, True)),
        meter_telecom_needed=rng.random() < 0.5,
        study_resumed=rng.random() < 0.5,
        dso_signs_by_delegation=rng.random() < 0.5,
    )
    return r, s


def test_remembered_fixed_decisions_equal_deciding_them_again() -> None:
    rng = random.Random(5)
    for _ in range(300):
        r, s = _random_plan_inputs(rng)
        for document in DocumentKind:
            for cluster in variants._CLUSTERS:
                cluster.memo.clear()
            fresh = document_plan(request=r, study=s, document=document, params=P)
            again = document_plan(request=r, study=s, document=document, params=P)
            assert again == fresh and list(again.chosen) == list(fresh.chosen)


def test_clustered_decisions_equal_the_sequential_decisions_of_every_group() -> None:
    # With a confirmation, document_plan decides every group in sequence on one planner;
    # without, from the clusters remembered across dossiers. Confirming §3.3 with its default
    # block changes that decision only: every other group must be decided the same way.
    rng = random.Random(9)
    for cluster in variants._CLUSTERS:
        cluster.memo.clear()
    for n in range(400):
        r, s = _random_plan_inputs(rng)
        for document in DocumentKind:
            clustered = document_plan(request=r, study=s, document=document, params=P)
            same = Confirmation("3.3", clustered.decision("3.3").block_id, "test")
            sequential = document_plan(
                request=r, study=s, document=document, params=P, confirmations=[same]
            )
            assert clustered.chosen == sequential.chosen, n
            for ours, theirs in zip(clustered.decisions, sequential.decisions, strict=True):
                if ours.group == "3.3":  # confirmed there: same block, inputs and default rule
                    assert (theirs.block_id, theirs.inputs) == (ours.block_id, ours.inputs), n
                    assert theirs.rule.startswith(ours.rule + " Choix confirmé"), n
                    assert (theirs.confirmed_by, ours.confirmed_by) == ("test", None), n
                    continue
                assert ours == theirs, (n, ours, theirs)
    # The clusters were shared: each holds far fewer entries than the 800 plans made.
    assert max(len(c.memo) for c in variants._CLUSTERS) < 200


def test_voltage_fast_chain_matches_checked_chain() -> None:
    import numpy as np

    from raccord.rules import voltage as v
    from tests.rules.feeders import random_study

    rng = np.random.default_rng(11)
    fast_used = 0
    for _ in range(300):
        study = random_study(rng)
        fast = v._chain_fast(P, study)  # None: a zero figure, left to the checked path
        if fast is not None:
            fast_used += 1
            assert fast == v._chain_checked(P, study)
        assert v._chain(P, study) == v._chain_checked(P, study)
    assert fast_used > 200


def test_memos_start_afresh_while_other_threads_add_snapshots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A web server evaluates dossiers in several threads: when the memo budget is spent, the
    # reset walks every snapshot while other threads add snapshots (new dates) and entries.
    import sys
    import threading
    from datetime import timedelta

    from raccord.rules.consequences import technical_consequences
    from raccord.rules.inputs import StudyFacts

    monkeypatch.setattr(technical_values, "MEMO_BUDGET", 3)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    failures: list[BaseException] = []
    stop = threading.Event()

    def work(seed: int) -> None:
        rng = random.Random(seed)
        request, study = bt_request(), StudyFacts()
        while not stop.is_set():
            on = date(2018, 1, 1) + timedelta(days=rng.randrange(3000))
            try:
                technical_consequences(
                    request=replace(request, reference_date=on), study=study, params=P
                )
            except RulesError:
                pass
            except BaseException as error:
                failures.append(error)
                stop.set()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    try:
        for thread in threads:
            thread.start()
        stop.wait(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        sys.setswitchinterval(interval)
    assert not failures, failures


def test_snapshots_of_equal_values_share_one_memo_and_others_do_not() -> None:
    # What the rules remember depends on the technical values only, never on the date: two
    # dates of one parameter period share a memo; a date where a value changed (the accepted
    # certificate standards, from 2025) has its own.
    first = technical_values.technical_values(P, on=date(2024, 3, 1))
    same = technical_values.technical_values(P, on=date(2024, 9, 30))
    changed = technical_values.technical_values(P, on=date(2025, 3, 1))
    assert first is not same and first.on != same.on
    assert first.memo is same.memo
    assert changed.memo is not first.memo
    assert changed.accepted_certificate_standards != first.accepted_certificate_standards
