"""Nothing is written on a rejected file: for each source that ``graph_loader.sources.load_file``
loads, a good seed is loaded into an embedded store, then a few mutated files that the reader
refuses (InputFileError) are loaded after it; every one of them must fail with InputFileError and
leave the graph exactly as it was (every node's and relationship's properties, the Source node
and its run id included). A store load is slow, so each source gets a handful of examples."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings

from graph_loader.files import RawFile
from graph_loader.sources import bundled_path, load_file
from ontology.errors import InputFileError
from tests.conftest import snapshot

from .harness import BY_ID, CORPUS, check
from .profiles import STORE_EXAMPLES
from .test_readers import _inputs

# the source, the reader whose mutations feed it, and its good seed as load_file takes it (a
# release directory for CIViC and MOAlmanac, whose mutated file replaces its namesake in a copy)
PATHS = {
    "oncotree": ("oncotree/tsv", "oncotree/oncotree_2025_10_03_small.tsv"),
    "hgnc": ("hgnc/tsv", "hgnc/hgnc_small.tsv"),
    "civic": ("civic/evidence", "civic/2025-07-01"),
    "moalmanac": ("moalmanac/statements", "moalmanac"),
    "ema": ("ema/xlsx", "ema/ema_medicines_output_2025-02-12.xlsx"),
    "fda": ("fda/csv", "fda/compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv"),
    "nyemetoder": ("nyemetoder/csv", "nyemetoder/nye_metoder.csv"),
    "clinicaltrials": ("clinicaltrials/xml", "trials/NCT02465060_cut.xml"),
    "cohorts": ("cohorts/csv", "registry/impress_cohorts_SYNTHETIC.csv"),
    "outcomes": ("outcomes/csv", "registry/impress_outcomes_SYNTHETIC.csv"),
    "cbioportal": ("cbioportal/clinical", "cbioportal/tmb_mskcc_2018_clinical_data.tsv"),
}


def _as_loaded(good: Path, role: str, name: str, data: bytes, tmp: Path) -> Path | RawFile:
    """What load_file is given for one mutated file: the bytes, or a copy of the release
    directory with the file of the mutated role (``statements.json``) replaced."""
    if not good.is_dir():
        return RawFile(name, data)
    release = tmp / good.name
    shutil.copytree(good, release)
    (release / role).write_bytes(data)
    return release


@pytest.mark.parametrize("source", sorted(PATHS))
def test_a_refused_file_leaves_the_graph_as_it_was(source: str, ladybug_store) -> None:
    reader_id, seed = PATHS[source]
    reader, good = BY_ID[reader_id], CORPUS / seed
    if source in ("cohorts", "outcomes"):  # what their rows name, so that the seed loads whole
        load_file(ladybug_store, "oncotree", bundled_path("oncotree"))
    if source == "outcomes":
        load_file(ladybug_store, "cohorts", CORPUS / "registry/impress_cohorts_SYNTHETIC.csv")
    report = load_file(ladybug_store, source, good)
    assert report.status == "complete" and not report.rejected, report.render()
    assert sum(report.nodes_written.values()) > 0
    before = snapshot(ladybug_store)

    role = Path(reader.seeds[0]).name

    @settings(max_examples=STORE_EXAMPLES)
    @given(_inputs(reader))
    def refused(case: tuple[str, bytes]) -> None:
        name, data = case
        assume(check(reader, name, data) == "refused")  # the reader refuses it (cheap)
        with tempfile.TemporaryDirectory() as tmp, pytest.raises(InputFileError):
            load_file(ladybug_store, source, _as_loaded(good, role, name, data, Path(tmp)))
        assert snapshot(ladybug_store) == before

    refused()
