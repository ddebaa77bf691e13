"""Annotating a whole cohort file (a MAF with many samples) in one run.

The graph is read once (:class:`queries.board.BoardIndex`); each distinct (gene, protein change)
is normalised once and each distinct (alteration, tumour type) matched once, so a 330,000-row MAF
costs a few thousand matches, not 330,000 (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from graph_loader.files import RawFile
from graph_loader.tables import read_table
from ontology.errors import InputFileError
from ontology.normalise import normalise_alteration, with_broader
from queries.board import TIERS, AlterationResult, BoardIndex, match_patient
from queries.patient import MAF_PROTEIN, Observed

COLUMNS = ("sample", "gene", "protein_change", "tumour_code", "alteration", "normalised",
           "best_tier", "best_options", "why", "approvals", "nye_metoder", "open_arms")  # fmt: skip


@dataclass
class BatchStats:
    rows: int = 0
    annotated: int = 0
    skipped: int = 0  # not protein-changing, or no protein change given
    distinct_alterations: int = 0
    distinct_matches: int = 0


def annotate_maf(
    index: BoardIndex,
    raw: RawFile,
    tumour: str | None = None,
    tumour_column: str = "ONCOTREE_CODE",
    solid_codes: set[str] | None = None,
    stats: BatchStats | None = None,
) -> Iterator[list[str]]:
    """One output row per protein-changing MAF row: the alteration, its best tier and options.

    The tumour type is ``tumour`` for every row, else the row's ``tumour_column`` (an OncoTree
    code). ``solid_codes`` limits tissue-agnostic matches to solid tumours (all when None)."""
    stats = stats or BatchStats()
    text = "\n".join(line for line in raw.text().splitlines() if not line.startswith("#"))
    rows = read_table(RawFile(raw.name, text.encode("utf-8")), ("Hugo_Symbol", "HGVSp_Short"),
                      "Hugo_Symbol", "a MAF file")  # fmt: skip
    if tumour is None and rows and tumour_column not in rows[0][1]:
        raise InputFileError(raw.name, f"no {tumour_column} column and no --tumour: give the "
                             "tumour type for the file or per row", 1)  # fmt: skip
    facts = index.facts
    concepts: dict[tuple[str, str], object] = {}
    matches: dict[tuple, AlterationResult] = {}
    relevant: dict[str, tuple[str, ...]] = {}
    for line, row in rows:
        stats.rows += 1
        if "__malformed__" in row:
            raise InputFileError(raw.name, row["__malformed__"], line)
        kind = str(row.get("Variant_Classification") or "Missense_Mutation")
        protein = str(row.get("HGVSp_Short") or "").strip()
        gene = str(row["Hugo_Symbol"]).strip()
        if kind not in MAF_PROTEIN or not protein or protein in (".", "NA"):
            stats.skipped += 1
            continue
        code = tumour or str(row.get(tumour_column) or "").strip()
        key = (gene, protein)
        concept = concepts.get(key)
        if concept is None:
            concept = concepts[key] = normalise_alteration(gene, protein)
        # the answer depends only on the chain members the graph knows something about: every
        # random TP53 missense change without evidence of its own shares "TP53 mutation"'s answer
        known = relevant.get(concept.id)  # type: ignore[attr-defined]
        if known is None:
            known = relevant[concept.id] = tuple(  # type: ignore[attr-defined]
                cid for cid in with_broader([concept])  # type: ignore[list-item]
                if cid in index.evidence or cid in index.indications_by_alteration
                or cid in index.arm_alterations
            )  # fmt: skip
        own = concept.id if concept.id in known else None  # type: ignore[attr-defined]
        mkey = (known, own, code)
        result = matches.get(mkey)
        if result is None:
            ancestors = sorted(facts.ancestors.get(code, set()))
            solid = solid_codes is None or code in solid_codes
            observed = Observed(gene, protein, concept, f"{raw.base_name}:{line}")  # type: ignore[arg-type]
            result = matches[mkey] = match_patient(index, [observed], code, ancestors, solid)[0]
        stats.annotated += 1
        yield _row(str(row.get("Tumor_Sample_Barcode") or ""), gene, protein, code, result,
                   concept)  # fmt: skip
    stats.distinct_alterations = len(concepts)
    stats.distinct_matches = len(matches)


def _row(
    sample: str, gene: str, protein: str, code: str, r: AlterationResult, concept: Any
) -> list[str]:
    name, normalised = concept.name, str(concept.normalised).lower()
    if not r.options:
        return [sample, gene, protein, code, name, normalised, "", "", "", "", "", ""]
    best = r.options[0].tier
    top = [o for o in r.options if o.tier == best]
    return [
        sample, gene, protein, code, name, normalised, best,
        "; ".join(o.therapy for o in top[:5]), top[0].tier_reason,
        "; ".join(sorted({f"{a.agency}" for o in top for a in o.approvals})),
        "; ".join(sorted({n for o in top for n in o.nye_metoder})),
        "; ".join(sorted({a.arm_id for o in top for a in o.arms})),
    ]  # fmt: skip


def write_tsv(rows: Iterator[list[str]], out: TextIO) -> int:
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


__all__ = ["COLUMNS", "TIERS", "BatchStats", "annotate_maf", "write_tsv"]
