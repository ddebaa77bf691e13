"""The sources by name, and the bundled demo files.

Every source module declares a :class:`graph_loader.framework.Source` (what it reads, what it
needs from the graph, its transform); :func:`transform_file` is the one loop that serves them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from graph_loader import (
    cbioportal,
    civic,
    cohorts,
    ema,
    fda,
    framework,
    hgnc,
    moalmanac,
    nyemetoder,
    oncotree,
    outcomes,
    trials,
)
from graph_loader.backends.base import GraphStore
from graph_loader.files import RawFile
from graph_loader.framework import LoadReport, Progress, Source, TransformResult
from ontology.errors import ConfigError
from queries.snapshot import Snapshot

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        oncotree.SOURCE,
        hgnc.SOURCE,
        civic.SOURCE,
        moalmanac.SOURCE,
        ema.SOURCE,
        fda.SOURCE,
        nyemetoder.SOURCE,
        trials.SOURCE,
        cohorts.SOURCE,
        outcomes.SOURCE,
        cbioportal.SOURCE,
    )  # fmt: skip
}

# Bundled demo data, in load order (reference sources first: CIViC normalises against them).
BUNDLED: dict[str, str] = {
    "oncotree": "oncotree/oncotree_2025_10_03.json",
    "hgnc": "hgnc/hgnc_cancer_genes.tsv",
    "civic": "civic",
    "moalmanac": "moalmanac",
    "ema": "ema/ema_epar_medicines_2025-02-12.tsv",
    "fda": "fda/compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv",
    "nyemetoder": "nyemetoder/nye_metoder_sample.csv",
    "clinicaltrials": "trials",
    "cohorts": "synthetic/impress_cohorts_SYNTHETIC.csv",
    "outcomes": "synthetic/impress_outcomes_SYNTHETIC.csv",
}


def get_loader(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(
            f"no loader named {name!r}; known: {', '.join(sorted(SOURCES))}"
        ) from None


def bundled_path(name: str) -> Path:
    ref = resources.files("graph_loader").joinpath("bundled", BUNDLED[name])
    return Path(str(ref))


REFERENCES = ("oncotree", "hgnc")  # what every other source normalises against


def ensure_schema(store: GraphStore) -> list[str]:
    """Create whatever of the schema a store lacks (a fresh store, or one from an older release)."""
    return store.apply_schema() if store.missing_schema() else []


def init_store(store: GraphStore, references: bool = True) -> tuple[list[str], list[LoadReport]]:
    """The schema, and (unless ``references`` is False) the bundled reference sources a source
    needs to normalise against (OncoTree, the HGNC genes) where the store has none of them yet."""
    done = store.apply_schema()
    reports = []
    if references:
        loaded = {s.name for s in Snapshot(store).sources}
        reports = [load_file(store, name, bundled_path(name)) for name in REFERENCES
                   if name not in loaded]  # fmt: skip
    return done, reports


def transform_file(
    name: str,
    path: str | Path | RawFile,
    version: str | None = None,
    store: GraphStore | None = None,
) -> TransformResult:
    """Read and transform a source; InputFileError on a malformed file (nothing written). The
    store is only read, for what the source needs from the graph (its snapshot)."""
    return framework.merged(_parts(name, path, version, store)())


def _parts(
    name: str, path: str | Path | RawFile, version: str | None, store: GraphStore | None
) -> Callable[[], Iterator[TransformResult]]:
    """How to (re)start a source's transform of a file: its chunks, or its one whole result."""
    source = get_loader(name)
    data = source.read(path)
    graph = Snapshot(store) if store is not None else None
    needs = {k: (get(graph) if graph is not None else None) for k, get in source.needs.items()}
    warnings = [
        f"the store holds no {what}: {source.name}'s {key} were not normalised (run "
        f"`oncograph init`, or `oncograph load {command} FILE`, then load again)"
        for key, what, command in (("genes", "HGNC genes", "hgnc"),
                                   ("tumours", "OncoTree tumour types", "oncotree"))
        if graph is not None and key in needs and not len(needs[key] or ())
    ]  # fmt: skip

    def parts() -> Iterator[TransformResult]:
        chunked = source.chunks
        results = (
            chunked(data, version=version, **needs)
            if chunked is not None
            else iter([source.transform(data, version=version, **needs)])
        )
        for i, result in enumerate(results):
            if i == 0:
                result.warnings[:0] = warnings
            yield result

    return parts


def load_file(
    store: GraphStore,
    name: str,
    path: str | Path | RawFile,
    *,
    version: str | None = None,
    strict: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> LoadReport:
    """Transform a whole source, then write it (see :mod:`graph_loader.framework`); a store
    without the schema gets it first."""
    ensure_schema(store)
    parts = _parts(name, path, version, store)
    return framework.load_chunks(store, parts, strict=strict, batch_size=batch_size,
                                 progress=progress, allow_shrink=allow_shrink)  # fmt: skip


def load_bundled(store: GraphStore, progress: Progress | None = None) -> list[LoadReport]:
    """Load the bundled demo data, in order, into a store with its schema."""
    store.apply_schema()
    return [load_file(store, name, bundled_path(name), progress=progress) for name in BUNDLED]
