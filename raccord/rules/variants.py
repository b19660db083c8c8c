"""Document plan: one decision per block group of the Avenant L342-6 / CRD model.

The model (Enedis-FOR-RES_052E v5) is assembled from ``[Variante]``, ``[Option]``,
``[Sous variante]``, ``[Sous-Variante]`` and ``[Paragraphe optionnel]`` blocks, plus two
unmarked « ou » alternatives (title, bénéficiaire). :data:`CATALOGUE` lists every block once
(id, section, title, exclusive group, kind, parent, the rule that chooses it). Blocks of one
group exclude each other; a *required* group gets exactly one block whenever its parent block is
chosen, an *optional* group gets at most one.

:func:`document_plan` returns a :class:`DocumentPlan` with one :class:`Decision` per group: the
block chosen (``None``: omitted), the rule (French), the inputs it used, and whether a person
must confirm it (``needs_confirmation``: the DSO's judgement or a default). A
:class:`~raccord.rules.inputs.Confirmation` overrides the default of a *confirmable* group and
is recorded (``confirmed_by``).

Documents: ``AVENANT`` has every block; ``CRD`` (Conditions Particulières of the original
Convention de Raccordement Directe) omits the Avenant-only blocks (§2.1 variants, §7.2.4).

``python -m raccord.rules.variants --markdown`` prints the catalogue as a Markdown table
(``docs/rules/document-plan.md``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Any

from raccord.rules._frozen import fast_init
from raccord.rules.classification import Path
from raccord.rules.consequences import TechnicalConsequences, technical_consequences
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
    RfgScope,
    S3renrCase,
    ServiceType,
    StudyFacts,
    Withdrawal,
)
from raccord.rules.metering import CUT_OUT_SUB_VARIANTS, SELECTIVITY_SUB_VARIANTS, sub_variant_for
from raccord.rules.parameters import ParameterSet

InputValue = str | Decimal | bool | int | date | None


class DocumentKind(StrEnum):
    CRD = "crd"
    AVENANT = "avenant"


class BlockKind(StrEnum):
    VARIANTE = "Variante"
    OPTION = "Option"
    SOUS_VARIANTE = "Sous variante"
    PARAGRAPHE_OPTIONNEL = "Paragraphe optionnel"
    ALTERNATIVE = "Alternative « ou »"


@fast_init
@dataclass(frozen=True, slots=True)
class Block:
    """One block of the model. ``rule`` says, in French, when it is chosen."""

    id: str
    section: str
    title: str
    group: str
    kind: BlockKind
    rule: str
    parent: str | None = None
    avenant_only: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class Group:
    """An exclusive group: its blocks are never chosen together."""

    id: str
    section: str
    blocks: tuple[str, ...]
    required: bool
    confirmable: bool
    parent: str | None
    omit_rule: str
    avenant_only: bool


@fast_init
@dataclass(frozen=True, slots=True)
class Decision:
    """The choice for one group: ``block_id`` (``None``: nothing from this group)."""

    group: str
    block_id: str | None
    rule: str
    inputs: tuple[tuple[str, InputValue], ...]
    needs_confirmation: bool
    confirmed_by: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class DocumentPlan:
    document: DocumentKind
    decisions: tuple[Decision, ...]
    chosen: frozenset[str]

    def includes(self, block_id: str) -> bool:
        """Is the block (an Avenant model block id, see CATALOGUE) in the document."""
        return block_id in self.chosen

    def decision(self, group: str) -> Decision:
        """The decision of an Avenant model block group (KeyError if it does not exist)."""
        for d in self.decisions:
            if d.group == group:
                return d
        raise KeyError(group)

    def decision_for(self, block_id: str) -> Decision:
        """The decision of the group of the Avenant block ``block_id`` (chosen or not)."""
        return self.decision(BLOCKS_BY_ID[block_id].group)

    @property
    def to_confirm(self) -> tuple[Decision, ...]:
        """Decisions a person still has to confirm (the DSO's judgement on Avenant blocks)."""
        return tuple(d for d in self.decisions if d.needs_confirmation)


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------

V, OPT, SV, PO, ALT = (
    BlockKind.VARIANTE,
    BlockKind.OPTION,
    BlockKind.SOUS_VARIANTE,
    BlockKind.PARAGRAPHE_OPTIONNEL,
    BlockKind.ALTERNATIVE,
)

_BLOCKS: list[Block] = []
_GROUPS: dict[str, tuple[str, bool, bool, str]] = {}


def _group(gid: str, section: str, *, required: bool, confirmable: bool, omit: str = "") -> None:
    _GROUPS[gid] = (section, required, confirmable, omit)


def _block(
    bid: str,
    group: str,
    kind: BlockKind,
    title: str,
    rule: str,
    parent: str | None = None,
    *,
    avenant_only: bool = False,
) -> None:
    _BLOCKS.append(Block(bid, _GROUPS[group][0], title, group, kind, rule, parent, avenant_only))


_group("TITRE", "Titre", required=True, confirmable=False)
_block(
    "TITRE.PRODUCTION",
    "TITRE",
    ALT,
    "Installation [de Production photovoltaïque, éolienne, hydraulique…]",
    "Installation sans stockage.",
)
_block(
    "TITRE.INJ_SOUT",
    "TITRE",
    ALT,
    "Installation [susceptible d'injecter et de soutirer]",
    "Installation avec stockage (susceptible d'injecter et de soutirer).",
)
_group("BENEF", "Parties", required=True, confirmable=True)
_block(
    "BENEF.PERSONNE",
    "BENEF",
    ALT,
    "Bénéficiaire personne physique (« NOMCLIENT », domicilié …)",
    "Demandeur particulier.",
)
_block(
    "BENEF.SOCIETE",
    "BENEF",
    ALT,
    "Bénéficiaire personne morale (raison sociale, RCS, signataire habilité)",
    "Demandeur société ; collectivité locale : même bloc, mentions RCS à adapter (à confirmer).",
)
_group(
    "1.O",
    "§ 1",
    required=False,
    confirmable=False,
    omit="Pas de raccordement anticipé (§ 7.3 option 1).",
)
_block(
    "1.O",
    "1.O",
    OPT,
    "Synthèse : proposition de mise à disposition anticipée du raccordement",
    "Retenu avec le § 7.3 option 2 (raccordement anticipé proposé par Enedis).",
)
_group("2.1", "§ 2.1", required=True, confirmable=False)
_block(
    "2.1.V1",
    "2.1",
    V,
    "Application de l'article L342-6 après demande de raccordement",
    "Le Demandeur a demandé l'article L342-6 après sa demande (Avenant à une CRD existante).",
    avenant_only=True,
)
_block(
    "2.1.V2",
    "2.1",
    V,
    "Application de l'article L342-6 dès la primo demande",
    "Le Demandeur a demandé l'article L342-6 dans sa demande initiale.",
    avenant_only=True,
)
_group("3.1", "§ 3.1", required=True, confirmable=False)
_block("3.1.V1", "3.1", V, "Injection en Totalité", "Option d'injection : injection totale.")
_block("3.1.V2", "3.1", V, "Injection en Surplus", "Option d'injection : injection du surplus.")
for _v in ("V1", "V2"):
    _group(f"3.1.{_v!s}.O", "§ 3.1", required=False, confirmable=False, omit="Pas de soutirage.")
    _block(
        f"3.1.{_v!s}.O1",
        f"3.1.{_v!s}.O",
        OPT,
        "Demande d'un raccordement supplémentaire en soutirage",
        "Nouveau raccordement en soutirage demandé (Pracc_sout).",
        f"3.1.{_v!s}",
    )
    _block(
        f"3.1.{_v!s}.O2",
        f"3.1.{_v!s}.O",
        OPT,
        "Raccordement existant en soutirage",
        "Raccordement en soutirage existant (Pracc_sout).",
        f"3.1.{_v!s}",
    )
_group("3.2", "§ 3.2", required=True, confirmable=True)
_block(
    "3.2.V1",
    "3.2",
    V,
    "Consigne des CG (tan φ = -0,35, cos φ = 0,944 sous excité)",
    "Cas général.",
)
_block(
    "3.2.V2",
    "3.2",
    V,
    "Consigne dérogatoire tan φ = 0",
    "Modification maintenant la consigne d'origine tan φ = 0, ou demande qualifiée avant la "
    "date du paramètre reactive.zero_derogation_qualified_before (01/02/2023).",
)
_block(
    "3.2.V3",
    "3.2",
    V,
    "Consigne dérogatoire des machines tournantes",
    "Machines tournantes (tan φ donné ± 0,05, seuil 0,2 à 0,6 x Pracc_inj) ; contrainte "
    "technique à confirmer par le gestionnaire.",
)
_group("3.3", "§ 3.3", required=True, confirmable=True)
_block(
    "3.3.V1",
    "3.3",
    V,
    "BT < 120 kVA - Branchement seul",
    "Puissance < 120 kVA (injection, et soutirage s'il est nouveau) et pas d'extension selon "
    "l'étude ; par défaut tant que l'étude n'a pas tranché (à confirmer).",
)
_block(
    "3.3.V2",
    "3.3",
    V,
    "BT < 120 kVA - Extension et Branchement",
    "Puissance < 120 kVA et l'étude demande une extension de réseau.",
)
_block(
    "3.3.V3",
    "3.3",
    V,
    "BT ≥ 120 kVA (extension de réseau)",
    "Puissance ≥ 120 kVA (paramètre threshold.extension_kva).",
)
_group(
    "4.O",
    "§ 4",
    required=False,
    confirmable=True,
    omit="Installation ne relevant pas d'un S3REnR (par défaut tant que l'étude n'a pas "
    "tranché, à confirmer).",
)
_block(
    "4.O",
    "4.O",
    OPT,
    "Installation relevant d'un S3REnR (§ 4.1 S3REnR concerné)",
    "L'étude rattache l'installation à un S3REnR.",
)
_group("4.1", "§ 4.1", required=True, confirmable=True)
_block(
    "4.1.V1",
    "4.1",
    V,
    "Poste Source du S3REnR de la région de l'installation",
    "Le Poste Source retenu relève du S3REnR de la région (par défaut, à confirmer).",
    "4.O",
)
_block(
    "4.1.V2",
    "4.1",
    V,
    "Poste Source du S3REnR d'une autre région",
    "Le Poste Source retenu relève du S3REnR d'une autre région.",
    "4.O",
)
_block(
    "4.1.V3",
    "4.1",
    V,
    "Solution alternative souhaitée par le Demandeur",
    "Le Demandeur a choisi une solution différente de l'offre de référence.",
    "4.O",
)
for _t, _name in (
    ("4.2.1", "Ouvrages BT nouvellement créés"),
    ("4.2.2", "Ouvrages BT à adapter"),
    ("4.2.3", "Ouvrages créés dans le domaine de tension supérieur"),
):
    _group(_t, f"§ {_t!s}", required=True, confirmable=False)
    _block(
        f"{_t!s}.V1",
        _t,
        V,
        f"{_name!s} : installation relevant d'un S3REnR (Ouvrages propres)",
        "Installation relevant d'un S3REnR (§ 4 option retenue).",
    )
    _block(
        f"{_t!s}.V2",
        _t,
        V,
        f"{_name!s} : installation ne relevant pas d'un S3REnR (branchement / extension)",
        "Installation ne relevant pas d'un S3REnR.",
    )
_group("4.4", "§ 4.4", required=True, confirmable=True)
_block(
    "4.4.V1",
    "4.4",
    V,
    "Ouvrages de Raccordement privés à construire par le Demandeur (description)",
    "L'étude prévoit des travaux du Demandeur (niche, génie civil, tranchée, fourreaux…).",
)
_block(
    "4.4.V2",
    "4.4",
    V,
    "Sans objet",
    "Aucun ouvrage privé à construire ; par défaut tant que l'étude n'a pas tranché (à confirmer).",
)
_group("5.1.2.1", "§ 5.1.2.1", required=True, confirmable=True)
_block(
    "5.1.2.1.V1",
    "5.1.2.1",
    V,
    "Protection de découplage B.1 (relais 85 % / 115 % Un, 49,5 / 50,5 Hz)",
    "Protection B.1 choisie, ou installation sans onduleur.",
)
_block(
    "5.1.2.1.V2",
    "5.1.2.1",
    V,
    "Dispositif de séparation intégré à chaque onduleur (ou au sectionneur automatique)",
    "Dispositif intégré ; certificat citant une norme acceptée à la date de la demande "
    "(paramètre decoupling.accepted_certificate_standards), sinon à confirmer.",
)
_group(
    "5.1.2.2.O",
    "§ 5.1.2.2",
    required=False,
    confirmable=False,
    omit="Sous-variante du § 6 hors de la liste 2.3, 2.4, 2.5, 2.6, 3.2, 3.3, 3.4, 3.7, 3.8.",
)
_block(
    "5.1.2.2.O",
    "5.1.2.2.O",
    OPT,
    "Coordination des protections : sélectivité non assurée",
    "Sous-variante du § 6 parmi 2.3, 2.4, 2.5, 2.6, 3.2, 3.3, 3.4, 3.7, 3.8.",
)
_group("5.2", "§ 5.2", required=True, confirmable=True)
_block(
    "5.2.V1",
    "5.2",
    V,
    "Pas de perturbation du signal tarifaire",
    "L'étude ne relève pas de perturbation ; par défaut (à confirmer).",
)
_block(
    "5.2.V2",
    "5.2",
    V,
    "Filtre limitant les perturbations du signal tarifaire",
    "L'étude relève une perturbation du signal tarifaire au-delà des limites admises.",
)
_group("5.3", "§ 5.3", required=True, confirmable=True)
_block(
    "5.3.V1",
    "5.3",
    V,
    "Installation soumise au code RfG (neuve ou modification substantielle)",
    "Installation neuve, modifiée substantiellement, ou en partie neuve ou modifiée.",
)
_block(
    "5.3.V2",
    "5.3",
    V,
    "Installation non soumise au code RfG",
    "Installation déclarée non soumise au code RfG.",
)
_group("5.3.V1.SV", "§ 5.3", required=True, confirmable=True)
_block(
    "5.3.V1.SV1",
    "5.3.V1.SV",
    SV,
    "Installation soumise au code RfG (NF EN 50549-1, FD C11-519-11)",
    "Installation entière soumise ; par défaut pour un nouveau raccordement.",
    "5.3.V1",
)
_block(
    "5.3.V1.SV2",
    "5.3.V1.SV",
    SV,
    "Soumise au code RfG pour ses seules parties neuves ou modifiées",
    "Parties neuves ou modifiées seulement ; par défaut pour une augmentation de puissance "
    "ou une modification (à confirmer).",
    "5.3.V1",
)
_group(
    "5.3.V1.PO",
    "§ 5.3",
    required=False,
    confirmable=False,
    omit="Certificats de conformité remis.",
)
_block(
    "5.3.V1.PO",
    "5.3.V1.PO",
    PO,
    "Certificats de conformité non remis (condition de mise en service)",
    "Les certificats de conformité des Équipements ou de l'Installation n'ont pas été remis.",
    "5.3.V1",
)
_group("5.3.V2.SV", "§ 5.3", required=True, confirmable=False)
_block(
    "5.3.V2.SV1",
    "5.3.V2.SV",
    SV,
    "Installation de stockage (PRO-RES_64E, NF EN 50549-1)",
    "Installation non RfG avec stockage.",
    "5.3.V2",
)
_block(
    "5.3.V2.SV2",
    "5.3.V2.SV",
    SV,
    "Autre installation non soumise au code RfG (arrêté du 9 juin 2020)",
    "Installation non RfG sans stockage.",
    "5.3.V2",
)
_group("5.4", "§ 5.4", required=True, confirmable=True)
_block(
    "5.4.V1",
    "5.4",
    V,
    "Pas d'injection excessive de courants harmoniques",
    "L'étude ne relève pas de courants harmoniques excessifs ; par défaut (à confirmer).",
)
_block(
    "5.4.V2",
    "5.4",
    V,
    "Filtre anti-harmoniques",
    "L'étude relève des courants harmoniques excessifs.",
)
_group("5.4.V1.PO", "§ 5.4", required=False, confirmable=False, omit="Installation sans onduleur.")
_block(
    "5.4.V1.PO",
    "5.4.V1.PO",
    PO,
    "Onduleurs conformes à la norme CEI 61000-3-2 / 3-12 / 3-4",
    "Installation à onduleurs ; norme selon le courant par phase (≤ 16 A : 61000-3-2 ; "
    "< 75 A : 61000-3-12 ; sinon 61000-3-4).",
    "5.4.V1",
)
_group(
    "5.5.O",
    "§ 5.5",
    required=False,
    confirmable=True,
    omit="Pas d'accès de télécommunication à établir selon le gestionnaire.",
)
_block(
    "5.5.O",
    "5.5.O",
    OPT,
    "Installations de télécommunications (accès radio mobile établi par Enedis)",
    "Compteurs du Dispositif de Comptage télérelevés (par défaut).",
)
_group(
    "5.5.O.O",
    "§ 5.5",
    required=False,
    confirmable=True,
    omit="Couverture radio mobile assurée ; par défaut tant que non vérifiée (à confirmer).",
)
_block(
    "5.5.O.O",
    "5.5.O.O",
    OPT,
    "Accès filaire à la charge du Demandeur (couverture radio mobile absente)",
    "La couverture radio mobile n'est pas assurée.",
    "5.5.O",
)
_group("6.O", "§ 6", required=True, confirmable=True)
for _opt, _title in (
    ("1", "Branchement à puissance surveillée protégé par disjoncteur"),
    ("2", "Branchement protégé par sectionneur-disjoncteur"),
    ("3", "Branchement protégé par disjoncteur débrochable"),
):
    _block(
        f"6.O{_opt!s}",
        "6.O",
        OPT,
        _title,
        f"Appareil de coupure déclaré : option {_opt!s}"
        + (" (par défaut si non déclaré, à confirmer)." if _opt == "1" else "."),
    )
_group("6.V", "§ 6", required=True, confirmable=True)
_V6 = {
    1: (
        "Nouveau producteur > 36 kVA : injection totale sans soutirage, surplus et nouveau "
        "soutirage > 36 kVA, injection totale et nouveau soutirage ≤ 36 kVA",
        "Un des trois cas du titre ; aussi, à confirmer, les cas non prévus (injection totale "
        "avec soutirage existant < 36 kVA, surplus avec soutirage ≤ 36 kVA ou existant < 36 kVA).",
    ),
    2: (
        "Nouveau producteur > 36 kVA, injection en totalité et nouveau soutirage > 36 kVA",
        "Injection totale et nouveau soutirage > 36 kVA (threshold.small_withdrawal_kva).",
    ),
    3: (
        "Nouveau producteur > 36 kVA, injection en totalité avec soutirage existant ≥ 36 kVA",
        "Injection totale et soutirage existant ≥ 36 kVA.",
    ),
    4: (
        "Nouveau producteur > 36 kVA, injection en surplus avec soutirage existant ≥ 36 kVA",
        "Injection du surplus et soutirage existant ≥ 36 kVA.",
    ),
}
for _n, (_title, _rule) in _V6.items():
    _block(f"6.V{_n!s}", "6.V", V, _title, _rule)


def _power_text(variant: int, index: int) -> str:
    place = "comptage en domaine privé" if index % 2 == 0 else "comptage en limite de domaine privé"
    if variant == 1:
        powers = ("injection et soutirage < 120 kVA", "injection ou soutirage ≥ 120 kVA")[
            (index - 1) // 2
        ]
    elif variant == 2:
        powers = (
            "injection et soutirage < 120 kVA",
            "l'une des deux puissances ≥ 120 kVA, l'autre < 120 kVA",
            "injection et soutirage ≥ 120 kVA",
        )[(index - 1) // 2]
    else:
        powers = (
            "injection < 120 kVA, soutirage existant < 120 kVA",
            "injection < 120 kVA, soutirage existant ≥ 120 kVA",
            "injection ≥ 120 kVA, soutirage existant < 120 kVA",
            "injection ≥ 120 kVA, soutirage existant ≥ 120 kVA",
        )[(index - 1) // 2]
    return f"{powers!s}, {place!s}"


for _n, _count in ((1, 4), (2, 6), (3, 8), (4, 8)):
    _group(f"6.V{_n!s}.SV", "§ 6", required=True, confirmable=False)
    for _i in range(1, _count + 1):
        _sub = f"{_n!s}.{_i!s}"
        _text = _power_text(_n, _i)
        _sel = " ; garde le § 5.1.2.2" if _sub in SELECTIVITY_SUB_VARIANTS else ""
        _block(
            f"6.V{_n!s}.SV{_sub!s}",
            f"6.V{_n!s}.SV",
            SV,
            f"Sous variante {_sub!s} : {_text!s}",
            f"Variante {_n!s}, {_text!s} (threshold.extension_kva){_sel!s}.",
            f"6.V{_n!s}",
        )
        if _sub in CUT_OUT_SUB_VARIANTS:
            _gid = f"6.V{_n!s}.SV{_sub!s}.O"
            _group(_gid, "§ 6", required=True, confirmable=True)
            _block(
                f"{_gid!s}1",
                _gid,
                OPT,
                "Regroupement des coupe-circuits dans un même appareillage (ECP3D)",
                "Regroupement possible selon les dispositions du site (déclaré).",
                f"6.V{_n!s}.SV{_sub!s}",
            )
            _block(
                f"{_gid!s}2",
                _gid,
                OPT,
                "Deux coupe-circuits différents pour l'injection et le soutirage",
                "Coupe-circuits séparés (déclaré, ou par défaut à confirmer).",
                f"6.V{_n!s}.SV{_sub!s}",
            )
_group("7.1", "§ 7.1", required=False, confirmable=False, omit="Pas de reprise d'études.")
_block(
    "7.1.V1",
    "7.1",
    V,
    "Contribution pour reprise d'études",
    "Les données techniques ont changé depuis une offre précédente (reprise d'études).",
)
_group("7.2.1", "§ 7.2.1", required=True, confirmable=False)
_block(
    "7.2.1.V1",
    "7.2.1",
    V,
    "Installations relevant d'un S3REnR : Ouvrages propres",
    "Installation relevant d'un S3REnR (§ 4 option retenue).",
)
_block(
    "7.2.1.V2",
    "7.2.1",
    V,
    "Installations ne relevant pas d'un S3REnR : branchement et extension",
    "Installation ne relevant pas d'un S3REnR.",
)
_group("7.2.2.O", "§ 7.2.2", required=False, confirmable=False, omit="Hors S3REnR.")
_block(
    "7.2.2.O",
    "7.2.2.O",
    OPT,
    "Quote-Part du coût des ouvrages à créer en application du S3REnR",
    "Installation relevant d'un S3REnR (§ 4 option retenue) ; montant calculé par money.py "
    "(exonération possible sous 250 kVA).",
)
_group(
    "7.2.4.PO",
    "§ 7.2.4",
    required=False,
    confirmable=False,
    omit="CRD d'origine : pas de Travaux Mandataire.",
)
_block(
    "7.2.4.PO",
    "7.2.4.PO",
    PO,
    "Travaux Mandataire (article L342-6)",
    "Toujours présent dans l'Avenant L342-6.",
    avenant_only=True,
)
_group(
    "7.2.5.V",
    "§ 7.2.5",
    required=False,
    confirmable=False,
    omit="Demandeur autre qu'une collectivité locale : acompte à la signature.",
)
_block(
    "7.2.5.V",
    "7.2.5.V",
    V,
    "Cas d'un client collectivité locale (ordre de service, paiement à l'achèvement)",
    "Demandeur collectivité locale.",
)
_group("7.3", "§ 7.3", required=True, confirmable=True)
_block(
    "7.3.O1",
    "7.3",
    OPT,
    "Pas de raccordement anticipé",
    "Pas de travaux au Poste Source / HTB, ou pas de raccordement anticipé proposé.",
)
_block(
    "7.3.O2",
    "7.3",
    OPT,
    "Raccordement anticipé proposé par Enedis",
    "Travaux au Poste Source / HTB et raccordement anticipé proposé par le gestionnaire.",
)
_group(
    "8.DELEG.DEMANDEUR",
    "§ 8",
    required=False,
    confirmable=False,
    omit="Le signataire du Demandeur signe en son nom.",
)
_block(
    "8.DELEG.DEMANDEUR",
    "8.DELEG.DEMANDEUR",
    PO,
    "Pour le Demandeur : « par délégation de »",
    "Le signataire du Demandeur signe par délégation.",
)
_group(
    "8.DELEG.ENEDIS",
    "§ 8",
    required=False,
    confirmable=False,
    omit="Le signataire d'Enedis signe en son nom.",
)
_block(
    "8.DELEG.ENEDIS",
    "8.DELEG.ENEDIS",
    PO,
    "Pour Enedis : « par délégation de »",
    "Le signataire d'Enedis signe par délégation.",
)

#: Every block of the model, in document order.
CATALOGUE: tuple[Block, ...] = tuple(_BLOCKS)
BLOCKS_BY_ID: dict[str, Block] = {b.id: b for b in CATALOGUE}


def _build_groups() -> dict[str, Group]:
    out: dict[str, Group] = {}
    for gid, (section, required, confirmable, omit) in _GROUPS.items():
        members = tuple(b for b in CATALOGUE if b.group == gid)
        parents = {b.parent for b in members}
        assert len(parents) == 1, gid
        out[gid] = Group(
            gid,
            section,
            tuple(b.id for b in members),
            required,
            confirmable,
            parents.pop(),
            omit,
            all(b.avenant_only for b in members),
        )
    return out


#: Every exclusive group, by id, in document order.
GROUPS: dict[str, Group] = _build_groups()
_PARENT_OFF = {
    gid: Decision(gid, None, f"Bloc parent {g.parent!s} non retenu.", (), False)
    for gid, g in GROUPS.items()
    if g.parent
}
_CRD_OFF = {
    gid: Decision(gid, None, "Bloc propre à l'Avenant L342-6 : absent de la CRD.", (), False)
    for gid, g in GROUPS.items()
    if g.avenant_only
}
_RULES = {b.id: b.rule for b in CATALOGUE}
_GROUP_FAST = {
    gid: (g.avenant_only, BLOCKS_BY_ID[g.parent].group if g.parent else None, g.parent)
    for gid, g in GROUPS.items()
}
_SECTION_3_1_OPTIONS = tuple(
    (v, f"{v!s}.O", f"{v!s}.O1", f"{v!s}.O2") for v in ("3.1.V1", "3.1.V2")
)
_SECTION_6_SUB_GROUPS = tuple((n, f"6.V{n!s}.SV") for n in (1, 2, 3, 4))
_SECTION_6_CUT_OUT_GROUPS = tuple(
    (f"6.V2.SV{cut!s}.O", (f"6.V2.SV{cut!s}.O1", f"6.V2.SV{cut!s}.O2"))
    for cut in ("2.2", "2.4", "2.6")
)
# Decisions are immutable and many dossiers share them: reuse equal ones (bounded cache).
_DECISIONS: dict[tuple[str, str | None, tuple[tuple[str, InputValue], ...], bool], Decision] = {}
_DECISIONS_MAX = 65536
_DECISIONS_GET = _DECISIONS.get


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


def _shared_decision(
    gid: str,
    block_id: str | None,
    inputs: tuple[tuple[str, InputValue], ...],
    needs_confirmation: bool,
) -> Decision:
    """The decision of ``gid`` for these inputs, an equal one shared when already made."""
    key = (gid, block_id, inputs, needs_confirmation)
    decision = _DECISIONS_GET(key)
    if decision is None:
        rule = _RULES[block_id] if block_id is not None else GROUPS[gid].omit_rule
        decision = Decision(gid, block_id, rule, inputs, needs_confirmation)
        if len(_DECISIONS) >= _DECISIONS_MAX:
            _DECISIONS.clear()
        _DECISIONS[key] = decision
    return decision


class _Planner:
    __slots__ = ("chosen", "confirmations", "crd", "decisions", "document")

    def __init__(self, document: DocumentKind, confirmations: Iterable[Confirmation]) -> None:
        self.document = document
        self.crd = document is DocumentKind.CRD
        self.decisions: dict[str, Decision] = {}
        self.chosen: dict[str, str | None] = {}
        self.confirmations: dict[str, Confirmation] = {}
        for c in confirmations:
            group = GROUPS.get(c.group)
            if group is None:
                raise RulesError(
                    "confirmations", f"Le groupe de blocs « {c.group!s} » n'existe pas."
                )
            if not group.confirmable:
                raise RulesError(
                    "confirmations",
                    f"Le choix du groupe « {c.group!s} » découle des données de la demande : "
                    "corrigez la demande plutôt que le choix.",
                )
            if c.block_id is None and group.required:
                raise RulesError(
                    "confirmations",
                    f"Le groupe « {c.group!s} » exige un bloc : il ne peut être omis.",
                )
            if c.block_id is not None and c.block_id not in group.blocks:
                raise RulesError(
                    "confirmations",
                    f"Le bloc « {c.block_id!s} » n'appartient pas au groupe « {c.group!s} ».",
                )
            if c.group in self.confirmations:
                raise RulesError(
                    "confirmations", f"Le groupe « {c.group!s} » est confirmé deux fois."
                )
            self.confirmations[c.group] = c

    def decide(
        self,
        gid: str,
        block_id: str | None,
        inputs: tuple[tuple[str, InputValue], ...],
        needs_confirmation: bool = False,
        *,
        cache: bool = True,
    ) -> str | None:
        """Record the decision of ``gid`` (or the reason it is off) and return the block.

        ``cache=False`` for inputs holding powers: equal decisions are rarely shared.

        A confirmation of a group that is off (its parent block not chosen, or an Avenant-only
        group in a CRD) is ignored: it no longer applies to the request as it stands.
        """
        avenant_only, parent_group, parent = _GROUP_FAST[gid]
        if avenant_only and self.crd:
            self.decisions[gid] = _CRD_OFF[gid]
            self.chosen[gid] = None
            return None
        if parent_group is not None and self.chosen.get(parent_group) != parent:
            self.decisions[gid] = _PARENT_OFF[gid]
            self.chosen[gid] = None
            return None
        if self.confirmations and gid in self.confirmations:
            confirmation = self.confirmations[gid]
            default = block_id
            block_id = confirmation.block_id
            rule = (
                _RULES[block_id] if block_id is not None else GROUPS[gid].omit_rule
            ) + f" Choix confirmé par une personne (règle par défaut : {default or 'omis'!s})."
            self.decisions[gid] = Decision(gid, block_id, rule, inputs, False, confirmation.by)
        elif not cache:
            rule = _RULES[block_id] if block_id is not None else GROUPS[gid].omit_rule
            self.decisions[gid] = Decision(gid, block_id, rule, inputs, needs_confirmation)
        else:
            self.decisions[gid] = _shared_decision(gid, block_id, inputs, needs_confirmation)
        self.chosen[gid] = block_id
        return block_id


def document_plan(
    *,
    request: ConnectionRequest,
    study: StudyFacts,
    document: DocumentKind,
    params: ParameterSet,
    confirmations: Iterable[Confirmation] = (),
    consequences: TechnicalConsequences | None = None,
) -> DocumentPlan:
    """Choose every block of the Avenant L342-6 / CRD model (all sections, see CATALOGUE).

    Only for the BT 36-250 kVA path; any other path raises :class:`RulesError`. Pass the
    ``consequences`` already computed to avoid computing them twice.
    """
    r, s = request, study
    c = consequences or technical_consequences(request=r, study=s, params=params)
    if c.classification.path is not Path.BT_36_250:
        raise RulesError(
            c.classification.field,
            "Le plan de la Convention de Raccordement ne concerne que les demandes BT 36-250 kVA : "
            + c.classification.reason,
        )
    assert c.reactive and c.works and c.decoupling and c.delivery_point and c.harmonics
    confirmed = tuple(confirmations)
    if not confirmed:
        return _plan_unconfirmed(r, s, document, c)
    p = _Planner(document, confirmed)
    d = p.decide
    inj = r.injection_option
    w = r.withdrawal
    # §6 variant and sub-variant first: a confirmed variant changes the sub-variant.
    dp = c.delivery_point
    v6 = d(
        "6.V",
        f"6.V{dp.variant!s}",
        (("injection_option", inj), ("withdrawal", w), ("pracc_sout_kva", r.pracc_sout_kva)),
        dp.variant_needs_confirmation,
        cache=False,
    )
    assert v6 is not None
    variant = int(v6[3:])
    sub = (
        dp.sub_variant
        if variant == dp.variant
        else sub_variant_for(variant, big_inj=dp.big_inj, big_sout=dp.big_sout, private=dp.private)
    )
    sub_inputs = _sub_inputs(r)
    for n, group in _SECTION_6_SUB_GROUPS:
        d(group, f"6.V{n!s}.SV{sub!s}" if n == variant else None, sub_inputs, cache=False)
    _decide_fixed(p, _fixed_key(r, s, document, c, variant, sub))
    # §3.1 options
    v31 = p.chosen["3.1"]
    w_inputs = _withdrawal_inputs(r)
    for v, group, new, existing in _SECTION_3_1_OPTIONS:
        d(group, _option_3_1(w, new, existing) if v31 == v else None, w_inputs, cache=False)
    # §3.2
    rs = c.reactive
    d("3.2", f"3.2.V{rs.variant!s}", _reactive_inputs(r, c), rs.needs_confirmation)
    # §3.3
    wk = c.works
    d("3.3", f"3.3.V{wk.variant!s}", _works_inputs(s, c), wk.needs_confirmation, cache=False)
    decisions = tuple(map(p.decisions.__getitem__, GROUPS))
    chosen = frozenset(filter(None, map(p.chosen.__getitem__, _DECISION_ORDER)))
    return DocumentPlan(document, decisions, chosen)


def _sub_inputs(r: ConnectionRequest) -> tuple[tuple[str, InputValue], ...]:
    return (
        ("pracc_inj_kva", r.pracc_inj_kva),
        ("pracc_sout_kva", r.pracc_sout_kva),
        ("metering_location", r.metering_location),
    )


def _withdrawal_inputs(r: ConnectionRequest) -> tuple[tuple[str, InputValue], ...]:
    return (("withdrawal", r.withdrawal), ("pracc_sout_kva", r.pracc_sout_kva))


def _option_3_1(w: Withdrawal, new: str, existing: str) -> str | None:
    """§3.1 option of the chosen variant: none without withdrawal, else new or existing."""
    return None if w is Withdrawal.NONE else (new if w is Withdrawal.NEW else existing)


def _reactive_inputs(
    r: ConnectionRequest, c: TechnicalConsequences
) -> tuple[tuple[str, InputValue], ...]:
    assert c.reactive
    return (
        ("rotating_machines", r.rotating_machines),
        ("keep_original_zero_setpoint", r.keep_original_zero_setpoint),
        ("reference_date", r.reference_date),
        ("tan_phi", c.reactive.tan_phi),
    )


def _works_inputs(s: StudyFacts, c: TechnicalConsequences) -> tuple[tuple[str, InputValue], ...]:
    assert c.works
    return (("power_kva", c.works.power_kva), ("extension_needed", s.extension_needed))


def _fixed_key(
    r: ConnectionRequest,
    s: StudyFacts,
    document: DocumentKind,
    c: TechnicalConsequences,
    variant: int,
    sub: str,
) -> _FixedKey:
    """The inputs of the groups decided from enum and bool inputs only (see _FixedKey)."""
    dec, dp, harmonics = c.decoupling, c.delivery_point, c.harmonics
    assert dec and dp and harmonics
    return (
        document,
        variant,
        sub,
        r.storage,
        r.beneficiary,
        r.l342_6_timing,
        r.injection_option,
        s.s3renr,
        s.s3renr_case,
        s.private_works_needed,
        dec.variant,
        r.decoupling,
        r.has_inverters,
        dec.certificate_accepted,
        dec.needs_confirmation,
        dp.breaking_option,
        r.breaking_device,
        dp.breaking_defaulted,
        r.cut_out_grouping,
        s.tariff_signal_filter_needed,
        r.rfg_scope,
        r.service_type,
        r.certificates_supplied,
        s.harmonics_filter_needed,
        harmonics.standard,
        s.meter_telecom_needed,
        s.mobile_coverage,
        s.study_resumed,
        s.source_works,
        s.anticipated_connection_offered,
        r.requester_signs_by_delegation,
        s.dso_signs_by_delegation,
    )


def _plan_unconfirmed(
    r: ConnectionRequest, s: StudyFacts, document: DocumentKind, c: TechnicalConsequences
) -> DocumentPlan:
    """The plan when nothing is confirmed: the same decisions as the sequential planner.

    No power group is Avenant-only and none is confirmable by another group's choice, so the
    §6, §3.1 options, §3.2 and §3.3 decisions are made here directly; every other group comes
    from its cluster's entry, remembered across dossiers per the cluster's few fields
    (:data:`_CLUSTERS`); the decisions are put in ``GROUPS`` order by one permutation. A test
    proves every decision equal to the sequential planner's.
    """
    dp, rs, wk = c.delivery_point, c.reactive, c.works
    assert dp and rs and wk
    w = r.withdrawal
    variant = dp.variant
    sub = dp.sub_variant
    v6 = f"6.V{variant!s}"
    sub_block = f"{v6!s}.SV{sub!s}"
    sub_inputs = _sub_inputs(r)
    b32 = f"3.2.V{rs.variant!s}"
    b33 = f"3.3.V{wk.variant!s}"
    power = [
        Decision(
            "6.V",
            v6,
            _RULES[v6],
            (
                ("injection_option", r.injection_option),
                ("withdrawal", w),
                ("pracc_sout_kva", r.pracc_sout_kva),
            ),
            dp.variant_needs_confirmation,
        ),
    ]
    for n, group in _SECTION_6_SUB_GROUPS:
        power.append(
            Decision(group, sub_block, _RULES[sub_block], sub_inputs, False)
            if n == variant
            else _PARENT_OFF[group]
        )
    key = _fixed_key(r, s, document, c, variant, sub)
    parts: list[Decision] = []
    chosen: list[str] = [v6, sub_block, b32, b33]
    v31 = None
    for cluster in _CLUSTERS:
        fields = cluster.fields(key)
        entry = cluster.memo.get(fields)
        if entry is None:
            entry = _cluster_entry(cluster, fields, document, v6, variant, sub_block)
        parts += entry.decisions
        chosen += entry.chosen
        if entry.v31 is not None:
            v31 = entry.v31
    w_inputs = _withdrawal_inputs(r)
    for v, group, new, existing in _SECTION_3_1_OPTIONS:
        if v31 == v:
            option = _option_3_1(w, new, existing)
            if option is None:
                power.append(Decision(group, None, GROUPS[group].omit_rule, w_inputs, False))
            else:
                power.append(Decision(group, option, _RULES[option], w_inputs, False))
                chosen.append(option)
        else:
            power.append(_PARENT_OFF[group])
    power.append(_shared_decision("3.2", b32, _reactive_inputs(r, c), rs.needs_confirmation))
    power.append(Decision("3.3", b33, _RULES[b33], _works_inputs(s, c), wk.needs_confirmation))
    parts += power
    return DocumentPlan(document, _IN_GROUP_ORDER(parts), frozenset(chosen))


# The inputs of the groups decided from enum and bool inputs only (see _decide_fixed), in order.
_FixedKey = tuple[
    DocumentKind,
    int,
    str,
    bool,
    BeneficiaryKind,
    L342Timing,
    InjectionOption,
    bool | None,
    S3renrCase | None,
    bool | None,
    int,
    DecouplingKind | None,
    bool,
    bool | None,
    bool,
    int,
    BreakingDevice | None,
    bool,
    CutOutGrouping | None,
    bool | None,
    RfgScope | None,
    ServiceType,
    bool,
    bool | None,
    str,
    bool,
    bool | None,
    bool,
    bool,
    bool | None,
    bool,
    bool,
]


def _decide_header(p: _Planner, k: tuple[Any, ...]) -> None:
    """Title, parties, §2.1, §3.1 variant, §7.2.4 and §7.2.5 (the Avenant's header facts)."""
    document, storage, benef, l342_6_timing, inj = k
    d = p.decide
    d("TITRE", "TITRE.INJ_SOUT" if storage else "TITRE.PRODUCTION", (("storage", storage),))
    d(
        "BENEF",
        "BENEF.PERSONNE" if benef is BeneficiaryKind.PERSON else "BENEF.SOCIETE",
        (("beneficiary", benef),),
        benef is BeneficiaryKind.LOCAL_AUTHORITY,
    )
    # §2.1
    d(
        "2.1",
        "2.1.V1" if l342_6_timing is L342Timing.AFTER_REQUEST else "2.1.V2",
        (("l342_6_timing", l342_6_timing),),
    )
    # §3.1 (its options depend on the withdrawal power: decided in document_plan)
    d("3.1", "3.1.V1" if inj is InjectionOption.TOTAL else "3.1.V2", (("injection_option", inj),))
    # §7.2.4, §7.2.5
    d("7.2.4.PO", "7.2.4.PO", (("document", document),))
    d(
        "7.2.5.V",
        "7.2.5.V" if benef is BeneficiaryKind.LOCAL_AUTHORITY else None,
        (("beneficiary", benef),),
    )


def _decide_s3renr(p: _Planner, k: tuple[Any, ...]) -> None:
    """§4 S3REnR and private works, and the §7.2 lines that follow the S3REnR choice."""
    _document, s3renr, case, private_works_needed = k
    d = p.decide
    s3_inputs: tuple[tuple[str, InputValue], ...] = (("s3renr", s3renr),)
    s3 = d("4.O", "4.O" if s3renr else None, s3_inputs, s3renr is None) is not None
    d(
        "4.1",
        "4.1.V2"
        if case is S3renrCase.OTHER_REGION
        else "4.1.V3"
        if case is S3renrCase.ALTERNATIVE_SOLUTION
        else "4.1.V1",
        (("s3renr_case", case),),
        case is None,
    )
    s3_chosen: tuple[tuple[str, InputValue], ...] = (("4.O", s3),)
    for t in ("4.2.1", "4.2.2", "4.2.3"):
        d(t, f"{t!s}.V1" if s3 else f"{t!s}.V2", s3_chosen)
    d(
        "4.4",
        "4.4.V1" if private_works_needed else "4.4.V2",
        (("private_works_needed", private_works_needed),),
        private_works_needed is None,
    )
    d("7.2.1", "7.2.1.V1" if s3 else "7.2.1.V2", s3_chosen)
    d("7.2.2.O", "7.2.2.O" if s3 else None, s3_chosen)


def _decide_decoupling(p: _Planner, k: tuple[Any, ...]) -> None:
    """§5.1.2.1 decoupling protection (§5.1.2.2 goes with §6)."""
    _document, dec_variant, decoupling, has_inverters, certificate_accepted, confirm = k
    p.decide(
        "5.1.2.1",
        f"5.1.2.1.V{dec_variant!s}",
        (
            ("decoupling", decoupling),
            ("has_inverters", has_inverters),
            ("certificate_accepted", certificate_accepted),
        ),
        confirm,
    )


def _decide_delivery(p: _Planner, k: tuple[Any, ...]) -> None:
    """§6 breaking device and cut-outs, §5.1.2.2 selectivity (variant and sub-variant of §6
    are decided in document_plan: their choices are in ``p.chosen``)."""
    _document, _variant, sub, breaking_option, breaking_device, breaking_defaulted, grouping = k
    d = p.decide
    d(
        "6.O",
        f"6.O{breaking_option!s}",
        (("breaking_device", breaking_device),),
        breaking_defaulted,
    )
    cut_inputs: tuple[tuple[str, InputValue], ...] = (("cut_out_grouping", grouping),)
    option = 1 if grouping is CutOutGrouping.GROUPED_ECP3D else 2
    for group, blocks in _SECTION_6_CUT_OUT_GROUPS:
        d(group, blocks[option - 1], cut_inputs, grouping is None)
    d(
        "5.1.2.2.O",
        "5.1.2.2.O" if sub in SELECTIVITY_SUB_VARIANTS else None,
        (("sous_variante_6", sub),),
    )


def _decide_filters_rfg(p: _Planner, k: tuple[Any, ...]) -> None:
    """§5.2 tariff-signal filter and §5.3 RfG."""
    _document, tariff_signal_filter_needed, rfg_scope, service_type, certificates, storage = k
    d = p.decide
    d(
        "5.2",
        "5.2.V2" if tariff_signal_filter_needed else "5.2.V1",
        (("tariff_signal_filter_needed", tariff_signal_filter_needed),),
        tariff_signal_filter_needed is None,
    )
    scope = rfg_scope
    scope_defaulted = scope is None
    if scope is None:
        scope = (
            RfgScope.WHOLE
            if service_type is ServiceType.NEW_CONNECTION
            else RfgScope.NEW_OR_MODIFIED_PARTS
        )
    rfg_inputs: tuple[tuple[str, InputValue], ...] = (
        ("rfg_scope", rfg_scope),
        ("service_type", service_type),
    )
    d(
        "5.3",
        "5.3.V2" if scope is RfgScope.NOT_SUBJECT else "5.3.V1",
        rfg_inputs,
        scope_defaulted and service_type is not ServiceType.NEW_CONNECTION,
    )
    d(
        "5.3.V1.SV",
        "5.3.V1.SV2" if scope is RfgScope.NEW_OR_MODIFIED_PARTS else "5.3.V1.SV1",
        rfg_inputs,
        scope_defaulted and service_type is not ServiceType.NEW_CONNECTION,
    )
    d(
        "5.3.V1.PO",
        None if certificates else "5.3.V1.PO",
        (("certificates_supplied", certificates),),
    )
    d("5.3.V2.SV", "5.3.V2.SV1" if storage else "5.3.V2.SV2", (("storage", storage),))


def _decide_quality_metering(p: _Planner, k: tuple[Any, ...]) -> None:
    """§5.4 harmonics and §5.5 metering telecommunication."""
    (
        _document,
        harmonics_filter_needed,
        has_inverters,
        harmonics_standard,
        meter_telecom_needed,
        mobile_coverage,
    ) = k
    d = p.decide
    d(
        "5.4",
        "5.4.V2" if harmonics_filter_needed else "5.4.V1",
        (("harmonics_filter_needed", harmonics_filter_needed),),
        harmonics_filter_needed is None,
    )
    d(
        "5.4.V1.PO",
        "5.4.V1.PO" if has_inverters else None,
        (("has_inverters", has_inverters), ("harmonics_standard", harmonics_standard)),
    )
    d(
        "5.5.O",
        "5.5.O" if meter_telecom_needed else None,
        (("meter_telecom_needed", meter_telecom_needed),),
    )
    d(
        "5.5.O.O",
        "5.5.O.O" if mobile_coverage is False else None,
        (("mobile_coverage", mobile_coverage),),
        mobile_coverage is None,
    )


def _decide_study_signatures(p: _Planner, k: tuple[Any, ...]) -> None:
    """§7.1, §7.3 and the §1 synthesis that mentions it, §8 delegations."""
    (
        _document,
        study_resumed,
        source_works,
        anticipated_connection_offered,
        requester_signs_by_delegation,
        dso_signs_by_delegation,
    ) = k
    d = p.decide
    d("7.1", "7.1.V1" if study_resumed else None, (("study_resumed", study_resumed),))
    option73 = d(
        "7.3",
        "7.3.O2" if source_works and anticipated_connection_offered else "7.3.O1",
        (
            ("source_works", source_works),
            ("anticipated_connection_offered", anticipated_connection_offered),
        ),
        source_works and anticipated_connection_offered is None,
    )
    d(
        "8.DELEG.DEMANDEUR",
        "8.DELEG.DEMANDEUR" if requester_signs_by_delegation else None,
        (("requester_signs_by_delegation", requester_signs_by_delegation),),
    )
    d(
        "8.DELEG.ENEDIS",
        "8.DELEG.ENEDIS" if dso_signs_by_delegation else None,
        (("dso_signs_by_delegation", dso_signs_by_delegation),),
    )
    # §1 synthèse mentions the §7.3 option 2
    d("1.O", "1.O" if option73 == "7.3.O2" else None, (("7.3", option73),))


@dataclass(frozen=True, slots=True)
class _Cluster:
    """Groups decided together from a few fields of the fixed key (positions in
    :data:`_FixedKey`; the document first), and their decisions remembered per those fields.

    The fields of one cluster take few values, so many dossiers share each entry; the whole
    fixed key, which nearly every dossier has to itself, is never used as a key. ``groups``
    are the groups ``decide`` decides, in the order it decides them.
    """

    decide: Callable[[_Planner, tuple[Any, ...]], None]
    fields: Callable[[_FixedKey], tuple[Any, ...]]
    groups: tuple[str, ...]
    memo: dict[tuple[Any, ...], _ClusterEntry]


@dataclass(frozen=True, slots=True)
class _ClusterEntry:
    """A cluster's decisions (in the order of its ``groups``), its chosen blocks, and the §3.1
    variant when the cluster decides it (the §3.1 options look at it)."""

    decisions: tuple[Decision, ...]
    chosen: tuple[str, ...]
    v31: str | None


_CLUSTERS = (
    _Cluster(
        _decide_header,
        itemgetter(0, 3, 4, 5, 6),
        ("TITRE", "BENEF", "2.1", "3.1", "7.2.4.PO", "7.2.5.V"),
        {},
    ),
    _Cluster(
        _decide_s3renr,
        itemgetter(0, 7, 8, 9),
        ("4.O", "4.1", "4.2.1", "4.2.2", "4.2.3", "4.4", "7.2.1", "7.2.2.O"),
        {},
    ),
    _Cluster(_decide_decoupling, itemgetter(0, 10, 11, 12, 13, 14), ("5.1.2.1",), {}),
    _Cluster(
        _decide_delivery,
        itemgetter(0, 1, 2, 15, 16, 17, 18),
        ("6.O", *(group for group, _ in _SECTION_6_CUT_OUT_GROUPS), "5.1.2.2.O"),
        {},
    ),
    _Cluster(
        _decide_filters_rfg,
        itemgetter(0, 19, 20, 21, 22, 3),
        ("5.2", "5.3", "5.3.V1.SV", "5.3.V1.PO", "5.3.V2.SV"),
        {},
    ),
    _Cluster(
        _decide_quality_metering,
        itemgetter(0, 23, 12, 24, 25, 26),
        ("5.4", "5.4.V1.PO", "5.5.O", "5.5.O.O"),
        {},
    ),
    _Cluster(
        _decide_study_signatures,
        itemgetter(0, 27, 28, 29, 30, 31),
        ("7.1", "7.3", "8.DELEG.DEMANDEUR", "8.DELEG.ENEDIS", "1.O"),
        {},
    ),
)


def _decide_fixed(p: _Planner, key: _FixedKey) -> None:
    """Decide every group whose choice depends only on ``key`` (and on §6, decided before)."""
    for cluster in _CLUSTERS:
        cluster.decide(p, cluster.fields(key))


def _cluster_entry(
    cluster: _Cluster,
    fields: tuple[Any, ...],
    document: DocumentKind,
    v6: str,
    variant: int,
    sub_block: str,
) -> _ClusterEntry:
    """Decide a cluster's groups on a planner of their own (seeded with §6's choices, the only
    groups decided before that a cluster looks at) and remember the result."""
    own = _Planner(document, ())
    own.chosen["6.V"] = v6
    for n, group in _SECTION_6_SUB_GROUPS:
        own.chosen[group] = sub_block if n == variant else None
    cluster.decide(own, fields)
    decided = [gid for gid in own.decisions if gid not in _POWER_GROUPS]
    if tuple(decided) != cluster.groups:
        raise AssertionError(f"cluster {cluster.groups!r} decided {decided!r}")
    entry = _ClusterEntry(
        tuple(own.decisions[gid] for gid in decided),
        tuple(block for gid in decided if (block := own.chosen[gid]) is not None),
        own.chosen.get("3.1"),
    )
    if len(cluster.memo) >= _DECISIONS_MAX:
        cluster.memo.clear()
    cluster.memo[fields] = entry
    return entry


# The groups decided from the request's powers, in the order _plan_unconfirmed decides them.
_POWER_GROUPS = (
    "6.V",
    *(group for _, group in _SECTION_6_SUB_GROUPS),
    *(group for _, group, _, _ in _SECTION_3_1_OPTIONS),
    "3.2",
    "3.3",
)
# _plan_unconfirmed lists the clusters' decisions, then the power groups': this puts them in
# GROUPS order.
_DECIDED_ORDER = (*(gid for cluster in _CLUSTERS for gid in cluster.groups), *_POWER_GROUPS)
assert sorted(_DECIDED_ORDER) == sorted(GROUPS)
assert not any(_GROUP_FAST[gid][0] for gid in _POWER_GROUPS)  # no power group is Avenant-only
_IN_GROUP_ORDER: Callable[[list[Decision]], tuple[Decision, ...]] = itemgetter(
    *(_DECIDED_ORDER.index(gid) for gid in GROUPS)
)
# The order in which the groups were decided before _decide_fixed existed: the sequential
# planner (a plan with confirmations) builds ``chosen`` in that order. A plan without takes the
# clusters' order: the frozenset is equal either way (its iteration order may differ; readers
# test membership or sort it).
_DECISION_ORDER = (
    "TITRE", "BENEF", "2.1", "3.1", "3.1.V1.O", "3.1.V2.O", "3.2", "3.3", "4.O", "4.1",
    "4.2.1", "4.2.2", "4.2.3", "4.4", "5.1.2.1", "6.O", "6.V", "6.V1.SV", "6.V2.SV", "6.V3.SV",
    "6.V4.SV", "6.V2.SV2.2.O", "6.V2.SV2.4.O", "6.V2.SV2.6.O", "5.1.2.2.O", "5.2", "5.3",
    "5.3.V1.SV", "5.3.V1.PO", "5.3.V2.SV", "5.4", "5.4.V1.PO", "5.5.O", "5.5.O.O", "7.1",
    "7.2.1", "7.2.2.O", "7.2.4.PO", "7.2.5.V", "7.3", "8.DELEG.DEMANDEUR", "8.DELEG.ENEDIS",
    "1.O",
)  # fmt: skip
assert sorted(_DECISION_ORDER) == sorted(GROUPS)


def catalogue_markdown() -> str:
    """Every block of the Avenant L342-6 model (all sections) as a Markdown table, the source
    of ``docs/rules/document-plan.md``."""
    lines = [
        "| Bloc | Section | Nature | Titre | Groupe exclusif | Règle de choix | Documents |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in CATALOGUE:
        g = GROUPS[b.group]
        group = f"{b.group!s} ({'un parmi' if g.required else 'au plus un'!s}"
        group += ", confirmable)" if g.confirmable else ")"
        if b.parent:
            group += f", si {b.parent!s}"
        docs = "Avenant seul" if b.avenant_only else "CRD et Avenant"
        cells = (b.id, b.section, str(b.kind), b.title, group, b.rule, docs)
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines) + "\n"


START_MARK = "<!-- catalogue:start -->"
END_MARK = "<!-- catalogue:end -->"


def main(argv: list[str]) -> int:
    """``python -m raccord.rules.variants --markdown [--write PATH]``: the Avenant catalogue.

    Prints the catalogue table, or with ``--write`` replaces the table between the
    ``<!-- catalogue:start -->`` and ``<!-- catalogue:end -->`` marks of ``PATH``
    (``docs/rules/document-plan.md``).
    """
    args = argv[1:]
    if args == ["--markdown"]:
        sys.stdout.write(catalogue_markdown())
        return 0
    if len(args) == 3 and args[:2] == ["--markdown", "--write"]:
        with open(args[2], encoding="utf-8") as f:
            text = f.read()
        head, _, rest = text.partition(START_MARK)
        _, _, tail = rest.partition(END_MARK)
        with open(args[2], "w", encoding="utf-8") as f:
            f.write(f"{head!s}{START_MARK!s}\n{catalogue_markdown()!s}{END_MARK!s}{tail!s}")
        return 0
    sys.stderr.write("usage: python -m raccord.rules.variants --markdown [--write PATH]\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
