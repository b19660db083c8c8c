"""Decoupling protection (Avenant §5.1.2.1) and accepted certificate standards.

* :func:`accepted_certificate_standards`: the standards a decoupling certificate may cite on a
  date (parameter ``decoupling.accepted_certificate_standards``, dated: DIN VDE 0126-1-1
  historically, NF EN 50549-1/-2 from 01/01/2025, NF EN 50549-10 from 01/01/2026).
* :func:`certificate_standard_accepted`: is one cited standard accepted on a date.
* :func:`decoupling_protection`: variant 1 (B.1 relays, with their settings) or variant 2
  (separation device integrated in each inverter or in the automatic disconnector).

Standards are compared on their tokens (letters and digits, case and punctuation ignored, a
leading « NF » optional), and a cited standard is accepted when an accepted one is a prefix of
it: « DIN VDE 0126 1.1 / A1 » matches « DIN VDE 0126-1-1 », « NF EN 50549-10 » does *not*
match « NF EN 50549-1 » (token 10 ≠ 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from raccord.rules._frozen import fast_init
from raccord.rules.inputs import ConnectionRequest, DecouplingKind
from raccord.rules.parameters import ParameterSet
from raccord.rules.technical_values import (
    TechnicalValues,
    remember,
    technical_values,
)

_TOKEN = re.compile(r"[A-Z]+|\d+")


@fast_init
@dataclass(frozen=True, slots=True)
class Relay:
    """One relay function of a B.1 protection: ``count`` relays set at ``setting`` ``unit``."""

    function: str
    count: int
    setting: Decimal
    unit: str


@fast_init
@dataclass(frozen=True, slots=True)
class DecouplingProtection:
    """§5.1.2.1 decision: variant 1 (B.1 relays) or 2 (integrated separation device).

    ``certificate_accepted`` is ``None`` for variant 1 or when no certificate standard was
    given, else whether one of the cited standards is accepted on the reference date.
    """

    variant: int
    relays: tuple[Relay, ...]
    instantaneous: bool
    accepted_standards: tuple[str, ...]
    certificate_accepted: bool | None
    needs_confirmation: bool
    reason: str


def _tokens(standard: str) -> tuple[str, ...]:
    tokens = tuple(_TOKEN.findall(standard.upper()))
    return tokens[1:] if tokens[:1] == ("NF",) else tokens


_MATCHES: dict[tuple[str, tuple[str, ...]], bool] = {}


def _matches(cited: str, accepted: tuple[str, ...]) -> bool:
    key = (cited, accepted)
    found = _MATCHES.get(key)
    if found is None:
        got = _tokens(cited)
        found = False
        for standard in accepted:
            want = _tokens(standard)
            if want and got[: len(want)] == want:
                found = True
                break
        if len(_MATCHES) < 4096:
            _MATCHES[key] = found
    return found


def accepted_certificate_standards(*, on: date, params: ParameterSet) -> tuple[str, ...]:
    """Standards a decoupling certificate may cite on ``on`` (Avenant §5.1.2.1 variant 2).

    Raises :class:`RulesError` when no period of the parameter covers the date.
    """
    return technical_values(params, on=on).accepted_certificate_standards


def certificate_standard_accepted(standard: str, *, on: date, params: ParameterSet) -> bool:
    """Is an inverter certificate citing ``standard`` accepted on ``on`` (Avenant §5.1.2.1)."""
    return _matches(standard, technical_values(params, on=on).accepted_certificate_standards)


def b1_relays(tv: TechnicalValues) -> tuple[Relay, ...]:
    """The B.1 protection's relays with their settings (Avenant §5.1.2.1 variant 1)."""
    return (
        Relay("minimum de tension", tv.b1_undervoltage_relays, tv.b1_undervoltage_pct, "% Un"),
        Relay("maximum de tension", tv.b1_overvoltage_relays, tv.b1_overvoltage_pct, "% Un"),
        Relay("minimum de fréquence", tv.b1_underfrequency_relays, tv.b1_underfrequency_hz, "Hz"),
        Relay("maximum de fréquence", tv.b1_overfrequency_relays, tv.b1_overfrequency_hz, "Hz"),
    )


def decoupling_protection(
    *, request: ConnectionRequest, params: ParameterSet
) -> DecouplingProtection:
    """Avenant §5.1.2.1: B.1 relays at the delivery point (variant 1) or a separation device
    integrated in each inverter or automatic disconnector (variant 2).

    The requester's choice (``request.decoupling``) wins; without it, an installation with
    inverters gets variant 2 and one without gets variant 1, to be confirmed. Variant 2 checks
    the cited certificate standards against those accepted on the reference date; a refused
    or missing certificate makes the decision need a person's confirmation.
    """
    r = request
    return decoupling_protection_with(r, technical_values(params, on=r.reference_date))


def decoupling_protection_with(r: ConnectionRequest, tv: TechnicalValues) -> DecouplingProtection:
    """Avenant §5.1.2.1 decoupling protection, parameters already resolved."""
    key = ("decoupling", r.decoupling, r.has_inverters, r.certificate_standards)
    found = tv.memo.get(key)
    if isinstance(found, DecouplingProtection):
        return found
    protection = _decoupling_protection(r, tv)
    remember(tv, key, protection)
    return protection


def _decoupling_protection(r: ConnectionRequest, tv: TechnicalValues) -> DecouplingProtection:
    # Depends on the snapshot, decoupling, has_inverters and certificate_standards only.
    accepted = tv.accepted_certificate_standards
    chosen = r.decoupling
    defaulted = chosen is None
    if chosen is None:
        chosen = DecouplingKind.SEPARATION_DEVICE if r.has_inverters else DecouplingKind.B1_RELAYS
    if chosen is DecouplingKind.B1_RELAYS:
        return DecouplingProtection(
            1,
            b1_relays(tv),
            True,
            accepted,
            None,
            defaulted,
            "Protection de découplage de type B.1 au Point De Livraison, relais à action "
            "instantanée (§ 5.1.2.1 variante 1)"
            + (" : installation sans onduleur, choix par défaut." if defaulted else "."),
        )
    listing = ", ".join(accepted)
    if not r.certificate_standards:
        return DecouplingProtection(
            2,
            (),
            True,
            accepted,
            None,
            True,
            "Dispositif de séparation intégré (§ 5.1.2.1 variante 2) ; certificat à fournir, "
            f"normes acceptées à la date de la demande : {listing!s}.",
        )
    ok = any(_matches(s, accepted) for s in r.certificate_standards)
    cited = ", ".join(r.certificate_standards)
    return DecouplingProtection(
        2,
        (),
        True,
        accepted,
        ok,
        defaulted or not ok,
        f"Dispositif de séparation intégré (§ 5.1.2.1 variante 2) ; certificat citant {cited!s} : "
        + (
            "norme acceptée."
            if ok
            else f"aucune norme acceptée à la date de la demande (acceptées : {listing!s})."
        ),
    )
