"""Path, orientation, bad input, §3.1 export limitation and §3.3 connection works."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raccord.rules.classification import (
    Path,
    Route,
    classify_request,
    connection_works,
    export_limitation,
    orientation_route,
)
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    InjectionOption,
    Phases,
    PowerBucket,
    ServiceType,
    Usage,
    Withdrawal,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.parameters import Parameter, ParameterSet
from tests.rules.plan_builders import bt_request, small_request

# -- Orientation (CACSI guide, « Demande de prestation ») ------------------------------------


@pytest.mark.parametrize("service", list(ServiceType))
def test_orientation_consumption_only_is_not_online(service: ServiceType) -> None:
    route = orientation_route(
        service_type=service, usage=Usage.CONSUMPTION_ONLY, bucket=PowerBucket.UP_TO_36
    )
    assert route.route is Route.NOT_ONLINE
    assert "consommation seule" in route.message


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        (PowerBucket.UP_TO_36, Route.CACSI_ELIGIBLE),
        (PowerBucket.FROM_36_TO_250, Route.BT_36_250),
        (PowerBucket.ABOVE_250, Route.NOT_ONLINE),
    ],
)
def test_orientation_routes_production_by_power_bucket(
    bucket: PowerBucket, expected: Route
) -> None:
    for usage in (Usage.PRODUCTION_ONLY, Usage.CONSUMPTION_AND_PRODUCTION):
        route = orientation_route(
            service_type=ServiceType.NEW_CONNECTION, usage=usage, bucket=bucket
        )
        assert route.route is expected
        assert route.message


def test_orientation_above_250_kva_says_hta() -> None:
    route = orientation_route(
        service_type=ServiceType.POWER_INCREASE,
        usage=Usage.PRODUCTION_ONLY,
        bucket=PowerBucket.ABOVE_250,
    )
    assert "HTA" in route.message and "augmentation de puissance" in route.message


# -- Classification ----------------------------------------------------------------------------


def test_cacsi_when_nothing_injected_and_at_most_36_kva() -> None:
    c = classify_request(request=small_request(installed_power_kva=D("36")), params=P)
    assert c.path is Path.CACSI
    assert "CACSI" in c.reason


def test_self_consumption_above_36_kva_is_not_online() -> None:
    r = small_request(installed_power_kva=D("36.01"), phases=Phases.THREE)
    c = classify_request(request=r, params=P)
    assert c.path is Path.NOT_ONLINE


def test_small_producer_with_injection_up_to_36_kva() -> None:
    r = small_request(injection_option=InjectionOption.SURPLUS, pracc_inj_kva=D("6"))
    c = classify_request(request=r, params=P)
    assert c.path is Path.SMALL_PRODUCER
    assert "petit producteur" in c.reason


@pytest.mark.parametrize(
    ("pracc", "path"),
    [
        (D("36"), Path.SMALL_PRODUCER),
        (D("36.1"), Path.BT_36_250),
        (D("250"), Path.BT_36_250),
        (D("250.1"), Path.NOT_ONLINE),
    ],
)
def test_avenant_title_36_to_250_kva_boundaries(pracc: D, path: Path) -> None:
    r = bt_request(installed_power_kva=D("300"), pracc_inj_kva=pracc)
    assert classify_request(request=r, params=P).path is path


def test_consumption_only_is_not_a_production_request() -> None:
    r = bt_request(usage=Usage.CONSUMPTION_ONLY, installed_power_kva=D("0"), pracc_inj_kva=D("0"))
    c = classify_request(request=r, params=P)
    assert c.path is Path.NOT_ONLINE
    assert "production" in c.reason
    assert c.field == "usage"


def test_withdrawal_above_250_kva_leaves_bt() -> None:
    r = bt_request(withdrawal=Withdrawal.NEW, pracc_sout_kva=D("300"))
    assert classify_request(request=r, params=P).path is Path.NOT_ONLINE


def test_thresholds_come_from_parameters() -> None:
    lowered = ParameterSet(
        tuple(
            p
            if p.key != "threshold.bt_max_kva"
            else Parameter(p.key, D("90"), p.valid_from, "test")
            for p in P.parameters
        )
    )
    r = bt_request()
    assert classify_request(request=r, params=P).path is Path.BT_36_250
    assert classify_request(request=r, params=lowered).path is Path.NOT_ONLINE


# -- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"installed_power_kva": D("-1")}, "installed_power_kva"),
        ({"pracc_inj_kva": D("-5")}, "pracc_inj_kva"),
        ({"pracc_inj_kva": D("120"), "installed_power_kva": D("100")}, "pracc_inj_kva"),
        ({"withdrawal": Withdrawal.NEW, "pracc_sout_kva": D("-1")}, "pracc_sout_kva"),
        ({"pracc_sout_kva": D("10")}, "pracc_sout_kva"),
        ({"withdrawal": Withdrawal.NEW}, "pracc_sout_kva"),
        ({"injection_option": InjectionOption.SURPLUS}, "withdrawal"),
        ({"injection_option": InjectionOption.NONE}, "pracc_inj_kva"),
        ({"pracc_inj_kva": D("0"), "installed_power_kva": D("100")}, "pracc_inj_kva"),
        ({"phase_powers_kva": (D("30"), D("30"), D("30"))}, "phase_powers_kva"),
        ({"phase_powers_kva": (D("50"), D("50"))}, "phase_powers_kva"),
        ({"phases": Phases.SINGLE, "phase_powers_kva": (D("50"), D("50"))}, "phase_powers_kva"),
        ({"phase_powers_kva": (D("-1"), D("51"), D("50"))}, "phase_powers_kva"),
        ({"declared_bucket": PowerBucket.UP_TO_36}, "pracc_inj_kva"),
        ({"inverter_unit_kva": D("0")}, "inverter_unit_kva"),
        ({"installed_power_kva": D("NaN")}, "installed_power_kva"),
    ],
)
def test_impossible_input_raises_rules_error_in_french(overrides: dict, field: str) -> None:
    with pytest.raises(RulesError) as caught:
        classify_request(request=bt_request(**overrides), params=P)
    assert caught.value.field == field
    assert caught.value.message[0].isupper()


def test_power_above_the_declared_36_250_bucket_is_refused() -> None:
    r = bt_request(
        installed_power_kva=D("260"),
        pracc_inj_kva=D("260"),
        declared_bucket=PowerBucket.FROM_36_TO_250,
    )
    with pytest.raises(RulesError, match="limite du parcours"):
        classify_request(request=r, params=P)


def test_cacsi_above_the_declared_36_bucket_is_refused() -> None:
    r = small_request(installed_power_kva=D("40"), declared_bucket=PowerBucket.UP_TO_36)
    with pytest.raises(RulesError) as caught:
        classify_request(request=r, params=P)
    assert caught.value.field == "installed_power_kva"


def test_date_outside_every_parameter_period_is_refused() -> None:
    with pytest.raises(RulesError) as caught:
        classify_request(request=bt_request(reference_date=date(2010, 1, 1)), params=P)
    assert "en vigueur" in caught.value.message


def test_three_phase_split_within_tolerance_and_cacsi_zeros_are_accepted() -> None:
    ok = bt_request(phase_powers_kva=(D("33.33"), D("33.33"), D("33.33")))
    assert classify_request(request=ok, params=P).path is Path.BT_36_250
    zeros = bt_request(phase_powers_kva=(D("0"), D("0"), D("0")))
    assert classify_request(request=zeros, params=P).path is Path.BT_36_250


def test_single_phase_with_its_one_phase() -> None:
    r = small_request(phase_powers_kva=(D("6"),))
    assert classify_request(request=r, params=P).path is Path.CACSI


@given(
    installed=st.decimals(min_value=D("0.1"), max_value=D("400"), places=1),
    share=st.decimals(min_value=D("0.01"), max_value=D("1"), places=2),
)
def test_any_valid_injection_gets_a_path_consistent_with_thresholds(installed: D, share: D) -> None:
    pracc = max(D("0.1"), (installed * share).quantize(D("0.1")))
    pracc = min(pracc, installed)
    c = classify_request(
        request=bt_request(installed_power_kva=installed, pracc_inj_kva=pracc), params=P
    )
    if pracc <= 36:
        assert c.path is Path.SMALL_PRODUCER
    elif pracc <= 250:
        assert c.path is Path.BT_36_250
    else:
        assert c.path is Path.NOT_ONLINE


@given(
    installed=st.decimals(min_value=D("1"), max_value=D("250"), places=2),
    excess=st.decimals(min_value=D("0.01"), max_value=D("100"), places=2),
)
def test_pracc_inj_above_installed_power_is_always_refused(installed: D, excess: D) -> None:
    r = bt_request(installed_power_kva=installed, pracc_inj_kva=installed + excess)
    with pytest.raises(RulesError) as caught:
        classify_request(request=r, params=P)
    assert caught.value.field == "pracc_inj_kva"


# -- §3.3 and §3.1 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inj", "withdrawal", "sout", "extension", "variant", "confirm"),
    [
        (D("100"), Withdrawal.NONE, D("0"), None, 1, True),
        (D("100"), Withdrawal.NONE, D("0"), False, 1, False),
        (D("100"), Withdrawal.NONE, D("0"), True, 2, False),
        (D("119.9"), Withdrawal.NONE, D("0"), None, 1, True),
        (D("120"), Withdrawal.NONE, D("0"), None, 3, False),
        (D("60"), Withdrawal.NEW, D("150"), False, 3, False),
        (D("60"), Withdrawal.EXISTING, D("150"), False, 1, False),
    ],
)
def test_avenant_3_3_branch_extension_variants(
    inj: D, withdrawal: Withdrawal, sout: D, extension: bool | None, variant: int, confirm: bool
) -> None:
    r = bt_request(
        installed_power_kva=D("200"), pracc_inj_kva=inj, withdrawal=withdrawal, pracc_sout_kva=sout
    )
    works = connection_works(request=r, extension_needed=extension, params=P)
    assert works.variant == variant
    assert works.needs_confirmation is confirm
    assert "§ 3.3" in works.reason


def test_avenant_3_1_dynamic_limitation_when_installed_above_pracc_inj() -> None:
    lim = export_limitation(
        request=bt_request(installed_power_kva=D("150"), pracc_inj_kva=D("100")), params=P
    )
    assert lim.required
    assert lim.max_apparent_kva == D("105.00")
    assert lim.window_seconds == 60
    assert "5 %" in lim.reason


def test_avenant_3_1_no_limitation_when_installed_equals_pracc_inj() -> None:
    lim = export_limitation(request=bt_request(), params=P)
    assert not lim.required


def test_avenant_3_1_not_applicable_without_injection() -> None:
    assert not export_limitation(request=small_request(), params=P).required


def test_technical_parameters_are_sourced_labelled_and_do_not_overlap() -> None:
    from raccord.rules.defaults_technical import TECHNICAL_PARAMETERS

    assert not ParameterSet(TECHNICAL_PARAMETERS).overlaps()
    for p in TECHNICAL_PARAMETERS:
        assert p.source and p.label, p.key
    consuel = [p for p in TECHNICAL_PARAMETERS if p.valid_from >= date(2025, 1, 1)]
    assert consuel and all("non vérifié" in p.source for p in consuel)


# -- French texts written when first read (technical_values.lazy_text) -------------------------


def test_reasons_are_the_french_texts_of_each_rule() -> None:
    from raccord.rules.consequences import technical_consequences
    from raccord.rules.inputs import StudyFacts

    r = bt_request(
        installed_power_kva=D("150.5"),
        pracc_inj_kva=D("100.0"),
        withdrawal=Withdrawal.NEW,
        pracc_sout_kva=D("130"),
    )
    c = technical_consequences(request=r, study=StudyFacts(), params=P)
    assert c.export_limitation and c.works and c.reactive and c.harmonics
    assert c.classification.reason == (
        "Injection (injection totale) de 100,0 kVA, entre 36 kVA et 250 kVA en basse tension : "
        "Convention de Raccordement Directe et, si le demandeur réalise une partie des travaux, "
        "Avenant L342-6."
    )
    assert c.export_limitation.reason == (
        "Puissance installée (150,5 kVA) supérieure à la Pracc_inj (100,0 kVA) : bridage "
        "dynamique obligatoire, la puissance apparente injectée ne dépasse pas la Pracc_inj de "
        "plus de 5 % en moyenne sur 60 s glissantes (§ 3.1)."
    )
    assert c.works.reason == (
        "Puissance de raccordement de 130 kVA, au moins 120 kVA : extension de réseau "
        "nécessaire (§ 3.3 variante 3)."
    )
    assert c.harmonics.reason == "217,228 A par phase, au moins 75 A : CEI 61000-3-4."
    early = technical_consequences(
        request=bt_request(reference_date=date(2023, 1, 10)), study=StudyFacts(), params=P
    )
    assert early.reactive and early.reactive.reason == (
        "Consigne dérogatoire tan φ = 0 (demande qualifiée avant le 01/02/2023) ; contrôle "
        "au-delà de 0,2 x Pracc_inj : réactif absorbé entre 0 et 0,1 x P (§ 3.2 variante 2)."
    )
    rotating = technical_consequences(
        request=bt_request(rotating_machines=True, rotating_tan_phi=D("0.30"), has_inverters=False),
        study=StudyFacts(),
        params=P,
    )
    assert rotating.reactive and rotating.reactive.reason == (
        "Machines tournantes : absorption de 0,3 x P (tan φ ± 0,05) au-delà de 0,2 x Pracc_inj "
        "(§ 3.2 variante 3, contrainte technique à confirmer par le gestionnaire de réseau)."
    )
    assert classify_request(request=small_request(), params=P).reason == (
        "Autoconsommation totale sans injection, installation de 6 kVA (au plus 36 kVA) : "
        "convention d'autoconsommation sans injection (CACSI)."
    )
    hta = bt_request(installed_power_kva=D("300"), pracc_inj_kva=D("300"))
    assert classify_request(request=hta, params=P).reason == (
        "Injection de 300 kVA, au-delà de 250 kVA : raccordement en HTA, non traité en ligne."
    )


def test_a_reason_written_on_first_read_behaves_as_a_plain_field() -> None:
    import dataclasses
    import pickle

    from raccord.rules.classification import Classification

    def fresh() -> Classification:
        # A request object not seen before: its classification's reason is not written yet.
        return classify_request(request=bt_request(pracc_inj_kva=D("99")), params=P)

    text = fresh().reason
    eager = Classification(Path.BT_36_250, text, D("99"), "pracc_inj_kva")
    assert [f.name for f in dataclasses.fields(Classification)] == [
        "path",
        "reason",
        "power_kva",
        "field",
    ]
    assert fresh() == eager and hash(fresh()) == hash(eager)
    assert repr(fresh()) == repr(eager) and text in repr(fresh())
    assert dataclasses.asdict(fresh()) == dataclasses.asdict(eager)
    assert dataclasses.replace(fresh(), field="x").reason == text
    assert pickle.loads(pickle.dumps(fresh())) == eager  # noqa: S301 - our own bytes
    assert pickle.loads(pickle.dumps(fresh())).reason == text  # noqa: S301
    c = fresh()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.reason = "autre"  # type: ignore[misc]
    assert c.reason == text and c.reason is c.reason  # written once, then kept
