"""Financial contribution of the Avenant L342-6 (§ 7.2), exact to the cent.

One rounding rule (see ``docs/rules/models.md``):

1. every amount given is in euros with at most two decimals (otherwise :class:`RulesError`);
2. the réfaction of each line is ``gross * rate`` rounded half-up to the cent, and the billed
   amount of the line is ``gross - réfaction`` (so each line is exact);
3. the S3REnR quote-part is ``Pracc_inj (MW) * quote-part (k€/MW) * 1000`` rounded half-up to
   the cent, then its réfaction as in 2;
4. total HT is the sum of the billed lines; TVA is ``total HT * VAT rate`` rounded half-up to the
   cent; TTC = HT + TVA;
5. the deposit is ``TTC * percentage / 100`` rounded half-up to the cent and the balance is
   TTC - deposit (a *collectivité locale* pays no deposit: the whole TTC at completion).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from raccord.rules._cache import DatedCache
from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.parameters import ParameterSet

CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_THOUSAND = Decimal(1000)
_ZERO_CENTS = Decimal("0.00")
NARROW_NBSP = "\u202f"
"""Thousands separator of :func:`format_eur` (espace fine insécable, CLDR ``fr``)."""
NBSP = "\u00a0"
"""Space between a number and its unit (espace insécable)."""


class CostCategory(StrEnum):
    """The rows of the table of § 7.2.1."""

    PRIVATE_DOMAIN = "travaux_domaine_prive"
    BRANCH = "branchement"
    BT_NETWORK = "reseau_bt"
    SUBSTATION = "poste_hta_bt"
    HTA_NETWORK = "reseau_hta"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def refaction_eligible(self) -> bool:
        """Works in the requester's private domain never get réfaction (§ 7.2.1, « Non »)."""
        return self is not CostCategory.PRIVATE_DOMAIN


_CATEGORY_LABELS = {
    CostCategory.PRIVATE_DOMAIN: "Travaux en domaine privé du Demandeur",
    CostCategory.BRANCH: "Branchement, y compris dispositif de comptage",
    CostCategory.BT_NETWORK: "Réseau BT",
    CostCategory.SUBSTATION: "Poste HTA/BT (création ou aménagement)",
    CostCategory.HTA_NETWORK: "Réseau HTA",
}
_PRIVATE_DOMAIN = CostCategory.PRIVATE_DOMAIN
_PRIVATE_DOMAIN_LABEL = _CATEGORY_LABELS[_PRIVATE_DOMAIN]


@fast_init
@dataclass(frozen=True, slots=True)
class CostLine:
    """One cost line before réfaction (€ HT). ``amount_ht`` ``None`` is refused."""

    category: CostCategory
    amount_ht: Decimal | None
    label: str = ""


@fast_init
@dataclass(frozen=True, slots=True)
class QuotePartRequest:
    """S3REnR quote-part (§ 7.2.2): region key and whether the installation is grouped."""

    region: str
    refaction_applies: bool
    grouped: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class ContributionRequest:
    """Everything § 7.2 needs.

    ``on`` is the reference date of the offer (selects VAT, réfaction and quote-part);
    ``refaction_power_kw`` the power compared with the réfaction threshold;
    ``pracc_inj_kva`` the injection connection power (quote-part and exemption);
    ``deposit_percent`` the share of TTC paid at signature (§ 7.2.5), ``None`` only for a
    *collectivité locale* (``local_authority=True``), which pays everything at completion;
    ``mandataire_lines`` the Travaux Mandataire from the requester's cheapest quote (§ 7.2.4).
    """

    on: date
    lines: tuple[CostLine, ...]
    refaction_power_kw: Decimal
    pracc_inj_kva: Decimal
    deposit_percent: Decimal | None
    local_authority: bool = False
    quote_part: QuotePartRequest | None = None
    mandataire_lines: tuple[CostLine, ...] = ()


@fast_init
@dataclass(frozen=True, slots=True)
class PricedLine:
    """A cost line after réfaction."""

    category: CostCategory
    label: str
    gross_ht: Decimal
    refaction_rate: Decimal
    refaction_ht: Decimal
    billed_ht: Decimal

    @property
    def refaction_applies(self) -> bool:
        return self.refaction_rate > 0


@fast_init
@dataclass(frozen=True, slots=True)
class QuotePart:
    """The S3REnR row of § 7.2.2 (``exempt`` when below the threshold and not grouped)."""

    region: str
    power_mw: Decimal
    keur_per_mw: Decimal
    exempt: bool
    gross_ht: Decimal
    refaction_rate: Decimal
    refaction_ht: Decimal
    billed_ht: Decimal


