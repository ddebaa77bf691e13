"""Annotating a whole cohort file (a MAF with many samples) in one run.

The graph is read once (:class:`queries.snapshot.Snapshot`); each distinct (gene, protein change)
is normalised once and each distinct (alteration, tumour type) matched once, so a 330,000-row MAF
costs a few thousand matches, not 330,000 (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ontology.matching import variant_rule
from ontology.normalise import AlterationConcept, normalise_alteration, with_broader
from ontology.observed import MafRecord, Observed
from queries.board import TIERS, AlterationResult, match_patient
from queries.catalog import CypherRunner
from queries.output import spreadsheet_safe
from queries.snapshot import Snapshot, snapshot_of

COLUMNS = ("sample", "gene", "protein_change", "tumour_code", "alteration", "normalised",
           "best_tier", "best_options", "why", "approvals", "nye_metoder", "open_arms",
           "variant_rule")  # fmt: skip


@dataclass
class BatchStats:
    rows: int = 0
    annotated: int = 0
    skipped: int = 0  # not protein-changing, or no protein change given
    distinct_alterations: int = 0
    distinct_matches: int = 0


def annotate_maf(
    graph: Snapshot | CypherRunner,
    records: Iterable[MafRecord],
    tumour: str | None = None,
    stats: BatchStats | None = None,
    origin: str = "maf",
) -> Iterator[list[str]]:
    """One output row per protein-changing MAF record: the alteration, its best tier and options.

    The tumour type is ``tumour`` for every row, else the record's own (an OncoTree code).
    Tissue-agnostic facts apply to solid tumour types only (:func:`ontology.matching.is_solid`)."""
    snap = snapshot_of(graph)
    stats = stats or BatchStats()
    concepts: dict[tuple[str, str], AlterationConcept] = {}
    rules: dict[str, str] = {}  # concept id -> its variant rule (once per distinct alteration)
    matches: dict[tuple, AlterationResult] = {}
    relevant: dict[str, tuple[str, ...]] = {}
    for rec in records:
        stats.rows += 1
        if not rec.protein_changing:
            stats.skipped += 1
            continue
        code = tumour or rec.tumour
        key = (rec.gene, rec.protein)
        concept = concepts.get(key)
        if concept is None:
            concept = concepts[key] = normalise_alteration(rec.gene, rec.protein)
        # the answer depends only on the chain members the graph knows something about: every
        # random TP53 missense change without evidence of its own shares "TP53 mutation"'s answer
        known = relevant.get(concept.id)
        if known is None:
            known = relevant[concept.id] = tuple(
                cid for cid in with_broader([concept])
                if cid in snap.predictive or cid in snap.indications_by_alteration
                or cid in snap.arm_alterations
            )  # fmt: skip
        own = concept.id if concept.id in known else None
        # a variant's significance decides whether its gene-level evidence is tiered
        rule = rules.get(concept.id)
        if rule is None:
            rule = rules[concept.id] = variant_rule(concept, snap.known_variants)
        mkey = (known, own, code, rule)
        result = matches.get(mkey)
        if result is None:
            ancestors = sorted(snap.tumour_hierarchy.broader(code))
            observed = Observed(rec.gene, rec.protein, concept, f"{origin}:{rec.line}")
            result = matches[mkey] = match_patient(snap, [observed], code, ancestors,
                                                   snap.is_solid(code))[0]  # fmt: skip
        stats.annotated += 1
        yield _row(rec.sample, rec.gene, rec.protein, code, result, concept)
    stats.distinct_alterations = len(concepts)
    stats.distinct_matches = len(matches)


def _row(
    sample: str, gene: str, protein: str, code: str, r: AlterationResult, concept: Any
) -> list[str]:
    name, normalised = concept.name, str(concept.normalised).lower()
    if not r.options:
        return [sample, gene, protein, code, name, normalised, "", "", "", "", "", "",
                r.variant_rule]  # fmt: skip
    best = r.options[0].tier
    top = [o for o in r.options if o.tier == best]
    return [
        sample, gene, protein, code, name, normalised, best,
        "; ".join(o.therapy for o in top[:5]), top[0].tier_reason,
        "; ".join(sorted({f"{a.agency}" for o in top for a in o.approvals})),
        "; ".join(sorted({n for o in top for n in o.nye_metoder})),
        "; ".join(sorted({a.arm_id for o in top for a in o.arms})),
        r.variant_rule,
    ]  # fmt: skip


def write_tsv(rows: Iterator[list[str]], out: TextIO) -> int:
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        n += 1
    return n


__all__ = ["COLUMNS", "TIERS", "BatchStats", "annotate_maf", "write_tsv"]
