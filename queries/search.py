"""Search suggestions from the graph: genes, alterations, tumour types, drugs and Nye Metoder
method ids, for a search box that completes what a tumour board or HTA officer starts typing.

The index is built once per snapshot (:meth:`Snapshot.memo`), so a served snapshot answers each
keystroke from memory. Ranking: an exact key first, then a key or word that starts with the text,
then one that contains it; within a rank alterations and tumour types with evidence come before
the rest (what the board is most likely to look for), then alphabetically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from queries.catalog import CypherRunner, run_named
from queries.snapshot import Snapshot, snapshot_of

KINDS = ("alteration", "gene", "tumour", "drug", "method")


class Suggestion(BaseModel):
    kind: str  # one of KINDS
    value: str  # what to search for: "BRAF V600E", "MEL", "osimertinib", "ID2019_123"
    label: str  # how to show it: "MEL: Melanoma"


@dataclass(frozen=True)
class _Entry:
    kind: str
    value: str
    label: str
    keys: tuple[str, ...]  # folded texts the entry is found by
    weight: int  # 0: has evidence (sorted first), 1: the rest


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-zæøå]+", " ", text.lower()).split())


def _index(snap: Snapshot) -> list[_Entry]:
    entries: dict[tuple[str, str], _Entry] = {}

    def add(kind: str, value: str, label: str, keys: list[str], weight: int = 1) -> None:
        if not value:
            return
        old = entries.get((kind, value))
        if old is None or weight < old.weight:
            entries[(kind, value)] = _Entry(kind, value, label,
                                            tuple(_fold(k) for k in keys if k), weight)  # fmt: skip

    evidenced_tumours: set[str] = set()
    for rows in snap.predictive.values():
        for r in rows:
            add("alteration", r.alteration, r.alteration, [r.alteration], 0)
            if r.tumour_code:
                evidenced_tumours.add(r.tumour_code)
    for fact in (*snap.evidence.values(), *snap.indications.values(), *snap.decisions.values(),
                 *snap.arm_facts.values()):  # fmt: skip
        for name in fact.alterations.values():
            add("alteration", name, name, [name], 0)
    for r in run_named(snap, "tumour_type_names"):
        weight = 0 if r["code"] in evidenced_tumours else 1
        add("tumour", r["code"], f"{r['code']}: {r['name']}", [r["code"], r["name"]], weight)
    for r in run_named(snap, "gene_symbols"):
        add("gene", r["symbol"], r["symbol"], [r["symbol"]])
    for _drug_id, name in snap.drugs.values():
        add("drug", name, name, [name])
    for d in snap.decisions.values():
        if d.method_id:
            label = f"{d.method_id}: {d.therapy or ''} ({d.status or 'no status'})".replace(
                ": (", " ("
            )
            add("method", d.method_id, label, [d.method_id, d.therapy or ""])
    return sorted(entries.values(), key=lambda e: (e.weight, KINDS.index(e.kind), e.value))


def suggest(
    graph: Snapshot | CypherRunner, text: str, limit: int = 10, kinds: tuple[str, ...] = KINDS
) -> list[Suggestion]:
    """At most ``limit`` suggestions for ``text`` (empty text: none)."""
    snap = snapshot_of(graph)
    q = _fold(text)
    if not q:
        return []
    ranked: list[tuple[int, int, int, str, _Entry]] = []
    for e in snap.memo("search_index", lambda: _index(snap)):
        if e.kind not in kinds:
            continue
        rank = None
        for key in e.keys:
            if key == q:
                rank = 0
            elif key.startswith(q) or f" {q}" in f" {key}":
                rank = 1 if rank is None else min(rank, 1)
            elif q in key:
                rank = 2 if rank is None else min(rank, 2)
        if rank is not None:
            ranked.append((rank, e.weight, KINDS.index(e.kind), e.value, e))
    ranked.sort(key=lambda t: t[:4])
    return [Suggestion(kind=e.kind, value=e.value, label=e.label) for *_, e in ranked[:limit]]


__all__ = ["KINDS", "Suggestion", "suggest"]