@fast_init
@dataclass(frozen=True, slots=True)
class MandataireRefaction:
    """§ 7.2.4: the réfaction paid to the requester for the Travaux Mandataire, capped.

    ``reference_offer_ht`` is the Offre de Raccordement de Référence (Travaux Enedis +
    Travaux Mandataire, gross); ``cap_ht`` the maximum réfaction paid to the requester.
    """

    lines: tuple[PricedLine, ...]
    works_ht: Decimal
    reference_offer_ht: Decimal
    cap_ht: Decimal


@fast_init
@dataclass(frozen=True, slots=True)
class Contribution:
    """§ 7.2.1 to § 7.2.5: lines, totals, deposit and balance (all € with two decimals)."""

    lines: tuple[PricedLine, ...]
    quote_part: QuotePart | None
    refaction_rate: Decimal
    total_ht: Decimal
    vat_rate: Decimal
    vat: Decimal
    total_ttc: Decimal
    deposit_percent: Decimal
    deposit_ttc: Decimal
    balance_ttc: Decimal
    local_authority: bool
    mandataire: MandataireRefaction | None


# The hot results are built as a mutable twin (same slots, same order) whose ``__class__`` is
# then set to the frozen class: plain slot stores instead of one descriptor call per field
# (``fast_init``), about three times as fast. The object is a genuine PricedLine/Contribution
# with every field set: equality, hash, repr, immutability and pickling are the dataclass's
# own. The twins take their slots from ``dataclasses.fields`` (a layout that differed would make
# the ``__class__`` assignment raise TypeError); their annotations are for mypy only.
class _PricedLineDraft:
    __slots__ = tuple(f.name for f in fields(PricedLine))
    category: CostCategory
    label: str
    gross_ht: Decimal
    refaction_rate: Decimal
    refaction_ht: Decimal
    billed_ht: Decimal


class _ContributionDraft:
    __slots__ = tuple(f.name for f in fields(Contribution))
    lines: tuple[PricedLine, ...]
    quote_part: QuotePart | None
    refaction_rate: Decimal
    total_ht: Decimal
    vat_rate: Decimal
    vat: Decimal
    total_ttc: Decimal
    deposit_percent: Decimal
    deposit_ttc: Decimal
    balance_ttc: Decimal
    local_authority: bool
    mandataire: MandataireRefaction | None


_new = object.__new__


def _priced_line(
    category: CostCategory,
    label: str,
    gross_ht: Decimal,
    refaction_rate: Decimal,
    refaction_ht: Decimal,
    billed_ht: Decimal,
) -> PricedLine:
    """``PricedLine(category, label, ...)``, built faster (see the twin classes above)."""
    line = _new(_PricedLineDraft)
    line.category = category
    line.label = label
    line.gross_ht = gross_ht
    line.refaction_rate = refaction_rate
    line.refaction_ht = refaction_ht
    line.billed_ht = billed_ht
    line.__class__ = PricedLine  # type: ignore[assignment]
    return line  # type: ignore[return-value]


