"""Reading an indication text for what it requires, and matching an HTA decision to the
regulatory indication it decides on.

Nye Metoder names the biomarker and tumour type only in Norwegian prose ("ikke-småcellet
lungekreft (NSCLC) med KRAS G12C-mutasjon"); :mod:`graph_loader.norwegian` reads it.
:func:`match_indications` then finds the EMA indications of the same drug whose required
alterations and tumour types agree with the decision's, ranked by treatment setting (adjuvant,
first line, after earlier treatment, children).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph_loader.norwegian import ReadIndication
from ontology.matching import Hierarchy
from ontology.normalise import (
    AlterationConcept,
    gene_fusion,
    gene_mutation,
    make_alteration,
    normalise_alteration,
)
from ontology.vocab import AlterationKind
from queries.snapshot import Snapshot

# -- matching a decision to the regulator's indication ------------------------------------------


@dataclass
class IndicationRef:
    """One regulatory indication as the graph holds it (see the ``approval_index`` query)."""

    id: str
    text: str
    tissue_agnostic: bool = False
    drug_ids: set[str] = field(default_factory=set)
    alterations: set[str] = field(default_factory=set)
    tumours: set[str] = field(default_factory=set)


@dataclass
class IndicationIndex:
    """One agency's indications by drug, with the IS_A hierarchies of alterations and tumours."""

    by_drug: dict[str, list[IndicationRef]] = field(default_factory=dict)
    by_id: dict[str, IndicationRef] = field(default_factory=dict)
    alterations: Hierarchy = field(default_factory=Hierarchy)
    tumours: Hierarchy = field(default_factory=Hierarchy)

    @classmethod
    def from_snapshot(cls, snap: Snapshot, agency: str = "EMA") -> IndicationIndex:
        """The agency's indications in the graph (the snapshot's ``indications``)."""
        refs: dict[str, IndicationRef] = {}
        for fact in snap.indications.values():
            if fact.agency != agency:
                continue
            ref = refs.get(fact.id)
            if ref is None:
                ref = refs[fact.id] = IndicationRef(fact.id, fact.text or "", fact.tissue_agnostic)
            ref.drug_ids |= fact.drugs
            ref.alterations |= set(fact.alterations)
            ref.tumours |= set(fact.tumours)
        index = cls(by_id=refs, alterations=snap.alteration_hierarchy,
                    tumours=snap.tumour_hierarchy)  # fmt: skip
        for ref in refs.values():
            for drug in sorted(ref.drug_ids):
                index.by_drug.setdefault(drug, []).append(ref)
        return index


# Treatment settings: (Norwegian pattern, English pattern). Both texts naming a setting, or
# neither, agree; one naming it and the other not counts against the match.
_SETTINGS = (
    (r"adjuvant", r"adjuvant"),
    (r"førstelinje|tidligere ubehandl", r"first[- ]line|previously untreated|treatment-naïve"),
    (r"andrelinje|tidligere behandl|etter progresjon|etter minst|etter tidligere|progrediert",
     r"previously treated|after|following|progress|prior"),
    (r"under 18 år|barn|pediatri", r"paediatric|pediatric|children|adolescent"),
)  # fmt: skip


