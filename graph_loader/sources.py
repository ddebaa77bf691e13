"""The loaders by source name, and the bundled demo files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graph_loader import civic, ema, fda, hgnc, moalmanac, nyemetoder, oncotree
from graph_loader.backends.base import GraphStore
from graph_loader.files import RawFile, read_file
from graph_loader.framework import LoadReport, Progress, TransformResult, load
from graph_loader.indications import IndicationIndex
from ontology.errors import ConfigError, InputFileError
from queries import drug_index, gene_index, tumour_index
from queries.catalog import run_named

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


def indication_index(store: GraphStore, agency: str = "EMA") -> IndicationIndex:
    """The agency's biomarker indications in the graph, for matching HTA decisions to them."""
    return IndicationIndex.build(
        run_named(store, "approval_index", {"agency": agency}),
        ((r["id"], r["broader_id"]) for r in run_named(store, "alteration_is_a")),
        ((r["code"], r["parent"]) for r in run_named(store, "tumour_is_a")),
    )


def _nyemetoder_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    """One workbook, or a directory of snapshots of it (oldest first by file name)."""
    if isinstance(path, RawFile):
        raws: list[RawFile] = [path]
    elif Path(path).is_dir():
        files = sorted(p for p in Path(path).iterdir()
                       if p.suffix.lower() in (".csv", ".xlsx", ".tsv"))  # fmt: skip
        if not files:
            raise InputFileError(path, "no .xlsx, .csv or .tsv workbook in the directory")
        raws = [read_file(p) for p in files]
    else:
        raws = [read_file(path)]
    if store is None:
        return nyemetoder.transform(raws, version=version)
    return nyemetoder.transform(
        raws, version=version, drugs=drug_index(store), indications=indication_index(store),
        tumour_codes=set(tumour_index(store).codes()),
    )  # fmt: skip


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
        "MOAlmanac referenced JSON directory (statements as evidence; FDA/EMA/Health Canada "
        "indications as approvals, HSE Ireland reimbursement; load OncoTree and HGNC first)",
        moalmanac.META.licence,
    ),
    "ema": Loader(
        "ema",
        _file_reader(ema.transform),
        "EMA medicines list (EPAR export .xlsx, or its rows as TSV/CSV): marketing "
        "authorisations of cancer medicines with conditional/orphan flags and dates",
        ema.META.licence,
    ),
    "fda": Loader(
        "fda",
        _file_reader(fda.transform),
        "FDA compilation of NME and new biologic approvals (CSV): first approvals of cancer "
        "medicines with accelerated-approval and orphan flags",
        fda.META.licence,
    ),
    "nyemetoder": Loader(
        "nyemetoder",
        _nyemetoder_reader,
        "Nye Metoder decision workbook (.xlsx or .csv, Norwegian columns), or a directory of "
        "snapshots of it for the history; load MOAlmanac first so that decisions meet their EMA "
        "indications and Norwegian INN spellings the English ones",
        nyemetoder.META.licence,
    ),
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
