"""The embedded default: LadybugDB (PyPI ``ladybug``, the maintained successor of Kùzu).

A directory on disk holding one database file and its write-ahead log; no server. The schema is
closed and typed, so every node table, relationship table (with its from/to pairs) and property is
generated from the ontology. Read-only use opens the database with ``read_only=True``, so the engine
itself refuses writes. One writing process at a time; read-only processes may open beside it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import shutil
import socket
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from graph_loader.backends.base import (
    GraphStore,
    Row,
    StoreInfo,
    dedupe_last_wins,
    plain,
    split_fresh,
)
from graph_loader.backends.guard import (
    judge_ladybug,
    ladybug_plan_operators,
    refusal,
    split_plan_prefix,
)
from ontology.errors import (
    ConfigError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
    SchemaMissingError,
    StoreError,
)
from ontology.metagraph import (
    PATTERNS,
    GraphType,
    PropertySpec,
    node_properties,
    rel_properties,
)
from ontology.vocab import Label, RelType

DB_FILE = "graph.lbdb"
NEXT_FILE = DB_FILE + ".next"  # a writing handle's copy, renamed over DB_FILE when published
LOCK_FILE = "write.lock"
#: new rows from this many on go in by COPY FROM a temporary file (measured: docs/decisions.md)
COPY_MIN = 1000


def node_table_ddl(label: Label) -> str:
    cols = ", ".join(f"{s.name} {s.type.value}" for s in node_properties(label))
    return f"CREATE NODE TABLE IF NOT EXISTS {label.value}({cols}, PRIMARY KEY(id))"


def rel_table_ddl(rel_type: Any) -> str:
    pairs = ", ".join(f"FROM {a.value} TO {b.value}" for a, b in PATTERNS[rel_type])
    cols = ", ".join(f"{s.name} {s.type.value}" for s in rel_properties(rel_type))
    return f"CREATE REL TABLE IF NOT EXISTS {rel_type.value}({pairs}, {cols})"


def _convert(value: Any) -> Any:
    if isinstance(value, dict):
        if "_LABEL" in value and "_ID" in value:
            is_rel = "_SRC" in value and "_DST" in value
            props = {
                k: plain(v) for k, v in value.items() if k not in ("_ID", "_LABEL", "_SRC", "_DST")
            }
            key = "_type" if is_rel else "_label"
            return {key: value["_LABEL"], **props}
        if "_NODES" in value and "_RELS" in value:
            return {
                "_path": [_convert(n) for n in value["_NODES"]],
                "_relationships": [_convert(r) for r in value["_RELS"]],
            }
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v) for v in value]
    return plain(value)


# LadybugDB's messages for a statement that failed as it ran, not a store that failed: a division
# by zero, a value that does not cast, an overflow
STATEMENT_FAILURES = ("Runtime exception", "Conversion exception", "Overflow exception")


class StatementFailed(QueryError):
    """A statement failed as it ran (its own error: the store is fine)."""


def _cell(value: Any) -> str | None:
    """A value as the text a string-list row or a CSV cell carries (cast back by the engine)."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _rel_copy_options(from_label: Label, to_label: Label) -> str:
    """A COPY's options naming the (from, to) pair of a relationship table with several."""
    return f"from='{from_label.value}', to='{to_label.value}'"


_LIST_SYNTAX = frozenset(",[]{}\"'\\\n\r")


def _plain_item(item: str) -> bool:
    """Whether a list item reads back as itself from ``[a,b]`` in a CSV cell (no quoting there:
    the reader keeps quotes as part of the item)."""
    return (bool(item) and item == item.strip() and item.lower() != "null"
            and _LIST_SYNTAX.isdisjoint(item))  # fmt: skip


