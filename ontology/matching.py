"""The clinical matching rules, written once: every answer (evidence, chain, gaps, coverage, the
tumour board, cohorts and arms, the Nye Metoder indication matcher) calls these; none keeps a copy.

* :class:`Hierarchy`: the IS_A closure of alterations (BRAF V600E is a BRAF V600 is a BRAF
  mutation) or tumour types (LUAD is a NSCLC is a LUNG), built once from the IS_A edges.
* :meth:`Hierarchy.relation`: how two concepts relate: the same, one narrower or broader than the
  other, or unrelated. Siblings under a common broader concept are unrelated (EGFR T790M is not
  EGFR exon 19 deletion, though both are EGFR mutations).
* Agreement of two sets (:func:`alterations_agree`, :func:`tumours_agree`,
  :func:`decision_alterations_agree`): some member of one is related to some member of the other.
  What an *empty* side means differs by rule and is stated in :data:`EMPTY_AGREES`, once.
* :func:`tumour_match`: one vocabulary (:class:`TumourMatch`) for how a fact's tumour type applies
  to a patient's: same, ancestor (stated for a broader type: applies), subtype (stated for a
  narrower type), tissue-agnostic, any (no tumour type on one side), off-label.
* :func:`level_rank`: the strength ranks of each framework's levels (CIViC A-E, MOAlmanac's
  ``Approval``, a positive basket-trial cohort), and which count as clinical.
* :func:`in_force`: what "in force on a date" means for approvals, decisions and evidence.

Pure functions over plain ids; nothing here reads the graph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ontology.normalise import AlterationConcept, with_broader
from ontology.vocab import AlterationKind

# ---------------------------------------------------------------------------------------------
# Hierarchies
# ---------------------------------------------------------------------------------------------


class Relation(StrEnum):
    """How concept ``a`` relates to concept ``b`` in a hierarchy."""

    SAME = "same"
    NARROWER = "narrower"  # a lies under b (LUAD under NSCLC)
    BROADER = "broader"  # a lies over b (NSCLC over LUAD)
    UNRELATED = "unrelated"  # neither (siblings included)


@dataclass(frozen=True)
class Hierarchy:
    """An IS_A hierarchy: for every node its transitive broader nodes (itself excluded), and for
    every node its transitive narrower ones. Cycles are tolerated (a node is never its own
    ancestor)."""

    up: Mapping[str, frozenset[str]] = field(default_factory=dict)
    down: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str]]) -> Hierarchy:
        """From ``(child, parent)`` pairs."""
        parents: dict[str, set[str]] = {}
        for child, parent in edges:
            if child != parent:
                parents.setdefault(child, set()).add(parent)
        up: dict[str, frozenset[str]] = {}
        for start in parents:
            seen: set[str] = set()
            todo = list(parents[start])
            while todo:
                node = todo.pop()
                if node not in seen and node != start:
                    seen.add(node)
                    todo.extend(parents.get(node, ()))
            up[start] = frozenset(seen)
        down: dict[str, set[str]] = {}
        for node, ancestors in up.items():
            for a in ancestors:
                down.setdefault(a, set()).add(node)
        return cls(up, {k: frozenset(v) for k, v in down.items()})

    def broader(self, node: str) -> frozenset[str]:
        return self.up.get(node, frozenset())

    def narrower(self, node: str) -> frozenset[str]:
        return self.down.get(node, frozenset())

    def relation(self, a: str, b: str) -> Relation:
        if a == b:
            return Relation.SAME
        if b in self.broader(a):
            return Relation.NARROWER
        if a in self.broader(b):
            return Relation.BROADER
        return Relation.UNRELATED

    def related(self, a: str, b: str) -> bool:
        """The same, or one under the other (siblings are not related)."""
        return self.relation(a, b) is not Relation.UNRELATED

    def any_related(self, a: Iterable[str], b: Iterable[str]) -> bool:
        b = set(b)
        return any(self.related(x, y) for x in a for y in b)


# ---------------------------------------------------------------------------------------------
# Agreement of two sets
# ---------------------------------------------------------------------------------------------

#: What an empty side means, per rule (the only place this is decided):
#: * ``alterations``: a fact naming no alteration agrees with no alteration;
#: * ``tumours``: a fact naming no tumour type (a tissue-agnostic indication, a decision whose
#:   text names none) agrees with any tumour type;
#: * ``decision_alterations``: a Nye Metoder decision whose biomarker is not stated (nothing
#:   read from its text, nothing inferred from the EMA indication it decides on) agrees with no
#:   alteration: it never covers an alteration by silence; answers show it as "biomarker not
#:   stated".
EMPTY_AGREES = {"alterations": False, "tumours": True, "decision_alterations": False}


def _agree(h: Hierarchy, a: Iterable[str], b: Iterable[str], rule: str) -> bool:
    a, b = set(a), set(b)
    if not a or not b:
        return EMPTY_AGREES[rule]
    return h.any_related(a, b)


def alterations_agree(h: Hierarchy, a: Iterable[str], b: Iterable[str]) -> bool:
    """Some alteration of ``a`` is, or lies under or over, some alteration of ``b``."""
    return _agree(h, a, b, "alterations")


def tumours_agree(h: Hierarchy, a: Iterable[str], b: Iterable[str]) -> bool:
    """Either side names no tumour type, or one names the other or an OncoTree ancestor of it."""
    return _agree(h, a, b, "tumours")


def decision_alterations_agree(h: Hierarchy, decision: Iterable[str], b: Iterable[str]) -> bool:
    """A decision's alterations agree with ``b`` (a decision naming none agrees with none: see
    EMPTY_AGREES)."""
    decision = set(decision)
    if not decision:
        return EMPTY_AGREES["decision_alterations"]
    return _agree(h, decision, b, "alterations")


def alteration_applies(fact: Iterable[str], patient_and_broader: Iterable[str]) -> bool:
    """A fact (an approval, a decision) applies to a patient's alteration when it requires that
    alteration or a broader class it falls under (``patient_and_broader``: the alteration and
    every broader one). A fact for a narrower alteration does not apply: an approval for "EGFR
    exon 19 deletion" does not apply to a report that says only "EGFR mutation"."""
    return bool(set(fact) & set(patient_and_broader))


