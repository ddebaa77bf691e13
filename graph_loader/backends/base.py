"""The one interface both graph backends implement.

A :class:`GraphStore` runs Cypher (read-only unless it was opened for writing: the engine's own
read-only mode, and before it the plan-based guard of :mod:`graph_loader.backends.guard`, which
lets a statement run only if the engine's plan for it is a read; each statement under a time limit),
applies the schema generated from the ontology, and writes batches of rows (``UNWIND $rows``
statements, or the engine's bulk path where it has one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ontology.errors import MissingParameterError
from ontology.metagraph import PATTERNS
from ontology.vocab import Label, RelType

Row = dict[str, Any]


@dataclass
class StoreInfo:
    """What ``oncograph doctor`` reports about a store."""

    backend: str
    location: str
    reachable: bool
    read_only: bool
    server_version: str | None = None
    edition: str | None = None
    driver_version: str | None = None
    schema_present: bool = False
    schema_missing: list[str] = field(default_factory=list)
    detail: str | None = None


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRIP = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.DOTALL
)


def query_parameters(cypher: str) -> set[str]:
    """Names of ``$parameters`` a statement uses (outside strings, quoted names and comments)."""
    return set(_PARAM.findall(_STRIP.sub(" ", cypher)))


def check_parameters(cypher: str, params: Mapping[str, Any] | None) -> None:
    """Refuse a statement whose ``$parameters`` were not all given.

    LadybugDB binds a missing parameter to null instead of failing, so both backends check here.
    """
    missing = sorted(query_parameters(cypher) - set(params or {}))
    if missing:
        raise MissingParameterError(
            "missing query parameter(s): "
            + ", ".join(f"${m}" for m in missing)
            + " (give them with --param name=value)"
        )


def dedupe_last_wins(rows: Iterable[Row], key: Sequence[str]) -> list[Row]:
    """One row per key, the last one given; order of first appearance kept.

    Two rows with the same new key in one ``UNWIND ... MERGE`` batch lose a write on LadybugDB, so
    every batch is de-duplicated before it is sent, on both backends.
    """
    by_key: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        by_key[tuple(row[k] for k in key)] = row
    return list(by_key.values())


def chunks(rows: Sequence[Row], size: int) -> Iterable[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


#: the endpoint and key columns of a relationship row (the rest are its properties)
REL_KEYS = ("from_id", "to_id")


def rel_params(row: Row) -> Row:
    """A relationship row as its write statement takes it: endpoints, source, property map."""
    props = {k: v for k, v in row.items() if k not in REL_KEYS and v is not None}
    return {"from_id": row["from_id"], "to_id": row["to_id"], "source": row["source"],
            "props": props}  # fmt: skip


def split_fresh(
    batch: Sequence[Row], from_label: Label, to_label: Label,
    fresh: Mapping[Label, set[str]] | None,
) -> tuple[list[Row], list[Row]]:  # fmt: skip
    """(rows with an endpoint created in this chunk: new relationships, the other rows)."""
    if not fresh:
        return [], list(batch)
    f, t = fresh.get(from_label, set()), fresh.get(to_label, set())
    new, old = [], []
    for row in batch:
        (new if row["from_id"] in f or row["to_id"] in t else old).append(row)
    return new, old


class GraphStore(ABC):
    """A graph database holding the oncograph schema."""

    backend: str = "abstract"

    # The time limit of a statement run through run(), in seconds (None: no limit). The CLI
    # sets it from --timeout (default 60 s); a load's own writes (_write) are not limited.
    DEFAULT_TIMEOUT = 60.0

    def __init__(self, read_only: bool, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.read_only = read_only
        self.timeout = timeout if timeout and timeout > 0 else None

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    # -- what readers see -----------------------------------------------------------------------
    def publish(self) -> None:
        """Make what was written so far what readers see (embedded: the writer works on a copy
        until then; Neo4j: every write outside :meth:`publishing` is committed already)."""
        return None

    def discard(self) -> None:
        """Forget what was written since the last :meth:`publish`, where the backend can."""
        return None

    @contextlib.contextmanager
    def publishing(self, atomic: bool = True) -> Iterator[None]:
        """Writes inside the block become visible to readers together when it ends without an
        error, and none of them when it fails: a reader sees the graph before or after, never a
        mixture. ``atomic=False`` lets a backend that would have to hold it all in one
        transaction (Neo4j) commit batch by batch instead."""
        yield

    @abstractmethod
    def location(self) -> str:
        """Where the store is, safe to print (never a password)."""

    @abstractmethod
    def info(self) -> StoreInfo: ...

    # -- running Cypher ------------------------------------------------------------------------
    def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one statement and return its rows as plain Python values.

        On a read-only store a statement runs only if the engine's plan for it is a read
        (``ReadOnlyError`` otherwise, with the reason); it runs under :attr:`timeout`
        (``QueryTimeoutError`` when it runs past it).
        """
        check_parameters(cypher, params)
        values = dict(params or {})
        if self.read_only:
            self.guard(cypher, values)
        return self._run(cypher, values)

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one of oncograph's own read statements (fixed text in this code base).

        Without the plan check of :meth:`run` (measured: it costs a report about an eighth of
        its time), since no caller's text reaches it; the engine's own read-only mode and the
        time limit still apply. Anything a user or a request supplies goes through :meth:`run`.
        """
        check_parameters(cypher, params)
        return self._run(cypher, dict(params or {}))

    @abstractmethod
    def guard(self, cypher: str, params: dict[str, Any]) -> None:
        """Refuse (``ReadOnlyError``) a statement whose plan is not a read; runs nothing."""

    @abstractmethod
    def _run(self, cypher: str, params: dict[str, Any]) -> list[Row]: ...

    def explain(self, cypher: str, params: Mapping[str, Any] | None = None) -> str:
        """The engine's plan for a statement, as text."""
        rows = self.run("EXPLAIN " + cypher, params)
        return "\n".join(str(v) for row in rows for v in row.values())

    # -- schema --------------------------------------------------------------------------------
    @abstractmethod
    def apply_schema(self) -> list[str]:
        """Create what the ontology declares and is missing; idempotent. Returns what it did."""

    @abstractmethod
    def missing_schema(self) -> list[str]:
        """What the ontology declares that the store lacks (empty: schema present)."""

    # -- writing -------------------------------------------------------------------------------
    # Write statements are generated from the metagraph. A row carries only the properties it has
    # (``framework.node_row`` drops the empty ones), so a statement sets the row's map as the
    # node's properties (``SET n = row``: what the row lacks is removed, as a fact's reload must).
    # Nodes not in the graph yet are CREATEd; relationships with an endpoint created in the same
    # chunk cannot exist yet and are CREATEd too; the rest are MERGEd. A backend whose engine has a
    # faster bulk path (LadybugDB's COPY FROM) overrides write_nodes/write_rels.
    def node_create_statement(self, label: Label) -> str:
        return f"UNWIND $rows AS row CREATE (n:{label.value}) SET n = row"

    def node_update_statement(self, label: Label) -> str:
        return f"UNWIND $rows AS row MATCH (n:{label.value} {{id: row.id}}) SET n = row"

    def rel_write_statement(
        self, rel_type: RelType, from_label: Label, to_label: Label, new: bool = False
    ) -> str:
        """The write of a batch of ``{from_id, to_id, source, props}`` rows; ``new``: every row's
        relationship is known not to exist (CREATE), else MERGE on (start, end, source)."""
        if (from_label, to_label) not in PATTERNS[rel_type]:
            raise ValueError(f"({from_label})-[:{rel_type}]->({to_label}) is not in the metagraph")
        write = (
            f"CREATE (a)-[r:{rel_type.value}]->(b) SET r = row.props"
            if new
            else f"MERGE (a)-[r:{rel_type.value} {{source: row.source}}]->(b) SET r = row.props"
        )
        return (
            "UNWIND $rows AS row "
            f"MATCH (a:{from_label.value} {{id: row.from_id}}) "
            f"MATCH (b:{to_label.value} {{id: row.to_id}}) "
            f"{write} RETURN count(r) AS written"
        )

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """A span of writes (one load's) in which the store may defer bulk writes to its end; on
        an error inside, what was deferred is dropped."""
        yield

    @abstractmethod
    def _write(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        """Run one write statement in its own transaction (retried on transient errors)."""

    def write_nodes(
        self, label: Label, rows: Sequence[Row], created: set[str] | None = None
    ) -> int:
        """Write one batch of nodes by id (the last row of an id wins); the ids that were not in
        the graph before are added to ``created``."""
        batch, new, old = self.split_known(label, rows)
        if new:
            self._write(self.node_create_statement(label), {"rows": new})
        if old:
            self._write(self.node_update_statement(label), {"rows": old})
        if created is not None:
            created.update(row["id"] for row in new)
        return len(batch)

    def split_known(
        self, label: Label, rows: Sequence[Row]
    ) -> tuple[list[Row], list[Row], list[Row]]:
        """(the batch de-duplicated by id, its rows not in the graph yet, the others)."""
        batch = dedupe_last_wins(rows, ("id",))
        known = self.existing_ids(label, [row["id"] for row in batch])
        new = [row for row in batch if row["id"] not in known]
        return batch, new, [row for row in batch if row["id"] in known]

    def write_rels(
        self,
        rel_type: RelType,
        from_label: Label,
        to_label: Label,
        rows: Sequence[Row],
        fresh: Mapping[Label, set[str]] | None = None,
    ) -> int:
        """Write one batch of relationships between existing nodes; returns how many were written.
        ``fresh``: ids by label of nodes created by this load's current chunk (a relationship with
        such an endpoint is new). Rows whose endpoints are missing are not written (no stub)."""
        batch = dedupe_last_wins(rows, ("from_id", "to_id", "source"))
        if not batch:
            return 0
        new, old = split_fresh(batch, from_label, to_label, fresh)
        written = 0
        for rows_, is_new in ((new, True), (old, False)):
            if rows_:
                statement = self.rel_write_statement(rel_type, from_label, to_label, is_new)
                result = self._write(statement, {"rows": [rel_params(r) for r in rows_]})
                written += int(result[0]["written"]) if result else 0
        return written

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self._run(
            f"UNWIND $ids AS i MATCH (n:{label.value} {{id: i}}) RETURN n.id AS id",
            {"ids": list(set(ids))},
        )
        return {r["id"] for r in rows}

    # Deletions go in batches: a DETACH DELETE of 20,000 nodes with ~200,000 relationships
    # exceeds Neo4j's default transaction memory on a 2 GiB heap (measured; docs/decisions.md).
    DELETE_BATCH = 2000

    def delete_stale_nodes(self, label: Label, source: str, run_id: str) -> int:
        """Remove a source's nodes (and their relationships) that run ``run_id`` did not write."""
        return self._delete_in_batches(
            f"MATCH (n:{label.value}) WHERE n.source = $source AND n.run_id <> $run_id "
            "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
            {"source": source, "run_id": run_id},
        )

    def source_node_ids(self, label: Label, source: str) -> set[str]:
        """The ids of a source's own nodes of a label (its facts, not shared concepts)."""
        rows = self.read(f"MATCH (n:{label.value}) WHERE n.source = $source RETURN n.id AS id",
                        {"source": source})  # fmt: skip
        return {r["id"] for r in rows}

    def delete_unstated_concepts(self, label: Label) -> int:
        """Remove shared concept nodes of a label that no source links to any more."""
        return self._delete_in_batches(
            f"MATCH (n:{label.value}) WHERE NOT (n)-[:FROM_SOURCE]->(:Source) "
            "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
            {},
        )

    def _delete_in_batches(self, statement: str, params: dict[str, Any]) -> int:
        total = 0
        while True:
            rows = self._write(statement, {**params, "limit": self.DELETE_BATCH})
            deleted = int(rows[0]["deleted"]) if rows else 0
            total += deleted
            if deleted < self.DELETE_BATCH:
                return total

    def delete_stale_rels(self, rel_type: RelType, source: str, run_id: str) -> int:
        """Remove a source's relationships of one type that run ``run_id`` did not write."""
        total = 0
        for from_label in sorted({f for f, _ in PATTERNS[rel_type]}):
            total += self._delete_in_batches(
                f"MATCH (a:{from_label.value})-[r:{rel_type.value}]->() "
                "WHERE r.source = $source AND r.run_id <> $run_id "
                "WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted",
                {"source": source, "run_id": run_id},
            )
        return total

    def wipe(self) -> None:
        """Delete every node and relationship of the ontology (tests and benchmarks only)."""
        for label in Label:
            self._delete_in_batches(
                f"MATCH (n:{label.value}) WITH n LIMIT $limit DETACH DELETE n "
                "RETURN count(*) AS deleted",
                {},
            )


def plain(value: Any) -> Any:
    """Engine values to plain Python: dates stay ``datetime.date``, lists stay lists."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, dt.datetime | dt.date):
        return value
    to_native = getattr(value, "to_native", None)
    if callable(to_native):  # neo4j.time.Date / DateTime
        return to_native()
    return value
