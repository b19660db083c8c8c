"""All technical consequences of one request, computed together (Avenant §3 to §6).

:func:`technical_consequences` classifies the request (:mod:`raccord.rules.classification`)
and, for the BT 36-250 kVA path, computes §3.1 export limitation, §3.2 reactive set point,
§3.3 connection works, §4.3 metering, §5.1.2.1 decoupling, §5.4 harmonics and the §6 delivery
point. Other paths get the classification only (their technical fields are ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.rules._frozen import fast_init
from raccord.rules.classification import (
    Classification,
    ConnectionWorks,
    ExportLimitation,
    Path,
    classify_with,
    connection_works_with,
    export_limitation_with,
)
from raccord.rules.harmonics import HarmonicsStandard, request_harmonics_standard_with
from raccord.rules.inputs import ConnectionRequest, StudyFacts
from raccord.rules.metering import (
    DeliveryPoint,
    MeteringPlan,
    delivery_point_with,
    metering_plan_with,
)
from raccord.rules.parameters import ParameterSet
from raccord.rules.protections import DecouplingProtection, decoupling_protection_with
from raccord.rules.reactive import ReactiveSetpoint, reactive_setpoint_with
from raccord.rules.technical_values import technical_values

# Enum members read in the rules as module constants (reading a member through its class
# goes through the enum metaclass, several times slower).
_PATH_BT_36_250 = Path.BT_36_250


@fast_init
@dataclass(frozen=True, slots=True)
class TechnicalConsequences:
    classification: Classification
    export_limitation: ExportLimitation | None = None
    reactive: ReactiveSetpoint | None = None
    works: ConnectionWorks | None = None
    metering: MeteringPlan | None = None
    decoupling: DecouplingProtection | None = None
    harmonics: HarmonicsStandard | None = None
    delivery_point: DeliveryPoint | None = None


def technical_consequences(
    *, request: ConnectionRequest, study: StudyFacts, params: ParameterSet
) -> TechnicalConsequences:
    """Path and technical consequences (Avenant §3.1, §3.2, §3.3, §4.3, §5.1.2.1, §5.4, §6).

    Raises :class:`~raccord.rules.errors.RulesError` on impossible input.
    """
    r = request
    tv = technical_values(params, on=r.reference_date)
    classification = classify_with(r, tv)
    if classification.path is not _PATH_BT_36_250:
        return TechnicalConsequences(classification)
    return TechnicalConsequences(
        classification,
        export_limitation_with(r, tv),
        reactive_setpoint_with(r, tv),
        connection_works_with(r, tv, study.extension_needed),
        metering_plan_with(r, tv, study.meter_type),
        decoupling_protection_with(r, tv),
        request_harmonics_standard_with(r, tv),
        delivery_point_with(r, tv),
    )
