"""The suite never wipes a Neo4j database holding data it did not create."""

from __future__ import annotations

import pytest

from tests.conftest import GUARD_LABEL, ForeignDataError, claim_for_tests, wipe_for_tests


@pytest.mark.neo4j
def test_refuses_a_database_with_foreign_data(neo4j_store):
    store = neo4j_store
    store._write("MATCH (n) DETACH DELETE n", {})  # drop the guard: as if someone else's data
    store._write("CREATE (:TumourType {id: 'SOMEONE_ELSES', source: 'theirs'})", {})
    try:
        with pytest.raises(ForeignDataError, match="1 node"):
            wipe_for_tests(store)
        assert store.run("MATCH (t:TumourType {id: 'SOMEONE_ELSES'}) RETURN count(t) AS n") == [
            {"n": 1}
        ]
    finally:
        store._write("MATCH (t:TumourType {id: 'SOMEONE_ELSES'}) DETACH DELETE t", {})
        claim_for_tests(store)
    assert store.run(f"MATCH (g:{GUARD_LABEL}) RETURN count(g) AS n") == [{"n": 1}]
