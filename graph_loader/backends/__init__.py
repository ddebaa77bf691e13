"""Two graph backends behind one interface: Neo4j 5 (production) and LadybugDB (embedded default).

:func:`open_store` picks Neo4j when a URI is configured and the embedded store otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph_loader.backends.base import GraphStore, StoreInfo, check_parameters, query_parameters
from graph_loader.backends.neo4j_store import Neo4jSettings


def default_store_dir() -> Path:
    """``$ONCOGRAPH_STORE``, else ``$XDG_DATA_HOME/oncograph/store``, else
    ``~/.local/share/oncograph/store``."""
    if os.environ.get("ONCOGRAPH_STORE"):
        return Path(os.environ["ONCOGRAPH_STORE"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oncograph" / "store"


@dataclass(frozen=True)
class StoreConfig:
    """Which store to open: Neo4j when ``neo4j`` is set, else the embedded store directory."""

    neo4j: Neo4jSettings | None = None
    store_dir: Path | None = None

    @property
    def backend(self) -> str:
        return "neo4j" if self.neo4j else "ladybug"

    @classmethod
    def from_env(cls, store_dir: Path | None = None) -> StoreConfig:
        uri = os.environ.get("NEO4J_URI")
        if uri:
            return cls(
                neo4j=Neo4jSettings(
                    uri=uri,
                    username=os.environ.get("NEO4J_USERNAME", "neo4j"),
                    password=os.environ.get("NEO4J_PASSWORD"),
                    database=os.environ.get("NEO4J_DATABASE") or None,
                )
            )
        return cls(store_dir=store_dir or default_store_dir())


def open_store(
    config: StoreConfig,
    read_only: bool = True,
    timeout: float | None = GraphStore.DEFAULT_TIMEOUT,
) -> GraphStore:
    """Open the configured store; read-only unless asked (the plan guard and the engine's own
    read-only mode); each statement run through it limited to ``timeout`` seconds."""
    if config.neo4j is not None:
        from graph_loader.backends.neo4j_store import Neo4jStore

        return Neo4jStore(config.neo4j, read_only=read_only, timeout=timeout)
    from graph_loader.backends.ladybug_store import LadybugStore

    return LadybugStore(
        config.store_dir or default_store_dir(), read_only=read_only, timeout=timeout
    )


__all__ = [
    "GraphStore",
    "Neo4jSettings",
    "StoreConfig",
    "StoreInfo",
    "check_parameters",
    "default_store_dir",
    "open_store",
    "query_parameters",
]
