"""The loader framework every source uses.

A source module's ``transform(raw) -> TransformResult`` parses and validates a whole file before
anything is written; :func:`load` then writes the result in batches:

1. the ``Source`` node is marked ``running`` with a fresh run id;
2. nodes (per label), then relationships, are MERGEd in batches, each stamped with the run id and
   the source's provenance; relationships whose endpoints are missing are counted, never
   stub-created;
3. only after every batch succeeded are the source's facts that this run did not write removed,
   and the ``Source`` node marked ``complete``.

A malformed file fails in step 0 (nothing written). A failure in step 2 leaves every fact that was
there before (some updated to the new release, each stamped with the new run id) and the source
marked ``failed``; re-running converges to the graph an uninterrupted run gives, because writes are
idempotent MERGEs and stale removal happens only at the end of a successful run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import socket
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import IO, Any

from graph_loader.backends.base import GraphStore, chunks, dedupe_last_wins
from graph_loader.files import RawFile
from ontology.errors import LoadError, OncographError, RejectedRowsError, ShrinkError
from ontology.metagraph import (
    PATTERNS,
    SHARED_LABELS,
    SHARED_SOURCE,
    node_properties,
    required_properties,
)
from ontology.models import Link, Node, Rel, SourceInfo
from ontology.vocab import Label, RelType, RunStatus

Progress = Callable[[str, int, int], None]  # (step, done, total)

FRAMEWORK_SOURCE = SHARED_SOURCE  # the Source nodes and shared concepts belong to no source
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Rejection:
    """One input row that was not loaded."""

    file: str
    line: int | None
    reason: str  # short, groupable: "missing code", "duplicate code"
    detail: str = ""  # what exactly, for the message
    column: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class SourceMeta:
    """What a loader module says about its source; :meth:`for_file` makes the run's SourceInfo."""

    name: str
    licence: str
    url: str | None = None
    citation: str | None = None

    def for_file(self, raw: RawFile, version: str, retrieved_at: str | None = None) -> SourceInfo:
        return SourceInfo(
            name=self.name,
            version=version,
            licence=self.licence,
            url=self.url,
            citation=self.citation,
            retrieved_at=retrieved_at,
            file_name=raw.base_name,
            checksum_sha256=raw.sha256,
        )


@dataclass(frozen=True)
class Source:
    """What a source module declares, so that the registry loads every source with one loop:

    * ``read``: how its input is read from what the user names (a file, a release directory, a
      directory of snapshots), or passed through when given as bytes (a :class:`RawFile`);
    * ``needs``: what it needs from the graph, as ``{transform keyword: how to read it from the
      snapshot}`` (:class:`queries.snapshot.Snapshot`), e.g. the HGNC genes to normalise against;
      without a store each is passed as None;
    * ``transform``: ``transform(input, version=..., **needs) -> TransformResult``, pure;
    * ``chunks`` (for sources whose files grow with the number of patients): the same as
      ``transform`` but yielding the file's result chunk by chunk, so that a load holds one chunk
      in memory (:func:`load_chunks`); ``transform`` is then their merge.
    """

    name: str
    description: str
    meta: SourceMeta
    read: Callable[[Any], Any]
    transform: Callable[..., TransformResult]
    needs: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    chunks: Callable[..., Iterator[TransformResult]] | None = None

    @property
    def licence(self) -> str:
        return self.meta.licence


#: what most sources need from the graph: the HGNC genes and OncoTree tumour types loaded, to
#: normalise their genes and diseases against
NORMALISE: Mapping[str, Callable[[Any], Any]] = {
    "genes": lambda g: g.genes,
    "tumours": lambda g: g.tumours,
}


@dataclass
class TransformResult:
    """A whole file, parsed and validated, ready to write."""

    source: SourceInfo
    nodes: list[Node] = field(default_factory=list)
    rels: list[Rel | Link] = field(default_factory=list)
    rows_read: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # rows left out by rule, not errors
    # concepts a source names that normalisation could not match, by kind ("gene", "tumour
    # type", "alteration"), with examples; loaded anyway (flagged), counted in the report
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    # facts whose source contradicts itself (a structured biomarker against its own text), listed
    # in full in the report
    disagreements: list[str] = field(default_factory=list)
    # what the reader must know before anything else (the store lacked what the source needs)
    warnings: list[str] = field(default_factory=list)

    def unnormalised(self) -> Counter[str]:
        return Counter(n.label.value for n in self.nodes if not n.normalised)


