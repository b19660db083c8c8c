"""Which path a request follows, and the consequences of its powers (Avenant §3.1, §3.3).

Entry points:

* :func:`orientation_route`: the portal's orientation step (service type, usage, power bucket).
* :func:`validate_request`: refuses impossible input with :class:`RulesError`.
* :func:`classify_request`: CACSI, small producer (≤ 36 kVA), BT 36-250 kVA (CRD and Avenant
  L342-6) or not handled online, with the reason in French.
* :func:`connection_works`: §3.3 branch only / branch + extension / ≥ 120 kVA extension.
* :func:`export_limitation`: §3.1 dynamic export limitation (bridage dynamique).

Powers compared with the thresholds (all from the :class:`ParameterSet`):

* CACSI: the installed power (nothing is injected, ``threshold.cacsi_max_kva``);
* a producer that injects: ``Pracc_inj`` (≤ 36 kVA small producer, ≤ 250 kVA BT, above: HTA);
  a withdrawal above ``threshold.bt_max_kva`` also leaves the BT path;
* §3.3: the largest of ``Pracc_inj`` and a *new* ``Pracc_sout`` (an existing withdrawal
  connection is not rebuilt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from raccord.rules._frozen import fast_init
from raccord.rules.errors import RulesError
from raccord.rules.inputs import (
    ZERO,
    ConnectionRequest,
    InjectionOption,
    Phases,
    PowerBucket,
    ServiceType,
    Usage,
    Withdrawal,
)
from raccord.rules.parameters import ParameterSet
from raccord.rules.technical_values import TechnicalValues, lazy_text, remember, technical_values

# Enum members read in the rules as module constants (reading a member through its class
# goes through the enum metaclass, several times slower).
_CONSUMPTION_ONLY = Usage.CONSUMPTION_ONLY
_INJECTION_NONE = InjectionOption.NONE
_INJECTION_SURPLUS = InjectionOption.SURPLUS
_INJECTION_TOTAL = InjectionOption.TOTAL
_WITHDRAWAL_NONE = Withdrawal.NONE
_WITHDRAWAL_NEW = Withdrawal.NEW
_UP_TO_36 = PowerBucket.UP_TO_36
_FROM_36_TO_250 = PowerBucket.FROM_36_TO_250
_PHASES_SINGLE = Phases.SINGLE


class Route(StrEnum):
    """Where the orientation step sends the requester."""

    CACSI_ELIGIBLE = "cacsi_ou_petit_producteur"
    BT_36_250 = "bt_36_250"
    NOT_ONLINE = "hors_ligne"


class Path(StrEnum):
    """The procedure a complete request follows."""

    CACSI = "cacsi"
    SMALL_PRODUCER = "petit_producteur"
    BT_36_250 = "bt_36_250"
    NOT_ONLINE = "hors_ligne"


_PATH_NOT_ONLINE = Path.NOT_ONLINE
_PATH_CACSI = Path.CACSI
_PATH_SMALL_PRODUCER = Path.SMALL_PRODUCER
_PATH_BT_36_250 = Path.BT_36_250


@fast_init
@dataclass(frozen=True, slots=True)
class OrientationRoute:
    route: Route
    message: str


@lazy_text("reason")
@fast_init
@dataclass(frozen=True, slots=True)
class Classification:
    """The path, why (French), the power compared with the thresholds and the input field that
    decided it (so that a form can point at it). ``reason`` is written when first read."""

    path: Path
    reason: str
    power_kva: Decimal
    field: str


@lazy_text("reason")
@fast_init
@dataclass(frozen=True, slots=True)
class ConnectionWorks:
    """§3.3 variant: 1 branch only (< 120 kVA), 2 branch + extension (< 120), 3 ≥ 120 kVA."""

    variant: int
    extension: bool
    power_kva: Decimal
    power_label: str
    needs_confirmation: bool
    reason: str


@lazy_text("reason")
@fast_init
@dataclass(frozen=True, slots=True)
class ExportLimitation:
    """§3.1: is a dynamic export limitation required, and the limit it must hold."""

    required: bool
    pracc_inj_kva: Decimal
    max_apparent_kva: Decimal
    tolerance_ratio: Decimal
    window_seconds: int
    reason: str


# The constructors given a recipe for ``reason`` (see lazy_text) instead of the text.
_classification: Callable[..., Classification] = Classification
_works: Callable[..., ConnectionWorks] = ConnectionWorks
_limitation: Callable[..., ExportLimitation] = ExportLimitation

_SERVICE_LABELS = {
    ServiceType.NEW_CONNECTION: "nouveau raccordement",
    ServiceType.POWER_INCREASE: "augmentation de puissance",
    ServiceType.MODIFICATION: "modification de raccordement",
}


def orientation_route(
    *, service_type: ServiceType, usage: Usage, bucket: PowerBucket
) -> OrientationRoute:
    """Route the portal's orientation answers (CACSI guide « Demande de prestation »).

    Consumption only, or a maximum power above 250 kVA (HTA), are not offered online; ≤ 36 kVA
    leads to the CACSI / small-producer form, 36-250 kVA to the CRD/Avenant L342-6 form.
    """
    service = _SERVICE_LABELS[service_type]
    if usage is _CONSUMPTION_ONLY:
        return OrientationRoute(
            Route.NOT_ONLINE,
            f"Demande de {service!s} en consommation seule : ce portail traite les installations "
            "de production. Adressez votre demande de raccordement en consommation à votre "
            "gestionnaire de réseau.",
        )
    if bucket is PowerBucket.ABOVE_250:
        return OrientationRoute(
            Route.NOT_ONLINE,
            f"Demande de {service!s} de plus de 250 kVA : raccordement en HTA, pas encore proposé "
            "en ligne. Contactez l'accueil raccordement producteurs de votre région.",
        )
    if bucket is _UP_TO_36:
        return OrientationRoute(
            Route.CACSI_ELIGIBLE,
            f"Demande de {service!s} jusqu'à 36 kVA : formulaire en ligne. Choisissez "
            "« Autoconsommation totale » pour une convention d'autoconsommation sans injection "
            "(CACSI), ou l'injection totale ou du surplus.",
        )
    return OrientationRoute(
        Route.BT_36_250,
        f"Demande de {service!s} entre 36 et 250 kVA en basse tension : formulaire en ligne ; "
        "le gestionnaire de réseau établira la Convention de Raccordement Directe "
        "(et son Avenant L342-6 si vous réalisez une partie des travaux).",
    )


def _kva(value: Decimal) -> str:
    return str(value).replace(".", ",") + " kVA"


def _check_power(field: str, label: str, value: Decimal) -> None:
    if not value.is_finite():
        raise RulesError(field, f"La {label!s} n'est pas un nombre.")
    if value < ZERO:
        raise RulesError(field, f"La {label!s} ne peut pas être négative ({_kva(value)!s}).")


def _path_power(request: ConnectionRequest) -> tuple[str, Decimal]:
    if request.injection_option is _INJECTION_NONE:
        return "installed_power_kva", request.installed_power_kva
    return "pracc_inj_kva", request.pracc_inj_kva


def validate_request(request: ConnectionRequest, tv: TechnicalValues) -> None:
    """Refuse impossible input (CACSI guide « Précisions techniques »; Avenant §3.1).

    Negative powers, ``Pracc_inj`` above the installed power (it may be lower: then §3.1
    export limitation), injection powers inconsistent with the injection option, a withdrawal
    power without withdrawal connection, a per-phase split that does not add up to the
    installed power within ``phases.split_tolerance_kva``, several phases in single phase,
    a power above the limit of the declared power bucket. Raises :class:`RulesError`.
    """
    r = request
    installed, inj, sout = r.installed_power_kva, r.pracc_inj_kva, r.pracc_sout_kva
    if (
        not (installed.is_finite() and inj.is_finite() and sout.is_finite())
        or installed < ZERO
        or inj < ZERO
        or sout < ZERO
    ):
        _check_power("installed_power_kva", "puissance maximale de l'installation", installed)
        _check_power("pracc_inj_kva", "puissance de raccordement en injection", inj)
        _check_power("pracc_sout_kva", "puissance de raccordement en soutirage", sout)
    unit = r.inverter_unit_kva
    if unit is not None:
        _check_power("inverter_unit_kva", "puissance unitaire des onduleurs", unit)
        if unit == ZERO:
            raise RulesError("inverter_unit_kva", "La puissance unitaire des onduleurs est nulle.")
    production = r.usage is not _CONSUMPTION_ONLY
    if production and installed == ZERO:
        raise RulesError(
            "installed_power_kva",
            "La puissance maximale de l'installation de production doit être positive.",
        )
    if inj > installed:
        raise RulesError(
            "pracc_inj_kva",
            f"La puissance de raccordement en injection ({_kva(inj)!s}) ne peut pas "
            f"dépasser la puissance installée ({_kva(installed)!s}) ; elle peut être "
            "inférieure, un bridage dynamique est alors obligatoire.",
        )
    option = r.injection_option
    if option is _INJECTION_NONE:
        if inj != ZERO:
            raise RulesError(
                "pracc_inj_kva",
                "En autoconsommation totale rien n'est injecté : la puissance de raccordement "
                "en injection doit être nulle.",
            )
    elif production and inj == ZERO:
        raise RulesError(
            "pracc_inj_kva",
            "Avec injection totale ou du surplus, la puissance de raccordement en injection "
            "doit être positive.",
        )
    if r.withdrawal is _WITHDRAWAL_NONE:
        if sout != ZERO:
            raise RulesError(
                "pracc_sout_kva",
                "Une puissance de soutirage est indiquée sans raccordement en soutirage.",
            )
        if option is _INJECTION_SURPLUS:
            raise RulesError(
                "withdrawal",
                "L'injection du surplus suppose un raccordement en soutirage (nouveau ou "
                "existant) qui alimente le site.",
            )
    elif sout == ZERO:
        raise RulesError(
            "pracc_sout_kva",
            "La puissance de raccordement en soutirage doit être positive.",
        )
    if r.phase_powers_kva:
        _validate_phases(r, tv)
    bucket = r.declared_bucket
    if bucket is not None and production:
        field, power = _path_power(r)
        if bucket is _UP_TO_36:
            limit = tv.cacsi_max_kva
        elif bucket is _FROM_36_TO_250:
            limit = tv.bt_max_kva
        else:
            return
        if power > limit:
            raise RulesError(
                field,
                f"La puissance ({_kva(power)}) dépasse {_kva(limit)}, limite du parcours "
                "choisi à l'orientation : reprenez l'orientation avec la bonne tranche de "
                "puissance.",
            )


def _validate_phases(r: ConnectionRequest, tv: TechnicalValues) -> None:
    split = r.phase_powers_kva
    if not split:
        return
    for value in split:
        _check_power("phase_powers_kva", "puissance d'une phase", value)
    if r.phases is _PHASES_SINGLE:
        if len(split) != 1:
            raise RulesError(
                "phase_powers_kva",
                f"En monophasé, une seule phase est renseignée ({len(split)!s} indiquées).",
            )
    else:
        if len(split) != 3:
            raise RulesError(
                "phase_powers_kva",
                f"En triphasé, les trois phases sont renseignées ({len(split)!s} indiquées).",
            )
        if all(value == ZERO for value in split):
            return  # CACSI guide: « en triphasé, saisissez 0 en puissance de chaque phase »
    total = sum(split, ZERO)
    if abs(total - r.installed_power_kva) > tv.split_tolerance_kva:
        raise RulesError(
            "phase_powers_kva",
            f"La somme des puissances par phase ({_kva(total)!s}) ne correspond pas à la puissance "
            f"maximale de l'installation ({_kva(r.installed_power_kva)!s}) à "
            f"{_kva(tv.split_tolerance_kva)!s} près.",
        )


def classify_request(*, request: ConnectionRequest, params: ParameterSet) -> Classification:
    """Path of a request (CACSI guide; Avenant title « entre 36 et 250 kVA »).

    Validates the request first (:func:`validate_request`). Consumption only: not a production
    request. Autoconsommation totale up to ``threshold.cacsi_max_kva`` installed: CACSI.
    Injection: ``Pracc_inj`` up to 36 kVA small producer, up to ``threshold.bt_max_kva`` BT
    36-250 kVA (CRD and Avenant L342-6), above: HTA, not handled online.
    """
    r = request
    return classify_with(r, technical_values(params, on=r.reference_date))


# The last request classified (requests are immutable): the path step and the technical
# consequences of one dossier both classify the same request object, this pays once.
_LAST: list[tuple[ConnectionRequest, TechnicalValues, Classification]] = []


def classify_with(r: ConnectionRequest, tv: TechnicalValues) -> Classification:
    """Path of a request (Avenant title, CACSI guide), parameters already resolved."""
    last = _LAST[0] if _LAST else None
    if last is not None and last[0] is r and last[1] is tv:
        return last[2]
    classification = _classify(r, tv)
    _LAST[:] = [(r, tv, classification)]
    return classification


def _classify(r: ConnectionRequest, tv: TechnicalValues) -> Classification:
    validate_request(r, tv)
    if r.usage is _CONSUMPTION_ONLY:
        return Classification(
            _PATH_NOT_ONLINE,
            "Consommation seule : ce n'est pas une demande de raccordement de production.",
            r.pracc_sout_kva,
            "usage",
        )
    sout = r.pracc_sout_kva
    if sout > tv.bt_max_kva:
        return _classification(
            _PATH_NOT_ONLINE, (_reason_hta_withdrawal, sout, tv), sout, "pracc_sout_kva"
        )
    if r.injection_option is _INJECTION_NONE:
        p = r.installed_power_kva
        if p <= tv.cacsi_max_kva:
            return _classification(_PATH_CACSI, (_reason_cacsi, p, tv), p, "installed_power_kva")
        return _classification(
            _PATH_NOT_ONLINE, (_reason_no_cacsi, p, tv), p, "installed_power_kva"
        )
    p = r.pracc_inj_kva
    if p <= tv.cacsi_max_kva:
        return _classification(
            _PATH_SMALL_PRODUCER,
            (_reason_small_producer, r.injection_option, p, tv),
            p,
            "pracc_inj_kva",
        )
    if p <= tv.bt_max_kva:
        return _classification(
            _PATH_BT_36_250, (_reason_bt, r.injection_option, p, tv), p, "pracc_inj_kva"
        )
    return _classification(_PATH_NOT_ONLINE, (_reason_hta, p, tv), p, "pracc_inj_kva")


# The texts of Classification.reason, written when first read (lazy_text).


def _option(option: InjectionOption) -> str:
    return "injection totale" if option is _INJECTION_TOTAL else "surplus"


def _reason_hta_withdrawal(sout: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Soutirage de {_kva(sout)!s}, au-delà de {_kva(tv.bt_max_kva)!s} : "
        "raccordement en HTA, non traité en ligne."
    )


def _reason_cacsi(p: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Autoconsommation totale sans injection, installation de {_kva(p)!s} "
        f"(au plus {_kva(tv.cacsi_max_kva)!s}) : convention d'autoconsommation sans "
        "injection (CACSI)."
    )


def _reason_no_cacsi(p: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Autoconsommation totale d'une installation de {_kva(p)!s}, au-delà de "
        f"{_kva(tv.cacsi_max_kva)!s} : pas de CACSI, étude particulière hors ligne."
    )


def _reason_small_producer(option: InjectionOption, p: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Injection ({_option(option)!s}) de {_kva(p)!s}, au plus {_kva(tv.cacsi_max_kva)!s} : "
        "petit producteur, la convention sera établie plus tard."
    )


def _reason_bt(option: InjectionOption, p: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Injection ({_option(option)!s}) de {_kva(p)!s}, entre {_kva(tv.cacsi_max_kva)!s} et "
        f"{_kva(tv.bt_max_kva)!s} en basse tension : Convention de Raccordement Directe "
        "et, si le demandeur réalise une partie des travaux, Avenant L342-6."
    )


def _reason_hta(p: Decimal, tv: TechnicalValues) -> str:
    return (
        f"Injection de {_kva(p)!s}, au-delà de {_kva(tv.bt_max_kva)!s} : raccordement en HTA, "
        "non traité en ligne."
    )


def connection_works(
    *, request: ConnectionRequest, extension_needed: bool | None, params: ParameterSet
) -> ConnectionWorks:
    """Avenant §3.3: branch only, branch + extension (< 120 kVA) or extension (≥ 120 kVA).

    The power is the largest of ``Pracc_inj`` and a new ``Pracc_sout``. Under
    ``threshold.extension_kva`` the need for an extension is the DSO's judgement
    (``extension_needed``); unknown (``None``) means branch only, to be confirmed.
    """
    r = request
    return connection_works_with(r, technical_values(params, on=r.reference_date), extension_needed)


def connection_works_with(
    r: ConnectionRequest, tv: TechnicalValues, extension_needed: bool | None
) -> ConnectionWorks:
    """Avenant §3.3 variant, parameters already resolved."""
    power = r.pracc_inj_kva
    if r.withdrawal is _WITHDRAWAL_NEW:
        label = "en injection et en soutirage"
        sout = r.pracc_sout_kva
        if sout > power:  # max(): the first of equal values
            power = sout
    else:
        label = "en injection"
    threshold = tv.extension_kva
    if power >= threshold:
        return _works(3, True, power, label, False, (_reason_works_3, power, threshold))
    if extension_needed:
        return _works(2, True, power, label, False, (_reason_works_2, power, threshold))
    return _works(
        1,
        False,
        power,
        label,
        extension_needed is None,
        (_reason_works_1, power, threshold, extension_needed),
    )


def _reason_works_3(power: Decimal, threshold: Decimal) -> str:
    return (
        f"Puissance de raccordement de {_kva(power)!s}, au moins {_kva(threshold)!s} : "
        "extension de réseau nécessaire (§ 3.3 variante 3)."
    )


def _reason_works_2(power: Decimal, threshold: Decimal) -> str:
    return (
        f"Puissance de raccordement de {_kva(power)!s}, moins de {_kva(threshold)!s}, "
        "et l'étude demande une extension de réseau (§ 3.3 variante 2)."
    )


def _reason_works_1(power: Decimal, threshold: Decimal, extension_needed: bool | None) -> str:
    return (
        f"Puissance de raccordement de {_kva(power)!s}, moins de {_kva(threshold)!s}, "
        + (
            "sans extension selon l'étude"
            if extension_needed is False
            else "extension non encore tranchée par l'étude : branchement seul par défaut"
        )
        + " (§ 3.3 variante 1)."
    )


def export_limitation(*, request: ConnectionRequest, params: ParameterSet) -> ExportLimitation:
    """Avenant §3.1: dynamic limitation when P_installée is strictly above Pracc_inj.

    The limiter must keep the apparent injected power within ``Pracc_inj x (1 +
    export_limit.tolerance_ratio)`` on a sliding mean of ``export_limit.window_seconds``.
    """
    r = request
    return export_limitation_with(r, technical_values(params, on=r.reference_date))


def export_limitation_with(r: ConnectionRequest, tv: TechnicalValues) -> ExportLimitation:
    """Avenant §3.1 export limitation, parameters already resolved."""
    inj = r.pracc_inj_kva
    ratio = tv.export_tolerance_ratio
    factor = tv.memo.get(_EXPORT_FACTOR)
    if not isinstance(factor, Decimal):
        factor = 1 + ratio
        remember(tv, _EXPORT_FACTOR, factor)
    limit = inj * factor
    if r.injection_option is _INJECTION_NONE:
        return ExportLimitation(
            False,
            inj,
            ZERO,
            ratio,
            tv.export_window_seconds,
            "Autoconsommation totale : rien n'est injecté, le bridage du § 3.1 ne s'applique pas.",
        )
    installed = r.installed_power_kva
    required = installed > inj
    return _limitation(
        required,
        inj,
        limit,
        ratio,
        tv.export_window_seconds,
        (_reason_limitation, required, installed, inj, tv),
    )


# tv.memo key of 1 + export_limit.tolerance (the same for every request of a snapshot).
_EXPORT_FACTOR = ("export_limit", "1 + tolerance")


def _reason_limitation(
    required: bool, installed: Decimal, inj: Decimal, tv: TechnicalValues
) -> str:
    if not required:
        return (
            f"Puissance installée ({_kva(installed)!s}) égale à la Pracc_inj : "
            "pas de bridage dynamique (§ 3.1)."
        )
    pct = f"{(tv.export_tolerance_ratio * 100).normalize():f}".replace(".", ",")
    return (
        f"Puissance installée ({_kva(installed)!s}) supérieure à la Pracc_inj "
        f"({_kva(inj)!s}) : bridage dynamique obligatoire, la puissance apparente "
        f"injectée ne dépasse pas la Pracc_inj de plus de {pct!s} % en moyenne sur "
        f"{tv.export_window_seconds!s} s glissantes (§ 3.1)."
    )
