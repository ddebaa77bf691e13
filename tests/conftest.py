"""Shared fixtures: a fresh store per test on each backend, and a real Neo4j.

Neo4j comes from ``NEO4J_URI`` (``.ci/neo4j-server`` sets it after starting Neo4j from Maven
artifacts), else from testcontainers where a Docker engine runs. Without either, the Neo4j tests
skip with a one-line reason, except under ``CI=true``, where they fail.

The suite refuses to wipe a Neo4j database that holds data it did not create: it claims an empty
database with a guard node, and only a database carrying that guard is ever wiped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_loader.backends.base import GraphStore
from graph_loader.backends.ladybug_store import LadybugStore
from graph_loader.backends.neo4j_store import Neo4jSettings, Neo4jStore

FIXTURES = Path(__file__).parent / "fixtures"
GUARD_LABEL = "OncographTestGuard"  # not an ontology label: never written by the product
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HOW_TO = (
    "no Neo4j: set NEO4J_URI (and NEO4J_USERNAME/NEO4J_PASSWORD), run a Docker engine for "
    "testcontainers, or use `make test`, which starts one from Maven artifacts"
)

_neo4j_state: dict[str, object] = {}


class ForeignDataError(RuntimeError):
    pass


def claim_for_tests(store: Neo4jStore) -> None:
    """Mark the database as the suite's, refusing if it holds data the suite did not create."""
    guard = store.run(f"MATCH (g:{GUARD_LABEL}) RETURN count(g) AS n")[0]["n"]
    if guard:
        return
    others = store.run("MATCH (n) RETURN count(n) AS n")[0]["n"]
    if others:
        raise ForeignDataError(
            f"refusing to use Neo4j at {store.location()}: it holds {others} node(s) the test "
            "suite did not create; point NEO4J_URI at an empty database"
        )
    store._write(f"CREATE (:{GUARD_LABEL} {{created_by: 'oncograph tests'}})", {})


def wipe_for_tests(store: Neo4jStore) -> None:
    """Delete everything but the guard; only ever on a database the suite claimed."""
    claim_for_tests(store)
    store._write(f"MATCH (n) WHERE NOT n:{GUARD_LABEL} DETACH DELETE n", {})