# ---------------------------------------------------------------------------------------------
# Tumour-type matching
# ---------------------------------------------------------------------------------------------


class TumourMatch(StrEnum):
    """How a fact's tumour type applies to the patient's (or asked) tumour type."""

    SAME = "same"
    ANCESTOR = "ancestor"  # stated for a broader type: applies
    SUBTYPE = "subtype"  # stated for a narrower type: applies, with that said
    TISSUE_AGNOSTIC = "tissue-agnostic"  # any solid tumour
    ANY = "any"  # no tumour type on one side (none asked, or the fact names none)
    OFF_LABEL = "off-label"  # another tumour type


ON_LABEL = frozenset(
    {TumourMatch.SAME, TumourMatch.ANCESTOR, TumourMatch.SUBTYPE, TumourMatch.TISSUE_AGNOSTIC,
     TumourMatch.ANY}
)  # fmt: skip
#: for sorting: nearest first
TUMOUR_MATCH_ORDER = {m: i for i, m in enumerate(TumourMatch)}


def tumour_match(
    h: Hierarchy,
    fact: str | None,
    patient: str | None,
    *,
    tissue_agnostic: bool = False,
    solid: bool = True,
) -> TumourMatch:
    """How a fact stated for tumour type ``fact`` (None: names none) applies to ``patient``
    (None: no tumour type asked). A tissue-agnostic fact applies to solid tumours only."""
    if patient is None:
        return TumourMatch.ANY
    if tissue_agnostic:
        return TumourMatch.TISSUE_AGNOSTIC if solid else TumourMatch.OFF_LABEL
    if fact is None:
        return TumourMatch.ANY
    relation = h.relation(patient, fact)
    return {
        Relation.SAME: TumourMatch.SAME,
        Relation.NARROWER: TumourMatch.ANCESTOR,
        Relation.BROADER: TumourMatch.SUBTYPE,
        Relation.UNRELATED: TumourMatch.OFF_LABEL,
    }[relation]


def is_solid(solid_tumour: bool | None) -> bool:
    """Whether a tumour type counts as solid for tissue-agnostic facts: OncoTree marks lymphoid
    and myeloid types ``solid_tumour = false``; a type not marked either way counts as solid."""
    return solid_tumour is not False


# ---------------------------------------------------------------------------------------------
# Evidence levels
# ---------------------------------------------------------------------------------------------

#: Each framework's levels, strongest first, on one scale: CIViC A (validated) .. E
#: (inferential); MOAlmanac's regulatory ``Approval`` ranks with A; a positive basket-trial
#: cohort (IMPRESS/DRUP two-stage rule) with B.
LEVEL_RANKS: dict[str, dict[str, int]] = {
    "civic": {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4},
    "moalmanac": {"Approval": 0},
    "basket_trial": {"positive": 1},
}
_RANK = {level: rank for ranks in LEVEL_RANKS.values() for level, rank in ranks.items()}
UNRANKED = 9
#: levels that count as clinical evidence of benefit (CIViC A/B; approval; a positive cohort)
CLINICAL_LEVELS = ("A", "B", "Approval", "positive")
#: preclinical, case-level or inferential (CIViC C/D/E)
EARLY_LEVELS = ("C", "D", "E")


def level_rank(level: str | None) -> int:
    """The rank of a level on the shared scale (0 strongest); unknown levels rank last."""
    return _RANK.get(level or "", UNRANKED)


def best_level(levels: Iterable[str | None]) -> str:
    """The strongest ranked level, or ``-`` when none is ranked."""
    ranked = [lv for lv in levels if lv is not None and lv in _RANK]
    return min(ranked, key=level_rank) if ranked else "-"


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------


