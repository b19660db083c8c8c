"""Inputs of the rules core: what the requester declared and what the DSO's study found.

Two frozen dataclasses describe a dossier for the technical rules and the document plan:

* :class:`ConnectionRequest`: the orientation answers and the « Précisions techniques » of the
  request form (CACSI guide, « Saisir le formulaire ») plus the Avenant's fiches de collecte
  (Annexe 1): service type, usage, injection option, powers, phases, decoupling, RfG scope…
* :class:`StudyFacts`: the DSO's judgement after its study (extension needed, S3REnR, filters,
  private works, anticipated connection…). Every field has a default so that a plan can be
  previewed before the study; decisions resting on a default are flagged
  ``needs_confirmation`` by :mod:`raccord.rules.variants`.

Enumerations are ``StrEnum`` so that their values can be stored and posted as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from raccord.rules._frozen import fast_init

ZERO = Decimal(0)


class ServiceType(StrEnum):
    """« Quel type de prestation demandez-vous ? » (CACSI guide, orientation)."""

    NEW_CONNECTION = "nouveau_raccordement"
    POWER_INCREASE = "augmentation_puissance"
    MODIFICATION = "modification"


class Usage(StrEnum):
    """« Quel usage prévoyez-vous pour ce raccordement ? » (CACSI guide, orientation)."""

    CONSUMPTION_ONLY = "consommation_seule"
    PRODUCTION_ONLY = "production_seule"
    CONSUMPTION_AND_PRODUCTION = "consommation_et_production"


class PowerBucket(StrEnum):
    """« Quelle puissance maximale souhaitez-vous pour le raccordement ? » (orientation)."""

    UP_TO_36 = "jusqu_a_36_kva"
    FROM_36_TO_250 = "de_36_a_250_kva"
    ABOVE_250 = "plus_de_250_kva"


class InjectionOption(StrEnum):
    """« Option d'injection » (CACSI guide, Précisions techniques; Avenant §3.1)."""

    TOTAL = "injection_totale"
    SURPLUS = "injection_surplus"
    NONE = "autoconsommation_totale"


class Phases(StrEnum):
    """« Type de raccordement : Monophasé / Triphasé » (CACSI guide)."""

    SINGLE = "monophase"
    THREE = "triphase"


class Withdrawal(StrEnum):
    """Withdrawal (soutirage) connection of the site (Avenant §3.1 options 1/2, §6 variants)."""

    NONE = "aucun"
    NEW = "nouveau"
    EXISTING = "existant"


class DecouplingKind(StrEnum):
    """Decoupling protection chosen by the requester (Avenant §5.1.2.1)."""

    B1_RELAYS = "relais_b1"
    SEPARATION_DEVICE = "dispositif_integre"


class RfgScope(StrEnum):
    """Is the installation subject to the RfG network code, and how much of it (Avenant §5.3)."""

    WHOLE = "rfg_installation"
    NEW_OR_MODIFIED_PARTS = "rfg_parties_neuves"
    NOT_SUBJECT = "non_rfg"


class MeteringLocation(StrEnum):
    """Where the delivery and metering points are (Avenant §6 sub-variants)."""

    PRIVATE_DOMAIN_LIMIT = "limite_domaine_prive"
    PRIVATE_PREMISES = "domaine_prive"


class BreakingDevice(StrEnum):
    """Protection of the monitored-power branch (Avenant §6 options 1/2/3)."""

    CIRCUIT_BREAKER = "disjoncteur"
    SWITCH_DISCONNECTOR_BREAKER = "sectionneur_disjoncteur"
    WITHDRAWABLE_BREAKER = "disjoncteur_debrochable"


class CutOutGrouping(StrEnum):
    """Cut-outs of injection and withdrawal (Avenant §6 sub-variants 2.2, 2.4, 2.6 options)."""

    GROUPED_ECP3D = "regroupes_ecp3d"
    SEPARATE = "separes"


