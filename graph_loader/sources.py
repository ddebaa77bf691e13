"""The loaders by source name, and the bundled demo files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graph_loader import hgnc, oncotree
from graph_loader.backends.base import GraphStore
from graph_loader.files import RawFile, read_file
from graph_loader.framework import LoadReport, Progress, TransformResult, load
from ontology.errors import ConfigError

Transform = Callable[..., TransformResult]


@dataclass(frozen=True)
class Loader:
    name: str
    transform: Transform
    description: str
    licence: str


LOADERS: dict[str, Loader] = {
    "oncotree": Loader(
        "oncotree",
        oncotree.transform,
        "OncoTree tumour types and hierarchy (tree JSON, API list JSON or flat TSV)",
        oncotree.META.licence,
    ),
    "hgnc": Loader(
        "hgnc",
        hgnc.transform,
        "HGNC genes with aliases and previous symbols (complete-set TSV, .gz ok)",
        hgnc.META.licence,
    ),
}

# Bundled demo files, in load order.
BUNDLED: dict[str, str] = {
    "oncotree": "oncotree/oncotree_2025_10_03.json",
    "hgnc": "hgnc/hgnc_cancer_genes.tsv",
}


def get_loader(name: str) -> Loader:
    try:
        return LOADERS[name]
    except KeyError:
        raise ConfigError(
            f"no loader named {name!r}; known: {', '.join(sorted(LOADERS))}"
        ) from None


def bundled_path(name: str) -> Path:
    ref = resources.files("graph_loader").joinpath("bundled", BUNDLED[name])
    return Path(str(ref))


def transform_file(
    name: str, path: str | Path | RawFile, version: str | None = None
) -> TransformResult:
    """Read and transform a file; raises InputFileError on a malformed file (nothing written)."""
    raw = path if isinstance(path, RawFile) else read_file(path)
    return get_loader(name).transform(raw, version=version)


def load_file(
    store: GraphStore,
    name: str,
    path: str | Path | RawFile,
    *,
    version: str | None = None,
    strict: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> LoadReport:
    """Transform a whole file, then write it (see :mod:`graph_loader.framework`)."""
    result = transform_file(name, path, version=version)
    return load(store, result, strict=strict, batch_size=batch_size, progress=progress)
