"""Document plan of the Avenant L342-6 / CRD model: every block, exclusive groups, rules."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    BeneficiaryKind,
    BreakingDevice,
    Confirmation,
    ConnectionRequest,
    CutOutGrouping,
    DecouplingKind,
    InjectionOption,
    L342Timing,
    MeteringLocation,
    RfgScope,
    S3renrCase,
    ServiceType,
    StudyFacts,
    Withdrawal,
)
from raccord.rules.parameters import DEFAULT_PARAMETERS as P
from raccord.rules.variants import (
    BLOCKS_BY_ID,
    CATALOGUE,
    GROUPS,
    DocumentKind,
    DocumentPlan,
    catalogue_markdown,
    document_plan,
)
from tests.rules.plan_builders import bt_request, small_request

AVENANT, CRD = DocumentKind.AVENANT, DocumentKind.CRD
DOC = Path(__file__).resolve().parents[2] / "docs" / "rules" / "document-plan.md"


def plan(
    request: ConnectionRequest | None = None,
    study: StudyFacts | None = None,
    document: DocumentKind = AVENANT,
    confirmations: tuple[Confirmation, ...] = (),
) -> DocumentPlan:
    return document_plan(
        request=request or bt_request(),
        study=study or StudyFacts(),
        document=document,
        params=P,
        confirmations=confirmations,
    )


def assert_consistent(p: DocumentPlan) -> None:
    """One decision per group; exclusive groups; parents chosen; required groups filled."""
    assert [d.group for d in p.decisions] == list(GROUPS)
    per_group: dict[str, int] = {}
    for block_id in p.chosen:
        block = BLOCKS_BY_ID[block_id]
        per_group[block.group] = per_group.get(block.group, 0) + 1
        if block.parent is not None:
            assert block.parent in p.chosen, (block_id, block.parent)
        if block.avenant_only:
            assert p.document is AVENANT
    assert all(n == 1 for n in per_group.values()), per_group
    for d in p.decisions:
        group = GROUPS[d.group]
        assert d.block_id is None or d.block_id in group.blocks
        active = (group.parent is None or group.parent in p.chosen) and not (
            group.avenant_only and p.document is CRD
        )
        if group.required and active:
            assert d.block_id is not None, d.group
        assert d.rule


# -- Catalogue --------------------------------------------------------------------------------


def test_catalogue_ids_are_unique_and_groups_consistent() -> None:
    assert len(BLOCKS_BY_ID) == len(CATALOGUE)
    for group in GROUPS.values():
        assert group.blocks
        for block_id in group.blocks:
            assert BLOCKS_BY_ID[block_id].parent == group.parent
        if group.parent is not None:
            assert group.parent in BLOCKS_BY_ID


def test_catalogue_has_every_block_of_the_seed() -> None:
    expected = {
        "BENEF.PERSONNE", "BENEF.SOCIETE", "1.O", "2.1.V1", "2.1.V2",
        "3.1.V1", "3.1.V2", "3.1.V1.O1", "3.1.V1.O2", "3.1.V2.O1", "3.1.V2.O2",
        "3.2.V1", "3.2.V2", "3.2.V3", "3.3.V1", "3.3.V2", "3.3.V3",
        "4.O", "4.1.V1", "4.1.V2", "4.1.V3", "4.2.1.V1", "4.2.1.V2", "4.2.2.V1", "4.2.2.V2",
        "4.2.3.V1", "4.2.3.V2", "4.4.V1", "4.4.V2", "5.1.2.1.V1", "5.1.2.1.V2", "5.1.2.2.O",
        "5.2.V1", "5.2.V2", "5.3.V1", "5.3.V2", "5.3.V1.SV1", "5.3.V1.SV2", "5.3.V1.PO",
        "5.3.V2.SV1", "5.3.V2.SV2", "5.4.V1", "5.4.V2", "5.4.V1.PO", "5.5.O", "5.5.O.O",
        "6.O1", "6.O2", "6.O3", "6.V1", "6.V2", "6.V3", "6.V4",
        "7.1.V1", "7.2.1.V1", "7.2.1.V2", "7.2.2.O", "7.2.4.PO", "7.2.5.V", "7.3.O1", "7.3.O2",
        "8.DELEG.DEMANDEUR", "8.DELEG.ENEDIS",
    }  # fmt: skip
    subs = {f"6.V1.SV1.{i}" for i in range(1, 5)} | {f"6.V2.SV2.{i}" for i in range(1, 7)}
    subs |= {f"6.V{v}.SV{v}.{i}" for v in (3, 4) for i in range(1, 9)}
    cut_outs = {f"6.V2.SV2.{i}.O{o}" for i in (2, 4, 6) for o in (1, 2)}
    assert expected | subs | cut_outs <= set(BLOCKS_BY_ID)


def test_docs_table_is_generated_from_the_catalogue() -> None:
    assert catalogue_markdown() in DOC.read_text(encoding="utf-8")


# -- Matrix: every block chosen at least once, never two of one group --------------------------

SOUT = {
    Withdrawal.NONE: (D("0"),),
    Withdrawal.NEW: (D("20"), D("60"), D("150")),
    Withdrawal.EXISTING: (D("20"), D("60"), D("150")),
}


def power_cases() -> Iterator[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    for option, withdrawal, inj, loc, grouping, breaking in itertools.product(
        (InjectionOption.TOTAL, InjectionOption.SURPLUS),
        list(Withdrawal),
        (D("60"), D("150")),
        list(MeteringLocation),
        (None, *CutOutGrouping),
        (None, *BreakingDevice),
    ):
        if option is InjectionOption.SURPLUS and withdrawal is Withdrawal.NONE:
            continue
        for sout in SOUT[withdrawal]:
            r = bt_request(
                installed_power_kva=D("200"),
                pracc_inj_kva=inj,
                injection_option=option,
                withdrawal=withdrawal,
                pracc_sout_kva=sout,
                metering_location=loc,
                cut_out_grouping=grouping,
                breaking_device=breaking,
            )
            for extension in (None, False, True):
                yield AVENANT, r, StudyFacts(extension_needed=extension)


def party_cases() -> Iterator[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    for doc, storage, benef, timing, rfg, service, certificates, delegated in itertools.product(
        list(DocumentKind),
        (False, True),
        list(BeneficiaryKind),
        list(L342Timing),
        (None, *RfgScope),
        list(ServiceType),
        (True, False),
        (False, True),
    ):
        r = bt_request(
            storage=storage,
            beneficiary=benef,
            l342_6_timing=timing,
            rfg_scope=rfg,
            service_type=service,
            certificates_supplied=certificates,
            requester_signs_by_delegation=delegated,
        )
        yield doc, r, StudyFacts(dso_signs_by_delegation=delegated)


S3 = ((None, None), (False, None), (True, None), *((True, c) for c in S3renrCase))
SOURCE = ((False, None), (True, None), (True, False), (True, True))


def study_cases() -> Iterator[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    for (s3, case), (source, anticipated), resumed, private, telecom, mobile in itertools.product(
        S3, SOURCE, (False, True), (None, False, True), (False, True), (None, False, True)
    ):
        study = StudyFacts(
            s3renr=s3,
            s3renr_case=case,
            source_works=source,
            anticipated_connection_offered=anticipated,
            study_resumed=resumed,
            private_works_needed=private,
            meter_telecom_needed=telecom,
            mobile_coverage=mobile,
        )
        yield AVENANT, bt_request(), study


REACTIVE = (
    {},
    {"reference_date": date(2023, 1, 15)},
    {"service_type": ServiceType.MODIFICATION, "keep_original_zero_setpoint": True},
    {"rotating_machines": True, "rotating_tan_phi": D("0.3"), "has_inverters": False},
)
DECOUPLING = (
    {},
    {"decoupling": DecouplingKind.B1_RELAYS},
    {"decoupling": DecouplingKind.SEPARATION_DEVICE, "certificate_standards": ("NF EN 50549-1",)},
    {"has_inverters": False},
)


def equipment_cases() -> Iterator[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    for reactive, decoupling, tariff, harmonics in itertools.product(
        REACTIVE, DECOUPLING, (None, False, True), (None, False, True)
    ):
        r = bt_request(**{**decoupling, **reactive})
        study = StudyFacts(tariff_signal_filter_needed=tariff, harmonics_filter_needed=harmonics)
        yield AVENANT, r, study


def all_cases() -> Iterator[tuple[DocumentKind, ConnectionRequest, StudyFacts]]:
    yield from power_cases()
    yield from party_cases()
    yield from study_cases()
    yield from equipment_cases()


def test_matrix_chooses_every_block_and_never_two_of_one_group() -> None:
    seen: set[str] = set()
    count = 0
    for doc, r, s in all_cases():
        p = plan(r, s, doc)
        assert_consistent(p)
        seen |= p.chosen
        count += 1
    assert count > 1000
    missing = set(BLOCKS_BY_ID) - seen
    assert not missing, sorted(missing)


@settings(max_examples=200, deadline=None)
@given(
    option=st.sampled_from([InjectionOption.TOTAL, InjectionOption.SURPLUS]),
    withdrawal=st.sampled_from([Withdrawal.NEW, Withdrawal.EXISTING]),
    inj=st.decimals(min_value=D("36.1"), max_value=D("250"), places=1),
    sout=st.decimals(min_value=D("0.1"), max_value=D("250"), places=1),
    loc=st.sampled_from(list(MeteringLocation)),
    doc=st.sampled_from(list(DocumentKind)),
    s3=st.sampled_from([None, False, True]),
)
def test_any_valid_bt_request_gets_a_consistent_plan(
    option: InjectionOption,
    withdrawal: Withdrawal,
    inj: D,
    sout: D,
    loc: MeteringLocation,
    doc: DocumentKind,
    s3: bool | None,
) -> None:
    r = bt_request(
        installed_power_kva=D("250"),
        pracc_inj_kva=inj,
        injection_option=option,
        withdrawal=withdrawal,
        pracc_sout_kva=sout,
        metering_location=loc,
    )
    p = plan(r, StudyFacts(s3renr=s3), doc)
    assert_consistent(p)
    assert p.includes("5.1.2.2.O") == any(
        p.includes(f"6.V{x[0]}.SV{x}")
        for x in ("2.3", "2.4", "2.5", "2.6", "3.2", "3.3", "3.4", "3.7", "3.8")
    )


# -- Targeted rules ------------------------------------------------------------------------------


def _sixth(inj: str, option: InjectionOption, w: Withdrawal, sout: str, loc: MeteringLocation):
    return bt_request(
        installed_power_kva=D("250"),
        pracc_inj_kva=D(inj),
        injection_option=option,
        withdrawal=w,
        pracc_sout_kva=D(sout),
        metering_location=loc,
    )


def test_avenant_6_variant_2_sub_2_3_includes_selectivity_paragraph() -> None:
    r = _sixth(
        "150", InjectionOption.TOTAL, Withdrawal.NEW, "60", MeteringLocation.PRIVATE_DOMAIN_LIMIT
    )
    p = plan(r)
    assert p.includes("6.V2") and p.includes("6.V2.SV2.3")
    assert p.includes("5.1.2.2.O")


def test_avenant_6_variant_2_sub_2_4_option_ecp3d_grouping() -> None:
    r = replace(
        _sixth(
            "100", InjectionOption.TOTAL, Withdrawal.NEW, "150", MeteringLocation.PRIVATE_PREMISES
        ),
        cut_out_grouping=CutOutGrouping.GROUPED_ECP3D,
    )
    p = plan(r)
    assert p.includes("6.V2.SV2.4.O1") and not p.includes("6.V2.SV2.4.O2")
    assert not p.decision("6.V2.SV2.4.O").needs_confirmation
    assert p.includes("5.1.2.2.O")


def test_avenant_6_variant_3_sub_3_1_omits_selectivity_paragraph() -> None:
    r = _sixth(
        "60",
        InjectionOption.TOTAL,
        Withdrawal.EXISTING,
        "60",
        MeteringLocation.PRIVATE_DOMAIN_LIMIT,
    )
    p = plan(r)
    assert p.includes("6.V3.SV3.1")
    assert not p.includes("5.1.2.2.O")


def test_avenant_6_variant_4_never_includes_selectivity_paragraph() -> None:
    for inj, sout, loc in itertools.product(("60", "150"), ("60", "150"), list(MeteringLocation)):
        p = plan(_sixth(inj, InjectionOption.SURPLUS, Withdrawal.EXISTING, sout, loc))
        assert p.includes("6.V4") and not p.includes("5.1.2.2.O")


def test_avenant_3_1_variant_2_option_2_existing_withdrawal() -> None:
    r = _sixth(
        "60",
        InjectionOption.SURPLUS,
        Withdrawal.EXISTING,
        "60",
        MeteringLocation.PRIVATE_DOMAIN_LIMIT,
    )
    p = plan(r)
    assert p.includes("3.1.V2") and p.includes("3.1.V2.O2")
    assert p.decision("3.1.V1.O").block_id is None
    assert ("withdrawal", Withdrawal.EXISTING) in p.decision("3.1.V2.O").inputs


def test_avenant_3_3_variant_2_extension_from_study() -> None:
    p = plan(study=StudyFacts(extension_needed=True))
    d = p.decision("3.3")
    assert d.block_id == "3.3.V2" and not d.needs_confirmation
    assert ("extension_needed", True) in d.inputs


def test_avenant_3_3_branch_only_by_default_needs_confirmation() -> None:
    d = plan().decision("3.3")
    assert d.block_id == "3.3.V1" and d.needs_confirmation


def test_avenant_4_s3renr_option_drives_4_1_4_2_7_2_1_and_7_2_2() -> None:
    with_s3 = plan(study=StudyFacts(s3renr=True, s3renr_case=S3renrCase.OTHER_REGION))
    for block in ("4.O", "4.1.V2", "4.2.1.V1", "4.2.2.V1", "4.2.3.V1", "7.2.1.V1", "7.2.2.O"):
        assert with_s3.includes(block), block
    without = plan(study=StudyFacts(s3renr=False))
    for block in ("4.2.1.V2", "4.2.2.V2", "4.2.3.V2", "7.2.1.V2"):
        assert without.includes(block), block
    assert not without.includes("4.O") and not without.includes("7.2.2.O")
    assert without.decision("4.1").block_id is None
    assert not without.decision("4.O").needs_confirmation
    assert plan().decision("4.O").needs_confirmation


def test_avenant_4_1_variant_1_by_default_needs_confirmation() -> None:
    d = plan(study=StudyFacts(s3renr=True)).decision("4.1")
    assert d.block_id == "4.1.V1" and d.needs_confirmation


def test_avenant_5_3_rfg_sub_variants() -> None:
    assert plan().includes("5.3.V1.SV1")
    modified = plan(bt_request(service_type=ServiceType.POWER_INCREASE))
    assert modified.includes("5.3.V1.SV2")
    assert modified.decision("5.3.V1.SV").needs_confirmation
    storage = plan(bt_request(rfg_scope=RfgScope.NOT_SUBJECT, storage=True))
    assert storage.includes("5.3.V2.SV1") and storage.includes("TITRE.INJ_SOUT")
    other = plan(bt_request(rfg_scope=RfgScope.NOT_SUBJECT))
    assert other.includes("5.3.V2.SV2")
    assert plan(bt_request(certificates_supplied=False)).includes("5.3.V1.PO")
    assert not plan(
        bt_request(certificates_supplied=False, rfg_scope=RfgScope.NOT_SUBJECT)
    ).includes("5.3.V1.PO")


def test_avenant_5_4_inverter_paragraph_only_with_inverters_and_no_filter() -> None:
    p = plan()
    assert p.includes("5.4.V1.PO")
    assert ("harmonics_standard", "CEI 61000-3-4") in p.decision("5.4.V1.PO").inputs
    assert not plan(bt_request(has_inverters=False)).includes("5.4.V1.PO")
    filtered = plan(study=StudyFacts(harmonics_filter_needed=True))
    assert filtered.includes("5.4.V2") and not filtered.includes("5.4.V1.PO")


def test_avenant_5_5_telecom_option_and_wired_sub_option() -> None:
    assert plan().includes("5.5.O") and not plan().includes("5.5.O.O")
    assert plan(study=StudyFacts(mobile_coverage=False)).includes("5.5.O.O")
    assert not plan(study=StudyFacts(meter_telecom_needed=False, mobile_coverage=False)).includes(
        "5.5.O.O"
    )


def test_avenant_7_3_option_2_and_synthesis_mention_for_anticipated_connection() -> None:
    p = plan(study=StudyFacts(source_works=True, anticipated_connection_offered=True))
    assert p.includes("7.3.O2") and p.includes("1.O")
    q = plan(study=StudyFacts(source_works=True))
    assert q.includes("7.3.O1") and q.decision("7.3").needs_confirmation
    assert not plan(study=StudyFacts(anticipated_connection_offered=True)).includes("7.3.O2")


def test_avenant_7_2_5_local_authority_variant() -> None:
    p = plan(bt_request(beneficiary=BeneficiaryKind.LOCAL_AUTHORITY))
    assert p.includes("7.2.5.V") and p.includes("BENEF.SOCIETE")
    assert p.decision("BENEF").needs_confirmation
    assert plan(bt_request(beneficiary=BeneficiaryKind.PERSON)).includes("BENEF.PERSONNE")


def test_avenant_2_1_variants_and_7_2_4_only_in_the_avenant() -> None:
    after = plan(bt_request(l342_6_timing=L342Timing.AFTER_REQUEST))
    assert after.includes("2.1.V1") and after.includes("7.2.4.PO")
    crd = plan(document=CRD)
    assert not any(BLOCKS_BY_ID[b].avenant_only for b in crd.chosen)
    assert "Avenant" in crd.decision("2.1").rule
    assert crd.decision("7.2.4.PO").block_id is None


def test_avenant_8_delegation_lines() -> None:
    p = plan(
        bt_request(requester_signs_by_delegation=True), StudyFacts(dso_signs_by_delegation=True)
    )
    assert p.includes("8.DELEG.DEMANDEUR") and p.includes("8.DELEG.ENEDIS")
    assert not plan().includes("8.DELEG.ENEDIS")


# -- Confirmations ---------------------------------------------------------------------------


def test_confirmation_overrides_default_and_is_recorded() -> None:
    p = plan(confirmations=(Confirmation("3.3", "3.3.V2", "agent AREPROD"),))
    d = p.decision("3.3")
    assert d.block_id == "3.3.V2"
    assert d.confirmed_by == "agent AREPROD" and not d.needs_confirmation
    assert "confirmé par une personne" in d.rule and "3.3.V1" in d.rule


def test_confirming_s3renr_drives_its_dependent_blocks() -> None:
    p = plan(confirmations=(Confirmation("4.O", "4.O", "agent"),))
    assert p.includes("4.1.V1") and p.includes("7.2.2.O") and p.includes("4.2.1.V1")


def test_confirming_another_section_6_variant_recomputes_its_sub_variant() -> None:
    r = _sixth(
        "150", InjectionOption.TOTAL, Withdrawal.EXISTING, "20", MeteringLocation.PRIVATE_PREMISES
    )
    p0 = plan(r)
    assert p0.includes("6.V1.SV1.4") and p0.decision("6.V").needs_confirmation
    p = plan(r, confirmations=(Confirmation("6.V", "6.V3", "agent"),))
    assert p.includes("6.V3.SV3.6") and not p.includes("6.V1")
    assert_consistent(p)


def test_confirmed_section_6_variant_keeps_the_declared_cut_out_grouping() -> None:
    r = replace(
        _sixth(
            "100", InjectionOption.SURPLUS, Withdrawal.NEW, "60", MeteringLocation.PRIVATE_PREMISES
        ),
        cut_out_grouping=CutOutGrouping.GROUPED_ECP3D,
    )
    p = plan(r, confirmations=(Confirmation("6.V", "6.V2", "agent"),))
    assert p.includes("6.V2.SV2.2") and p.includes("6.V2.SV2.2.O1")


def test_confirmation_of_an_inactive_group_is_ignored() -> None:
    p = plan(confirmations=(Confirmation("4.1", "4.1.V3", "agent"),))
    assert p.decision("4.1").block_id is None


@pytest.mark.parametrize(
    "confirmation",
    [
        Confirmation("9.9", "9.9.V1", "x"),
        Confirmation("3.1", "3.1.V2", "x"),  # follows from the request
        Confirmation("3.3", None, "x"),  # required group
        Confirmation("3.3", "3.2.V1", "x"),  # block of another group
    ],
)
def test_bad_confirmations_are_refused(confirmation: Confirmation) -> None:
    with pytest.raises(RulesError) as caught:
        plan(confirmations=(confirmation,))
    assert caught.value.field == "confirmations"


def test_twice_confirmed_group_is_refused() -> None:
    c = Confirmation("3.3", "3.3.V2", "x")
    with pytest.raises(RulesError):
        plan(confirmations=(c, c))


def test_plan_outside_the_bt_path_is_refused() -> None:
    with pytest.raises(RulesError) as cacsi:
        plan(small_request())
    assert cacsi.value.field == "installed_power_kva" and "CACSI" in cacsi.value.message
    with pytest.raises(RulesError) as hta:
        plan(bt_request(installed_power_kva=D("300"), pracc_inj_kva=D("300")))
    assert hta.value.field == "pracc_inj_kva" and "HTA" in hta.value.message


def test_decisions_record_their_inputs() -> None:
    p = plan()
    assert ("power_kva", D("100")) in p.decision("3.3").inputs
    assert p.decision_for("6.V2.SV2.4").group == "6.V2.SV"
