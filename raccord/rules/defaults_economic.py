"""Shipped economic parameters, legal delays and study conventions.

Covers VAT, réfaction, S3REnR quote-parts, the S3REnR exemption threshold, the legal clocks
(CACSI 15-day rule, 3-month delays), the voltage range of the Annex 4 study, the export-limit
tolerance of § 3.1 and a small cable catalogue for the voltage study.

Values and sources from ``shared/domain.md`` and the seeds. Values taken from public sources and
not checked against the official text are marked « non vérifié » in their source: the operator
must confirm them (they are editable, dated parameters, never literals in rule code).

Clock parameters come in pairs: ``clock.<rule>.delay`` (an integer) and ``clock.<rule>.unit``
(one of ``calendar_days``, ``working_days``, ``calendar_months``), plus
``clock.<rule>.from`` (the French name of the starting event, used in explanations).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from raccord.rules.parameters import Parameter

AVENANT = "Enedis-FOR-RES_052E v5 (01/01/2025), modèle d'Avenant L342-6 CRD BT 36-250 kVA"
CACSI_GUIDE = "Enedis-Connect, Dématérialisation CACSI (guide)"
UNVERIFIED = " (non vérifié)"

_EPOCH = date(2000, 1, 1)

_VAT: tuple[Parameter, ...] = (
    Parameter(
        key="vat.rate",
        value=Decimal("0.20"),
        valid_from=date(2014, 1, 1),
        source="Code général des impôts, art. 278 (taux normal) ; "
        "modèle Avenant § 7.2.1 « TVA (20 %) »",
        label="Taux de TVA",
    ),
)

_REFACTION: tuple[Parameter, ...] = (
    # Arrêté du 30 novembre 2017 : 40 % ; the power threshold is kept so that the lookup is the
    # same for both periods (both rates equal).
    Parameter(
        key="refaction.rate_up_to_threshold",
        value=Decimal("0.40"),
        valid_from=date(2017, 11, 30),
        valid_until=date(2022, 3, 21),
        source="Arrêté du 30/11/2017 relatif à la prise en charge des coûts de raccordement"
        " ; date d'effet" + UNVERIFIED,
        label="Taux de réfaction (puissance inférieure ou égale au seuil)",
    ),
    Parameter(
        key="refaction.rate_above_threshold",
        value=Decimal("0.40"),
        valid_from=date(2017, 11, 30),
        valid_until=date(2022, 3, 21),
        source="Arrêté du 30/11/2017 ; date d'effet" + UNVERIFIED,
        label="Taux de réfaction (puissance supérieure au seuil)",
    ),
    Parameter(
        key="refaction.power_threshold_kw",
        value=Decimal("500"),
        valid_from=date(2017, 11, 30),
        source="Arrêté du 22/03/2022 (60 % jusqu'à 500 kW)" + UNVERIFIED,
        label="Seuil de puissance du taux de réfaction majoré",
        unit="kW",
    ),
    Parameter(
        key="refaction.rate_up_to_threshold",
        value=Decimal("0.60"),
        valid_from=date(2022, 3, 22),
        source="Arrêté du 22/03/2022 modifiant l'arrêté du 30/11/2017 : 60 % pour une"
        " puissance inférieure ou égale à 500 kW ; date d'effet" + UNVERIFIED,
        label="Taux de réfaction (puissance inférieure ou égale au seuil)",
    ),
    Parameter(
        key="refaction.rate_above_threshold",
        value=Decimal("0.40"),
        valid_from=date(2022, 3, 22),
        source="Arrêté du 22/03/2022 (au-delà de 500 kW : taux de 2017 maintenu)" + UNVERIFIED,
        label="Taux de réfaction (puissance supérieure au seuil)",
    ),
)

_S3RENR: tuple[Parameter, ...] = (
    Parameter(
        key="s3renr.exemption_below_kva",
        value=Decimal("250"),
        valid_from=_EPOCH,
        source="Code de l'énergie, art. D. 342-22 s. : installations de moins de 250 kVA"
        " exonérées de quote-part sauf regroupement" + UNVERIFIED,
        label="Puissance en dessous de laquelle la quote-part S3REnR n'est pas due",
        unit="kVA",
    ),
    Parameter(
        key="s3renr.quote_part_keur_per_mw.occitanie",
        value=Decimal("77.55"),
        valid_from=date(2022, 12, 30),
        source="S3REnR Occitanie, quote-part approuvée le 30/12/2022" + UNVERIFIED,
        label="Quote-part S3REnR Occitanie",
        unit="k€/MW",
    ),
)


def _clock(
    rule: str, delay: int, unit: str, start_event: str, label: str, source: str
) -> tuple[Parameter, ...]:
    unit_label = {
        "calendar_days": "jours calendaires",
        "working_days": "jours ouvrés",
        "calendar_months": "mois",
    }[unit]
    return (
        Parameter(
            key=f"clock.{rule}.delay",
            value=delay,
            valid_from=_EPOCH,
            source=source,
            label=label,
            unit=unit_label,
        ),
        Parameter(
            key=f"clock.{rule}.unit",
            value=unit,
            valid_from=_EPOCH,
            source=source,
            label=f"{label} (unité)",
        ),
        Parameter(
            key=f"clock.{rule}.from",
            value=start_event,
            valid_from=_EPOCH,
            source=source,
            label=f"{label} (événement de départ)",
        ),
    )


_CLOCKS: tuple[Parameter, ...] = (
    *_clock(
        "cacsi_commissioning",
        15,
        "calendar_days",
        "la transmission",
        "Délai au-delà duquel le producteur peut mettre en service sans réponse (CACSI)",
        CACSI_GUIDE + ", rappel : « après expiration d'un délai de 15 jours à compter de la"
        " transmission de votre demande »",
    ),
    *_clock(
        "crd_sending",
        3,
        "calendar_months",
        "la complétude de la demande",
        "Délai d'envoi de la Convention de Raccordement par le gestionnaire",
        AVENANT + ", § 1 (tableau des délais : « 3 mois maxi »)",
    ),
    *_clock(
        "offer_acceptance",
        3,
        "calendar_months",
        "l'envoi de l'offre",
        "Délai d'acceptation de l'offre par le Demandeur (caducité au-delà)",
        AVENANT + ", § 2.2.1 « Ces deux offres sont valables trois (3) mois » et § 1",
    ),
    *_clock(
        "action_response",
        3,
        "working_days",
        "la création de l'action",
        "Délai de réponse à une action demandée au producteur",
        CACSI_GUIDE + " : exemple 06/12/2017 → « Avant le 11/12/2017 » ; valeur déduite de"
        " l'exemple" + UNVERIFIED,
    ),
)

_VOLTAGE: tuple[Parameter, ...] = (
    Parameter(
        key="voltage.nominal_phase_v",
        value=Decimal("230"),
        valid_from=_EPOCH,
        source=AVENANT + ", annexe 4 ; arrêté du 24/12/2007",
        label="Tension nominale BT (phase-neutre)",
        unit="V",
    ),
    Parameter(
        key="voltage.nominal_line_v",
        value=Decimal("400"),
        valid_from=_EPOCH,
        source=AVENANT + ", annexe 4 ; arrêté du 24/12/2007",
        label="Tension nominale BT (entre phases)",
        unit="V",
    ),
    Parameter(
        key="voltage.tolerance",
        value=Decimal("0.10"),
        valid_from=_EPOCH,
        source=AVENANT + ", annexe 4 : plage [-10 %, +10 %] (valeurs moyennées sur 10 mn)",
        label="Écart admissible autour de la tension nominale BT",
    ),
    Parameter(
        key="voltage.transformer_ucc",
        value=Decimal("0.04"),
        valid_from=_EPOCH,
        source="Tension de court-circuit usuelle des transformateurs HTA/BT de distribution"
        " (NF C 52-112)" + UNVERIFIED,
        label="Tension de court-circuit du transformateur HTA/BT (si réactance non fournie)",
    ),
    Parameter(
        key="cable.reactance_ohm_per_km.souterrain",
        value=Decimal("0.1"),
        valid_from=_EPOCH,
        source="Catalogues publics de câbles BT souterrains" + UNVERIFIED,
        label="Réactance linéique d'un câble BT souterrain",
        unit="Ω/km",
    ),
    Parameter(
        key="cable.resistance_ohm_per_km.souterrain.95",
        value=Decimal("0.320"),
        valid_from=_EPOCH,
        source="Catalogues publics, aluminium 95 mm² à 20 °C" + UNVERIFIED,
        label="Résistance linéique, câble BT aluminium 95 mm²",
        unit="Ω/km",
    ),
    Parameter(
        key="cable.resistance_ohm_per_km.souterrain.150",
        value=Decimal("0.206"),
        valid_from=_EPOCH,
        source="Catalogues publics, aluminium 150 mm² à 20 °C" + UNVERIFIED,
        label="Résistance linéique, câble BT aluminium 150 mm²",
        unit="Ω/km",
    ),
    Parameter(
        key="cable.resistance_ohm_per_km.souterrain.240",
        value=Decimal("0.125"),
        valid_from=_EPOCH,
        source="Catalogues publics, aluminium 240 mm² à 20 °C" + UNVERIFIED,
        label="Résistance linéique, câble BT aluminium 240 mm²",
        unit="Ω/km",
    ),
)

_EXPORT_LIMIT: tuple[Parameter, ...] = (
    Parameter(
        key="export_limit.tolerance",
        value=Decimal("0.05"),
        valid_from=_EPOCH,
        source=AVENANT + ", § 3.1 : « ne dépasse pas de plus de 5% la Pracc_inj_BT »",
        label="Dépassement toléré de la puissance de raccordement en injection",
    ),
    Parameter(
        key="export_limit.window_s",
        value=60,
        valid_from=_EPOCH,
        source=AVENANT + ", § 3.1 : « en moyenne sur 1 minute glissante »",
        label="Durée de la moyenne glissante du bridage dynamique",
        unit="s",
    ),
)

ECONOMIC_PARAMETERS: tuple[Parameter, ...] = (
    *_VAT,
    *_REFACTION,
    *_S3RENR,
    *_CLOCKS,
    *_VOLTAGE,
    *_EXPORT_LIMIT,
)