@dataclass
class LoadReport:
    source_id: str
    file: str | None
    run_id: str
    status: str = RunStatus.RUNNING.value
    rows_read: int = 0
    nodes_written: dict[str, int] = field(default_factory=dict)
    rels_written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    rejected_examples: list[str] = field(default_factory=list)
    missing_endpoints: dict[str, int] = field(default_factory=dict)
    missing_endpoint_examples: list[str] = field(default_factory=list)
    unnormalised: dict[str, int] = field(default_factory=dict)
    unnormalised_examples: list[str] = field(default_factory=list)
    unmatched: dict[str, int] = field(default_factory=dict)
    unmatched_examples: dict[str, list[str]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed_nodes: dict[str, int] = field(default_factory=dict)
    removed_rels: dict[str, int] = field(default_factory=dict)
    stale_kept: bool = False  # rows were rejected: facts from earlier runs were not removed
    seconds: float = 0.0
    error: str | None = None

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()} | {"rows_rejected": self.rows_rejected}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def render(self) -> str:
        def counts(d: dict[str, int]) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in sorted(d.items())) or "none"

        lines = [f"warning: {w}" for w in self.warnings] + [
            f"load {self.source_id} from {self.file}: {self.status} in {self.seconds:.2f} s "
            f"(run {self.run_id})",
            f"  rows read {self.rows_read:,}; rejected {self.rows_rejected:,}",
            f"  nodes written: {counts(self.nodes_written)}",
            f"  relationships written: {counts(self.rels_written)}",
        ]
        if self.skipped:
            lines.append(f"  left out by rule: {counts(self.skipped)}")
        if self.rejected:
            lines.append(f"  rejected by reason: {counts(self.rejected)}")
            lines += [f"    e.g. {e}" for e in self.rejected_examples]
        if self.unnormalised:
            lines.append(
                f"  kept but not normalised (normalised=false): {counts(self.unnormalised)}"
            )
            lines += [f"    e.g. {e}" for e in self.unnormalised_examples]
        if self.unmatched:
            lines.append(f"  concepts not matched (kept, flagged): {counts(self.unmatched)}")
            for kind, examples in sorted(self.unmatched_examples.items()):
                lines.append(f"    e.g. {kind}: " + "; ".join(examples))
        if self.disagreements:
            lines.append(f"  source disagrees with its own text (flagged, not used for tiers): "
                         f"{len(self.disagreements)}")  # fmt: skip
            lines += [f"    {d}" for d in self.disagreements]
        if self.missing_endpoints:
            lines.append(
                f"  relationships skipped, endpoint missing: {counts(self.missing_endpoints)}"
            )
            lines += [f"    e.g. {e}" for e in self.missing_endpoint_examples]
        if self.removed_nodes or self.removed_rels:
            lines.append(
                f"  stale facts removed: nodes {counts(self.removed_nodes)}; "
                f"relationships {counts(self.removed_rels)}"
            )
        if self.stale_kept:
            lines.append(
                "  facts from earlier runs were kept, not removed: rows were rejected, and a "
                "rejected row may be the only statement of a fact already in the graph (fix the "
                "rows and load again to remove stale facts)"
            )
        if self.error:
            lines.append(f"  error: {self.error}")
        return "\n".join(lines)


def new_run_id(source: SourceInfo) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{source.source_id}#{stamp}-{uuid.uuid4().hex[:8]}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def node_row(node: Node, source: SourceInfo, run_id: str) -> dict[str, Any]:
    """A node as the row its label's write statement expects, provenance stamped."""
    row = node.model_dump(mode="python")
    row.update(
        source=source.name,
        source_version=source.version,
        licence=source.licence,
        retrieved_at=node.retrieved_at or source.retrieved_at,
        run_id=run_id,
    )
    if node.label in SHARED_LABELS:  # a concept: provenance lives on its FROM_SOURCE edges
        row.update(source=SHARED_SOURCE, source_version="-", licence="-", retrieved_at=None)
    for name, value in row.items():
        if isinstance(value, Enum):  # defaults are not converted by use_enum_values
            row[name] = value.value
    missing = [p for p in required_properties(node.label) if row.get(p) in (None, "")]
    if missing:  # a transform bug, not bad input: transforms validate their rows
        raise LoadError(f"{node.label.value} {node.id!r} lacks required {', '.join(missing)}")
    # only the properties the node has: a write sets exactly these (and removes the others)
    return {
        spec.name: value
        for spec in node_properties(node.label)
        if (value := row.get(spec.name)) is not None
    }


