"""Evidence questions: the evidence for an alteration (optionally in a tumour type, walking the
OncoTree hierarchy), grouped by therapy with each source's own levels; conflicts."""

from __future__ import annotations

import difflib
from collections import defaultdict

from pydantic import BaseModel

from ontology.errors import UnknownConceptError
from ontology.normalise import AlterationConcept, normalise_alteration, with_broader
from queries import find_gene, find_tumour_type, tumour_type_descendants
from queries.catalog import CypherRunner, run_named

LEVEL_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}


class EvidenceRow(BaseModel):
    evidence_id: str
    source: str
    source_version: str | None = None
    kind: str | None = None
    evidence_type: str | None = None
    level: str | None = None
    framework: str | None = None
    amp_tier: str | None = None
    significance: str | None = None
    direction: str | None = None
    rating: int | None = None
    alteration: str
    alteration_match: str  # "exact", or the broader alteration's name it matched through
    tumour_code: str | None = None
    tumour: str | None = None
    # "same"; "ancestor" (stated for a broader type: applies); "subtype" (stated for a narrower
    # type); "any" (no tumour asked). Evidence in other types is off-label and only counted.
    tumour_match: str


class TherapyEvidence(BaseModel):
    therapy: str
    evidence: list[EvidenceRow]

    @property
    def best_level(self) -> str:
        levels = [e.level for e in self.evidence if e.level in LEVEL_ORDER]
        return min(levels, key=LEVEL_ORDER.__getitem__) if levels else "-"


class EvidenceAnswer(BaseModel):
    query: str
    alteration: str
    alteration_id: str
    broader: list[str]
    tumour_code: str | None = None
    tumour_ancestors: list[str] = []
    by_therapy: list[TherapyEvidence]
    without_therapy: list[EvidenceRow]
    off_label_count: int = 0


def resolve_alteration(runner: CypherRunner, gene: str, text: str) -> AlterationConcept:
    """The graph's alteration for ``gene`` + ``text`` (any spelling the normaliser knows).

    Unknown genes and alterations raise :class:`UnknownConceptError` with the nearest ones.
    """
    symbol = find_gene(runner, gene)[0].symbol
    concept = normalise_alteration(symbol, text)
    known = run_named(runner, "alterations_of_gene", {"gene": symbol})
    if concept.id not in {r["id"] for r in known}:
        names = [r["name"] for r in known]
        near = difflib.get_close_matches(concept.name, names, n=5, cutoff=0.6)
        raise UnknownConceptError(f"alteration in {symbol}", text, near or names[:5])
    return concept


def evidence_for(
    runner: CypherRunner, gene: str, text: str, tumour: str | None = None
) -> EvidenceAnswer:
    concept = resolve_alteration(runner, gene, text)
    chain = with_broader([concept])
    names = {cid: c.name for cid, c in chain.items()}
    ancestors: list[str] = []
    subtypes: set[str] = set()
    code = None
    if tumour:
        match = find_tumour_type(runner, tumour)
        code = match.tumour_type.code
        ancestors = [a.code for a in match.ancestors]
        subtypes = {d.code for d in tumour_type_descendants(runner, code)}
    rows = run_named(runner, "evidence_for_alterations", {"alteration_ids": list(chain)})
    by_therapy: dict[str, list[EvidenceRow]] = defaultdict(list)
    without: list[EvidenceRow] = []
    off_label = set()
    for r in rows:
        if code is None:
            where = "any"
        elif r["tumour_code"] == code:
            where = "same"
        elif r["tumour_code"] in ancestors:
            where = "ancestor"
        elif r["tumour_code"] in subtypes:
            where = "subtype"
        else:
            where = "other"
        if where == "other":
            off_label.add(r["evidence_id"])
            continue
        row = EvidenceRow(
            **{k: r[k] for k in EvidenceRow.model_fields if k in r and k != "alteration_match"},
            alteration_match="exact"
            if r["alteration_id"] == concept.id
            else names.get(r["alteration_id"], r["alteration"]),
            tumour_match=where,
        )
        (by_therapy[r["therapy"]] if r["therapy"] else without).append(row)
    groups = [
        TherapyEvidence(therapy=t, evidence=sorted(ev, key=_rank)) for t, ev in by_therapy.items()
    ]
    groups.sort(key=lambda g: (LEVEL_ORDER.get(g.best_level, 9), -len(g.evidence), g.therapy))
    return EvidenceAnswer(
        query=f"{gene} {text}",
        alteration=concept.name,
        alteration_id=concept.id,
        broader=[c.name for cid, c in chain.items() if cid != concept.id],
        tumour_code=code,
        tumour_ancestors=ancestors,
        by_therapy=groups,
        without_therapy=sorted(without, key=_rank),
        off_label_count=len(off_label),
    )


def _rank(e: EvidenceRow) -> tuple:
    return (LEVEL_ORDER.get(e.level or "", 9), -(e.rating or 0), e.evidence_id)


class ConflictRow(BaseModel):
    alteration: str
    therapy: str
    tumour_code: str
    tumour: str | None = None
    sensitivity: list[str]
    resistance: list[str]


def conflicts(runner: CypherRunner) -> list[ConflictRow]:
    """Same alteration, therapy and tumour type with supporting sensitivity and resistance."""
    rows = run_named(runner, "conflicts")
    out = [
        ConflictRow(
            **{**r, "sensitivity": sorted(r["sensitivity"]), "resistance": sorted(r["resistance"])}
        )  # fmt: skip
        for r in rows
    ]
    return sorted(out, key=lambda c: (c.alteration, c.therapy, c.tumour_code))


class DrugEvidenceRow(BaseModel):
    drug: str
    therapy: str
    alteration: str
    tumour_code: str | None = None
    tumour: str | None = None
    source: str
    items: int
    levels: list[str]
    significances: list[str]


def evidence_for_drug(runner: CypherRunner, name: str) -> list[DrugEvidenceRow]:
    """The alterations and tumour types a drug has evidence for, per therapy and source.

    English and Norwegian INN spellings both find the drug; an unknown drug raises
    :class:`UnknownConceptError` with the nearest names.
    """
    from ontology.normalise import drug_match_key, normalise_drug_name

    inn = normalise_drug_name(name)
    rows = run_named(runner, "evidence_for_drug", {"name": inn, "key": drug_match_key(inn)})
    if not rows:
        known = [r["name"] for r in run_named(runner, "drug_names")]
        if inn not in known:
            near = difflib.get_close_matches(inn, known, n=5, cutoff=0.6)
            raise UnknownConceptError("drug", name, near)
    out = [
        DrugEvidenceRow(
            **{
                **r,
                "levels": sorted(x for x in r["levels"] if x),
                "significances": sorted(x for x in r["significances"] if x),
            }
        )  # fmt: skip
        for r in rows
    ]
    return sorted(out, key=lambda r: (r.alteration, r.tumour_code or "", r.therapy, r.source))