def _contribution(
    lines: tuple[PricedLine, ...],
    quote_part: QuotePart | None,
    refaction_rate: Decimal,
    total_ht: Decimal,
    vat_rate: Decimal,
    vat: Decimal,
    total_ttc: Decimal,
    deposit_percent: Decimal,
    deposit_ttc: Decimal,
    balance_ttc: Decimal,
    local_authority: bool,
    mandataire: MandataireRefaction | None,
) -> Contribution:
    """``Contribution(lines, quote_part, ...)``, built faster (see the twin classes above)."""
    result = _new(_ContributionDraft)
    result.lines = lines
    result.quote_part = quote_part
    result.refaction_rate = refaction_rate
    result.total_ht = total_ht
    result.vat_rate = vat_rate
    result.vat = vat
    result.total_ttc = total_ttc
    result.deposit_percent = deposit_percent
    result.deposit_ttc = deposit_ttc
    result.balance_ttc = balance_ttc
    result.local_authority = local_authority
    result.mandataire = mandataire
    result.__class__ = Contribution  # type: ignore[assignment]
    return result  # type: ignore[return-value]


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: the single rounding rule of the Avenant § 7 amounts."""
    return value.quantize(CENT, ROUND_HALF_UP)  # positional: the keyword parse costs double


def refaction_rate(params: ParameterSet, *, on: date, power_kw: Decimal) -> Decimal:
    """Réfaction rate in force on ``on`` for an installation of ``power_kw`` (Avenant § 7.2.1).

    Rate up to the threshold (``refaction.power_threshold_kw``, inclusive) or above it, from the
    dated parameters (arrêtés of 30/11/2017 and 22/03/2022). Raises :class:`RulesError` for a
    negative power or a date no parameter period covers.
    """
    if power_kw < 0:
        raise RulesError("refaction_power_kw", "La puissance ne peut pas être négative.")
    threshold = params.decimal("refaction.power_threshold_kw", on=on)
    key = (
        "refaction.rate_up_to_threshold"
        if power_kw <= threshold
        else "refaction.rate_above_threshold"
    )
    rate = params.decimal(key, on=on)
    if not _ZERO <= rate <= _ONE:
        raise RulesError(key, "Le taux de réfaction doit être compris entre 0 et 100 %.")
    return rate


def _amount(line: CostLine, lines_field: str, index: int) -> Decimal:
    # The field name is only formatted for an error message.
    if line.amount_ht is None:
        raise RulesError(
            f"{lines_field}[{index}]",
            f"Le montant de la ligne « {line.category.label} » est manquant.",
        )
    amount = line.amount_ht
    if not amount.is_finite():
        raise RulesError(
            f"{lines_field}[{index}]",
            f"Le montant de la ligne « {line.category.label} » est invalide.",
        )
    if amount < 0:
        raise RulesError(
            f"{lines_field}[{index}]",
            f"Le montant de la ligne « {line.category.label} » ne peut pas être négatif.",
        )
    cents = amount.quantize(CENT)
    if amount != cents:
        raise RulesError(
            f"{lines_field}[{index}]",
            f"Le montant de la ligne « {line.category.label} » doit être exprimé au centime près.",
        )
    return cents


def _price(line: CostLine, rate: Decimal, field: str, index: int) -> PricedLine:
    gross = _amount(line, field, index)
    category = line.category
    line_rate = _ZERO if category is CostCategory.PRIVATE_DOMAIN else rate  # refaction_eligible
    refaction = (gross * line_rate).quantize(CENT, ROUND_HALF_UP)  # round_cents
    return _priced_line(
        category,
        line.label or _CATEGORY_LABELS[category],
        gross,
        line_rate,
        refaction,
        gross - refaction,
    )


def _price_all(
    lines: Sequence[CostLine], rate: Decimal, field: str
) -> tuple[tuple[PricedLine, ...], Decimal]:
    """The priced lines (as :func:`_price`, in order) and the sum of their billed amounts.

    The usual line (a finite, non-negative amount already to the cent) is priced inline: an
    amount that equals its value quantized to the cent and is not signed passes every check of
    :func:`_amount`, which would return that same quantized value. Any other line, and any
    arithmetic signal of the check, goes through :func:`_price`, which raises the error of
    :func:`_amount` (or prices the line: ``-0.00`` passes the checks but is signed).
    """
    priced: list[PricedLine] = []
    append = priced.append
    total = _ZERO_CENTS
    for line in lines:
        amount = line.amount_ht
        try:
            gross = amount.quantize(CENT)  # type: ignore[union-attr]
            usual = gross == amount and not gross.is_signed()
        except (AttributeError, ArithmeticError):
            usual = False
        if not usual:
            priced_line = _price(line, rate, field, len(priced))
        elif (category := line.category) is _PRIVATE_DOMAIN:
            # gross * 0 rounded is 0.00 and gross - 0.00 is gross itself (same digits).
            priced_line = _priced_line(
                category, line.label or _PRIVATE_DOMAIN_LABEL, gross, _ZERO, _ZERO_CENTS, gross
            )
        else:
            refaction = (gross * rate).quantize(CENT, ROUND_HALF_UP)
            priced_line = _priced_line(
                category,
                line.label or _CATEGORY_LABELS[category],
                gross,
                rate,
                refaction,
                gross - refaction,
            )
        append(priced_line)
        total += priced_line.billed_ht
    return tuple(priced), total


def price_lines(
    lines: Sequence[CostLine], *, rate: Decimal, field: str = "lines"
) -> tuple[PricedLine, ...]:
    """Apply the réfaction ``rate`` to each eligible line (Avenant § 7.2.1 table).

    Private-domain works are never reduced. Raises :class:`RulesError` on a missing, negative
    or sub-cent amount, or a rate outside 0 to 1.
    """
    if not _ZERO <= rate <= _ONE:
        raise RulesError(
            "refaction_rate", "Le taux de réfaction doit être compris entre 0 et 100 %."
        )
    return _price_all(lines, rate, field)[0]


def quote_part_compute(
    params: ParameterSet,
    *,
    on: date,
    request: QuotePartRequest,
    pracc_inj_kva: Decimal,
    rate: Decimal,
) -> QuotePart:
    """S3REnR quote-part (Avenant § 7.2.2): MW * k€/MW, with its réfaction rate.

    Below ``s3renr.exemption_below_kva`` (250 kVA) and not grouped, the installation is exempt
    (amount zero, row kept so the document can say so). The quote-part value is the parameter
    ``s3renr.quote_part_keur_per_mw.<region>`` in force on ``on``.
    """
    if pracc_inj_kva < 0:
        raise RulesError("pracc_inj_kva", "La puissance de raccordement ne peut pas être négative.")
    region = request.region.strip().lower()
    if not region:
        raise RulesError("quote_part.region", "La région du S3REnR est manquante.")
    keur_per_mw = params.decimal(f"s3renr.quote_part_keur_per_mw.{region}", on=on)
    if keur_per_mw < 0:
        raise RulesError("quote_part.region", "La quote-part S3REnR ne peut pas être négative.")
    threshold = params.decimal("s3renr.exemption_below_kva", on=on)
    power_mw = pracc_inj_kva / _THOUSAND
    exempt = pracc_inj_kva < threshold and not request.grouped
    gross = (
        _ZERO_CENTS
        if exempt
        else (power_mw * keur_per_mw * _THOUSAND).quantize(CENT, ROUND_HALF_UP)  # round_cents
    )
    applied = rate if request.refaction_applies and not exempt else _ZERO
    refaction = (gross * applied).quantize(CENT, ROUND_HALF_UP)  # round_cents
    return QuotePart(
        region, power_mw, keur_per_mw, exempt, gross, applied, refaction, gross - refaction
    )


def contribution_compute(params: ParameterSet, *, request: ContributionRequest) -> Contribution:
    """Financial contribution of the Avenant § 7.2.1 to 7.2.5.

    Prices the cost lines with the réfaction rate in force, adds the S3REnR quote-part when
    asked, computes HT, TVA and TTC, the deposit and the balance, and the capped réfaction
    paid to the requester for the Travaux Mandataire (§ 7.2.4: cap = réfaction rate * eligible
    Travaux Mandataire of the cheapest quote, the Mandataire share of the Offre de Raccordement
    de Référence). Rounding: see the module docstring.
    """
    on = request.on
    power_kw = request.refaction_power_kw
    if power_kw < 0:
        raise RulesError("refaction_power_kw", "La puissance ne peut pas être négative.")
    rates = _rates(params, on)
    vat_rate: Decimal | None = None
    if rates is None:  # some parameter is missing or out of range: raise as the lookups do
        rate = refaction_rate(params, on=on, power_kw=power_kw)
    else:
        threshold, rate_up_to, rate_above, vat_rate = rates
        rate = rate_up_to if power_kw <= threshold else rate_above
    if request.pracc_inj_kva < 0:
        raise RulesError("pracc_inj_kva", "La puissance de raccordement ne peut pas être négative.")
    if not request.lines and request.quote_part is None:
        raise RulesError("lines", "Au moins une ligne de coût est nécessaire.")
    # ``rate`` passed the 0-to-1 check of refaction_rate (or of _rates): price_lines' own
    # check cannot fail here.
    lines, total_ht = _price_all(request.lines, rate, "lines")
    quote_part = (
        quote_part_compute(
            params,
            on=on,
            request=request.quote_part,
            pracc_inj_kva=request.pracc_inj_kva,
            rate=rate,
        )
        if request.quote_part is not None
        else None
    )
    if quote_part is not None:
        total_ht += quote_part.billed_ht
    if vat_rate is None:
        vat_rate = params.decimal("vat.rate", on=on)
        if vat_rate < 0:
            raise RulesError("vat.rate", "Le taux de TVA ne peut pas être négatif.")
    vat = (total_ht * vat_rate).quantize(CENT, ROUND_HALF_UP)  # round_cents
    total_ttc = total_ht + vat
    deposit_percent = _deposit_percent(request)
    deposit = (total_ttc * deposit_percent / _HUNDRED).quantize(CENT, ROUND_HALF_UP)
    mandataire = None
    if request.mandataire_lines:
        m_lines = _price_all(request.mandataire_lines, rate, "mandataire_lines")[0]
        works = sum([line.gross_ht for line in m_lines], _ZERO_CENTS)
        enedis = sum([line.gross_ht for line in lines], _ZERO_CENTS)
        mandataire = MandataireRefaction(
            m_lines,
            works,
            enedis + works,
            sum([line.refaction_ht for line in m_lines], _ZERO_CENTS),
        )
    return _contribution(
        lines,
        quote_part,
        rate,
        total_ht,
        vat_rate,
        vat,
        total_ttc,
        deposit_percent,
        deposit,
        total_ttc - deposit,
        request.local_authority,
        mandataire,
    )


# The parameters of contribution_compute remembered per (parameter set, date), like _limits in
# voltage.py: (réfaction threshold, rate up to it, rate above it, VAT rate), only when all four
# are found and valid (rates within 0 to 1, VAT not negative). ``None`` marks a date where one
# of them is missing, ambiguous or out of range: contribution_compute then reads them one by
# one as before, which raises the same errors in the same order. The set is kept alive by the
# cache so that its id is never reused by another object; both levels are bounded.
_Rates = tuple[Decimal, Decimal, Decimal, Decimal]
_CACHE_MAX_SETS = 16
_CACHE_MAX_DATES = 4096


def _read_rates(params: ParameterSet, on: date) -> _Rates | None:
    try:
        threshold = params.decimal("refaction.power_threshold_kw", on=on)
        rate_up_to = params.decimal("refaction.rate_up_to_threshold", on=on)
        rate_above = params.decimal("refaction.rate_above_threshold", on=on)
        vat_rate = params.decimal("vat.rate", on=on)
        valid = _ZERO <= rate_up_to <= _ONE and _ZERO <= rate_above <= _ONE and vat_rate >= 0
    except (RulesError, ArithmeticError, TypeError, ValueError):
        return None
    return (threshold, rate_up_to, rate_above, vat_rate) if valid else None


_RATES: DatedCache[ParameterSet, _Rates | None] = DatedCache(
    _read_rates, max_sets=_CACHE_MAX_SETS, max_dates=_CACHE_MAX_DATES
)
_rates = _RATES.get


def _deposit_percent(request: ContributionRequest) -> Decimal:
    pct = request.deposit_percent
    if request.local_authority:
        if pct is not None and pct != 0:
            raise RulesError(
                "deposit_percent",
                "Une collectivité locale ne verse pas d'acompte : elle règle la totalité à"
                " l'achèvement des travaux.",
            )
        return _ZERO
    if pct is None:
        raise RulesError("deposit_percent", "Le pourcentage d'acompte est manquant.")
    if not pct.is_finite() or not _ZERO <= pct <= _HUNDRED:
        raise RulesError(
            "deposit_percent", "Le pourcentage d'acompte doit être compris entre 0 et 100 %."
        )
    return pct


def mandataire_refaction_payable(
    *, cap_ht: Decimal, rate: Decimal, actual_works_ht: Decimal
) -> Decimal:
    """Réfaction paid for Travaux Mandataire (Avenant § 7.2.4): ``min(rate * actual, cap)``.

    ``actual_works_ht`` is the eligible cost actually incurred (€ HT, to the cent).
    """
    if actual_works_ht < 0:
        raise RulesError("actual_works_ht", "Le montant des travaux ne peut pas être négatif.")
    if cap_ht < 0:
        raise RulesError("cap_ht", "Le plafond de réfaction ne peut pas être négatif.")
    if not Decimal(0) <= rate <= Decimal(1):
        raise RulesError(
            "refaction_rate", "Le taux de réfaction doit être compris entre 0 et 100 %."
        )
    return min(round_cents(actual_works_ht * rate), cap_ht)


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return NARROW_NBSP.join(reversed(groups))


def format_eur(amount: Decimal) -> str:
    """French money display for documents (Avenant § 1 and § 7 « [] € »): ``1 234,56 €``.

    Thousands separated by a narrow no-break space (U+202F), decimal comma, two decimals
    (rounded half-up), a no-break space (U+00A0) before ``€``; negative amounts start with ``-``.
    """
    if not amount.is_finite():
        raise RulesError("amount", "Le montant n'est pas un nombre.")
    rounded = round_cents(amount)
    sign = "-" if rounded < 0 else ""
    units, cents = f"{abs(rounded):.2f}".split(".")
    return f"{sign}{_group_thousands(units)},{cents}{NBSP}€"


def format_kva(power: Decimal, unit: str = "kVA") -> str:
    """French power display (Avenant § 1 « [] kVA »): ``36 kVA``, ``1 250,5 kVA``.

    Trailing zeros of the fraction are dropped; same separators as :func:`format_eur`.
    """
    if not power.is_finite():
        raise RulesError("power", "La puissance n'est pas un nombre.")
    sign = "-" if power < 0 else ""
    text = f"{abs(power):f}"
    units, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    body = _group_thousands(units) + (f",{fraction}" if fraction else "")
    return f"{sign}{body}{NBSP}{unit}"