def match_indications(
    index: IndicationIndex, drug_ids: Iterable[str], read: ReadIndication, text: str
) -> tuple[list[str], str]:
    """The ids of the regulatory indications of the same drug(s) whose alterations and tumour
    types agree with the decision's, best-ranked only; and how they matched
    (``"substance, biomarker, tumour"``, ``"... (ambiguous)"``, or ``""`` for no match)."""
    want_alts = {c.id for c in read.alterations}
    candidates: dict[str, IndicationRef] = {}
    for drug in drug_ids:
        for ref in index.by_drug.get(drug, ()):
            candidates[ref.id] = ref
    scored: list[tuple[int, str, str]] = []
    for ref in candidates.values():
        parts = ["substance"]
        score = 0
        if want_alts:
            if not index.alterations.any_related(want_alts, ref.alterations):
                continue
            score += 3 if want_alts & ref.alterations else 2
            parts.append("biomarker")
        if read.tissue_agnostic or ref.tissue_agnostic:
            if read.tissue_agnostic != ref.tissue_agnostic:
                continue
            parts.append("tissue-agnostic")
        elif read.tumours:
            if not index.tumours.any_related(read.tumours, ref.tumours):
                continue
            score += 2 if set(read.tumours) & ref.tumours else 1
            parts.append("tumour")
        if len(parts) == 1:
            continue  # the substance alone says nothing about which indication
        for norwegian, english in _SETTINGS:
            here = bool(re.search(norwegian, text, re.IGNORECASE))
            there = bool(re.search(english, ref.text, re.IGNORECASE))
            score += 1 if here == there else -1
        scored.append((score, ref.id, ", ".join(parts)))
    if not scored:
        return [], ""
    best = max(s for s, _, _ in scored)
    chosen = sorted((i, how) for s, i, how in scored if s == best)
    how = chosen[0][1] + (" (ambiguous)" if len(chosen) > 1 else "")
    return [i for i, _ in chosen], how


# -- English biomarker criteria of trial arms ----------------------------------------------------

_GENE_ALIASES = {"HER2": "ERBB2", "cKIT": "KIT", "c-KIT": "KIT", "Akt": "AKT1", "AKT": "AKT1",
                 "mTOR": "MTOR", "c-MET": "MET"}  # fmt: skip
_NOT_GENES = {"IHC", "PO", "QD", "BID", "DNA", "RNA", "NOS", "AND", "OR", "NGS", "FISH", "PCR",
              "IV", "II", "III", "CNS", "ECOG", "MATCH", "NCI", "TKI", "FDA", "EMA"}  # fmt: skip
_PROTEIN = re.compile(r"(?<![\w-])([A-Z])(\d{1,4})([A-Z*](?:/[A-Z*])*)(?![\w])")
_NUMBER_LIST = re.compile(r"\b(\d{1,3}(?:\s*,\s*\d{1,3})*(?:\s*,?\s*(?:or|and)\s*\d{1,3})?)")
_KINDS = (
    (r"fusion|translocation|inversion|rearrange", "fusion"),
    (r"amplification|amplified", "amplification"),
    (r"\bloss\b.*\b(?:IHC|expression)\b|\b(?:IHC|expression)\b.*\bloss\b", "expression loss"),
    (r"\bdeletion\b|\bloss\b", "deletion"),
    (r"mutation|mutated|variant|alteration", "mutation"),
)


@dataclass(frozen=True)
class ReadCriterion:
    alterations: tuple[AlterationConcept, ...]
    readable: bool  # False: the text names a biomarker criterion this reader cannot place
    excluded: tuple[AlterationConcept, ...] = ()  # "BRAF non-V600 mutation": not BRAF V600


