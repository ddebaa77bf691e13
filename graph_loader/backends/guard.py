"""The read-only guard: a statement runs on a read-only store only if the engine's own plan for it
is made of read operators.

Nothing here reads the statement's text to decide (no keyword list over the query): the engine
parses and plans the statement (``EXPLAIN``, which runs nothing), and the verdict comes from what
the plan holds. An operator or procedure that is not on the allow-lists below is refused, so a
new engine version that adds a way to write or reach files is refused until someone looks at it.

- **Neo4j**: the plan's query type must be ``r`` (read) and every operator a read operator;
  procedures only from :data:`NEO4J_READ_PROCEDURES` (``LOAD CSV`` plans as ``LoadCSV``,
  ``CALL dbms.listConfig()`` as a ``ProcedureCall`` of a procedure not on the list,
  ``SHOW SETTINGS`` as ``ShowSettings``, ``TERMINATE TRANSACTIONS`` as ``TerminateTransactions``
  although its query type says ``r``).
- **LadybugDB**: the engine refuses writes on a database opened read-only before planning; the
  plan must then hold only read operators, and table functions only from
  :data:`LADYBUG_READ_FUNCTIONS` (``LOAD FROM`` plans as ``READ_CSV``/``READ_PARQUET``/...,
  ``COPY ... TO`` as ``COPY_TO``, ``INSTALL`` as ``INSTALL_EXTENSION``, ``CHECKPOINT`` as
  ``TRANSACTION`` and ``CALL timeout=0`` as ``STANDALONE_CALL``).

One statement at a time: both engines refuse to prepare several (Neo4j: "Expected exactly one
statement per query"; LadybugDB: "We do not support prepare multiple statements").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# -- LadybugDB -----------------------------------------------------------------------------------
# Physical operators that only read the database or shape rows (LadybugDB 0.22 / Kuzu lineage).
LADYBUG_READ_OPERATORS = frozenset(
    {
        "AGGREGATE",
        "AGGREGATE_FINALIZE",
        "AGGREGATE_SCAN",
        "COUNT_REL_TABLE",
        "CROSS_PRODUCT",
        "DUMMY_SIMPLE_SINK",
        "DUMMY_SINK",
        "EMPTY_RESULT",
        "EXPRESSIONS_SCAN",
        "FILTER",
        "FLATTEN",
        "HASH_JOIN_BUILD",
        "HASH_JOIN_PROBE",
        "INDEX_LOOKUP",
        "INTERSECT",
        "INTERSECT_BUILD",
        "LIMIT",
        "MULTIPLICITY_REDUCER",
        "NODE_LABEL_FILTER",
        "ORDER_BY",
        "ORDER_BY_MERGE",
        "ORDER_BY_SCAN",
        "PATH_PROPERTY_PROBE",
        "PRIMARY_KEY_SCAN_NODE_TABLE",
        "PROJECTION",
        "QUERY_PRIMARY_KEY_LOOKUP",
        "RECURSIVE_EXTEND",
        "RESULT_COLLECTOR",
        "SCAN_NODE_TABLE",
        "SCAN_REL_TABLE",
        "SEMI_MASKER",
        "SKIP",
        "TABLE_FUNCTION_CALL",  # only with a function from LADYBUG_READ_FUNCTIONS
        "TOP_K",
        "TOP_K_SCAN",
        "UNION_ALL_SCAN",
        "UNWIND",
    }
)
# Table functions that read the database's own catalogue or intermediate results, nothing else.
LADYBUG_READ_FUNCTIONS = frozenset(
    {
        "CURRENT_SETTING",
        "DB_VERSION",
        "READ_FTABLE",  # the engine's own intermediate table (UNWIND, subqueries)
        "SHOW_CONNECTION",
        "SHOW_FUNCTIONS",
        "SHOW_INDEXES",
        "SHOW_MACROS",
        "SHOW_SEQUENCES",
        "SHOW_TABLES",
        "SHOW_WARNINGS",
        "TABLE_INFO",
    }
)
# Why the refusals users meet most are refused, in their words.
LADYBUG_REASONS = {
    "COPY_TO": "COPY ... TO writes a file on this machine",
    "COPY_FROM": "COPY ... FROM reads a file into the store",
    "INSTALL_EXTENSION": "INSTALL downloads an extension (network access)",
    "LOAD_EXTENSION": "LOAD EXTENSION loads native code",
    "UNINSTALL_EXTENSION": "UNINSTALL removes an extension",
    "ATTACH_DATABASE": "ATTACH opens another database",
    "DETACH_DATABASE": "DETACH changes the attached databases",
    "USE_DATABASE": "USE switches to another database",
    "EXPORT_DATABASE": "EXPORT DATABASE writes files on this machine",
    "IMPORT_DATABASE": "IMPORT DATABASE reads files into the store",
    "TRANSACTION": "transaction control and CHECKPOINT are not reads",
    "STANDALONE_CALL": "CALL option=value changes a setting of the engine",
}
_FILE_FUNCTIONS = ("READ_CSV", "READ_PARQUET", "READ_NPY", "READ_JSON", "READ_PANDAS", "READ_")


def ladybug_plan_operators(plan: str) -> tuple[list[str], list[str]]:
    """(every operator, every table function named) in a LadybugDB plan text.

    The plan is drawn as boxes, side by side where it branches; each box's first line is
    ``NAME[id]`` and a table function's box says ``Function: NAME``. Text that a statement puts
    into the plan (a string in an expression) can only add names, never hide the real ones, so
    it can make the guard refuse, never allow.
    """
    operators = re.findall(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9_]*)\[\d+\]", plan)
    functions = [f.upper() for f in re.findall(r"Function: ([A-Za-z0-9_]+)", plan)]
    return operators, functions


def judge_ladybug(operators: Sequence[str], functions: Sequence[str] = ()) -> str | None:
    """Why a LadybugDB plan is not a read, or None when it is."""
    if not operators:
        return "the engine returned no plan to judge"
    for op in operators:
        if op not in LADYBUG_READ_OPERATORS:
            return LADYBUG_REASONS.get(op, f"the plan holds {op}, which is not a read operator")
    if operators.count("TABLE_FUNCTION_CALL") > len(functions):
        return "the plan calls a table function the guard cannot name"
    for function in functions:
        if function not in LADYBUG_READ_FUNCTIONS:
            if function.startswith(_FILE_FUNCTIONS):
                return f"LOAD FROM reads a file on this machine ({function})"
            return f"the table function {function.lower()} is not on the read allow-list"
    return None


# -- Neo4j ---------------------------------------------------------------------------------------
NEO4J_READ_OPERATORS = frozenset(
    {
        "AllNodesScan",
        "Aggregation",
        "Anti",
        "AntiConditionalApply",
        "AntiSemiApply",
        "Apply",
        "Argument",
        "ArgumentTracker",
        "AssertSameNode",
        "AssertSameRelationship",
        "CacheProperties",
        "CartesianProduct",
        "ConditionalApply",
        "Distinct",
        "Eager",
        "EagerAggregation",
        "EmptyRow",
        "ExhaustiveLimit",
        "Filter",
        "LetAntiSemiApply",
        "LetSelectOrAntiSemiApply",
        "LetSelectOrSemiApply",
        "LetSemiApply",
        "Limit",
        "NodeCountFromCountStore",
        "NodeHashJoin",
        "NodeLeftOuterHashJoin",
        "NodeRightOuterHashJoin",
        "NullifyMetadata",
        "Optional",
        "OrderedAggregation",
        "OrderedDistinct",
        "OrderedUnion",
        "PartialSort",
        "PartialTop",
        "ProcedureCall",  # only with a procedure from NEO4J_READ_PROCEDURES
        "ProduceResults",
        "Projection",
        "ProjectEndpoints",
        "RelationshipCountFromCountStore",
        "RollUpApply",
        "SelectOrAntiSemiApply",
        "SelectOrSemiApply",
        "SemiApply",
        "ShortestPath",
        "ShowConstraints",
        "ShowFunctions",
        "ShowIndexes",
        "ShowProcedures",
        "Skip",
        "Sort",
        "Top",
        "Trail",
        "Union",
        "Unwind",
        "ValueHashJoin",
    }
)
# Operators whose name carries its mode in brackets: Expand(All), VarLengthExpand(Pruning,BFS,All)
NEO4J_READ_FAMILIES = frozenset(
    {
        "BFSPruningVarLengthExpand",
        "Expand",
        "OptionalExpand",
        "PruningVarLengthExpand",
        "Repeat",
        "StatefulShortestPath",
        "VarLengthExpand",
    }
)
# Leaf operators read the store by definition: every scan and seek is a read.
_NEO4J_LEAF = re.compile(
    r"(Partitioned)?(Node|MultiNode|IntersectionNode|UnionNode|SubtractionNode|Directed|"
    r"Undirected|Relationship)[A-Za-z]*(Scan|Seek|SeekByRange)"
)
NEO4J_READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.ping",
        "dbms.components",
    }
)
NEO4J_REASONS = {
    "LoadCSV": "LOAD CSV reads a file or a URL",
    "ShowSettings": "SHOW SETTINGS shows the server's configuration",
    "ShowTransactions": "SHOW TRANSACTIONS shows other users' queries",
    "TerminateTransactions": "TERMINATE TRANSACTIONS stops other users' queries",
    "AdministrationCommand": "administration commands are not reads",
    "TransactionApply": "CALL ... IN TRANSACTIONS writes",
    "TransactionForeach": "CALL ... IN TRANSACTIONS writes",
    "CreateIndex": "schema changes are not reads",
    "CreateConstraint": "schema changes are not reads",
    "DropIndex": "schema changes are not reads",
    "DropConstraint": "schema changes are not reads",
    "DoNothingIfExists(INDEX)": "schema changes are not reads",
    "DoNothingIfExists(CONSTRAINT)": "schema changes are not reads",
}


@dataclass(frozen=True)
class Neo4jOperator:
    name: str  # without the "@database" suffix
    details: str


def neo4j_plan_operators(plan: object) -> list[Neo4jOperator]:
    """Every operator of a Neo4j plan (the driver's dict form), depth first."""
    out: list[Neo4jOperator] = []

    def walk(node: object) -> None:
        if not isinstance(node, dict):
            return
        name = str(node.get("operatorType", "?")).split("@", 1)[0]
        args = node.get("args") or {}
        out.append(Neo4jOperator(name, str(args.get("Details", ""))))
        for child in node.get("children") or []:
            walk(child)

    walk(plan)
    return out


def _procedure_name(details: str) -> str:
    return details.split("(", 1)[0].strip()


def judge_neo4j(query_type: str | None, operators: Iterable[Neo4jOperator]) -> str | None:
    """Why a Neo4j plan is not a read, or None when it is."""
    ops = list(operators)
    if not ops:
        return "the server returned no plan to judge"
    if query_type in ("w", "rw"):
        return "this statement writes (pass --write to allow writes)"
    for op in ops:  # a procedure first: its name says more than the operators around it
        if op.name == "ProcedureCall":
            name = _procedure_name(op.details)
            if name not in NEO4J_READ_PROCEDURES:
                return f"the procedure {name or '(unnamed)'} is not on the read allow-list"
    for op in ops:
        if op.name == "ProcedureCall":
            continue
        family = op.name.split("(", 1)[0]
        if (
            op.name in NEO4J_READ_OPERATORS
            or (family != op.name and family in NEO4J_READ_FAMILIES)
            or _NEO4J_LEAF.fullmatch(op.name)
        ):
            continue
        return NEO4J_REASONS.get(op.name, f"the plan holds {op.name}, which is not a read operator")
    if query_type not in ("r", "s"):
        return f"the server classifies this statement as {query_type!r}, not a read"
    if query_type == "s" and not any(op.name == "ProcedureCall" for op in ops):
        return "schema and administration statements are not reads"
    return None


# -- the statement's own EXPLAIN / PROFILE -------------------------------------------------------
_SPACE_OR_COMMENT = re.compile(r"(?:\s+|//[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z]+")


def split_plan_prefix(statement: str) -> tuple[str | None, str]:
    """(``EXPLAIN``/``PROFILE`` or None, the statement to judge).

    A statement the user already prefixed asks for its plan (EXPLAIN, runs nothing) or for its
    plan while it runs (PROFILE, runs it): the guard judges what follows the keyword. Only
    leading white space and comments are skipped; nothing else of the text is interpreted.
    """
    start = _SPACE_OR_COMMENT.match(statement)
    pos = start.end() if start else 0
    word = _WORD.match(statement, pos)
    if word and word.group(0).upper() in ("EXPLAIN", "PROFILE"):
        end = word.end()
        if end == len(statement) or not (statement[end].isalnum() or statement[end] == "_"):
            return word.group(0).upper(), statement[end:]
    return None, statement


def refusal(reason: str) -> str:
    """The one-line message for a refused statement."""
    return f"refused in read-only mode: {reason}"