def rel_row(rel: Rel | Link, source: SourceInfo, run_id: str) -> dict[str, Any]:
    return {
        "from_id": rel.from_id,
        "to_id": rel.to_id,
        "source": source.name,
        "source_version": source.version,
        "source_record_id": rel.source_record_id,
        "run_id": run_id,
        "operator": rel.operator,
        "match_level": rel.match_level,
    }


def _source_node_row(source: SourceInfo, run_id: str, status: RunStatus, **extra: Any) -> dict:
    row: dict[str, Any] = {spec.name: None for spec in node_properties(Label.SOURCE)}
    row.update(
        id=source.source_id,
        source=FRAMEWORK_SOURCE,
        source_version=source.version,
        licence=source.licence,
        retrieved_at=source.retrieved_at,
        run_id=run_id,
        normalised=True,
        name=source.name,
        version=source.version,
        url=source.url,
        citation=source.citation,
        file_name=source.file_name,
        checksum_sha256=source.checksum_sha256,
        last_run_id=run_id,
        last_run_status=status.value,
    )
    row.update(extra)
    return row


#: a load that would remove more than this share of a source's facts stops before writing
SHRINK_LIMIT = 0.2


def _stated_ids(results: Iterable[TransformResult]) -> dict[Label, set[str]]:
    new: dict[Label, set[str]] = defaultdict(set)
    for result in results:
        for node in result.nodes:
            label = Label(node.label)
            if label is not Label.SOURCE and label not in SHARED_LABELS:
                new[label].add(node.id)
    return new


def _existing_ids(store: GraphStore, source_name: str) -> dict[Label, set[str]]:
    """The ids of a source's own facts in the graph, by label (what a load could remove)."""
    return {
        label: store.source_node_ids(label, source_name)
        for label in Label
        if label is not Label.SOURCE and label not in SHARED_LABELS
    }