def _start_neo4j() -> Neo4jSettings | None:
    if os.environ.get("NEO4J_URI"):
        return Neo4jSettings(
            uri=os.environ["NEO4J_URI"],
            username=os.environ.get("NEO4J_USERNAME", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD"),
            database=os.environ.get("NEO4J_DATABASE") or None,
        )
    if shutil.which("docker") is None:
        return None
    try:
        import docker

        docker.from_env().ping()
        from testcontainers.neo4j import Neo4jContainer
    except Exception:  # no engine, or testcontainers unusable here
        return None
    container = Neo4jContainer("neo4j:5.26-community", password="oncograph-test")
    container.start()
    _neo4j_state["container"] = container
    return Neo4jSettings(
        uri=container.get_connection_url(), username="neo4j", password="oncograph-test"
    )


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    if "settings" not in _neo4j_state:
        _neo4j_state["settings"] = _start_neo4j()
    settings = _neo4j_state["settings"]
    if settings is None:
        if IN_CI:
            pytest.fail(f"CI=true but {HOW_TO}")
        pytest.skip(HOW_TO)
    assert isinstance(settings, Neo4jSettings)
    with Neo4jStore(settings, read_only=False) as store:
        claim_for_tests(store)
        store.apply_schema()
        _neo4j_state["version"] = store.info().server_version
        _neo4j_state["location"] = store.location()
    yield settings


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    settings = _neo4j_state.get("settings")
    if isinstance(settings, Neo4jSettings):
        try:
            with Neo4jStore(settings, read_only=False) as store:
                claim_for_tests(store)  # never wipe what the suite does not own
                store._write("MATCH (n) DETACH DELETE n", {})
        except Exception:
            pass
    container = _neo4j_state.get("container")
    if container is not None:
        container.stop()  # type: ignore[attr-defined]
    if session.testscollected == 0:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    outcomes = {"passed": 0, "failed": 0, "skipped": 0}
    for kind in outcomes:
        for report in terminalreporter.stats.get(kind, []):
            if report.when in ("call", "setup") and "neo4j" in report.keywords:
                if kind == "passed" and report.when != "call":
                    continue
                outcomes[kind] += 1
    version = _neo4j_state.get("version")
    where = f"Neo4j {version} at {_neo4j_state.get('location')}" if version else "no Neo4j"
    ran = outcomes["passed"] + outcomes["failed"]
    terminalreporter.write_line(
        f"neo4j: {where}; {ran} Neo4j tests ran ({outcomes['passed']} passed, "
        f"{outcomes['failed']} failed, {outcomes['skipped']} skipped)"
    )


@pytest.fixture
def neo4j_store(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jStore]:
    with Neo4jStore(neo4j_settings, read_only=False) as store:
        wipe_for_tests(store)
        yield store


@pytest.fixture
def ladybug_store(tmp_path: Path) -> Iterator[LadybugStore]:
    with LadybugStore(tmp_path / "store", read_only=False) as store:
        store.apply_schema()
        yield store


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """A writable store with the schema applied and no data, on each backend."""
    name = "neo4j_store" if request.param == "neo4j" else "ladybug_store"
    return request.getfixturevalue(name)


@pytest.fixture
def references(store: GraphStore) -> GraphStore:
    """A store with OncoTree and the bundled HGNC genes loaded, so evidence sources normalise."""
    from graph_loader import bundled_path, load_file

    load_file(store, "oncotree", bundled_path("oncotree"))
    load_file(store, "hgnc", bundled_path("hgnc"))
    return store


def reader_for(store: GraphStore) -> GraphStore:
    """A second, read-only handle on the same store."""
    if isinstance(store, Neo4jStore):
        return Neo4jStore(store.settings, read_only=True)
    assert isinstance(store, LadybugStore)
    return LadybugStore(store.directory, read_only=True)


def snapshot(store: GraphStore, ignore: tuple[str, ...] = ()) -> dict[str, object]:
    """Every node's and relationship's properties, as comparable sets (order-free)."""
    from ontology.metagraph import PATTERNS, node_properties
    from ontology.vocab import Label

    def freeze(value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    out: dict[str, object] = {}
    for label in Label:
        names = [s.name for s in node_properties(label) if s.name not in ignore]
        cols = ", ".join(f"n.{n} AS {n}" for n in names)
        rows = store.run(f"MATCH (n:{label.value}) RETURN {cols}")
        out[label.value] = {tuple((n, freeze(r[n])) for n in names) for r in rows}
    for rel_type, pairs in PATTERNS.items():
        rel_ignore = {"run_id"} & set(ignore)
        props = [
            p
            for p in ("source", "source_version", "source_record_id", "run_id")
            if p not in rel_ignore
        ]
        cols = ", ".join(f"r.{p} AS {p}" for p in props)
        got = set()
        for a, b in pairs:
            rows = store.run(
                f"MATCH (x:{a.value})-[r:{rel_type.value}]->(y:{b.value}) "
                f"RETURN x.id AS f, y.id AS t, {cols}"
            )
            got |= {(a.value, r["f"], b.value, r["t"], *(r[p] for p in props)) for r in rows}
        out[rel_type.value] = got
    return out


@pytest.fixture(scope="session")
def demo_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo in an embedded store, built once per session; for tests that only read
    it (open it read-only, or copy it to change it)."""
    from graph_loader import load_bundled

    path = tmp_path_factory.mktemp("demo") / "store"
    with LadybugStore(path, read_only=False) as store:
        load_bundled(store)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (never a downloaded browser), one per session for
    the end-to-end and dossier tests; skipped without chromium, a failure on CI."""
    import os
    import shutil

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium: .ci/run installs Debian's chromium")
        pytest.skip("no chromium (apt-get install chromium) for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # --no-sandbox: the suite may run as root in a container, where the sandbox cannot start
        launched = p.chromium.launch(executable_path=executable, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        yield launched
        launched.close()
