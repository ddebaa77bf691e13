"""The loaders by source name, and the bundled demo files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graph_loader import civic, hgnc, moalmanac, nyemetoder, oncotree
from graph_loader.backends.base import GraphStore
from graph_loader.files import RawFile, read_file
from graph_loader.framework import LoadReport, Progress, TransformResult, load
from ontology.errors import ConfigError
from queries import drug_index, gene_index, tumour_index

# (store, path, version) -> TransformResult. The store is read only to build normalisation
# indexes (genes, tumour types) from what is already loaded; nothing is written before load().
Reader = Callable[[GraphStore | None, "str | Path | RawFile", "str | None"], TransformResult]


def _file_reader(transform: Callable[..., TransformResult]) -> Reader:
    def read(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
        raw = path if isinstance(path, RawFile) else read_file(path)
        return transform(raw, version=version)

    return read


def _directory_reader(module: object) -> Reader:
    """A source read from a directory and normalised against the loaded genes and tumour types."""

    def read(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
        if isinstance(path, RawFile):
            raise ConfigError(f"{module.META.name} loads a directory, not one file")  # type: ignore[attr-defined]
        genes = gene_index(store) if store is not None else None
        tumours = tumour_index(store) if store is not None else None
        files = module.read_release(path)  # type: ignore[attr-defined]
        return module.transform(files, version=version, genes=genes, tumours=tumours)  # type: ignore[attr-defined]

    return read


def _nyemetoder_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    raw = path if isinstance(path, RawFile) else read_file(path)
    drugs = drug_index(store) if store is not None else None
    return nyemetoder.transform(raw, version=version, drugs=drugs)


@dataclass(frozen=True)
class Loader:
    name: str
    read: Reader
    description: str
    licence: str


LOADERS: dict[str, Loader] = {
    "oncotree": Loader(
        "oncotree",
        _file_reader(oncotree.transform),
        "OncoTree tumour types and hierarchy (tree JSON, API list JSON or flat TSV)",
        oncotree.META.licence,
    ),
    "hgnc": Loader(
        "hgnc",
        _file_reader(hgnc.transform),
        "HGNC genes with aliases and previous symbols (complete-set TSV, .gz ok)",
        hgnc.META.licence,
    ),
    "civic": Loader(
        "civic",
        _directory_reader(civic),
        "CIViC monthly release directory (evidence, variants, molecular profiles, assertions; "
        "load OncoTree and HGNC first so diseases and genes normalise)",
        civic.META.licence,
    ),
    "moalmanac": Loader(
        "moalmanac",
        _directory_reader(moalmanac),
        "MOAlmanac referenced JSON directory (statements as evidence; load OncoTree and HGNC "
        "first)",
        moalmanac.META.licence,
    ),
    "nyemetoder": Loader(
        "nyemetoder",
        _nyemetoder_reader,
        "Nye Metoder decision workbook (.xlsx or .csv, Norwegian columns; load evidence first so "
        "Norwegian INN spellings meet the English ones)",
        nyemetoder.META.licence,
    ),
}

# Bundled demo data, in load order (reference sources first: CIViC normalises against them).
BUNDLED: dict[str, str] = {
    "oncotree": "oncotree/oncotree_2025_10_03.json",
    "hgnc": "hgnc/hgnc_cancer_genes.tsv",
    "civic": "civic",
    "moalmanac": "moalmanac",
    "nyemetoder": "nyemetoder/nye_metoder_sample.csv",
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
    name: str,
    path: str | Path | RawFile,
    version: str | None = None,
    store: GraphStore | None = None,
) -> TransformResult:
    """Read and transform a source; InputFileError on a malformed file (nothing written)."""
    return get_loader(name).read(store, path, version)


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
    """Transform a whole source, then write it (see :mod:`graph_loader.framework`)."""
    result = transform_file(name, path, version=version, store=store)
    return load(store, result, strict=strict, batch_size=batch_size, progress=progress)