def load(
    store: GraphStore,
    result: TransformResult,
    *,
    strict: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> LoadReport:
    """Write a transformed file to the store; see the module docstring for the guarantees. A load
    that would remove more than a fifth of the source's facts (a truncated download looks like
    that) stops before writing anything, unless ``allow_shrink``."""
    return load_chunks(store, lambda: iter([result]), strict=strict, batch_size=batch_size,
                       progress=progress, allow_shrink=allow_shrink)  # fmt: skip


def merged(parts: Iterable[TransformResult]) -> TransformResult:
    """The chunks of a file as one result (what ``transform`` returns for a chunked source)."""
    whole: TransformResult | None = None
    for part in parts:
        if whole is None:
            whole = TransformResult(source=part.source)
        _absorb(whole, part)
        whole.nodes += part.nodes
        whole.rels += part.rels
    if whole is None:
        raise LoadError("the source produced nothing to load")
    return whole


def _absorb(whole: TransformResult, part: TransformResult) -> None:
    """Add what a chunk says about the file (not its nodes and relationships) to the whole."""
    whole.rows_read += part.rows_read
    whole.rejections += part.rejections
    whole.skipped.update(part.skipped)
    for kind, examples in part.unmatched.items():
        have = whole.unmatched.setdefault(kind, [])
        have += [e for e in examples if e not in have]
    whole.disagreements += part.disagreements
    whole.warnings += [w for w in part.warnings if w not in whole.warnings]


def _grouped(
    part: TransformResult, source: SourceInfo, run_id: str
) -> tuple[dict[Label, list[dict[str, Any]]], dict[tuple[RelType, Label, Label], list[dict]]]:
    """A chunk's nodes and relationships as row maps by label and type, with a FROM_SOURCE link
    from each shared concept (a source's own facts carry their provenance themselves: source,
    version, run id); a model the metagraph does not allow raises before anything is written."""
    node_rows: dict[Label, list[dict[str, Any]]] = defaultdict(list)
    for node in part.nodes:
        node_rows[node.label].append(node_row(node, source, run_id))
    rel_rows: dict[tuple[RelType, Label, Label], list[dict[str, Any]]] = defaultdict(list)
    keys: dict[tuple[str, str, str], tuple[RelType, Label, Label]] = {}  # checked once per kind
    for rel in part.rels:
        key = keys.get((rel.type, rel.from_label, rel.to_label))
        if key is None:
            key = (RelType(rel.type), Label(rel.from_label), Label(rel.to_label))
            if (key[1], key[2]) not in PATTERNS[key[0]]:
                raise LoadError(f"({key[1]})-[:{key[0]}]->({key[2]}) is not in the metagraph")
            keys[(rel.type, rel.from_label, rel.to_label)] = key
        rel_rows[key].append(rel_row(rel, source, run_id))
    for label in SHARED_LABELS & node_rows.keys():
        for row in node_rows[label]:
            rel_rows[(RelType.FROM_SOURCE, label, Label.SOURCE)].append(
                {
                    "from_id": row["id"],
                    "to_id": source.source_id,
                    "source": source.name,
                    "source_version": source.version,
                    "source_record_id": None,
                    "run_id": run_id,
                    "operator": None,
                    "match_level": None,
                }
            )
    return node_rows, rel_rows


def load_chunks(
    store: GraphStore,
    parts: Callable[[], Iterator[TransformResult]],
    *,
    strict: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> LoadReport:
    """Write a file that its source transforms chunk by chunk, in two passes so that memory stays
    bounded by a chunk: the first reads, validates and transforms the whole file and writes
    nothing (a file refused on its last line leaves the graph as it was), keeping each chunk's
    rows in a temporary spool file; the second writes them from the spool."""
    with tempfile.TemporaryFile(prefix="oncograph-spool-") as spool:
        return _load_spooled(store, parts, spool, strict=strict, batch_size=batch_size,
                             progress=progress, allow_shrink=allow_shrink)  # fmt: skip


def _load_spooled(
    store: GraphStore,
    parts: Callable[[], Iterator[TransformResult]],
    spool: IO[bytes],
    *,
    strict: bool,
    batch_size: int,
    progress: Progress | None,
    allow_shrink: bool,
) -> LoadReport:
    whole: TransformResult | None = None
    stated: dict[Label, set[str]] = defaultdict(set)  # of the ids in the graph, those stated again
    existing: dict[Label, set[str]] | None = None
    unnormalised: Counter[str] = Counter()
    unnormalised_examples: list[str] = []
    total = 0
    first: tuple[dict, dict] | None = None  # a file of one chunk is kept, not spooled
    spooled = 0
    for part in parts():
        if whole is None:
            whole = TransformResult(source=part.source)
            run_id = new_run_id(part.source)
        _absorb(whole, part)
        if existing is None:  # the source's facts in the graph: only those can be removed
            existing = _existing_ids(store, part.source.name)
        for label, ids in _stated_ids([part]).items():
            stated[label] |= ids & existing.get(label, set())
        unnormalised.update(part.unnormalised())
        unnormalised_examples += [
            f"{n.label.value} {getattr(n, 'name', n.id)}" for n in part.nodes if not n.normalised
        ][:MAX_EXAMPLES]
        grouped = _grouped(part, whole.source, run_id)
        total += sum(map(len, grouped[0].values())) + sum(map(len, grouped[1].values()))
        if first is None and not spooled:
            first = grouped
            continue
        for chunk in (first, grouped):
            if chunk is not None:
                pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
                spooled += 1
        first = None
    if whole is None:
        raise LoadError("the source produced nothing to load")
    result, source = whole, whole.source
    report = LoadReport(
        source_id=source.source_id, file=source.file_name, run_id=run_id, rows_read=result.rows_read
    )
    by_reason = Counter(r.reason for r in result.rejections)
    report.rejected = dict(by_reason)
    report.skipped = dict(result.skipped)
    report.unmatched = {kind: len(v) for kind, v in result.unmatched.items()}
    report.unmatched_examples = {k: v[:MAX_EXAMPLES] for k, v in result.unmatched.items()}
    report.disagreements = list(result.disagreements)
    report.warnings = list(result.warnings)
    report.rejected_examples = [str(r) for r in result.rejections[:MAX_EXAMPLES]]
    report.unnormalised = dict(unnormalised)
    report.unnormalised_examples = unnormalised_examples[:MAX_EXAMPLES]
    if strict and result.rejections:
        raise RejectedRowsError(
            f"--strict: {len(result.rejections)} row(s) rejected, nothing written; first: "
            f"{result.rejections[0]}"
        )

    started = time.perf_counter()
    started_at = _now()
    if store.missing_schema():
        store.apply_schema()
    if not allow_shrink and not result.rejections:  # with rejections nothing is removed anyway
        had = sum(len(ids) for ids in (existing or {}).values())
        removed = had - sum(len(ids) for ids in stated.values())
        if had and removed > SHRINK_LIMIT * had:
            raise ShrinkError(
                f"loading {source.source_id} from {source.file_name} would remove {removed:,} of "
                f"the {had:,} facts of {source.name} in the graph ({removed / had:.0%}; "
                f"the guard stops at {SHRINK_LIMIT:.0%}); nothing was written. A truncated file "
                "looks like this; if the release really is smaller, load it with --allow-shrink"
            )
    del stated, existing

    def groups() -> Iterator[tuple[dict, dict]]:
        if first is not None:
            yield first
        spool.seek(0)
        for _ in range(spooled):
            yield pickle.load(spool)  # noqa: S301 (our own spool file, written above)

    atomic = total <= ATOMIC_ROWS
    if not atomic and store.backend == "neo4j":
        report.warnings.append(
            f"{total:,} rows are more than one Neo4j transaction is allowed to hold here "
            f"({ATOMIC_ROWS:,}): written batch by batch, so readers could see part of this load "
            "until it completes"
        )
    written = [0]  # rows written so far, for the message of a failed load
    try:
        store.write_nodes(
            Label.SOURCE,
            [_source_node_row(source, run_id, RunStatus.RUNNING, last_run_started_at=started_at,
                              last_run_host=socket.gethostname(), last_run_pid=os.getpid())],
        )  # fmt: skip
        store.publish()  # readers see the run as running (and an interrupted one as such)
        # Everything below reaches readers at once, with the run marked complete, or not at all.
        with store.publishing(atomic=atomic):
            if progress:
                progress("writing", 0, total)
            with store.bulk():
                for node_rows, rel_rows in groups():
                    _write_facts(store, report, node_rows, rel_rows, batch_size, progress, total,
                                 written)  # fmt: skip
            if progress:  # what the store deferred (bulk copies) is written now
                progress("written", written[0], total)
            report.stale_kept = bool(result.rejections)
            _remove_stale(store, report, source, run_id)
            report.status = RunStatus.COMPLETE.value
            _mark(store, source, run_id, RunStatus.COMPLETE, started_at)
    except BaseException as exc:
        report.status = RunStatus.FAILED.value
        report.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        report.seconds = time.perf_counter() - started
        _mark(store, source, run_id, RunStatus.FAILED, started_at)
        with contextlib.suppress(Exception):
            store.publish()
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: marked, then as is
            raise
        kept = (
            "Readers never saw any of it"
            if atomic
            else "Nothing that was in the graph before was removed"
        )
        raise LoadError(
            f"loading {source.source_id} failed after {written[0]:,} of {total:,} rows: "
            f"{report.error}. {kept}; re-run the load to complete it."
        ) from exc

    report.seconds = time.perf_counter() - started
    return report


#: the most rows a load writes in one transaction on Neo4j (readers see all of it or none); a
#: larger load commits batch by batch (its report says so). The embedded store has no such limit.
ATOMIC_ROWS = 250_000


def _write_facts(
    store: GraphStore,
    report: LoadReport,
    node_rows: dict[Label, list[dict[str, Any]]],
    rel_rows: dict[tuple[RelType, Label, Label], list[dict[str, Any]]],
    batch_size: int,
    progress: Progress | None,
    total: int,
    done: list[int],
) -> None:
    """Write one chunk: its nodes, then its relationships. A relationship with an endpoint that
    this chunk created cannot exist yet, so the store may take it by its bulk path."""
    fresh: dict[Label, set[str]] = defaultdict(set)  # ids this chunk created, by label
    for label, rows in node_rows.items():
        written = 0
        for batch in chunks(rows, batch_size):
            written += store.write_nodes(label, batch, created=fresh[label])
            done[0] += len(batch)
            if progress:
                progress(f"{label.value} nodes", done[0], total)
        report.nodes_written[label.value] = report.nodes_written.get(label.value, 0) + written
    for (rel_type, from_label, to_label), stated in rel_rows.items():
        rows = dedupe_last_wins(stated, ("from_id", "to_id", "source"))  # across the batches
        done[0] += len(stated) - len(rows)
        written = 0
        for batch in chunks(rows, batch_size):
            n = store.write_rels(rel_type, from_label, to_label, batch, fresh=fresh)
            written += n
            if n < len(batch):
                _note_missing(store, report, rel_type, from_label, to_label, batch)
            done[0] += len(batch)
            if progress:
                progress(f"{rel_type.value} relationships", done[0], total)
        report.rels_written[rel_type.value] = report.rels_written.get(rel_type.value, 0) + written


def _remove_stale(store: GraphStore, report: LoadReport, source: SourceInfo, run_id: str) -> None:
    """Remove the source's facts this run did not state. A rejected row may be the only
    statement of a fact loaded before (a decision whose date is now mistyped): removing "stale"
    facts then would lose it, so with rejections they are all kept (``report.stale_kept``)."""
    if report.stale_kept:
        return
    for label in Label:
        if label is Label.SOURCE:
            continue
        removed = store.delete_stale_nodes(label, source.name, run_id)
        if removed:
            report.removed_nodes[label.value] = removed
    for rel_type in RelType:
        removed = store.delete_stale_rels(rel_type, source.name, run_id)
        if removed:
            report.removed_rels[rel_type.value] = removed
    for label in sorted(SHARED_LABELS):
        removed = store.delete_unstated_concepts(label)
        if removed:
            report.removed_nodes[label.value] = removed


def _mark(
    store: GraphStore, source: SourceInfo, run_id: str, status: RunStatus, started_at: str
) -> None:
    """Record the run's outcome on the Source node (best effort for a failed run: the store may be
    what failed, and the original error is the one to report)."""
    extra: dict[str, Any] = {"last_run_started_at": started_at, "last_run_finished_at": _now()}
    try:
        if status is RunStatus.COMPLETE:
            extra["last_complete_run_id"] = run_id
        else:
            previous = store.read(
                "MATCH (s:Source {id: $id}) RETURN s.last_complete_run_id AS r",
                {"id": source.source_id},
            )
            extra["last_complete_run_id"] = previous[0]["r"] if previous else None
        store.write_nodes(Label.SOURCE, [_source_node_row(source, run_id, status, **extra)])
    except OncographError:
        if status is RunStatus.COMPLETE:
            raise


def _note_missing(
    store: GraphStore,
    report: LoadReport,
    rel_type: RelType,
    from_label: Label,
    to_label: Label,
    batch: Sequence[dict[str, Any]],
) -> None:
    have_from = store.existing_ids(from_label, [r["from_id"] for r in batch])
    have_to = store.existing_ids(to_label, [r["to_id"] for r in batch])
    for row in batch:
        lost = []
        if row["from_id"] not in have_from:
            lost.append(f"{from_label.value} {row['from_id']!r}")
        if row["to_id"] not in have_to:
            lost.append(f"{to_label.value} {row['to_id']!r}")
        if lost:
            report.missing_endpoints[rel_type.value] = (
                report.missing_endpoints.get(rel_type.value, 0) + 1
            )
            if len(report.missing_endpoint_examples) < MAX_EXAMPLES:
                report.missing_endpoint_examples.append(
                    f"({from_label.value} {row['from_id']})-[:{rel_type.value}]->"
                    f"({to_label.value} {row['to_id']}): no {' and no '.join(lost)}"
                )