def in_force(
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    as_of: dt.date | None,
    *,
    current: bool | None = None,
    today: dt.date | None = None,
) -> bool | None:
    """Whether a dated fact was in force on ``as_of``: ``valid_from <= as_of < valid_to``.

    Without ``as_of``, the current state: a decision (``current`` given) unless superseded
    (``current`` is False); any other fact unless it ended on or before today. With ``as_of``, a
    fact without ``valid_from`` cannot be placed in time: None (callers leave it out and count it).
    """
    if as_of is None:
        if current is not None:
            return current is not False
        return valid_to is None or valid_to > (today or dt.date.today())
    if valid_from is None:
        return None
    return valid_from <= as_of and (valid_to is None or valid_to > as_of)


def published_by(years: Iterable[int], as_of: dt.date | None) -> bool | None:
    """Whether evidence was published by ``as_of`` (its earliest publication year); None when
    ``as_of`` is asked and the evidence has no year."""
    if as_of is None:
        return True
    years = list(years)
    if not years:
        return None
    return min(years) <= as_of.year


#: how a decision's biomarker is known (HtaDecision.biomarker_basis)
READ_FROM_TEXT = "read from the indication text"
INFERRED = "inferred from the EMA indication"
NOT_STATED = "biomarker not stated"
NOT_A_DRUG = "not a drug method"


# ---------------------------------------------------------------------------------------------
# Variants: what gene-level evidence may apply to
# ---------------------------------------------------------------------------------------------


class VariantRule(StrEnum):
    """Why gene-level evidence ("EGFR mutation") may, or may not, apply to a patient's variant."""

    KNOWN_ALLELE = "known allele"  # evidence speaks of this very allele
    KNOWN_CODON = "known codon"  # ... of its codon (KRAS G12)
    KNOWN_EXON = "known exon class"  # ... of its exon class (EGFR exon 19 deletion)
    TRUNCATING = "truncating in a tumour suppressor"  # loss-of-function evidence applies
    VUS = "variant of unknown significance"  # gene-level evidence shown, never tiered I-III
    NOT_A_VARIANT = "not a sequence variant"  # fusions, copy number, signatures: not restricted


#: tumour suppressors whose truncating variants (nonsense, frameshift) inactivate them
#: (COSMIC Cancer Gene Census role TSG; a short curated list of those indications name)
TUMOUR_SUPPRESSORS = frozenset(
    """
    TP53 RB1 PTEN NF1 NF2 ATM ATR BRCA1 BRCA2 PALB2 CHEK1 CHEK2 BARD1 BRIP1 RAD51B RAD51C RAD51D
    RAD54L FANCA FANCL CDK12 STK11 KEAP1 CDKN2A CDKN2B APC SMAD4 ARID1A ARID1B ARID2 BAP1 VHL TSC1
    TSC2 FBXW7 MLH1 MSH2 MSH6 PMS2 PTCH1 SMARCA4 SMARCB1 KMT2C KMT2D CREBBP EP300 NOTCH1 RNF43
    WT1 MEN1 CIC FUBP1 ASXL1 TET2 DNMT3A
    """.split()  # noqa: SIM905
)
_TRUNCATING = re.compile(r"(?:\*|fs\*?\d*|X)$|^[A-Z*]?\d+\*")


def variant_rule(concept: AlterationConcept, known: set[str] | frozenset[str]) -> VariantRule:
    """The rule that says whether gene-level evidence applies to ``concept`` (a patient's
    variant); ``known`` are the alleles, codons and exon classes the graph's evidence speaks of."""
    kind = AlterationKind(concept.kind)
    if kind not in (AlterationKind.PROTEIN_CHANGE, AlterationKind.CODON, AlterationKind.EXON):
        return VariantRule.NOT_A_VARIANT
    if concept.id in known:
        found = {AlterationKind.PROTEIN_CHANGE: VariantRule.KNOWN_ALLELE,
                 AlterationKind.CODON: VariantRule.KNOWN_CODON}  # fmt: skip
        return found.get(kind, VariantRule.KNOWN_EXON)
    for b in with_broader([concept]).values():
        if b.id in known and b.kind == AlterationKind.CODON:
            return VariantRule.KNOWN_CODON
        if b.id in known and b.kind == AlterationKind.EXON:
            return VariantRule.KNOWN_EXON
    if (kind is AlterationKind.PROTEIN_CHANGE and concept.gene in TUMOUR_SUPPRESSORS
            and _TRUNCATING.search(concept.notation)):  # fmt: skip
        return VariantRule.TRUNCATING
    return VariantRule.VUS


def gene_level(concept: AlterationConcept) -> bool:
    """A gene-level class (``EGFR mutation``, ``BRAF activating mutation``)."""
    return AlterationKind(concept.kind) is AlterationKind.GENE_CLASS
