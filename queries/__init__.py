"""Typed functions over the query catalog; each returns pydantic rows, never raw records."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from ontology.errors import UnknownConceptError
from ontology.vocab import Label, RelType
from queries.catalog import CatalogQuery, CypherRunner, catalog, get, parse_params, run_named


class CountRow(BaseModel):
    name: str
    count: int


class GraphStats(BaseModel):
    nodes: list[CountRow]
    relationships: list[CountRow]

    @property
    def total_nodes(self) -> int:
        return sum(r.count for r in self.nodes)

    @property
    def total_relationships(self) -> int:
        return sum(r.count for r in self.relationships)

    def rows(self, nonzero: bool = False) -> list[dict[str, Any]]:
        rows = [{"kind": "node", "name": r.name, "count": r.count} for r in self.nodes]
        rows += [{"kind": "relationship", "name": r.name, "count": r.count}
                 for r in self.relationships]  # fmt: skip
        return [r for r in rows if r["count"]] if nonzero else rows


class TumourTypeRow(BaseModel):
    code: str
    name: str
    level: int | None = None
    main_type: str | None = None
    tissue: str | None = None
    release: str | None = None


class TumourTypeMatch(BaseModel):
    query: str
    matched_by: str  # "code", "name or previous code"
    tumour_type: TumourTypeRow
    ancestors: list[TumourTypeRow]  # nearest first, root last
    others: list[TumourTypeRow] = []  # further matches of an ambiguous name

    def render_text(self) -> str:
        t = self.tumour_type
        out = [
            f"{t.code}  {t.name}  (OncoTree {t.release}, matched by {self.matched_by})",
            f"  main type: {t.main_type or '-'}; tissue: {t.tissue or '-'}; level {t.level}",
        ]
        if self.ancestors:
            out.append("  is a: " + " > ".join(f"{a.code} ({a.name})" for a in self.ancestors))
        out += [f"  also matches: {o.code} ({o.name})" for o in self.others]
        return "\n".join(out)


class GeneRow(BaseModel):
    hgnc_id: str
    symbol: str
    name: str | None = None
    current: bool


class SourceRow(BaseModel):
    id: str
    name: str
    version: str
    licence: str | None = None
    file_name: str | None = None
    checksum_sha256: str | None = None
    last_run_status: str | None = None
    last_run_finished_at: str | None = None
    last_complete_run_id: str | None = None
    rerun: str | None = None  # for an interrupted or failed run: the command that completes it


def run_status(status: str | None, host: str | None, pid: int | None) -> str | None:
    """A stored run status as the reader should see it: a "running" load whose process (on this
    machine) is gone was interrupted (kill -9, a crash, a power cut). A run on another machine
    cannot be checked from here and stays "running"."""
    import os
    import socket

    if status != "running" or not pid or host != socket.gethostname():
        return status
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return "interrupted"
    except PermissionError:  # alive, another user's
        return status
    return status


def graph_stats(runner: CypherRunner) -> GraphStats:
    """Node count per label and relationship count per type."""
    label_q, rel_q = get("stats_label_count"), get("stats_rel_count")
    nodes = [
        CountRow(name=label.value, count=runner.read(label_q.render(label=label))[0]["count"])
        for label in Label
    ]
    rels = [
        CountRow(name=rt.value, count=runner.read(rel_q.render(rel_type=rt))[0]["count"])
        for rt in RelType
    ]
    return GraphStats(nodes=nodes, relationships=rels)


def _suggest(query: str, candidates: dict[str, str], n: int = 5) -> list[str]:
    """Nearest known keys for a failed lookup, scored by the better of key and name similarity
    (a name that contains the query scores high; a key with the same letters swapped higher)."""
    q = query.lower()
    scored = []
    for key, name in candidates.items():
        score = max(
            difflib.SequenceMatcher(None, q, key.lower()).ratio(),
            difflib.SequenceMatcher(None, q, name.lower()).ratio(),
            0.9 if len(q) >= 4 and q in name.lower() else 0.0,
        ) + (0.1 if sorted(q) == sorted(key.lower()) else 0.0)  # transposed letters: LAUD
        if score >= 0.6:
            scored.append((-score, key))
    scored.sort()
    return [
        f"{key} ({candidates[key]})" if candidates[key] != key else key for _, key in scored[:n]
    ]


def find_tumour_type(runner: CypherRunner, query: str) -> TumourTypeMatch:
    """A tumour type by OncoTree code, name or previous code, with its ancestors.

    Unknown input raises :class:`UnknownConceptError` with the nearest known codes; never an
    empty answer.
    """
    text = " ".join(query.split())
    rows = run_named(runner, "tumour_type_lookup", {"code": text.upper(), "key": text.lower()})
    if not rows:
        names = run_named(runner, "tumour_type_names")
        raise UnknownConceptError(
            "tumour type", text, _suggest(text, {r["code"]: r["name"] for r in names})
        )
    first = TumourTypeRow(**rows[0])
    ancestors = [
        TumourTypeRow(**r) for r in run_named(runner, "tumour_type_ancestors", {"code": first.code})
    ]
    return TumourTypeMatch(
        query=text,
        matched_by="code" if rows[0]["exact_code"] else "name or previous code",
        tumour_type=first,
        ancestors=ancestors,
        others=[TumourTypeRow(**r) for r in rows[1:]],
    )


def tumour_type_descendants(runner: CypherRunner, code: str) -> list[TumourTypeRow]:
    return [
        TumourTypeRow(**r) for r in run_named(runner, "tumour_type_descendants", {"code": code})
    ]


def find_gene(runner: CypherRunner, symbol: str) -> list[GeneRow]:
    """Genes by approved symbol, alias or previous symbol; approved symbol first.

    An alias can name several genes; all are returned. Unknown input raises
    :class:`UnknownConceptError` with the nearest approved symbols.
    """
    key = symbol.strip().upper()
    rows = run_named(runner, "gene_lookup", {"symbol": key})
    if not rows:
        symbols = [r["symbol"] for r in run_named(runner, "gene_symbols")]
        near = difflib.get_close_matches(key, symbols, n=5, cutoff=0.7)
        raise UnknownConceptError("gene", symbol.strip(), near)
    return [GeneRow(**r) for r in rows]


def list_sources(runner: CypherRunner) -> list[SourceRow]:
    """The releases loaded, each with its last run as the reader should see it (an interrupted run
    as "interrupted", with the command to run again)."""
    out = []
    for r in run_named(runner, "sources"):
        status = run_status(r.pop("last_run_status"), r.pop("last_run_host"), r.pop("last_run_pid"))
        rerun = (f"oncograph load {r['name']} {r.get('file_name') or 'PATH'}"
                 if status in ("interrupted", "failed") else None)  # fmt: skip
        out.append(SourceRow(**r, last_run_status=status, rerun=rerun))
    return out


def run_catalog_query(
    runner: CypherRunner, name: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run a catalog query by name (for ``oncograph query`` and the cross-backend tests)."""
    return run_named(runner, name, params)


__all__ = [
    "CatalogQuery",
    "CountRow",
    "CypherRunner",
    "GeneRow",
    "GraphStats",
    "SourceRow",
    "TumourTypeMatch",
    "TumourTypeRow",
    "catalog",
    "find_gene",
    "find_tumour_type",
    "graph_stats",
    "list_sources",
    "parse_params",
    "run_catalog_query",
    "tumour_type_descendants",
]
