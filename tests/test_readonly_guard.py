"""The read-only guard (issue #13), through the CLI on both backends.

A battery of hostile statements (writes, schema, admin, file, network, procedures, comment and case
tricks, several statements in one input) is sent to ``oncograph cypher`` without ``--write``: each
is refused with exit 5 and a one-line reason, and the store is unchanged afterwards: byte for byte
on the embedded store (every file of its directory hashed before and after), and on Neo4j every
node, relationship, property, index and constraint (the server's files are not ours to read). No
file a statement names is created, and the store still opens read-only (the CHECKPOINT case).

Reads of every kind the guard allows run, so that the battery cannot pass by refusing everything.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from graph_loader import bundled_path, load_file
from graph_loader.backends.guard import (
    judge_ladybug,
    judge_neo4j,
    ladybug_plan_operators,
    neo4j_plan_operators,
    split_plan_prefix,
)
from graph_loader.backends.ladybug_store import LadybugStore
from tests.conftest import FIXTURES, snapshot

# -- the battery ---------------------------------------------------------------------------------
# (statement, a fragment the one-line reason must hold); {tmp} is a fresh directory per run.
WRITES = [
    ("CREATE (g:Gene {id: 'EVIL', symbol: 'EVIL'})", "writes"),
    ("MERGE (g:Gene {id: 'EVIL'})", "writes"),
    ("MATCH (g:Gene) SET g.symbol = 'X'", "writes"),
    ("MATCH (g:Gene) DETACH DELETE g", "writes"),
    ("MATCH (g:Gene) WITH g LIMIT 1 DELETE g", "writes"),
    ("UNWIND ['a', 'b'] AS x CREATE (:Gene {id: x})", "writes"),
    ("OPTIONAL MATCH (g:Gene {id: 'HGNC:1097'}) SET g.symbol = 'x'", "writes"),
    ("MATCH (g:Gene) WHERE g.symbol = 'BRAF' SET g.name = 'y' RETURN g.id", "writes"),
    # case and comment tricks: the engine parses them, the guard judges the plan
    ("create (g:Gene {id: 'EVIL'})", "writes"),
    ("CrEaTe (g:Gene {id: 'EVIL'})", "writes"),
    ("/* only a read */ CREATE (g:Gene {id: 'EVIL'})", "writes"),
    ("// MATCH (n) RETURN n\nCREATE (g:Gene {id: 'EVIL'})", "writes"),
    ("MATCH (g:Gene) /* RETURN g */ DETACH DELETE g", "writes"),
    ("explain CREATE (g:Gene {id: 'EVIL'})", "writes"),
    ("PROFILE MATCH (g:Gene) DETACH DELETE g", "writes"),
    ("  /* x */ profile MERGE (g:Gene {id: 'EVIL'})", "writes"),
    # several statements in one input, the first a read
    ("MATCH (g:Gene) RETURN g.id LIMIT 1; MATCH (g:Gene) DETACH DELETE g", "one statement"),
    ("MATCH (g:Gene) RETURN count(g);\nCREATE (g:Gene {id: 'EVIL'})", "one statement"),
    ("RETURN 1; RETURN 2", "one statement"),
]
LADYBUG = [
    ("CREATE NODE TABLE Evil(id STRING, PRIMARY KEY(id))", "writes"),
    ("DROP TABLE Gene", "writes"),
    ("ALTER TABLE Gene ADD evil STRING", "writes"),
    ("ALTER TABLE Gene DROP symbol", "writes"),
    ("COMMENT ON TABLE Gene IS 'evil'", "writes"),
    ("CREATE MACRO evil(x) AS x", "writes"),
    ("CREATE SEQUENCE evil", "writes"),
    ("COPY (MATCH (g:Gene) RETURN g.id) TO '{tmp}/out.csv'", "writes a file"),
    ("COPY (MATCH (g:Gene) RETURN g.id) TO '{tmp}/out.parquet'", "writes a file"),
    ("copy (MATCH (g:Gene) RETURN g.id) to '{tmp}/out.csv' (header=true)", "writes a file"),
    ("COPY Gene FROM '{tmp}/in.csv'", "writes"),
    (
        "LOAD FROM '/etc/passwd' (file_format='csv', delim=':', header=false) RETURN *",
        "reads a file",
    ),
    (
        "load from '/etc/passwd' (file_format='csv', delim=':', header=false) RETURN count(*)",
        "file",
    ),
    (
        "MATCH (g:Gene) WITH g LIMIT 1 "
        "LOAD FROM '/etc/passwd' (file_format='csv', delim=':', header=false) RETURN *",
        "reads a file",
    ),
    ("LOAD FROM '{tmp}/in.csv' (header=false) RETURN *", "reads a file"),
    ("LOAD FROM 'http://127.0.0.1:9/x.csv' RETURN *", "file or URL"),
    ("INSTALL httpfs", "network"),
    ("install json", "network"),
    ("LOAD EXTENSION '{tmp}/evil.lbug_extension'", "native code"),
    ("UNINSTALL httpfs", "extension"),
    ("ATTACH '{tmp}/other.lbdb' AS other (dbtype lbug)", "writes"),
    ("DETACH other", "writes"),
    ("USE other", "another database"),
    ("IMPORT DATABASE '{tmp}/exported'", "reads files"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("checkpoint;", "CHECKPOINT"),
    ("BEGIN TRANSACTION", "transaction"),
    ("COMMIT", "transaction"),
    ("ROLLBACK", "transaction"),
    ("CALL timeout=0", "setting"),
    ("CALL threads=1", "setting"),
    ("CALL checkpoint_threshold=0", "setting"),
]
NEO4J = [
    ("CREATE INDEX evil IF NOT EXISTS FOR (n:Gene) ON (n.name)", "schema"),
    ("DROP CONSTRAINT gene_id_unique", "schema"),
    ("CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.id IS UNIQUE", "schema"),
    ("DROP INDEX gene_symbol IF EXISTS", "schema"),
    ("FOREACH (x IN [1] | CREATE (:Gene {id: 'EVIL'}))", "writes"),
    ("CALL () { CREATE (:Gene {id: 'EVIL'}) } IN TRANSACTIONS", "writes"),
    ("MATCH (g:Gene) CALL (g) { SET g.symbol = 'x' } RETURN count(*)", "writes"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
    ("load csv from 'file:///etc/passwd' as line fieldterminator ':' return line[0]", "LOAD CSV"),
    ("LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row", "LOAD CSV"),
    ("MATCH (g:Gene) WITH g LIMIT 1 LOAD CSV FROM 'file:///etc/hosts' AS l RETURN l", "LOAD CSV"),
    ("CALL dbms.listConfig() YIELD name RETURN name", "dbms.listConfig"),
    ("CALL dbms.listConfig()", "dbms.listConfig"),
    ("SHOW SETTINGS", "configuration"),
    ("SHOW SETTINGS YIELD name, value RETURN name, value", "configuration"),
    ("SHOW TRANSACTIONS", "other users"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "other users"),
    ("SHOW USERS", "administration"),
    ("SHOW DATABASES", "administration"),
    ("SHOW CURRENT USER", "administration"),
    ("CREATE USER evil SET PASSWORD 'evil-password-1'", "administration"),
    ("CALL dbms.queryJmx('*:*')", "dbms.queryJmx"),
    ("CALL dbms.listConnections()", "dbms.listConnections"),
    ("CALL dbms.killConnections(['bolt-1'])", "dbms.killConnections"),
    ("CALL dbms.upgrade()", "writes"),
    ("CALL db.clearQueryCaches()", "db.clearQueryCaches"),
    ("CALL db.createLabel('Evil')", "writes"),
    ("CALL db.createProperty('evil')", "writes"),
    ("CALL dbms.info()", "dbms.info"),
    ("CALL db.stats.clear('QUERIES')", "db.stats.clear"),
    ("CALL tx.setMetaData({evil: true})", "tx.setMetaData"),
    ("CALL db.labels() YIELD label CREATE (:Gene {id: label})", "writes"),
]
# Reads of every kind: each must run.
READS_BOTH = [
    "MATCH (g:Gene) RETURN count(g) AS n",
    "MATCH (g:Gene {symbol: 'BRAF'}) OPTIONAL MATCH (g)<-[:ABOUT]-(a) RETURN g.id, count(a)",
    "UNWIND [1, 2, 3] AS x RETURN sum(x) AS s",
    "MATCH (g:Gene) RETURN g.id AS id ORDER BY id SKIP 1 LIMIT 2 UNION MATCH (d:Drug) "
    "RETURN d.id AS id LIMIT 1",
    "MATCH (t:TumourType)-[:IS_A*1..3]->(p:TumourType) RETURN count(*) AS n",
    "// a comment first\nMATCH (g:Gene) WITH g WHERE g.symbol STARTS WITH 'B' RETURN count(*) AS n",
    "EXPLAIN MATCH (g:Gene) RETURN g.id",
    "PROFILE MATCH (g:Gene) RETURN count(g) AS n",
    "MATCH (g:Gene) RETURN count(g) AS n;",
]
READS_LADYBUG = ["CALL show_tables() RETURN name", "CALL table_info('Gene') RETURN *"]
READS_NEO4J = [
    "SHOW INDEXES YIELD name RETURN count(*) AS n",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (g:Gene) RETURN COUNT { (g)<-[:ABOUT]-() } AS n LIMIT 1",
]


def _cli(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _tree_hash(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _prepare_targets(tmp: Path) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "in.csv").write_text("HGNC:EVIL,EVIL\n", encoding="utf-8")
    (tmp / "evil.lbug_extension").write_bytes(b"\x7fELF not really")
    (tmp / "exported").mkdir(exist_ok=True)
    (tmp / "exported" / "schema.cypher").write_text(
        "CREATE NODE TABLE Evil(id STRING, PRIMARY KEY(id));\n", encoding="utf-8"
    )
    (tmp / "exported" / "copy.cypher").write_text("", encoding="utf-8")


def _created(tmp: Path) -> list[str]:
    before = {"in.csv", "evil.lbug_extension", "exported"}
    exported = {"schema.cypher", "copy.cypher"}
    return sorted(p.name for p in tmp.iterdir() if p.name not in before) + sorted(
        str(p) for p in (tmp / "exported").rglob("*") if p.name not in exported
    )


def _check_refused(env: dict[str, str], statement: str, fragment: str) -> str | None:
    """None when refused as promised, else what went wrong."""
    result = _cli(env, "cypher", statement)
    lines = [line for line in result.output.splitlines() if line.strip()]
    if result.exit_code != 5:
        return f"exit {result.exit_code}: {result.output.strip()[:200]}"
    if len(lines) != 1 or not lines[0].startswith("error: refused in read-only mode: "):
        return f"not one refusal line: {result.output!r}"
    if fragment.lower() not in lines[0].lower():
        return f"reason lacks {fragment!r}: {lines[0]}"
    return None


# -- embedded ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    store = tmp_path_factory.mktemp("guard") / "store"
    with LadybugStore(store, read_only=False) as s:
        s.apply_schema()
        load_file(s, "oncotree", bundled_path("oncotree"))
        load_file(s, "hgnc", bundled_path("hgnc"))
        load_file(s, "civic", FIXTURES / "civic" / "2025-07-01")
    return {"ONCOGRAPH_STORE": str(store), "NEO4J_URI": ""}


@pytest.mark.parametrize(("statement", "fragment"), WRITES + LADYBUG)
def test_embedded_refuses_and_leaves_the_store_byte_for_byte(
    embedded, tmp_path, statement, fragment
):
    store = Path(embedded["ONCOGRAPH_STORE"])
    _prepare_targets(tmp_path)
    before = _tree_hash(store)
    problem = _check_refused(embedded, statement.replace("{tmp}", str(tmp_path)), fragment)
    assert problem is None, problem
    assert _tree_hash(store) == before
    assert _created(tmp_path) == []
    with LadybugStore(store, read_only=True) as reader:  # still opens read-only
        assert reader.run("MATCH (g:Gene) RETURN count(g) AS n")[0]["n"] > 500


def test_the_battery_is_large_enough():
    assert len(WRITES + LADYBUG) >= 40 and len(WRITES + NEO4J) >= 40


@pytest.mark.parametrize("statement", READS_BOTH + READS_LADYBUG)
def test_embedded_runs_reads(embedded, statement):
    result = _cli(embedded, "cypher", statement, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_embedded_checkpoint_leaves_the_store_openable(embedded):
    """The observed failure: a CHECKPOINT left 'checkpoint recovery is pending' behind."""
    assert _cli(embedded, "cypher", "CHECKPOINT").exit_code == 5
    for _ in range(2):
        result = _cli(embedded, "stats", "--format", "json")
        assert result.exit_code == 0, result.output


def test_embedded_time_limit(embedded):
    result = _cli(
        embedded, "--timeout", "1", "cypher", "UNWIND range(1, 100000000) AS x RETURN sum(x)"
    )
    assert result.exit_code == 9, result.output
    assert "time limit of 1 s" in result.output
    assert _cli(embedded, "--timeout", "1", "cypher", "RETURN 1 AS one").exit_code == 0


# -- Neo4j ---------------------------------------------------------------------------------------
def _neo4j_state(store) -> dict[str, object]:
    state = snapshot(store)
    state["schema"] = sorted(
        r["name"] for r in store.run("SHOW INDEXES YIELD name RETURN name")
    ) + sorted(r["name"] for r in store.run("SHOW CONSTRAINTS YIELD name RETURN name"))
    state["labels"] = sorted(r["label"] for r in store.run("CALL db.labels() YIELD label"))
    return state


@pytest.mark.neo4j
def test_neo4j_refuses_the_battery_and_changes_nothing(neo4j_store, tmp_path, monkeypatch):
    store = neo4j_store
    load_file(store, "oncotree", bundled_path("oncotree"))
    load_file(store, "hgnc", bundled_path("hgnc"))
    load_file(store, "civic", FIXTURES / "civic" / "2025-07-01")
    settings = store.settings
    env = {
        "NEO4J_URI": settings.uri,
        "NEO4J_USERNAME": settings.username or "neo4j",
        "NEO4J_PASSWORD": settings.password or "unused",
    }
    before = _neo4j_state(store)
    problems = {}
    for statement, fragment in WRITES + NEO4J:
        problem = _check_refused(env, statement, fragment)
        if problem:
            problems[statement] = problem
    assert problems == {}
    assert _neo4j_state(store) == before
    for statement in READS_BOTH + READS_NEO4J:
        result = _cli(env, "cypher", statement, "--format", "json")
        assert result.exit_code == 0, (statement, result.output)
    slow = _cli(env, "--timeout", "1", "cypher", "UNWIND range(1, 1000000000) AS x RETURN sum(x)")
    assert slow.exit_code == 9, slow.output
    assert "time limit of 1 s" in slow.output


# -- the judges on their own ---------------------------------------------------------------------
def test_the_plan_prefix_is_split_after_comments_only():
    assert split_plan_prefix("/* a */ // b\n explain MATCH (n) RETURN n") == (
        "EXPLAIN",
        " MATCH (n) RETURN n",
    )
    assert split_plan_prefix("PROFILE\nCREATE (n)") == ("PROFILE", "\nCREATE (n)")
    assert split_plan_prefix("EXPLAINED_NOT (n)") == (None, "EXPLAINED_NOT (n)")
    assert split_plan_prefix("MATCH (n) RETURN 'EXPLAIN'") == (None, "MATCH (n) RETURN 'EXPLAIN'")


def test_ladybug_plan_with_side_by_side_boxes():
    plan = (
        "│  CROSS_PRODUCT[6]  │\n"
        "│  LIMIT[5]          │ │  RESULT_COLLECTOR[1]   │\n"
        "│  SCAN_NODE_TABLE[2]│ │  TABLE_FUNCTION_CALL[0]│\n"
        "│                    │ │  Function: READ_CSV_PARALLEL │\n"
    )
    ops, functions = ladybug_plan_operators(plan)
    assert ops == [
        "CROSS_PRODUCT",
        "LIMIT",
        "RESULT_COLLECTOR",
        "SCAN_NODE_TABLE",
        "TABLE_FUNCTION_CALL",
    ]
    assert "reads a file" in (judge_ladybug(ops, functions) or "")
    assert judge_ladybug(["RESULT_COLLECTOR", "TABLE_FUNCTION_CALL"], ["SHOW_TABLES"]) is None
    assert judge_ladybug(["RESULT_COLLECTOR", "TABLE_FUNCTION_CALL"], []) is not None
    assert "not a read operator" in (judge_ladybug(["SOME_NEW_WRITER"]) or "")
    assert judge_ladybug([]) is not None


def test_neo4j_judge_needs_a_read_type_and_read_operators():
    def plan(*names: str, details: str = "") -> dict:
        node: dict = {"operatorType": names[-1] + "@neo4j", "args": {"Details": details}}
        for name in reversed(names[:-1]):
            node = {"operatorType": name + "@neo4j", "args": {}, "children": [node]}
        return node

    read = neo4j_plan_operators(plan("ProduceResults", "Expand(All)", "NodeIndexSeek"))
    assert judge_neo4j("r", read) is None
    assert judge_neo4j("rw", read) == "this statement writes (pass --write to allow writes)"
    terminate = neo4j_plan_operators(plan("ProduceResults", "TerminateTransactions"))
    assert "other users" in (judge_neo4j("r", terminate) or "")  # a read by type, not by plan
    proc = neo4j_plan_operators(plan("ProduceResults", "ProcedureCall", details="db.labels() ::"))
    assert judge_neo4j("r", proc) is None
    other = neo4j_plan_operators(plan("ProcedureCall", details="apoc.load.json(url) :: ..."))
    assert "apoc.load.json" in (judge_neo4j("r", other) or "")
    assert "not a read operator" in (judge_neo4j("r", neo4j_plan_operators(plan("NewOp"))) or "")
