"""Shipped technical parameters (thresholds, accepted standards, protection settings).

Values and sources from ``shared/domain.md`` and the seeds; *unverified* values are marked so
(« non vérifié » in the source text). The rules never hold these values as literals: they read
them from the :class:`~raccord.rules.parameters.ParameterSet` they are given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from raccord.rules.parameters import Parameter, ParameterValue

AVENANT = "Enedis-FOR-RES_052E v5 (01/01/2025), modèle d'Avenant L342-6 CRD BT 36-250 kVA"
AVENANT_V4 = "Enedis-FOR-RES_052E v4 (16/05/2024)"
CACSI_GUIDE = "Enedis-Connect, Dématérialisation CACSI (guide)"
CACSI_MODE_OP = "Enedis, mode opératoire CACSI (kit solaire prêt à brancher)"
RACCORD = "Choix de Raccord (convention de saisie, non réglementaire)"
NON_VERIFIE = " (non vérifié)"
START = date(2017, 1, 1)


def _p(
    key: str,
    value: ParameterValue,
    source: str,
    label: str,
    unit: str = "",
    *,
    valid_from: date = START,
    valid_until: date | None = None,
) -> Parameter:
    return Parameter(
        key=key,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
        label=label,
        unit=unit,
    )


TECHNICAL_PARAMETERS: tuple[Parameter, ...] = (
    # -- Paths and thresholds ------------------------------------------------------------------
    _p(
        "threshold.cacsi_max_kva",
        Decimal("36"),
        CACSI_GUIDE + " : « inférieure ou égale à 36 kVA »",
        "Puissance maximale d'une CACSI",
        "kVA",
    ),
    _p(
        "threshold.bt_max_kva",
        Decimal("250"),
        AVENANT + ", titre : « comprise entre 36 et 250 kVA »",
        "Puissance maximale d'un raccordement BT",
        "kVA",
    ),
    _p(
        "threshold.extension_kva",
        Decimal("120"),
        AVENANT + ", § 3.3 (variantes < 120 kVA / ≥ 120 kVA)",
        "Puissance à partir de laquelle une extension de réseau est nécessaire",
        "kVA",
    ),
    _p(
        "threshold.small_withdrawal_kva",
        Decimal("36"),
        AVENANT + ", § 6 variantes 1 à 4 (soutirage ≤ 36 kVA / > 36 kVA / existant ≥ 36 kVA)",
        "Puissance de soutirage séparant les variantes de l'emplacement du Point De Livraison",
        "kVA",
    ),
    _p(
        "phases.split_tolerance_kva",
        Decimal("0.1"),
        RACCORD + " : écart admis entre la somme des puissances par phase et la puissance "
        "maximale de l'installation (arrondis de saisie)",
        "Tolérance sur la répartition par phase",
        "kVA",
    ),
    # -- Export limitation (§3.1): « export_limit.tolerance » and « export_limit.window_s » are
    # shipped in defaults_economic (owned with export_limit.py); the rules here read them.
    # -- Decoupling protection (§5.1.2.1) ------------------------------------------------------
    _p(
        "decoupling.accepted_certificate_standards",
        ("DIN VDE 0126-1-1",),
        AVENANT_V4 + ", § 5.1.2.1 variante 2 ; " + CACSI_MODE_OP + " « DIN VDE 0126-1-1 »",
        "Normes acceptées pour le certificat du dispositif de découplage intégré",
        valid_until=date(2024, 12, 31),
    ),
    _p(
        "decoupling.accepted_certificate_standards",
        ("NF EN 50549-1", "NF EN 50549-2"),
        "Consuel, sources publiques : seuls les certificats NF EN 50549-1/-2 acceptés depuis "
        "le 01/01/2025" + NON_VERIFIE + " ; " + AVENANT + " (« Mise en application des normes "
        "NF EN 50549 »)",
        "Normes acceptées pour le certificat du dispositif de découplage intégré",
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
    ),
    _p(
        "decoupling.accepted_certificate_standards",
        ("NF EN 50549-10",),
        "Consuel, sources publiques : les certificats doivent citer NF EN 50549-10 à partir du "
        "01/01/2026" + NON_VERIFIE,
        "Normes acceptées pour le certificat du dispositif de découplage intégré",
        valid_from=date(2026, 1, 1),
    ),
    _p(
        "decoupling.b1.undervoltage_relays",
        2,
        AVENANT + ", § 5.1.2.1 variante 1 : « 2 relais à minimum de tension »",
        "Protection B.1 : nombre de relais à minimum de tension",
    ),
    _p(
        "decoupling.b1.undervoltage_pct",
        Decimal("85"),
        AVENANT + ", § 5.1.2.1 variante 1 : « réglé à 85 % de la tension nominale »",
        "Protection B.1 : réglage du minimum de tension",
        "% Un",
    ),
    _p(
        "decoupling.b1.overvoltage_relays",
        1,
        AVENANT + ", § 5.1.2.1 variante 1 : « 1 relais à maximum de tension »",
        "Protection B.1 : nombre de relais à maximum de tension",
    ),
    _p(
        "decoupling.b1.overvoltage_pct",
        Decimal("115"),
        AVENANT + ", § 5.1.2.1 variante 1 : « réglé à 115 % de la tension nominale »",
        "Protection B.1 : réglage du maximum de tension",
        "% Un",
    ),
    _p(
        "decoupling.b1.underfrequency_relays",
        1,
        AVENANT + ", § 5.1.2.1 variante 1 : « 1 relais à minimum de fréquence »",
        "Protection B.1 : nombre de relais à minimum de fréquence",
    ),
    _p(
        "decoupling.b1.overfrequency_relays",
        1,
        AVENANT + ", § 5.1.2.1 variante 1 : « 1 relais à maximum de fréquence »",
        "Protection B.1 : nombre de relais à maximum de fréquence",
    ),
    _p(
        "decoupling.b1.underfrequency_hz",
        Decimal("49.5"),
        AVENANT + ", § 5.1.2.1 variante 1 : « minimum de fréquence réglé à 49.5 Hz »",
        "Protection B.1 : réglage du minimum de fréquence",
        "Hz",
    ),
    _p(
        "decoupling.b1.overfrequency_hz",
        Decimal("50.5"),
        AVENANT + ", § 5.1.2.1 variante 1 : « maximum de fréquence réglé à 50.5 Hz »",
        "Protection B.1 : réglage du maximum de fréquence",
        "Hz",
    ),
    # -- Reactive power (§3.2) -----------------------------------------------------------------
    _p(
        "reactive.default_tan_phi",
        Decimal("-0.35"),
        AVENANT + ", § 3.2 variante 1 : « tan φ = -0,35 ou cos φ = 0,944 sous excité »",
        "Consigne de réactif par défaut (tan φ)",
    ),
    _p(
        "reactive.zero_derogation_qualified_before",
        "2023-02-01",
        AVENANT + ", § 3.2 variante 2 : « demande de raccordement qualifiée avant le 01/02/2023 »",
        "Date de qualification avant laquelle la consigne tan φ = 0 s'applique",
    ),
    _p(
        "reactive.zero.control_threshold_ratio",
        Decimal("0.2"),
        AVENANT + ", § 3.2 variante 2 : « dépasse 0,2 x Puissance de Raccordement en Injection »",
        "Consigne tan φ = 0 : seuil de contrôle (fraction de Pracc_inj)",
    ),
    _p(
        "reactive.zero.max_absorbed_ratio",
        Decimal("0.1"),
        AVENANT + ", § 3.2 variante 2 : « comprise entre 0 et 0,1 x puissance active produite »",
        "Consigne tan φ = 0 : réactif absorbé maximal (fraction de la puissance active)",
    ),
    _p(
        "reactive.rotating.tolerance",
        Decimal("0.05"),
        AVENANT + ", § 3.2 variante 3 : « [valeur de tan φ ± 0,05] »",
        "Machines tournantes : tolérance sur tan φ",
    ),
    _p(
        "reactive.rotating.threshold_default",
        Decimal("0.2"),
        AVENANT + ", § 3.2 variante 3 : « [0,2 par défaut ; seuil ajustable jusqu'à 0,6] »",
        "Machines tournantes : seuil de contrôle par défaut (fraction de Pracc_inj)",
    ),
    _p(
        "reactive.rotating.threshold_max",
        Decimal("0.6"),
        AVENANT + ", § 3.2 variante 3 : « seuil ajustable jusqu'à 0,6 »",
        "Machines tournantes : seuil de contrôle maximal (fraction de Pracc_inj)",
    ),
    # -- Harmonics (§5.4); nominal voltages « voltage.nominal_phase_v » / « voltage.nominal_line_v »
    # are shipped in defaults_economic (owned with voltage.py).
    _p(
        "harmonics.limit_low_a",
        Decimal("16"),
        AVENANT + ", § 5.4 : « CEI 61000-3-2 pour les appareils de moins de 16 A par phase »",
        "Courant par phase jusqu'auquel la CEI 61000-3-2 s'applique",
        "A",
    ),
    _p(
        "harmonics.limit_high_a",
        Decimal("75"),
        AVENANT + ", § 5.4 : « CEI 61000-3-12 pour les appareils de moins de 75 A par phase »",
        "Courant par phase à partir duquel seule la CEI 61000-3-4 s'applique",
        "A",
    ),
    _p(
        "harmonics.standard_low",
        "CEI 61000-3-2",
        AVENANT + ", § 5.4 variante 1, paragraphe optionnel",
        "Norme harmoniques des appareils de faible courant",
    ),
    _p(
        "harmonics.standard_mid",
        "CEI 61000-3-12",
        AVENANT + ", § 5.4 variante 1, paragraphe optionnel",
        "Norme harmoniques des appareils de courant moyen",
    ),
    _p(
        "harmonics.standard_high",
        "CEI 61000-3-4",
        AVENANT + ", § 5.4 variante 1, paragraphe optionnel",
        "Norme harmoniques des appareils de plus de 16 A par phase",
    ),
    # -- Metering (§4.3) -----------------------------------------------------------------------
    _p(
        "metering.meter_types",
        ("ICE", "ICE 4Q", "PME/PMI 4Q"),
        AVENANT + ", § 4.3.1 : « préciser parmi la liste suivante : ICE, ICE 4Q, PME/PMI 4Q »",
        "Types de compteur du Dispositif de Comptage",
    ),
    _p(
        "metering.four_quadrant_types",
        ("ICE 4Q", "PME/PMI 4Q"),
        AVENANT + ", § 4.3.1 (compteurs « 4Q » : quatre quadrants, actif et réactif)",
        "Types de compteur comptant le réactif (quatre quadrants)",
    ),
    _p(
        "metering.default_meter_type",
        "PME/PMI 4Q",
        AVENANT + ", § 4.3.1 ; choix par défaut pour le BT > 36 kVA" + NON_VERIFIE,
        "Type de compteur proposé par défaut",
    ),
)