def read_english_biomarkers(text: str | None, is_gene=None) -> ReadCriterion:  # type: ignore[no-untyped-def]
    """The alterations an arm's biomarker criterion names ("EGFR T790M or rare activating
    mutation", "BRAF V600E/R/K/D mutation", "CCND1, 2, or 3 amplification", "NTRK1, NTRK2 or
    NTRK3 gene fusion", "cKIT exon 9, 11, 13, or 14 mutation"). ``is_gene(symbol)`` says which
    upper-case words are genes (HGNC when loaded). Activating/inactivating mutations and codon
    lists are read as the gene's mutation class: broader than the criterion, whose text is kept."""
    text = " ".join((text or "").split())
    if not text:
        return ReadCriterion((), False)
    excluded: dict[str, AlterationConcept] = {}
    for alias, symbol in _GENE_ALIASES.items():
        text = re.sub(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", symbol, text)
    # "CCND1, 2, or 3" -> "CCND1, CCND2, or CCND3"
    text = re.sub(
        r"\b([A-Z][A-Z0-9]*?[A-Z])(\d)((?:\s*,\s*\d)+(?:\s*,?\s*(?:or|and)\s*\d)?|\s*(?:or|and)\s*\d)\b",
        lambda m: m.group(1) + m.group(2) + re.sub(r"(\d)", lambda d: m.group(1) + d.group(1),
                                                   m.group(3)),
        text,
    )  # fmt: skip
    gene_check = is_gene or (lambda s: s not in _NOT_GENES)
    mentions = [m for m in re.finditer(r"(?<![\w-])([A-Z][A-Z0-9]{1,9})(?![\w-])", text)
                if gene_check(m.group(1)) and not _PROTEIN.fullmatch(m.group(1))]  # fmt: skip
    found: dict[str, AlterationConcept] = {}
    clauses = []
    for i, m in enumerate(mentions):
        end = mentions[i + 1].start() if i + 1 < len(mentions) else len(text)
        clauses.append((m.group(1), text[m.end():end]))  # fmt: skip
    prefix = text[: mentions[0].start()] if mentions else ""
    for i, (gene, clause) in enumerate(clauses):
        effective = clause
        j = i
        while not _kinds(effective) and not _PROTEIN.search(effective):
            if j + 1 < len(clauses):
                j += 1  # "TSC1 or TSC2 mutation": TSC1 shares TSC2's kind
                effective = clauses[j][1]
            else:  # "Loss of MLH1 or MSH2 by IHC": the kind comes first
                effective = f"{prefix} {clause} {clauses[-1][1]}"
                break
        for concept in _concepts(gene, effective, excluded):
            found.setdefault(concept.id, concept)
    readable = bool(found) and not re.search(r"pathway|aberration", text, re.IGNORECASE)
    return ReadCriterion(tuple(found.values()), readable, tuple(excluded.values()))


def _kinds(clause: str) -> list[str]:
    """The kinds a clause names, in _KINDS order ("mutation or deletion": both); a loss by IHC
    is an expression loss, not also a deletion."""
    kinds = [k for pattern, k in _KINDS if re.search(pattern, clause, re.IGNORECASE)]
    if (
        "expression loss" in kinds
        and "deletion" in kinds
        and not re.search(r"deletion", clause, re.IGNORECASE)
    ):
        kinds.remove("deletion")
    return kinds


def _concepts(
    gene: str, clause: str, excluded: dict[str, AlterationConcept]
) -> list[AlterationConcept]:
    out = []
    if m := re.search(r"exon\s+" + _NUMBER_LIST.pattern, clause, re.IGNORECASE):
        kind = re.search(r"exon[^)]*?\b(deletion|insertion|skipping|duplication)", clause,
                         re.IGNORECASE)  # fmt: skip
        what = kind.group(1).lower() if kind else "mutation"
        for n in re.findall(r"\d{1,3}", m.group(1)):
            out.append(normalise_alteration(gene, f"exon {n} {what}"))
        # "exon 19 deletions or exon 21 L858R mutations": the allele named beside the exon
        out += [normalise_alteration(gene, f"{p.group(1)}{p.group(2)}{alt}")
                for p in _PROTEIN.finditer(clause) for alt in p.group(3).split("/")]  # fmt: skip
        return out
    for m in re.finditer(r"\bnon-([A-Z])(\d{1,4})\b", clause):
        concept = normalise_alteration(gene, f"{m.group(1)}{m.group(2)}")  # "non-V600 mutation"
        excluded.setdefault(concept.id, concept)
    for m in _PROTEIN.finditer(clause):
        for alt in m.group(3).split("/"):
            out.append(normalise_alteration(gene, f"{m.group(1)}{m.group(2)}{alt}"))
    kinds = _kinds(clause)
    if "fusion" in kinds:
        out.append(gene_fusion(gene))
    if "amplification" in kinds:
        out.append(normalise_alteration(gene, "amplification"))
    if "expression loss" in kinds:
        out.append(make_alteration(gene, AlterationKind.EXPRESSION, "loss", f"{gene} loss (IHC)"))
    elif "deletion" in kinds and not _PROTEIN.search(clause):
        out.append(normalise_alteration(gene, "deletion"))
    if "mutation" in kinds and (
        not _PROTEIN.search(clause) or re.search(r"activating|rare|other", clause)
    ):
        out.append(gene_mutation(gene))
    return out
