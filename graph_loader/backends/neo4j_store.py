"""Neo4j 5 through the official driver: ``bolt://``, ``neo4j://`` (routing: clusters, Aura) and
their ``+s`` / ``+ssc`` forms.

Reads go through a read-access managed transaction, so the server itself refuses a write; writes
go through ``execute_write`` (one managed transaction per batch, retried on transient errors).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from graph_loader.backends.base import GraphStore, Row, StoreInfo, plain
from graph_loader.backends.guard import (
    judge_neo4j,
    neo4j_plan_operators,
    refusal,
    split_plan_prefix,
)
from ontology.errors import ConfigError, QueryError, QueryTimeoutError, ReadOnlyError, StoreError
from ontology.metagraph import INDEXED_PROPERTIES, PATTERNS
from ontology.vocab import Label, RelType

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str | None = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None  # None: the server's default database

    def __post_init__(self) -> None:
        parts = urlsplit(self.uri)
        if parts.scheme not in SCHEMES:
            raise ConfigError(
                f"Neo4j URI scheme {parts.scheme or '(none)'!r} is not supported; "
                f"use one of {', '.join(s + '://' for s in SCHEMES)}"
            )
        if parts.username is not None or parts.password is not None:
            raise ConfigError(
                "the Neo4j URI carries credentials; give the user in NEO4J_USERNAME and the "
                "password in NEO4J_PASSWORD (or --neo4j-user / --neo4j-password) instead"
            )
        if not parts.hostname:
            raise ConfigError(f"the Neo4j URI {self.uri!r} names no host")

    def display(self) -> str:
        db = self.database or "(default database)"
        return f"{self.uri} database={db} user={self.username or '(none)'}"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def schema_statements() -> list[tuple[str, str]]:
    """(name, statement) for every constraint and index the ontology declares."""
    out: list[tuple[str, str]] = []
    for label in Label:
        name = f"{_snake(label.value)}_id_unique"
        out.append(
            (
                name,
                f"CREATE CONSTRAINT {name} IF NOT EXISTS "
                f"FOR (n:{label.value}) REQUIRE n.id IS UNIQUE",
            )
        )
    for label, props in INDEXED_PROPERTIES.items():
        for prop in props:
            name = f"{_snake(label.value)}_{prop}"
            out.append(
                (
                    name,
                    f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label.value}) ON (n.{prop})",
                )
            )
    for rel_type in PATTERNS:
        name = f"rel_{rel_type.value.lower()}_source"
        out.append(
            (
                name,
                f"CREATE INDEX {name} IF NOT EXISTS "
                f"FOR ()-[r:{rel_type.value}]-() ON (r.source, r.run_id)",
            )
        )
    return out


def _convert(value: Any) -> Any:
    import neo4j.graph as ng

    if isinstance(value, ng.Node):
        labels = sorted(value.labels)
        return {"_label": labels[0] if len(labels) == 1 else labels, **plain(dict(value))}
    if isinstance(value, ng.Relationship):
        return {"_type": value.type, **plain(dict(value))}
    if isinstance(value, ng.Path):
        return {
            "_path": [_convert(n) for n in value.nodes],
            "_relationships": [_convert(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    return plain(value)


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(
        self,
        settings: Neo4jSettings,
        read_only: bool = True,
        timeout: float | None = GraphStore.DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(read_only, timeout)
        self._tx: Any = None
        import neo4j

        self._neo4j = neo4j
        self.settings = settings
        auth = (settings.username, settings.password or "") if settings.username else None
        try:
            self._driver = neo4j.GraphDatabase.driver(settings.uri, auth=auth)
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as exc:
            raise StoreError(
                f"Neo4j at {settings.uri} refused the credentials of user "
                f"{settings.username!r} (check NEO4J_USERNAME / NEO4J_PASSWORD)"
            ) from exc
        except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError) as exc:
            raise StoreError(f"cannot reach Neo4j at {settings.uri}: {_first_line(exc)}") from exc

    def close(self) -> None:
        self._driver.close()

    def location(self) -> str:
        return self.settings.display()

    def _session(self, read: bool) -> Any:
        mode = self._neo4j.READ_ACCESS if read else self._neo4j.WRITE_ACCESS
        return self._driver.session(database=self.settings.database, default_access_mode=mode)

    def explain(self, cypher: str, params: Any = None) -> str:
        """Neo4j's plan for the statement (EXPLAIN: nothing runs), as an indented tree."""
        from graph_loader.backends.base import check_parameters

        check_parameters(cypher, params)
        try:
            with self._session(read=True) as session:
                summary = session.run("EXPLAIN " + cypher, dict(params or {})).consume()
        except self._neo4j.exceptions.Neo4jError as exc:
            raise self._translate(exc) from exc
        lines: list[str] = []

        def walk(plan: Any, depth: int) -> None:
            if not plan:
                return
            op = plan.get("operatorType", "?") if isinstance(plan, dict) else plan.operator_type
            args = plan.get("args", {}) if isinstance(plan, dict) else plan.arguments
            rows = args.get("EstimatedRows")
            details = args.get("Details", "")
            estimate = f" (~{float(rows):.0f} rows)" if rows is not None else ""
            lines.append(f"{'  ' * depth}{op}{estimate} {details}".rstrip())
            children = plan.get("children", []) if isinstance(plan, dict) else plan.children
            for child in children:
                walk(child, depth + 1)

        walk(summary.plan, 0)
        return "\n".join(lines)

    def _translate(self, exc: Exception) -> Exception:
        code = getattr(exc, "code", "") or ""
        message = getattr(exc, "message", None) or _first_line(exc)
        if code == "Neo.ClientError.Statement.AccessMode" or "read access mode" in message:
            return ReadOnlyError(refusal("this statement writes (pass --write to allow writes)"))
        if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
            return QueryTimeoutError(
                f"the statement ran past its time limit of {self.timeout:g} s and was stopped "
                "(raise it with --timeout SECONDS; 0 for none)"
                if self.timeout
                else f"Neo4j stopped the statement at the server's time limit: {message}"
            )
        if code.startswith("Neo.ClientError.Statement") or code.startswith(
            "Neo.ClientError.Schema"
        ):
            return QueryError(f"Neo4j rejected the statement: {message}")
        if code.startswith("Neo.ClientError.Security"):
            return ReadOnlyError(f"Neo4j refused the statement: {message}")
        return StoreError(f"Neo4j error {code}: {message}")

    def guard(self, cypher: str, params: dict[str, Any]) -> None:
        """Judge the server's plan for the statement (EXPLAIN runs nothing) before it runs:
        its query type and every operator (see :mod:`graph_loader.backends.guard`)."""
        _, inner = split_plan_prefix(cypher)
        try:
            # the statement's own run reports the server's notifications; its EXPLAIN does not
            with self._driver.session(
                database=self.settings.database,
                default_access_mode=self._neo4j.READ_ACCESS,
                notifications_min_severity="OFF",
            ) as session:
                summary = session.run("EXPLAIN " + inner, params).consume()
        except self._neo4j.exceptions.Neo4jError as exc:
            if "exactly one statement" in (getattr(exc, "message", None) or str(exc)):
                raise ReadOnlyError(
                    refusal("one statement at a time (this input holds several)")
                ) from exc
            raise self._translate(exc) from exc
        except self._neo4j.exceptions.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {_first_line(exc)}") from exc
        reason = judge_neo4j(summary.query_type, neo4j_plan_operators(summary.plan))
        if reason:
            raise ReadOnlyError(refusal(reason))

    def _run(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        if self._tx is not None:  # inside publishing(): read what the transaction wrote
            return self._in_tx(cypher, params)
        neo4j = self._neo4j

        @neo4j.unit_of_work(timeout=self.timeout)
        def work(tx: Any) -> tuple[int, list[Row], int]:
            # The publication counter before and after, in the same transaction: Neo4j reads
            # what is committed when each record is read, so a statement running while a load
            # commits could see part of it; an odd or changed counter says one did (seqlock).
            before = _publication(tx)
            result = tx.run(cypher, params)
            rows = [{k: _convert(v) for k, v in rec.items()} for rec in result]
            return before, rows, _publication(tx)

        try:
            with self._session(read=self.read_only) as session:
                if self.read_only:
                    return self._consistent(lambda: session.execute_read(work))
                # Auto-commit, so that statements that manage their own transactions
                # (CALL { } IN TRANSACTIONS, LOAD CSV ...) run too.
                result = session.run(neo4j.Query(cypher, timeout=self.timeout), params)
                return [{k: _convert(v) for k, v in rec.items()} for rec in result]
        except self._neo4j.exceptions.Neo4jError as exc:
            raise self._translate(exc) from exc
        except self._neo4j.exceptions.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {_first_line(exc)}") from exc

    # How long a reader waits for a load's commit to finish before it reads anyway (a writer
    # killed between its two counter updates leaves the counter odd; the graph is then stable).
    READER_WAIT = 30.0

    def _consistent(self, read: Any) -> list[Row]:
        deadline = time.monotonic() + self.READER_WAIT
        delay = 0.02
        while True:
            before, rows, after = read()
            settled = before == after and before % 2 == 0
            if settled or time.monotonic() + delay > deadline:
                return rows
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def publication(self) -> int:
        """The publication counter (odd while a load commits); see :meth:`_consistent`."""
        with self._session(read=True) as session:
            return session.execute_read(_publication)

    def _bump_publication(self, step: int = 1) -> None:
        self._write(
            f"MERGE (p:{PUBLICATION_LABEL} {{id: 'publication'}}) "
            "SET p.seq = coalesce(p.seq, 0) + $step RETURN p.seq AS seq",
            {"step": step},
        )

    @contextlib.contextmanager
    def publishing(self, atomic: bool = True) -> Iterator[None]:
        """One explicit transaction for every write and read of the block (commit at the end,
        roll back on an error); ``atomic=False``: each batch commits on its own, as outside."""
        if self._tx is not None:
            yield
            return
        if not atomic:  # batches commit as they go; afterwards a new state for whoever caches
            try:
                yield
            finally:
                if not self.read_only:
                    self._bump_publication(2)  # even and changed: a server refreshes
            return
        if self.read_only:
            raise ReadOnlyError("the store was opened read-only; loading needs a writable store")
        session = self._session(read=False)
        try:
            tx = session.begin_transaction()
            self._tx = tx
            try:
                yield
            except BaseException:
                self._tx = None
                with contextlib.suppress(Exception):
                    tx.rollback()
                raise
            self._tx = None
            self._bump_publication()  # odd: a commit is under way
            try:
                tx.commit()
            except self._neo4j.exceptions.Neo4jError as exc:
                raise self._translate(exc) from exc
            finally:
                self._bump_publication()  # even: it is done (or failed)
        finally:
            self._tx = None
            session.close()

    def _in_tx(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        try:
            result = self._tx.run(cypher, params)
            return [{k: _convert(v) for k, v in rec.items()} for rec in result]
        except self._neo4j.exceptions.Neo4jError as exc:
            raise self._translate(exc) from exc
        except self._neo4j.exceptions.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {_first_line(exc)}") from exc

    def _write(self, cypher: str, params: dict[str, Any]) -> list[Row]:
        if self.read_only:
            raise ReadOnlyError("the store was opened read-only; loading needs a writable store")
        if self._tx is not None:
            return self._in_tx(cypher, params)

        def work(tx: Any) -> list[Row]:
            return [dict(rec) for rec in tx.run(cypher, params)]

        try:
            with self._session(read=False) as session:
                return session.execute_write(work)
        except self._neo4j.exceptions.Neo4jError as exc:
            raise self._translate(exc) from exc
        except self._neo4j.exceptions.DriverError as exc:
            raise StoreError(f"Neo4j driver error: {_first_line(exc)}") from exc

    def apply_schema(self) -> list[str]:
        missing = set(self.missing_schema())
        done = []
        if self._write(f"MATCH (p:{PUBLICATION_LABEL}) RETURN count(p) AS n", {})[0]["n"] == 0:
            self._write(f"MERGE (p:{PUBLICATION_LABEL} {{id: 'publication'}}) SET p.seq = 0", {})
        for name, statement in schema_statements():
            if name in missing:
                self._write(statement, {})
                done.append(name)
        return done

    def missing_schema(self) -> list[str]:
        with self._session(read=True) as session:
            existing = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            existing |= {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
        return [name for name, _ in schema_statements() if name not in existing]

    def info(self) -> StoreInfo:
        import neo4j

        info = StoreInfo(
            backend=self.backend,
            location=self.location(),
            reachable=True,
            read_only=self.read_only,
            driver_version=neo4j.__version__,
        )
        with self._session(read=True) as session:
            rec = session.run(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN versions[0] AS version, edition"
            ).single()
            if rec:
                info.server_version, info.edition = rec["version"], rec["edition"]
        info.schema_missing = self.missing_schema()
        info.schema_present = not info.schema_missing
        return info

    def server_version(self) -> str:
        return self.info().server_version or "unknown"


# One bookkeeping node outside the ontology: the publication counter readers check.
PUBLICATION_LABEL = "OncographPublication"


def _publication(tx: Any) -> int:
    record = tx.run(
        f"MATCH (p:{PUBLICATION_LABEL} {{id: 'publication'}}) RETURN p.seq AS seq"
    ).single()
    return int(record["seq"]) if record and record["seq"] is not None else 0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


__all__ = ["Neo4jSettings", "Neo4jStore", "RelType", "schema_statements"]
