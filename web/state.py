"""The served graph: one read-only store handle and its warmed snapshot, replaced when a load has
published a new state, without a restart and never half-loaded (docs/decisions.md 10).

How a new state is noticed, checked at most every ``interval`` seconds by the request that finds
the check due (no thread of its own, so a worker that serves nothing does nothing):

- embedded store: a load publishes by renaming a finished copy over ``graph.lbdb``
  (decisions 5n), so the file's inode changes; an open handle keeps reading the file it opened.
  A new state gets a new read-only handle, opened and warmed while the old one goes on serving;
  the old handle is closed once no request uses it any more.
- Neo4j: the load bumps the publication counter before and after its commit (odd while one is
  committing); a changed, even counter means a new state. The new snapshot is warmed (which reads
  all its parts again if a load publishes meanwhile) beside the old one.

Requests take the snapshot with :meth:`GraphHolder.use`, which counts them in, so a handle is
never closed under a request. A failure to open or warm a new state keeps the old one serving
and is reported by :meth:`GraphHolder.status` (and ``/healthz``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_loader.backends import StoreConfig, open_store
from graph_loader.backends.base import GraphStore
from queries.snapshot import Snapshot

log = logging.getLogger("oncograph.web")


class LockedRunner:
    """A store whose statements run one at a time (LadybugDB's Python connection is not meant for
    concurrent use from several threads; the served answers come from memory, so this is rarely
    waited on)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return self.store.read(cypher, params)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return self.store.run(cypher, params)


@dataclass
class Served:
    """One published state of the graph as the app serves it."""

    store: GraphStore
    runner: Any  # LockedRunner (embedded) or the store (Neo4j)
    snapshot: Snapshot
    stamp: Any
    loaded_at: float
    versions: tuple[tuple[str, str | None], ...]
    users: int = 0
    retired: bool = False
    closed: bool = field(default=False)


class GraphHolder:
    """The current :class:`Served` state, refreshed when the store publishes a new one."""

    STUCK_ODD = 120.0  # s: a Neo4j counter odd this long is a loader that died mid-commit
    RETRY = 30.0  # s: a new state that failed to open is tried again after this

    def __init__(self, config: StoreConfig, timeout: float, interval: float = 1.0) -> None:
        self.config = config
        self.timeout = timeout
        self.interval = interval
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._checked = 0.0
        self.refreshes = 0
        self.last_error: str | None = None
        self._odd_since: float | None = None
        self._failed_stamp: Any = None
        self._failed_at = 0.0
        self._neo4j: GraphStore | None = None  # one driver for every Neo4j state
        self._current = self._open()

    # -- the store's own marker of a published state ---------------------------------------------
    def _graph_file(self) -> Path:
        from graph_loader.backends.ladybug_store import DB_FILE

        assert self.config.store_dir is not None
        return Path(self.config.store_dir).expanduser() / DB_FILE

    def _stamp(self, served: Served | None = None) -> Any:
        if self.config.neo4j is not None:
            assert served is not None
            return served.store.publication()  # type: ignore[attr-defined]
        st = self._graph_file().stat()
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)

    def _open(self) -> Served:
        # the marker is read before the state is opened: a publish in between makes the handle
        # newer than its marker (one needless refresh later), never older (a missed one)
        if self.config.neo4j is not None:
            if self._neo4j is None:
                self._neo4j = open_store(self.config, read_only=True, timeout=self.timeout)
            store: GraphStore = self._neo4j
            runner: Any = store  # the driver pools connections; sessions are per statement
            stamp = store.publication()  # type: ignore[attr-defined]
        else:
            stamp = self._stamp()
            store = open_store(self.config, read_only=True, timeout=self.timeout)
            runner = LockedRunner(store)
        try:
            snapshot = Snapshot(runner, cache_reads=True).warm()
            versions = snapshot.versions()
        except BaseException:
            if store is not self._neo4j:
                store.close()
            raise
        return Served(store, runner, snapshot, stamp, time.time(), versions)

    # -- use -------------------------------------------------------------------------------------
    @contextmanager
    def use(self) -> Iterator[Served]:
        """The current state for one request (checking for a new one when the check is due)."""
        self._maybe_refresh()
        with self._lock:
            served = self._current
            served.users += 1
        try:
            yield served
        finally:
            with self._lock:
                served.users -= 1
                close = served.retired and served.users == 0 and not served.closed
                if close:
                    served.closed = True
            if close:
                self._close(served)

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.interval or not self._refreshing.acquire(blocking=False):
            return
        try:
            self._checked = now
            self.refresh()
        finally:
            self._refreshing.release()

    def refresh(self, force: bool = False) -> bool:
        """Replace the served state if the store has published another; True if it did."""
        current = self._current
        try:
            stamp = self._stamp(current)
        except Exception as exc:  # the file is being renamed, the server restarting: next time
            self.last_error = f"checking for a new state: {exc}"
            return False
        now = time.monotonic()
        if isinstance(stamp, int) and stamp % 2:  # a Neo4j commit in progress: not yet ...
            self._odd_since = self._odd_since or now
            if now - self._odd_since < self.STUCK_ODD:  # ... unless its loader died mid-commit
                return False
        else:
            self._odd_since = None
        if not force and stamp == current.stamp:
            return False
        if not force and stamp == self._failed_stamp and now - self._failed_at < self.RETRY:
            return False  # this state failed to open a moment ago: not on every request

        try:
            fresh = self._open()
        except Exception as exc:  # keep serving what we have
            self.last_error = f"opening the new state: {type(exc).__name__}: {exc}"
            self._failed_stamp, self._failed_at = stamp, now
            log.warning("keeping the served graph: %s", self.last_error)
            return False
        with self._lock:
            old, self._current = self._current, fresh
            old.retired = True
            close = old.users == 0 and not old.closed
            if close:
                old.closed = True
        self.refreshes += 1
        self.last_error = None
        log.info("serving a new state of the graph (refresh %d)", self.refreshes)
        if close:
            self._close(old)
        return True

    def _close(self, served: Served) -> None:
        if served.store is not self._neo4j:
            served.store.close()

    def status(self) -> dict[str, Any]:
        served = self._current
        return {
            "backend": served.store.backend,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(served.loaded_at)),
            "refreshes": self.refreshes,
            "last_error": self.last_error,
        }

    def close(self) -> None:
        with self._lock:
            served = self._current
            served.retired = True
        if not served.closed and served.users == 0:
            served.closed = True
            self._close(served)
        if self._neo4j is not None:
            self._neo4j.close()
            self._neo4j = None
