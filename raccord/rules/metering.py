"""Meters and delivery point (Avenant §4.3 and §6).

* :func:`metering_plan`: §4.3.1 meters (ICE, ICE 4Q, PME/PMI 4Q) and the energies they count
  (P- actif produit, Q- réactif produit, Q+ réactif absorbé en production, P+ actif soutiré).
* :func:`delivery_point`: §6 breaking-device option (1 disjoncteur, 2 sectionneur-disjoncteur,
  3 disjoncteur débrochable), variant 1-4, sub-variant, the ECP3D / two cut-outs option of
  sub-variants 2.2, 2.4 and 2.6, and whether the §5.1.2.2 selectivity paragraph is kept.

§6 variants (seed titles), with ``S`` = ``threshold.small_withdrawal_kva`` (36 kVA):

1. new producer, total injection without withdrawal; surplus with a new withdrawal > S;
   total injection with a new withdrawal ≤ S;
2. total injection with a new withdrawal > S;
3. total injection with an existing withdrawal ≥ S;
4. surplus with an existing withdrawal ≥ S.

Three cases the seed does not name get the closest variant, 1 (one delivery point for the new
production), and need a person's confirmation: total injection with an existing withdrawal
< S, surplus with a new withdrawal ≤ S, surplus with an existing withdrawal < S.

Sub-variants: injection and withdrawal connection powers < or ≥ ``threshold.extension_kva``
(120 kVA), metering at the private-domain limit (odd number) or inside private premises (even).
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    BreakingDevice,
    ConnectionRequest,
    CutOutGrouping,
    InjectionOption,
    MeteringLocation,
    Withdrawal,
)
from raccord.rules.parameters import ParameterSet
from raccord.rules.technical_values import (
    TechnicalValues,
    remember,
    technical_values,
)

# Enum members read in the rules as module constants (reading a member through its class
# goes through the enum metaclass, several times slower).
_INJECTION_TOTAL = InjectionOption.TOTAL
_INJECTION_SURPLUS = InjectionOption.SURPLUS
_WITHDRAWAL_NONE = Withdrawal.NONE
_WITHDRAWAL_NEW = Withdrawal.NEW
_WITHDRAWAL_EXISTING = Withdrawal.EXISTING
_PRIVATE_PREMISES = MeteringLocation.PRIVATE_PREMISES
_GROUPED_ECP3D = CutOutGrouping.GROUPED_ECP3D

#: §5.1.2.2 « [Option correspondant aux variantes 2.3, 2.4, 2.5, 2.6, 3.2, 3.3, 3.4, 3.7, 3.8
#: du paragraphe 2.3.1] », the same list as the « ATTENTION : laisser le paragraphe 4.1.3.2 »
#: notes of §6 (model structure, not a regulatory value).
SELECTIVITY_SUB_VARIANTS = frozenset(
    {"2.3", "2.4", "2.5", "2.6", "3.2", "3.3", "3.4", "3.7", "3.8"}
)
#: Sub-variants offering « [Option 1] regroupement (ECP3D) / [Option 2] deux coupe-circuits ».
CUT_OUT_SUB_VARIANTS = frozenset({"2.2", "2.4", "2.6"})


@fast_init
@dataclass(frozen=True, slots=True)
class CountedEnergy:
    code: str
    label: str


#: §4.3.1 table « Énergie comptée / Libellé de l'énergie comptée ».
ACTIVE_PRODUCED = CountedEnergy("P-", "Actif produit")
REACTIVE_PRODUCED = CountedEnergy("Q-", "Réactif produit")
REACTIVE_ABSORBED = CountedEnergy("Q+", "Réactif absorbé en production")
ACTIVE_WITHDRAWN = CountedEnergy("P+", "Actif soutiré")


@fast_init
@dataclass(frozen=True, slots=True)
class MeterLine:
    """One line of the §4.3.1 table (owner: Enedis)."""

    meter_type: str
    energies: tuple[CountedEnergy, ...]
    point: str
    owner: str = "Enedis"


@fast_init
@dataclass(frozen=True, slots=True)
class MeteringPlan:
    meters: tuple[MeterLine, ...]
    four_quadrant: bool
    needs_confirmation: bool
    reason: str


@fast_init
@dataclass(frozen=True, slots=True)
class DeliveryPoint:
    """§6 decision. ``sub_variant`` is « 2.4 »-style; ``cut_out_option`` 1 or 2 (or None)."""

    breaking_option: int
    breaking_defaulted: bool
    variant: int
    sub_variant: str
    cut_out_option: int | None
    cut_out_defaulted: bool
    selectivity_paragraph: bool
    variant_needs_confirmation: bool
    big_inj: bool
    big_sout: bool
    private: bool
    reason: str


_BREAKING = {
    BreakingDevice.CIRCUIT_BREAKER: 1,
    BreakingDevice.SWITCH_DISCONNECTOR_BREAKER: 2,
    BreakingDevice.WITHDRAWABLE_BREAKER: 3,
}


# §6 cases: (variant, needs confirmation, description with « {s} » for small_withdrawal_kva).
_CASES = (
    (1, False, "injection en totalité sans besoin de soutirage"),
    (1, False, "injection en totalité et nouveau soutirage ≤ {s!s} kVA"),
    (2, False, "injection en totalité et nouveau soutirage > {s!s} kVA"),
    (3, False, "injection en totalité et soutirage existant ≥ {s!s} kVA"),
    (1, True, "injection en totalité et soutirage existant < {s!s} kVA (cas non prévu)"),
    (1, False, "injection en surplus et nouveau soutirage > {s!s} kVA"),
    (1, True, "injection en surplus et nouveau soutirage ≤ {s!s} kVA (cas non prévu)"),
    (4, False, "injection en surplus et soutirage existant ≥ {s!s} kVA"),
    (1, True, "injection en surplus et soutirage existant < {s!s} kVA (cas non prévu)"),
)


def _variant(r: ConnectionRequest, tv: TechnicalValues) -> tuple[int, bool, str]:
    variant, doubtful, text = _CASES[_case(r, tv)]
    return variant, doubtful, text.format(s=tv.small_withdrawal_kva)


def _case(r: ConnectionRequest, tv: TechnicalValues) -> int:
    """Index in :data:`_CASES` of the §6 case of ``r``."""
    s = tv.small_withdrawal_kva
    w, sout = r.withdrawal, r.pracc_sout_kva
    if r.injection_option is _INJECTION_TOTAL:
        if w is _WITHDRAWAL_NONE:
            return 0
        if w is _WITHDRAWAL_NEW:
            return 1 if sout <= s else 2
        return 3 if sout >= s else 4
    if r.injection_option is _INJECTION_SURPLUS:
        if w is _WITHDRAWAL_NEW:
            return 5 if sout > s else 6
        if w is _WITHDRAWAL_EXISTING:
            return 7 if sout >= s else 8
        raise RulesError(
            "withdrawal", "L'injection du surplus suppose un raccordement en soutirage."
        )
    raise RulesError(
        "injection_option",
        "Sans injection, il n'y a pas de Point De Livraison en injection à placer (§ 6).",
    )


def sub_variant_for(variant: int, *, big_inj: bool, big_sout: bool, private: bool) -> str:
    """Avenant §6 sub-variant (« 2.4 ») of ``variant`` for injection / withdrawal powers ≥ 120
    kVA (``big_inj`` / ``big_sout``) and metering inside private premises (``private``)."""
    if variant == 1:
        index = 3 if (big_inj or big_sout) else 1
    elif variant == 2:
        index = 5 if (big_inj and big_sout) else 3 if (big_inj or big_sout) else 1
    elif variant in (3, 4):
        index = 1 + 2 * big_sout + 4 * big_inj
    else:
        raise RulesError("variant", f"Variante {variant!s} inconnue au § 6 (1 à 4).")
    return f"{variant!s}.{index + private!s}"


def delivery_point(*, request: ConnectionRequest, params: ParameterSet) -> DeliveryPoint:
    """Avenant §6: breaking-device option, delivery-point variant and sub-variant, cut-out
    option (sub-variants 2.2/2.4/2.6) and the §5.1.2.2 selectivity paragraph."""
    r = request
    return delivery_point_with(r, technical_values(params, on=r.reference_date))


def delivery_point_with(r: ConnectionRequest, tv: TechnicalValues) -> DeliveryPoint:
    """Avenant §6 delivery point, parameters already resolved."""
    case = _case(r, tv)
    extension = tv.extension_kva
    big_inj = r.pracc_inj_kva >= extension
    big_sout = r.withdrawal is not _WITHDRAWAL_NONE and r.pracc_sout_kva >= extension
    private = r.metering_location is _PRIVATE_PREMISES
    # The case determines the variant and whether it is doubtful.
    key = ("delivery", case, big_inj, big_sout, private, r.cut_out_grouping, r.breaking_device)
    found = tv.memo.get(key)
    if isinstance(found, DeliveryPoint):
        return found
    variant, doubtful, case_text = _variant(r, tv)
    sub = sub_variant_for(variant, big_inj=big_inj, big_sout=big_sout, private=private)
    cut_out: int | None = None
    cut_out_defaulted = False
    if sub in CUT_OUT_SUB_VARIANTS:
        if r.cut_out_grouping is None:
            cut_out, cut_out_defaulted = 2, True
        else:
            cut_out = 1 if r.cut_out_grouping is _GROUPED_ECP3D else 2
    breaking = _BREAKING[r.breaking_device] if r.breaking_device is not None else 1
    where = "en domaine privé" if private else "en limite de domaine privé"
    point = DeliveryPoint(
        breaking,
        r.breaking_device is None,
        variant,
        sub,
        cut_out,
        cut_out_defaulted,
        sub in SELECTIVITY_SUB_VARIANTS,
        doubtful,
        big_inj,
        big_sout,
        private,
        f"Nouveau producteur, {case_text!s} : variante {variant!s} ; injection "
        f"{'≥' if big_inj else '<'!s} {tv.extension_kva!s} kVA, soutirage "
        f"{'≥' if big_sout else '<'!s} {tv.extension_kva!s} kVA, comptage {where!s} : "
        f"sous-variante {sub!s} (§ 6).",
    )
    remember(tv, key, point)
    return point


def metering_plan(
    *, request: ConnectionRequest, meter_type: str | None, params: ParameterSet
) -> MeteringPlan:
    """Avenant §4.3.1: meters at the delivery point(s) and the energies they count.

    ``meter_type`` is the DSO's choice among ``metering.meter_types``; ``None`` takes
    ``metering.default_meter_type`` (to be confirmed). A four-quadrant meter counts P-, Q-,
    Q+ and P+; a plain ICE counts P- and P+ only (the §3.2 reactive control then rests on a
    setting certificate). A separate new withdrawal point (§6 variant 2) gets its own line (P+).
    """
    r = request
    return metering_plan_with(r, technical_values(params, on=r.reference_date), meter_type)


def metering_plan_with(
    r: ConnectionRequest, tv: TechnicalValues, meter_type: str | None
) -> MeteringPlan:
    """Avenant §4.3.1 meters, parameters already resolved."""
    chosen = meter_type if meter_type is not None else tv.default_meter_type
    if chosen not in tv.meter_types:
        raise RulesError(
            "meter_type",
            f"Type de compteur « {chosen} » inconnu ; choisir parmi : {', '.join(tv.meter_types)}.",
        )
    separate_withdrawal = (
        r.injection_option is _INJECTION_TOTAL
        and r.withdrawal is _WITHDRAWAL_NEW
        and r.pracc_sout_kva > tv.small_withdrawal_kva
    )
    key = ("metering", chosen, meter_type is None, separate_withdrawal)
    found = tv.memo.get(key)
    if isinstance(found, MeteringPlan):
        return found
    four_q = chosen in tv.four_quadrant_meter_types
    energies = (
        (ACTIVE_PRODUCED, REACTIVE_PRODUCED, REACTIVE_ABSORBED, ACTIVE_WITHDRAWN)
        if four_q
        else (ACTIVE_PRODUCED, ACTIVE_WITHDRAWN)
    )
    meters = [MeterLine(chosen, energies, "injection")]
    if separate_withdrawal:
        meters.append(MeterLine(chosen, (ACTIVE_WITHDRAWN,), "soutirage"))
    codes = ", ".join(e.code for e in energies)
    plan = MeteringPlan(
        tuple(meters),
        four_q,
        meter_type is None,
        f"Compteur {chosen!s} au Point De Livraison d'injection, énergies comptées {codes!s}"
        + (" ; compteur du nouveau soutirage distinct (P+)" if separate_withdrawal else "")
        + (" ; type de compteur par défaut, à confirmer" if meter_type is None else "")
        + " (§ 4.3.1).",
    )
    remember(tv, key, plan)
    return plan
