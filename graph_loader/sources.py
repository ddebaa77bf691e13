"""The loaders by source name, and the bundled demo files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from graph_loader import civic, cohorts, ema, fda, hgnc, moalmanac, nyemetoder, oncotree, trials
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


def _indexes(store: GraphStore | None) -> tuple[Any, Any]:
    if store is None:
        return None, None
    return gene_index(store), tumour_index(store)


def _trials_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    raws = [path] if isinstance(path, RawFile) else trials.read_records(path)
    genes, tumours = _indexes(store)
    return trials.transform(raws, version=version, genes=genes, tumours=tumours)


def _registry_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    raw = path if isinstance(path, RawFile) else read_file(path)
    genes, tumours = _indexes(store)
    return cohorts.transform_registry(raw, version=version, genes=genes, tumours=tumours)


def arm_index(store: GraphStore) -> dict[str, cohorts.ArmRef]:
    arms: dict[str, cohorts.ArmRef] = {}
    for r in run_named(store, "trial_arms"):
        arm = arms.setdefault(r["id"], cohorts.ArmRef(r["id"]))
        arm.therapy_id = arm.therapy_id or r["therapy_id"]
        if r["alteration_id"]:
            arm.alterations.add(r["alteration_id"])
        if r["tumour_code"]:
            arm.tumours.add(r["tumour_code"])
    return arms


def _outcomes_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    raw = path if isinstance(path, RawFile) else read_file(path)
    genes, tumours = _indexes(store)
    arms = arm_index(store) if store is not None else None
    return cohorts.transform_outcomes(raw, version=version, genes=genes, tumours=tumours,
                                      arms=arms)  # fmt: skip


def _cbioportal_reader(store: GraphStore | None, path: str | Path | RawFile, version: str | None):
    raw, timeline = (path, None) if isinstance(path, RawFile) else cohorts.read_study(path)
    study = None if isinstance(path, RawFile) or not Path(path).is_dir() else Path(path).name
    _, tumours = _indexes(store)
    return cohorts.transform_cbioportal(raw, version=version, tumours=tumours, timeline=timeline,
                                        study_name=study)  # fmt: skip


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
    "clinicaltrials": Loader(
        "clinicaltrials",
        _trials_reader,
        "ClinicalTrials.gov records, legacy XML or API v2 JSON (a file or a directory): trials, "
        "arms with their therapy and biomarker, conditions as OncoTree types",
        trials.META.licence,
    ),
    "cohorts": Loader(
        "cohorts",
        _registry_reader,
        "IMPRESS-Norway/DRUP-style cohort registry CSV (docs/cohorts.md): cohorts as trial arms",
        cohorts.REGISTRY_META.licence,
    ),
    "outcomes": Loader(
        "outcomes",
        _outcomes_reader,
        "patient outcome CSV (docs/cohorts.md; pseudonyms only): outcomes per cohort, two-stage "
        "decisions, positive cohorts as evidence; load the registry first",
        cohorts.OUTCOMES_META.licence,
    ),
    "cbioportal": Loader(
        "cbioportal",
        _cbioportal_reader,
        "cBioPortal clinical data file, or a study directory with its treatment timeline "
        "(patients, overall survival, treatment class, OncoTree type; pseudonymous ids only)",
        cohorts.CBIOPORTAL_META.licence,
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
    "clinicaltrials": "trials",
    "cohorts": "synthetic/impress_cohorts_SYNTHETIC.csv",
    "outcomes": "synthetic/impress_outcomes_SYNTHETIC.csv",
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
