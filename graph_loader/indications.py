"""Reading an indication text for what it requires, and matching an HTA decision to the
regulatory indication it decides on.

Nye Metoder names the biomarker and tumour type only in Norwegian prose ("ikke-småcellet
lungekreft (NSCLC) med KRAS G12C-mutasjon"). :func:`read_norwegian` reads the biomarkers and
tumour types that the text names, through a table of the phrasings Nye Metoder uses; it reads
nothing it is not sure of (an unread indication is reported, not guessed).
:func:`match_indications` then finds the EMA indications of the same drug whose required
alterations and tumour types agree with the decision's, ranked by treatment setting (adjuvant,
first line, after earlier treatment, children).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ontology.normalise import AlterationConcept, gene_mutation, normalise_alteration

# (pattern, alterations) in the order they are tried; gene-level fallbacks come last and apply
# only when nothing more specific was read for that gene.
_SPECIFIC: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (r"ekson\s*19[\s-]*delesjon|exon\s*19\s*del", (("EGFR", "exon 19 deletion"),)),
    (r"ekson\s*20[\s-]*insersjon|exon\s*20\s*ins", (("EGFR", "exon 20 insertion"),)),
    (r"\bL858R\b", (("EGFR", "L858R"),)),
    (r"\bT790M\b", (("EGFR", "T790M"),)),
    (r"METex14|MET[\s-]*ekson\s*14|ekson\s*14[\s-]*(?:skipping|hopping)",
     (("MET", "exon 14 skipping"),)),
    (r"\bKRAS\s*G12C\b", (("KRAS", "G12C"),)),
    (r"\bBRAF\s*V600E\b", (("BRAF", "V600E"),)),
    (r"\bBRAF\s*V600(?![A-Z0-9])", (("BRAF", "V600"),)),
    (r"\bIDH1[\s-]*R132", (("IDH1", "R132"),)),
    (r"\bALK\)?[\s-]*(?:positiv|fusjon|rearrang|translokasjon)", (("ALK", "fusion"),)),
    (r"\bROS1\)?[\s-]*(?:positiv|fusjon|rearrang)", (("ROS1", "fusion"),)),
    (r"\bRET\)?[\s-]*(?:positiv|fusjon|rearrang)", (("RET", "fusion"),)),
    (r"\bNTRK\)?[\s-]*(?:fusjon|genfusjon)|\bNTRK\)?[\s-]*fusjonspositiv|\(NTRK\)\s*fusjonsgen",
     (("NTRK1", "fusion"), ("NTRK2", "fusion"), ("NTRK3", "fusion"))),
    (r"\bFGFR2\)?[\s-]*(?:fusjon|rearrang)", (("FGFR2", "fusion"),)),
    (r"\bBRCA1/2\b|\bBRCA[\s-]*mut", (("BRCA1", "mutation"), ("BRCA2", "mutation"))),
)  # fmt: skip
_GENE_LEVEL = re.compile(r"\b(EGFR|BRCA1|BRCA2|PIK3CA|FGFR[1-4]|IDH1|IDH2|KIT|PDGFRA)\)?[\s-]*mut")

# Norwegian tumour words -> OncoTree codes (checked against the loaded OncoTree by a test)
_TUMOURS: tuple[tuple[str, str], ...] = (
    (r"ikke-småcellet lungekreft|\bNSCLC\b|lungekreft", "NSCLC"),
    (r"prostatakreft|\bmCRPC\b|\bmHSPC\b", "PRAD"),
    (r"brystkreft", "BRCA"),
    (r"eggstokkreft|ovarialkreft|eggleder|bukhinnekreft", "OVARY"),
    (r"kolorektal|tykktarmskreft|endetarmskreft", "COADREAD"),
    (r"melanom", "MEL"),
    (r"skjoldbruskkjertel|thyreoidea", "THYROID"),
    (r"bukspyttkjertel", "PAAD"),
    (r"gallegang", "CHOL"),
    (r"urotel|blærekreft", "BLCA"),
)
_TISSUE_AGNOSTIC = re.compile(r"solide?\s+(?:tumor(?:er)?|svulst(?:er)?)", re.IGNORECASE)


@dataclass(frozen=True)
class ReadIndication:
    alterations: tuple[AlterationConcept, ...]
    tumours: tuple[str, ...]  # OncoTree codes
    tissue_agnostic: bool

    @property
    def empty(self) -> bool:
        return not self.alterations and not self.tumours and not self.tissue_agnostic


def read_norwegian(text: str | None) -> ReadIndication:
    """The biomarkers and tumour types a Norwegian indication text names (see module doc)."""
    text = text or ""
    found: dict[str, AlterationConcept] = {}
    for pattern, alterations in _SPECIFIC:
        if re.search(pattern, text, re.IGNORECASE):
            for gene, notation in alterations:
                concept = normalise_alteration(gene, notation)
                found.setdefault(concept.id, concept)
    genes_read = {c.gene for c in found.values()}
    for m in _GENE_LEVEL.finditer(text):
        if m.group(1) not in genes_read:
            concept = gene_mutation(m.group(1))
            found.setdefault(concept.id, concept)
    tumours = []
    for pattern, code in _TUMOURS:
        if re.search(pattern, text, re.IGNORECASE) and code not in tumours:
            tumours.append(code)
    return ReadIndication(
        tuple(found.values()), tuple(tumours), bool(_TISSUE_AGNOSTIC.search(text))
    )


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
    """The EMA indications by drug, with the IS_A closure of alterations and tumour types."""

    by_drug: dict[str, list[IndicationRef]] = field(default_factory=dict)
    broader_alterations: dict[str, set[str]] = field(default_factory=dict)
    tumour_ancestors: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rows: Iterable[dict],
        alteration_is_a: Iterable[tuple[str, str]],
        tumour_is_a: Iterable[tuple[str, str]],
    ) -> IndicationIndex:
        refs: dict[str, IndicationRef] = {}
        for r in rows:
            ref = refs.setdefault(
                r["id"], IndicationRef(r["id"], r["text"] or "", bool(r["tissue_agnostic"]))
            )
            for key, target in (("drug_id", ref.drug_ids), ("alteration_id", ref.alterations),
                                ("tumour_id", ref.tumours)):  # fmt: skip
                if r.get(key):
                    target.add(r[key])
        index = cls(
            broader_alterations=_closure(alteration_is_a), tumour_ancestors=_closure(tumour_is_a)
        )
        for ref in refs.values():
            for drug in ref.drug_ids:
                index.by_drug.setdefault(drug, []).append(ref)
        return index


def _closure(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = {}
    for child, parent in edges:
        parents.setdefault(child, set()).add(parent)
    out: dict[str, set[str]] = {}

    def up(node: str, seen: set[str]) -> set[str]:
        if node in out:
            return out[node]
        found: set[str] = set()
        for p in parents.get(node, ()):
            if p not in seen:
                found |= {p} | up(p, seen | {p})
        out[node] = found
        return found

    for node in parents:
        up(node, {node})
    return out


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
            if not any(_related(a, b, index.broader_alterations)
                       for a in want_alts for b in ref.alterations):  # fmt: skip
                continue
            score += 3 if want_alts & ref.alterations else 2
            parts.append("biomarker")
        if read.tissue_agnostic or ref.tissue_agnostic:
            if read.tissue_agnostic != ref.tissue_agnostic:
                continue
            parts.append("tissue-agnostic")
        elif read.tumours:
            if not any(_related(a, b, index.tumour_ancestors)
                       for a in read.tumours for b in ref.tumours):  # fmt: skip
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


def _related(a: str, b: str, broader: dict[str, set[str]]) -> bool:
    return a == b or a in broader.get(b, ()) or b in broader.get(a, ())