class CsvRows:
    """Rows for one COPY FROM, written to a CSV file in a temporary directory as they come."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="oncograph-copy-")
        self.path = Path(self._dir.name) / "rows.csv"
        self._handle = self.path.open("w", encoding="utf-8", newline="")
        self._out = csv.writer(self._handle, lineterminator="\n")
        self.multiline = False

    def add(self, values: Iterable[list[str | None]]) -> None:
        for row in values:
            self.multiline = self.multiline or any(v and ("\n" in v or "\r" in v) for v in row)
            self._out.writerow(row)

    def copy_statement(self, table: str, options: str) -> str:
        """The COPY of the rows written so far (the file is closed: no more rows)."""
        self._handle.close()
        # the parallel reader refuses quoted line breaks; the serial one reads them
        opts = [options, "header=false", "parallel=false" if self.multiline else ""]
        quoted = self.path.as_posix().replace("'", "\\'")
        return f"COPY {table} FROM '{quoted}' ({', '.join(o for o in opts if o)})"

    def close(self) -> None:
        self._handle.close()
        self._dir.cleanup()


class LadybugStore(GraphStore):
    backend = "ladybug"

    def __init__(
        self,
        directory: str | Path,
        read_only: bool = True,
        timeout: float | None = GraphStore.DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(read_only, timeout)
        self._pending: dict[tuple[RelType, Label, Label], CsvRows] | None = None  # in bulk()
        self._timeout_set: int | None = None
        import ladybug

        self._ladybug = ladybug
        self.directory = Path(directory).expanduser()
        self._lock: Any = None
        self._db: Any = None
        self._conn: Any = None
        db_path = self.directory / DB_FILE
        if read_only and not db_path.exists():
            raise SchemaMissingError(
                f"no embedded store at {self.directory}; create it with `oncograph init` "
                "or `oncograph demo` (or choose another with --store / ONCOGRAPH_STORE)"
            )
        if self.directory.exists() and not self.directory.is_dir():
            raise ConfigError(f"the store location {self.directory} is a file, not a directory")
        if read_only:
            self._open_reader(db_path)
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._take_writer_lock()
        try:
            self._recover_in_place(db_path)
            self._begin_copy()
        except BaseException:
            self._release_writer_lock()
            raise

    # -- opening: readers see a whole store, the writer works on a copy --------------------------
    # Measured (docs/decisions.md 5n): a reader opening the database file while a writer appends
    # to its write-ahead log fails ("Checksum verification failed, the WAL file is corrupted") or
    # sees some of the load's batches and not others. So a writing handle works on a copy of the
    # file (graph.lbdb.next) and publish() renames it over graph.lbdb: a reader opens the old
    # file or the new one, never one being written, and one that is open keeps reading the file
    # it opened. One writer at a time (a lock file); a writer that dies leaves only its copy,
    # which the next writer removes.
    def _connect(self, path: Path, read_only: bool) -> None:
        self._db = self._ladybug.Database(str(path), read_only=read_only)
        self._conn = self._ladybug.Connection(self._db)
        self._timeout_set = None

    def _open_reader(self, db_path: Path) -> None:
        # Bounded retry on what a moment of a writer's activity can cause (a writer of an
        # older oncograph writing in place, a recovery): never longer than READER_WAIT seconds.
        deadline = time.monotonic() + self.READER_WAIT
        delay = 0.05
        while True:
            try:
                self._connect(db_path, read_only=True)
                return
            except RuntimeError as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                transient = any(t in message for t in self._TRANSIENT)
                if not transient or time.monotonic() + delay > deadline:
                    raise StoreError(
                        f"cannot open the embedded store at {db_path}: {message}"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    READER_WAIT = 10.0
    _TRANSIENT = ("Could not set lock", "Checksum verification failed", "Reading", "wal")

    def _take_writer_lock(self) -> None:
        import fcntl

        path = self.directory / LOCK_FILE
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until close)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StoreError(
                f"the embedded store at {self.directory} is open for writing by {holder}; "
                "wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        handle.flush()
        self._lock = handle

    def _release_writer_lock(self) -> None:
        if self._lock is not None:
            import fcntl

            with contextlib.suppress(OSError):
                self._lock.seek(0)
                self._lock.truncate()
                fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _recover_in_place(self, db_path: Path) -> None:
        """A write-ahead log beside the published file (a writer of an older oncograph that was
        killed): let the engine replay it in place, once, before copying."""
        if db_path.exists() and Path(str(db_path) + ".wal").exists():
            try:
                self._connect(db_path, read_only=False)
            except RuntimeError as exc:
                raise StoreError(f"cannot recover the embedded store at {db_path}: {exc}") from exc
            self._close_handles()

    def _next_files(self) -> list[Path]:
        return [p for p in self.directory.glob(NEXT_FILE + "*") if p.is_file()]

    def _begin_copy(self) -> None:
        for leftover in self._next_files():  # a writer that died left its copy
            leftover.unlink()
        main, copy = self.directory / DB_FILE, self.directory / NEXT_FILE
        if main.exists():
            shutil.copyfile(main, copy)
        try:
            self._connect(copy, read_only=False)
        except RuntimeError as exc:
            message = str(exc).splitlines()[0]
            raise StoreError(f"cannot open the embedded store at {main}: {message}") from exc

    def _close_handles(self) -> None:
        conn, db = self._conn, self._db
        self._conn = self._db = None
        if conn is not None:
            conn.close()
        if db is not None:
            db.close()

    def publish(self) -> None:
        """Make what this writing handle wrote the store readers open (an atomic rename), and go
        on writing on a fresh copy."""
        self._publish(reopen=True)

    def _publish(self, reopen: bool) -> None:
        if self.read_only or self._db is None:
            return
        self._close_handles()  # the engine checkpoints: the copy is one complete file
        copy, main = self.directory / NEXT_FILE, self.directory / DB_FILE
        leftovers = [p.name for p in self._next_files() if p != copy]
        if leftovers:
            raise StoreError(f"the engine left {', '.join(leftovers)} beside the store's copy")
        with open(copy, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(copy, main)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        if reopen:
            self._begin_copy()

    def discard(self) -> None:
        """Forget what this writing handle wrote since it opened or last published."""
        self._discard(reopen=True)

    def _discard(self, reopen: bool) -> None:
        if self.read_only or self._db is None:
            return
        self._close_handles()
        for leftover in self._next_files():
            leftover.unlink()
        if reopen:
            self._begin_copy()

    @contextlib.contextmanager
    def publishing(self, atomic: bool = True) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.discard()
            raise
        self.publish()

    def close(self) -> None:
        try:
            self._publish(reopen=False)
        finally:
            self._close_handles()
            self._release_writer_lock()

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
            return
        try:  # a failed block: readers keep what was published before it
            self._discard(reopen=False)
        finally:
            self._close_handles()
            self._release_writer_lock()

    def location(self) -> str:
        return str(self.directory)

    # -- writing -------------------------------------------------------------------------------
    # Measured on LadybugDB 0.22 (docs/decisions.md): the Python binding converts a list of maps
    # about 5x slower than a list of string lists; a MERGE on nodes slows down as the table grows,
    # while MATCH by primary key and CREATE stay flat; a key computed from an indexed parameter
    # ($col[i]) is not looked up by index. So a batch goes in as string lists (each value cast
    # back to its declared type), list-valued columns ride beside it by row position, and a node
    # batch is split into CREATE (new ids) and MATCH ... SET (known ids) in one transaction.
    def _encode_batch(
        self, specs: Sequence[PropertySpec], batch: Sequence[Row], first: int
    ) -> tuple[dict[str, str], dict[str, Any], list[list[str | None]]]:
        """(expression per property, list-valued side parameters, encoded rows).

        Row lists are ``[position, value, value, ...]``; ``row[1]`` is the 1-based position.
        """
        exprs: dict[str, str] = {}
        side: dict[str, Any] = {}
        scalar: list[str] = []
        for spec in specs:
            if spec.type is GraphType.STRING_LIST:
                if all(not row.get(spec.name) for row in batch):
                    exprs[spec.name] = "CAST([] AS STRING[])"
                else:
                    side[f"l_{spec.name}"] = [list(row.get(spec.name) or []) for row in batch]
                    exprs[spec.name] = f"$l_{spec.name}[CAST(row[1] AS INT64)]"
                continue
            index = first + len(scalar)
            scalar.append(spec.name)
            cell = f"row[{index}]"
            exprs[spec.name] = (
                cell if spec.type is GraphType.STRING else (f"CAST({cell} AS {spec.type.value})")
            )
        encoded = [
            [str(pos), *(_cell(row.get(name)) for name in scalar)]
            for pos, row in enumerate(batch, start=1)
        ]
        return exprs, side, encoded

    def write_nodes(
        self, label: Label, rows: Sequence[Row], created: set[str] | None = None
    ) -> int:
        batch, new, old = self.split_known(label, rows)
        if not batch:
            return 0
        specs = node_properties(label)  # id first: row[2]
        with self._transaction():
            rest = self._copy_nodes(label, specs, new) if len(new) >= COPY_MIN else new
            if rest:
                exprs, side, encoded = self._encode_batch(specs, rest, first=2)
                props = ", ".join(f"{name}: {expr}" for name, expr in exprs.items())
                self._execute(f"UNWIND $rows AS row CREATE (n:{label.value} {{{props}}})",
                              {"rows": encoded, **side})  # fmt: skip
            if old:
                self._set_nodes(label, specs, old)
        if created is not None:
            created.update(row["id"] for row in new)
        return len(batch)

    def _set_nodes(self, label: Label, specs: Sequence[PropertySpec], rows: Sequence[Row]) -> None:
        """MATCH ... SET the given properties of nodes already in the table."""
        exprs, side, encoded = self._encode_batch(specs, rows, first=2)
        sets = ", ".join(f"n.{name} = {expr}" for name, expr in exprs.items() if name != "id")
        self._execute(f"UNWIND $rows AS row MATCH (n:{label.value} {{id: row[2]}}) SET {sets}",
                      {"rows": encoded, **side})  # fmt: skip

    def _copy_nodes(
        self, label: Label, specs: Sequence[PropertySpec], rows: Sequence[Row]
    ) -> list[Row]:
        """COPY new nodes from a temporary CSV file (the engine's bulk path); returns the rows it
        cannot take (an empty string, which the CSV reader reads as null). A list goes in the
        file as ``[a,b]`` where its items are plain; a row with other items gets its lists set
        after the COPY."""
        scalar = [s.name for s in specs if s.type is not GraphType.STRING_LIST]
        lists = [s.name for s in specs if s.type is GraphType.STRING_LIST]
        names = [n for n in scalar if n == "id" or any(r.get(n) is not None for r in rows)]
        copy, rest = [], []
        for row in rows:
            (rest if any(row.get(n) == "" for n in names) else copy).append(row)
        if len(copy) < COPY_MIN:
            return list(rows)
        later: list[Row] = []  # rows with a list the CSV reader cannot read back as it is

        def values() -> Iterator[list[str | None]]:
            for row in copy:
                cells = [_cell(row.get(n)) for n in names]
                plain = True
                for name in lists:
                    items = row.get(name) or []
                    plain = plain and all(_plain_item(i) for i in items)
                    cells.append(f"[{','.join(items)}]" if plain else "[]")
                if not plain:
                    later.append(row)
                yield cells

        self._copy(f"{label.value}({', '.join(names + lists)})", "", values())
        if later:
            self._set_nodes(label, [specs[0], *(s for s in specs if s.name in lists)], later)
        return rest

    def _copy(self, table: str, options: str, values: Iterable[list[str | None]]) -> None:
        """COPY the rows into the table from a temporary CSV file (removed after)."""
        rows = CsvRows()
        try:
            rows.add(values)
            self._execute(rows.copy_statement(table, options), {})
        finally:
            rows.close()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        # COPY into a relationship table costs in proportion to the rows already in it (measured:
        # 5,000 rows into 150,000 take 270 ms, 100,000 rows 600 ms), so new relationships are
        # gathered per table and copied once, at the end
        if self._pending is not None:
            yield
            return
        self._pending = {}
        try:
            yield
            for (rel_type, from_label, to_label), rows in self._pending.items():
                options = _rel_copy_options(from_label, to_label)
                self._execute(rows.copy_statement(rel_type.value, options), {})
        finally:
            for rows in self._pending.values():
                rows.close()
            self._pending = None

    def write_rels(
        self,
        rel_type: RelType,
        from_label: Label,
        to_label: Label,
        rows: Sequence[Row],
        fresh: Mapping[Label, set[str]] | None = None,
    ) -> int:
        if (from_label, to_label) not in PATTERNS[rel_type]:
            raise ValueError(f"({from_label})-[:{rel_type}]->({to_label}) is not in the metagraph")
        batch = dedupe_last_wins(rows, ("from_id", "to_id", "source"))
        if not batch:
            return 0
        new, old = split_fresh(batch, from_label, to_label, fresh)
        written = 0
        if len(new) >= COPY_MIN:
            written += self._copy_rels(rel_type, from_label, to_label, new, fresh or {})
        else:
            old = batch
        if old:
            written += self._merge_rels(rel_type, from_label, to_label, old)
        return written

    def _copy_rels(
        self, rel_type: RelType, from_label: Label, to_label: Label, rows: Sequence[Row],
        fresh: Mapping[Label, set[str]],
    ) -> int:  # fmt: skip
        """COPY relationships known to be new; a row whose endpoint is missing is left out (the
        COPY would refuse the whole file), as the MERGE path leaves it out."""
        f, t = fresh.get(from_label, set()), fresh.get(to_label, set())
        need_f = [r["from_id"] for r in rows if r["from_id"] not in f]
        have_f = self.existing_ids(from_label, need_f)
        have_t = self.existing_ids(to_label, [r["to_id"] for r in rows if r["to_id"] not in t])
        ok = [r for r in rows if (r["from_id"] in f or r["from_id"] in have_f)
              and (r["to_id"] in t or r["to_id"] in have_t)]  # fmt: skip
        if not ok:
            return 0
        names = [s.name for s in rel_properties(rel_type)]
        values = ([r["from_id"], r["to_id"], *(_cell(r.get(n)) for n in names)] for r in ok)
        if self._pending is not None:  # copied when the bulk write ends
            self._pending.setdefault((rel_type, from_label, to_label), CsvRows()).add(values)
        else:
            self._copy(rel_type.value, _rel_copy_options(from_label, to_label), values)
        return len(ok)

    def _merge_rels(
        self, rel_type: RelType, from_label: Label, to_label: Label, batch: Sequence[Row]
    ) -> int:
        specs = [
            PropertySpec("from_id", GraphType.STRING, True),
            PropertySpec("to_id", GraphType.STRING, True),
            *rel_properties(rel_type),
        ]
        exprs, side, encoded = self._encode_batch(specs, batch, first=2)
        sets = ", ".join(
            f"r.{name} = {expr}"
            for name, expr in exprs.items()
            if name not in ("from_id", "to_id", "source")
        )
        result = self._execute(
            "UNWIND $rows AS row "
            f"MATCH (a:{from_label.value} {{id: {exprs['from_id']}}}) "
            f"MATCH (b:{to_label.value} {{id: {exprs['to_id']}}}) "
            f"MERGE (a)-[r:{rel_type.value} {{source: {exprs['source']}}}]->(b) "
            f"SET {sets} RETURN count(r) AS written",
            {"rows": encoded, **side},
        )
        return int(result[0]["written"]) if result else 0

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._execute("BEGIN TRANSACTION", {})
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):
                self._execute("ROLLBACK", {})
            raise
        self._execute("COMMIT", {})

    def _limit(self, seconds: float | None) -> None:
        """The engine's own statement time limit for what this connection runs next."""
        if self._conn is None:  # closed, or an earlier failure could not reopen the copy
            raise StoreError(f"the embedded store handle on {self.directory} is closed")
        ms = int(seconds * 1000) if seconds else 0
        if ms != self._timeout_set:
            self._conn.set_query_timeout(ms)
            self._timeout_set = ms

    def _execute(
        self, cypher: str, params: dict[str, Any], timeout: float | None = None
    ) -> list[Row]:
        self._limit(timeout)
        try:
            result = self._conn.execute(cypher, params)
        except (ValueError, TypeError) as exc:  # a parameter the binding cannot take ([1, "a"])
            raise QueryError(f"LadybugDB rejected the parameters: {exc}") from exc
        except RuntimeError as exc:
            if str(exc).strip().startswith("Interrupted") and timeout:
                raise QueryTimeoutError(
                    f"the statement ran past its time limit of {timeout:g} s and was stopped "
                    "(raise it with --timeout SECONDS; 0 for none)"
                ) from exc
            raise self._translate(exc) from exc
        if isinstance(result, list):  # several statements: the last one's rows
            for r in result[:-1]:
                r.close()
            result = result[-1]
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append({n: _convert(v) for n, v in zip(names, result.get_next(), strict=True)})
        result.close()
        return rows

    def _translate(self, exc: RuntimeError) -> Exception:
        message = str(exc).strip()
        first = message.splitlines()[0] if message else type(exc).__name__
        if "read-only" in message or "READ ONLY" in message:
            return ReadOnlyError(refusal("this statement writes (pass --write to allow writes)"))
        if message.startswith(("Parser exception", "Binder exception", "Catalog exception")):
            hint = ""
            if "does not exist" in message and "Table" in message and self.missing_schema():
                hint = " (the schema is not initialised: run `oncograph init`)"
            return QueryError(f"LadybugDB rejected the statement: {first}{hint}")
        if message.startswith("Runtime exception") and "duplicated primary key" in message:
            return QueryError(f"LadybugDB: {first}")
        if message.startswith(STATEMENT_FAILURES):  # the statement's own error (1 / 0, a cast)
            return StatementFailed(f"LadybugDB could not run the statement: {first}")
        return StoreError(f"LadybugDB error: {first}")

    def _run(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        return self._execute(cypher, params, timeout=self.timeout)

    def guard(self, cypher: str, params: dict[str, Any]) -> None:
        """Judge the engine's plan for the statement (EXPLAIN runs nothing) before it runs.

        The engine first prepares the statement on its own: that refuses several statements in
        one input and, on a database opened read-only, any statement that writes; then its plan
        must hold only read operators (see :mod:`graph_loader.backends.guard`).
        """
        _, inner = split_plan_prefix(cypher)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # prepare: still public in 0.22
            try:
                prepared = self._conn.prepare(inner)
            except RuntimeError as exc:
                raise self._refused_or_translated(str(exc)) from exc
        try:
            if not prepared.is_success():
                raise self._refused_or_translated(prepared.get_error_message())
        finally:
            prepared.close()
        try:
            rows = self._execute("EXPLAIN " + inner, params, timeout=self.timeout)
        except (ReadOnlyError, QueryTimeoutError):
            raise
        except (StoreError, StatementFailed) as exc:  # planning failed: nothing to judge, no run
            raise ReadOnlyError(
                refusal(f"the engine could not plan it, so it cannot be judged ({exc})")
            ) from exc
        plan = "\n".join(str(v) for row in rows for v in row.values())
        reason = judge_ladybug(*ladybug_plan_operators(plan))
        if reason:
            raise ReadOnlyError(refusal(reason))

    def _refused_or_translated(self, message: str) -> Exception:
        if "multiple statements" in message:
            return ReadOnlyError(refusal("one statement at a time (this input holds several)"))
        if message.startswith("IO exception"):
            # the binder opened a file or URL the statement names (LOAD FROM, IMPORT ...)
            return ReadOnlyError(
                refusal("the statement reaches for a file or URL outside the store")
            )
        return self._translate(RuntimeError(message))

    def _write(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        # Each statement runs in its own (auto-commit) transaction: atomic per batch.
        return self._execute(cypher, params)

    # -- schema --------------------------------------------------------------------------------
    def _tables(self) -> dict[str, str]:
        rows = self._execute("CALL show_tables() RETURN name, type", {})
        return {r["name"]: r["type"] for r in rows}

    def _columns(self, table: str) -> set[str]:
        rows = self._execute(f"CALL table_info('{table}') RETURN *", {})
        return {r["name"] for r in rows}

    def _connections(self, table: str) -> set[tuple[str, str]]:
        rows = self._execute(f"CALL show_connection('{table}') RETURN *", {})
        return {(r["source table name"], r["destination table name"]) for r in rows}

    def missing_schema(self) -> list[str]:
        tables = self._tables()
        missing = []
        for label in Label:
            if label.value not in tables:
                missing.append(f"node table {label.value}")
                continue
            cols = self._columns(label.value)
            missing += [
                f"{label.value}.{s.name}" for s in node_properties(label) if s.name not in cols
            ]
        for rel_type, pairs in PATTERNS.items():
            if rel_type.value not in tables:
                missing.append(f"rel table {rel_type.value}")
                continue
            have = self._connections(rel_type.value)
            missing += [
                f"{rel_type.value}({a.value}->{b.value})"
                for a, b in pairs
                if (a.value, b.value) not in have
            ]
            cols = self._columns(rel_type.value)
            missing += [
                f"{rel_type.value}.{s.name}" for s in rel_properties(rel_type) if s.name not in cols
            ]
        return missing

    def apply_schema(self) -> list[str]:
        if self.read_only:
            raise ReadOnlyError("the store was opened read-only; `oncograph init` needs --write")
        tables = self._tables()
        done: list[str] = []
        for label in Label:
            if label.value not in tables:
                self._execute(node_table_ddl(label), {})
                done.append(f"node table {label.value}")
                continue
            cols = self._columns(label.value)
            for spec in node_properties(label):
                if spec.name not in cols:
                    self._execute(
                        f"ALTER TABLE {label.value} ADD {spec.name} {spec.type.value}", {}
                    )
                    done.append(f"{label.value}.{spec.name}")
        for rel_type, pairs in PATTERNS.items():
            if rel_type.value not in tables:
                self._execute(rel_table_ddl(rel_type), {})
                done.append(f"rel table {rel_type.value}")
                continue
            have = self._connections(rel_type.value)
            for a, b in pairs:
                if (a.value, b.value) not in have:
                    self._execute(
                        f"ALTER TABLE {rel_type.value} ADD FROM {a.value} TO {b.value}", {}
                    )
                    done.append(f"{rel_type.value}({a.value}->{b.value})")
            cols = self._columns(rel_type.value)
            for spec in rel_properties(rel_type):
                if spec.name not in cols:
                    self._execute(
                        f"ALTER TABLE {rel_type.value} ADD {spec.name} {spec.type.value}", {}
                    )
                    done.append(f"{rel_type.value}.{spec.name}")
        if done or not (self.directory / DB_FILE).exists():
            self.publish()  # a schema is a unit: readers see the store with it at once
        return done

    def info(self) -> StoreInfo:
        info = StoreInfo(
            backend=self.backend,
            location=self.location(),
            reachable=True,
            read_only=self.read_only,
            driver_version=getattr(self._ladybug, "__version__", None),
        )
        rows = self._execute("CALL db_version() RETURN *", {})
        info.server_version = str(next(iter(rows[0].values()))) if rows else None
        info.edition = "embedded"
        info.schema_missing = self.missing_schema()
        info.schema_present = not info.schema_missing
        return info