class BeneficiaryKind(StrEnum):
    """Who signs (Avenant, « Bénéficiaire » block; §7.2.5 local-authority variant)."""

    PERSON = "particulier"
    COMPANY = "societe"
    LOCAL_AUTHORITY = "collectivite"


class L342Timing(StrEnum):
    """When the requester asked to build the works itself (Avenant §2.1 variants 1/2)."""

    AFTER_REQUEST = "apres_demande"
    FIRST_REQUEST = "primo_demande"


class S3renrCase(StrEnum):
    """Which S3REnR covers the solution (Avenant §4.1 variants 1/2/3)."""

    SAME_REGION = "meme_region"
    OTHER_REGION = "autre_region"
    ALTERNATIVE_SOLUTION = "solution_alternative"


@fast_init
@dataclass(frozen=True, slots=True)
class ConnectionRequest:
    """What the requester declared (orientation, technical details, fiches de collecte).

    Powers in kVA (``Decimal``). ``pracc_inj_kva`` is the injection connection power (zero for
    autoconsommation totale); ``pracc_sout_kva`` the withdrawal connection power, new or
    existing (zero when ``withdrawal`` is ``NONE``). ``phase_powers_kva`` is the split of the
    installed power per phase: empty (not given), one value in single phase, three in three
    phase (three zeros count as not given, as the CACSI guide tells three-phase declarants to
    type « 0 »). ``reference_date`` selects the parameters in force (the date the request was
    complete, « Demande recevable le »).
    """

    service_type: ServiceType
    usage: Usage
    injection_option: InjectionOption
    phases: Phases
    installed_power_kva: Decimal
    pracc_inj_kva: Decimal
    reference_date: date
    pracc_sout_kva: Decimal = ZERO
    withdrawal: Withdrawal = Withdrawal.NONE
    phase_powers_kva: tuple[Decimal, ...] = ()
    declared_bucket: PowerBucket | None = None
    # Installation
    storage: bool = False
    has_inverters: bool = True
    inverter_unit_kva: Decimal | None = None
    decoupling: DecouplingKind | None = None
    certificate_standards: tuple[str, ...] = ()
    certificates_supplied: bool = True
    rfg_scope: RfgScope | None = None
    # Reactive power (Avenant §3.2)
    rotating_machines: bool = False
    rotating_tan_phi: Decimal | None = None
    rotating_control_threshold: Decimal | None = None
    keep_original_zero_setpoint: bool = False
    # Delivery point (Avenant §6)
    metering_location: MeteringLocation = MeteringLocation.PRIVATE_DOMAIN_LIMIT
    breaking_device: BreakingDevice | None = None
    cut_out_grouping: CutOutGrouping | None = None
    # Parties (Avenant header, §2.1, §7.2.5, §8)
    beneficiary: BeneficiaryKind = BeneficiaryKind.COMPANY
    l342_6_timing: L342Timing = L342Timing.FIRST_REQUEST
    requester_signs_by_delegation: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class StudyFacts:
    """The DSO's findings after its study; ``None`` means « not decided yet ».

    A ``None`` (or default) value makes the depending decision carry
    ``needs_confirmation=True`` in the document plan.
    """

    extension_needed: bool | None = None
    s3renr: bool | None = None
    s3renr_case: S3renrCase | None = None
    private_works_needed: bool | None = None
    tariff_signal_filter_needed: bool | None = None
    harmonics_filter_needed: bool | None = None
    meter_telecom_needed: bool = True
    mobile_coverage: bool | None = None
    source_works: bool = False
    anticipated_connection_offered: bool | None = None
    study_resumed: bool = False
    dso_signs_by_delegation: bool = False
    meter_type: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Confirmation:
    """A person's choice for one exclusive group of the model, overriding the default rule.

    ``block_id`` is ``None`` to omit an optional block. ``by`` names the person (or role).
    """

    group: str
    block_id: str | None
    by: str
