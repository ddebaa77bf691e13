"""Evidence questions: the evidence for an alteration (optionally in a tumour type, walking the
OncoTree hierarchy), grouped by therapy with each source's own levels; conflicts."""

from __future__ import annotations

import difflib
from collections import defaultdict

from pydantic import BaseModel

from ontology.errors import UnknownConceptError
from ontology.matching import TumourMatch, best_level, level_rank, tumour_match
from ontology.normalise import AlterationConcept, normalise_alteration, with_broader
from queries import find_gene, find_tumour_type
from queries.catalog import CypherRunner, run_named
from queries.snapshot import Snapshot, snapshot_of


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
    flag: str | None = None  # the source's biomarker disagrees with the text it cites
    alteration: str
    alteration_match: str  # "exact", or the broader alteration's name it matched through
    tumour_code: str | None = None
    tumour: str | None = None
    # ontology.matching.TumourMatch: "same"; "ancestor" (stated for a broader type: applies);
    # "subtype" (stated for a narrower type); "any" (no tumour asked, or the evidence names
    # none). Evidence in other types is off-label and only counted.
    tumour_match: str


class TherapyEvidence(BaseModel):
    therapy: str
    evidence: list[EvidenceRow]

    @property
    def best_level(self) -> str:
        return best_level(e.level for e in self.evidence)


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

    def render_text(self) -> str:
        """The answer as the CLI prints it."""
        lines = [
            f"{self.alteration}{f' in {self.tumour_code}' if self.tumour_code else ''}: "
            f"{sum(len(g.evidence) for g in self.by_therapy)} evidence items with a therapy "
            f"(also via {', '.join(self.broader) or '-'})"
        ]
        if self.tumour_code:
            lines.append(
                f"  tumour: {self.tumour_code}, applies from "
                f"{' > '.join(self.tumour_ancestors) or '-'}; "
                f"{self.off_label_count} more in other tumour types (off-label, not shown)"
            )
        for group in self.by_therapy:
            by_source: dict[str, list[str]] = {}
            for e in group.evidence:
                mark = "" if e.direction == "supports" else "(does not support) "
                via = "" if e.alteration_match == "exact" else f" via {e.alteration_match}"
                where = "" if e.tumour_match in ("same", "any") else (
                    f" [{e.tumour_match} {e.tumour_code}]")  # fmt: skip
                by_source.setdefault(f"{e.source}@{e.source_version}", []).append(
                    f"{e.level} {mark}{e.significance} {e.evidence_id.split(':')[-1]}{via}{where}"
                    + (" [flagged: the source contradicts its text]" if e.flag else "")
                )
            lines.append(f"\n{group.therapy}  (best level {group.best_level})")
            for src, items in by_source.items():
                more = f"; ... {len(items) - 8} more" if len(items) > 8 else ""
                lines.append(f"  {src}: " + "; ".join(items[:8]) + more)
        if self.without_therapy:
            lines.append(f"\nwithout a therapy (prognostic, diagnostic, ...): "
                         f"{len(self.without_therapy)} items")  # fmt: skip
        return "\n".join(lines)


def split_gene_alteration(text: str, option: str = "--alteration") -> tuple[str, str]:
    """``"BRAF V600E"`` -> ``("BRAF", "V600E")``; a gene alone is an error naming the option."""
    from ontology.errors import ConfigError

    gene, _, rest = text.strip().partition(" ")
    if not rest.strip():
        raise ConfigError(f"{option} {text!r}: give the gene and the alteration, "
                          'e.g. "BRAF V600E"')  # fmt: skip
    return gene, rest.strip()


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
    graph: Snapshot | CypherRunner, gene: str, text: str, tumour: str | None = None
) -> EvidenceAnswer:
    snap = snapshot_of(graph)
    concept = resolve_alteration(snap, gene, text)
    chain = with_broader([concept])
    names = {cid: c.name for cid, c in chain.items()}
    ancestors: list[str] = []
    code = None
    if tumour:
        match = find_tumour_type(snap, tumour)
        code = match.tumour_type.code
        ancestors = [a.code for a in match.ancestors]
    rows = run_named(snap, "evidence_for_alterations", {"alteration_ids": list(chain)})
    by_therapy: dict[str, list[EvidenceRow]] = defaultdict(list)
    without: list[EvidenceRow] = []
    off_label = set()
    for r in rows:
        where = tumour_match(snap.tumour_hierarchy, r["tumour_code"], code)
        if where is TumourMatch.OFF_LABEL:
            off_label.add(r["evidence_id"])
            continue
        row = EvidenceRow(
            **{k: r[k] for k in EvidenceRow.model_fields if k in r and k != "alteration_match"},
            alteration_match="exact"
            if r["alteration_id"] == concept.id
            else names.get(r["alteration_id"], r["alteration"]),
            tumour_match=where.value,
        )
        (by_therapy[r["therapy"]] if r["therapy"] else without).append(row)
    groups = [
        TherapyEvidence(therapy=t, evidence=sorted(ev, key=_rank)) for t, ev in by_therapy.items()
    ]
    groups.sort(key=lambda g: (level_rank(g.best_level), -len(g.evidence), g.therapy))
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
    return (level_rank(e.level), -(e.rating or 0), e.evidence_id)


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
