"""Store selection and Neo4j settings: URIs, credentials, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_loader.backends import StoreConfig, default_store_dir
from graph_loader.backends.neo4j_store import Neo4jSettings, schema_statements
from ontology.errors import ConfigError


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://localhost:7687",
        "neo4j://cluster.example:7687",
        "neo4j+s://x.databases.neo4j.io",
        "bolt+s://db.example",
        "bolt+ssc://db.example",
        "neo4j+ssc://db.example",
    ],
)
def test_bolt_and_routing_uris_are_accepted(uri):
    assert Neo4jSettings(uri=uri, password="pw").uri == uri


@pytest.mark.parametrize(
    "uri, message",
    [
        ("http://localhost:7474", "not supported"),
        ("localhost:7687", "not supported"),
        ("bolt://neo4j:pw@localhost:7687", "carries credentials"),
        ("bolt://neo4j@localhost:7687", "carries credentials"),
        ("bolt://", "names no host"),
    ],
)
def test_bad_uris_are_refused(uri, message):
    with pytest.raises(ConfigError, match=message):
        Neo4jSettings(uri=uri)


def test_password_never_appears_in_repr_or_display():
    s = Neo4jSettings(uri="neo4j+s://x.example", username="me", password="topsecret", database="g")
    assert "topsecret" not in repr(s) and "topsecret" not in s.display()
    assert "database=g" in s.display() and "user=me" in s.display()


def test_store_choice_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ONCOGRAPH_STORE", str(tmp_path / "here"))
    config = StoreConfig.from_env()
    assert config.backend == "ladybug" and config.store_dir == tmp_path / "here"
    monkeypatch.setenv("NEO4J_URI", "neo4j://db:7687")
    monkeypatch.setenv("NEO4J_DATABASE", "oncograph")
    config = StoreConfig.from_env()
    assert config.backend == "neo4j" and config.neo4j.database == "oncograph"


def test_default_store_is_per_user(monkeypatch):
    monkeypatch.delenv("ONCOGRAPH_STORE", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert default_store_dir() == Path.home() / ".local" / "share" / "oncograph" / "store"
    monkeypatch.setenv("XDG_DATA_HOME", "/data/x")
    assert default_store_dir() == Path("/data/x/oncograph/store")


def test_neo4j_schema_has_a_unique_id_constraint_per_label():
    from ontology.vocab import Label

    statements = dict(schema_statements())
    for label in Label:
        name = (
            f"{''.join('_' + c.lower() if c.isupper() else c for c in label.value)[1:]}_id_unique"
        )
        assert f"FOR (n:{label.value}) REQUIRE n.id IS UNIQUE" in statements[name]
    assert all("IF NOT EXISTS" in s for s in statements.values())


@pytest.mark.neo4j
def test_routing_uri_reads_and_writes_on_a_real_server(neo4j_store):
    """neo4j:// (routing, as for clusters and Aura) works as well as bolt://."""
    from graph_loader.backends.neo4j_store import Neo4jStore
    from ontology.errors import ReadOnlyError

    base = neo4j_store.settings
    routed = Neo4jSettings(
        uri=base.uri.replace("bolt://", "neo4j://", 1),
        username=base.username,
        password=base.password,
        database=base.database,
    )
    assert routed.uri.startswith("neo4j://")
    with Neo4jStore(routed, read_only=False) as writer:
        writer.run("CREATE (g:Gene {id: 'HGNC:0', symbol: 'ROUTED'})")
    with Neo4jStore(routed, read_only=True) as reader:
        assert reader.run("MATCH (g:Gene {id: 'HGNC:0'}) RETURN g.symbol AS s") == [{"s": "ROUTED"}]
        with pytest.raises(ReadOnlyError):
            reader.run("CREATE (g:Gene {id: 'HGNC:1', symbol: 'NO'})")


def test_the_install_states_its_licence_as_spdx_and_pins_the_build_backend():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"  # a string (SPDX), not the deprecated table
    assert all((root / f).is_file() for f in project["project"]["license-files"])
    (backend,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    assert backend == "setuptools>=77,<81"
