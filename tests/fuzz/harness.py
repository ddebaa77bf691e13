"""The readers under fuzz and the properties every one of them must keep.

A :class:`Reader` names the seeds it is fuzzed from, the kind of mutation that fits them and how
one (mutated) file is read: through ``graph_loader.sources.transform_file`` for a single-file
source, through the source's ``transform`` with the other files of its release left good for a
directory source (CIViC, MOAlmanac, a cBioPortal study), or through the patient-file functions.
:func:`check` runs one input and asserts the properties (see ``docs/fuzzing.md``):

1. nothing but :class:`ontology.errors.InputFileError` escapes;
2. an InputFileError names the file and says why, and where the format has lines it carries a
   line inside the file (whole-file reasons, listed in :data:`WHOLE_FILE`, excepted);
3. a transform result's rejected rows each carry the file, a reason and, in a format with lines,
   a line inside the file; what the result holds can be written (every node has its required
   properties, every relationship is in the metagraph);
4. a patient reader's alterations each say the file and line they came from, and that line holds
   what was read;
5. the reader returns within :data:`TIME_LIMIT` seconds.
"""

from __future__ import annotations

import functools
import gzip
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_loader import cbioportal, civic, moalmanac, patient, tso500
from graph_loader.files import RawFile, read_file
from graph_loader.framework import TransformResult, node_row
from graph_loader.sources import transform_file
from ontology.errors import InputFileError
from ontology.metagraph import PATTERNS
from ontology.observed import Observed

CORPUS = Path(__file__).parent / "corpus"
REGRESSIONS = CORPUS / "regressions"
TIME_LIMIT = 60  # seconds for one input; a normal one takes well under one

# InputFileError reasons about a whole file, which need no line even in a format with lines
WHOLE_FILE = re.compile(
    r"^(broken gzip data|not a readable \.xlsx workbook|no header row with|cannot tell the "
    r"(HGNC|CIViC|OncoTree) release|the file is empty|JSON nested too deeply|unreadable JSON "
    r"value|empty JSON object|expected a JSON object|no TruSight Oncology 500 section)"
)


class ReaderTimeout(Exception):
    """A reader ran past :data:`TIME_LIMIT` (it may never have returned)."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise ReaderTimeout(f"the reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Reader:
    id: str  # "civic/evidence": the test id and the regressions folder (with "-" for "/")
    kind: str  # the mutations that fit: table, lines, json, xml, xlsx
    seeds: tuple[str, ...]  # corpus paths
    read: Callable[[RawFile], Any]  # one (mutated) file -> a TransformResult or observations
    weight: float = 1.0  # share of the profile's examples

    @property
    def folder(self) -> str:
        return self.id.replace("/", "-")

    def regressions(self, root: Path = REGRESSIONS) -> list[Path]:
        """The reader's regression seeds (one per bug found), or under ``known/`` the inputs of
        bugs still open."""
        folder = root / self.folder
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def seed_paths(self) -> list[Path]:
        return [CORPUS / s for s in self.seeds] + self.regressions()

    def seed_bytes(self, path: Path) -> bytes:
        """A seed's bytes; a regression seed too large to keep plain is kept gzipped
        (``….csv.gz``) and is unpacked here, unless the reader reads gzip itself."""
        data = path.read_bytes()
        reads_gzip = any(s.endswith(".gz") for s in self.seeds)
        if path.suffix == ".gz" and not reads_gzip:
            return gzip.decompress(data)
        return data

    def seed_name(self, path: Path) -> str:
        """The name the reader is given: a gzipped regression seed's without ``.gz``."""
        data_is_packed = path.suffix == ".gz" and not any(s.endswith(".gz") for s in self.seeds)
        return str(path.with_suffix("")) if data_is_packed else str(path)


def _source(name: str) -> Callable[[RawFile], Any]:
    """A single-file source given the bytes (as ``load_file`` may be; ``hgnc/gzip`` and
    ``patient/file`` go through a real file and ``read_file``)."""
    return lambda raw: transform_file(name, raw)


def _through_file(read: Callable[[Path], Any]) -> Callable[[RawFile], Any]:
    """Read from a real file of the seed's name (to go through read_file: gzip, the suffix)."""

    def run(raw: RawFile) -> Any:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / raw.base_name
            path.write_bytes(raw.data)
            return read(path)

    return run


@functools.cache
def _release(source: str) -> dict[str, RawFile]:
    if source == "civic":
        return civic.read_release(CORPUS / "civic" / "2025-07-01")
    return moalmanac.read_release(CORPUS / "moalmanac")


def _in_release(source: str, role: str) -> Callable[[RawFile], Any]:
    """One file of a release replaced; read as a release's files are (``read_file``: a file
    that starts like gzip is un-gzipped)."""
    module = civic if source == "civic" else moalmanac
    return _through_file(lambda path: module.transform(_release(source) | {role: read_file(path)}))


CBIO_STUDY = CORPUS / "cbioportal" / "tcga_luad_cbioportal"


def _timeline(path: Path) -> Any:
    clinical = read_file(CBIO_STUDY / "data_clinical.txt")
    study = cbioportal.Study(clinical, read_file(path), "tcga_luad_cbioportal")
    return cbioportal.transform(study)


CIVIC = "civic/2025-07-01/01-Jul-2025-"
READERS: tuple[Reader, ...] = (
    Reader("civic/evidence", "table", (f"{CIVIC}ClinicalEvidenceSummaries.tsv",),
           _in_release("civic", "evidence"), 1.5),
    Reader("civic/variants", "table", (f"{CIVIC}VariantSummaries.tsv",),
           _in_release("civic", "variants")),
    Reader("civic/profiles", "table", (f"{CIVIC}MolecularProfileSummaries.tsv",),
           _in_release("civic", "profiles")),
    Reader("civic/assertions", "table", (f"{CIVIC}AssertionSummaries.tsv",),
           _in_release("civic", "assertions")),
    *(Reader(f"moalmanac/{role}", "json", (f"moalmanac/{role}.json",),
             _in_release("moalmanac", role), 1.5 if role in ("statements", "indications") else 0.7)
      for role in ("statements", "propositions", "biomarkers", "diseases", "therapies",
                   "therapy_groups", "documents", "indications", "about")),
    Reader("clinicaltrials/xml", "xml", ("trials/NCT01339988.xml", "trials/NCT02465060_cut.xml"),
           _source("clinicaltrials"), 1.5),
    Reader("clinicaltrials/json", "json", ("trials/NCT00973089.json",),
           _source("clinicaltrials"), 1.5),
    Reader("nyemetoder/csv", "table", ("nyemetoder/nye_metoder.csv",), _source("nyemetoder")),
    Reader("nyemetoder/xlsx", "xlsx", ("nyemetoder/beslutninger_1900.xlsx",),
           _source("nyemetoder"), 1.5),
    Reader("ema/tsv", "table", ("ema/ema_epar_medicines_2025-02-12.tsv",), _source("ema")),
    Reader("ema/xlsx", "xlsx", ("ema/ema_medicines_output_2025-02-12.xlsx",), _source("ema")),
    Reader("fda/csv", "table",
           ("fda/compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv",), _source("fda")),
    Reader("hgnc/tsv", "table", ("hgnc/hgnc_small.tsv",), _source("hgnc")),
    Reader("hgnc/gzip", "lines", ("hgnc/hgnc_small.tsv.gz",),
           _through_file(lambda p: transform_file("hgnc", p)), 0.5),
    Reader("oncotree/tree", "json", ("oncotree/oncotree_2025_10_03_small.json",),
           _source("oncotree")),
    Reader("oncotree/list", "json", ("oncotree/oncotree_2025_10_03_list.json",),
           _source("oncotree")),
    Reader("oncotree/tsv", "table", ("oncotree/oncotree_2025_10_03_small.tsv",),
           _source("oncotree")),
    Reader("patient/maf", "table", ("patient/patient.maf",), patient.parse_maf),
    Reader("patient/vcf", "lines", ("patient/patient_vep.vcf", "patient/patient_snpeff.vcf"),
           patient.parse_vcf, 1.5),
    Reader("patient/fusions", "lines", ("patient/fusions.txt",), patient.parse_fusions, 0.5),
    Reader("patient/copy-number", "lines", ("patient/copy_number.txt",),
           patient.parse_copy_number, 0.5),
    Reader("patient/list", "lines", ("patient/patient_list.txt",), patient.parse_list_file, 0.5),
    Reader("patient/file", "lines",
           ("patient/patient.maf", "patient/patient.maf.gz", "patient/patient_vep.vcf",
            "patient/patient_list.txt", "patient/NSCLC-01_CombinedVariantOutput.tsv"),
           _through_file(patient.read_patient_file)),
    Reader("cohorts/csv", "table", ("registry/impress_cohorts_SYNTHETIC.csv",),
           _source("cohorts")),
    Reader("outcomes/csv", "table", ("registry/impress_outcomes_SYNTHETIC.csv",),
           _source("outcomes")),
    Reader("cbioportal/clinical", "table", ("cbioportal/tmb_mskcc_2018_clinical_data.tsv",),
           _source("cbioportal")),
    Reader("cbioportal/timeline", "table",
           ("cbioportal/tcga_luad_cbioportal/data_timeline_treatment.txt",),
           _through_file(_timeline)),
    Reader("patient/tso500", "table",
           tuple(f"patient/{s}_CombinedVariantOutput.tsv"
                 for s in ("NSCLC-01", "CRC-02", "PAIR-03")),
           lambda raw: tso500.read_tso500(raw).observed, 1.5),
)  # fmt: skip
BY_ID = {r.id: r for r in READERS}


KNOWN = CORPUS / "known"


@dataclass(frozen=True)
class KnownBug:
    """A bug the fuzzer found in a file this work may not change (see docs/fuzzing.md): inputs
    that meet it are counted as known, not failed, and ``test_regressions`` keeps a strict xfail
    on its seed, which passes (and so fails the suite) once the bug is fixed."""

    name: str
    where: str  # the file the bug is in
    readers: tuple[str, ...]  # reader id prefixes it shows through
    exception: type[BaseException]
    message: str  # a regular expression the message matches

    def matches(self, reader: Reader, exc: BaseException) -> bool:
        return (reader.id.startswith(self.readers) and isinstance(exc, self.exception)
                and re.search(self.message, str(exc)) is not None)  # fmt: skip


KNOWN_BUGS: tuple[KnownBug, ...] = ()  # both found so far are fixed (docs/fuzzing.md)


def known_bug(reader: Reader, exc: BaseException) -> KnownBug | None:
    return next((k for k in KNOWN_BUGS if k.matches(reader, exc)), None)


# -- the properties ------------------------------------------------------------------------------


def content(data: bytes) -> bytes | None:
    """The bytes a reader parses: a gzip stream undone (None if it is broken)."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except Exception:
            return None
    return data


def is_workbook(data: bytes) -> bool:
    return (content(data) or b"")[:2] == b"PK"


@dataclass(frozen=True)
class Lines:
    """A text file's lines under the two numberings a reader may defensibly use: a lone \\r
    ending a line (as csv and Python's universal newlines count) or not (only \\n does). A line
    number must be a line under one of them; \\x0c, \\x85 or \\u2028 end a line under neither
    (``str.splitlines`` breaks at them: a reader using it misnumbers every later line)."""

    universal: list[str]
    unix: list[str]

    def __len__(self) -> int:
        return max(len(self.universal), len(self.unix))

    def holds(self, number: int, text: str) -> bool:
        """Whether line ``number`` holds ``text`` (case and CSV quotes aside), under either."""
        text = text.replace('"', "").lower()
        return any(number <= len(ls) and text in ls[number - 1].replace('"', "").lower()
                   for ls in (self.universal, self.unix))  # fmt: skip

    def line(self, number: int) -> str:
        return (self.universal + [""] * number)[number - 1]


def file_lines(data: bytes) -> Lines | None:
    """The file's lines, or None for a file that has no lines (a workbook, something that is not
    UTF-8 text)."""
    inner = content(data)
    if inner is None or inner[:2] == b"PK":
        return None
    try:
        text = inner.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    return Lines(re.split(r"\r\n|\r|\n", text), text.split("\n"))


def _same_file(named: str, raw: RawFile) -> bool:
    return Path(str(named)).name == raw.base_name


def check_error(reader: Reader, raw: RawFile, exc: InputFileError) -> None:
    assert _same_file(exc.path, raw), f"the error names {exc.path!r}, not {raw.name!r}: {exc}"
    assert isinstance(exc.reason, str) and exc.reason.strip(), f"no reason given: {exc!r}"
    assert str(exc).startswith(exc.path), f"the message does not start with the file: {exc}"
    lines = file_lines(raw.data)
    if exc.line is None:
        if lines is not None and reader.kind in ("table", "lines"):
            assert WHOLE_FILE.match(exc.reason), f"no line for an error in a file of lines: {exc}"
        return
    assert isinstance(exc.line, int) and exc.line >= 1, f"line {exc.line!r}: {exc}"
    if lines is not None:
        assert exc.line <= len(lines), f"line {exc.line} of a {len(lines)}-line file: {exc}"


def check_result(reader: Reader, raw: RawFile, result: TransformResult) -> None:
    assert isinstance(result, TransformResult), type(result)
    lines = file_lines(raw.data)
    for r in result.rejections:
        assert isinstance(r.reason, str) and r.reason.strip(), f"a rejection without a reason: {r}"
        if not _same_file(r.file, raw):  # a row of another file of the release, now dangling
            assert r.line is not None or r.detail.strip(), f"a rejection that says not which: {r}"
            continue  # (MOAlmanac: a statement whose proposition the fuzzed file lost)
        if reader.kind in ("table", "lines", "xlsx"):
            assert isinstance(r.line, int) and r.line >= 1, f"a rejected row without a line: {r}"
            if lines is not None:
                assert r.line <= len(lines), f"line {r.line} of a {len(lines)}-line file: {r}"
        else:  # a JSON item or a record: no line, but it must say which
            assert r.line is not None or r.detail.strip(), f"a rejection that says not which: {r}"
    assert result.source.version, "a result without a version"
    for node in result.nodes:
        node_row(node, result.source, "fuzz")  # LoadError: a node lacks a required property
    for rel in result.rels:
        pair = (rel.from_label, rel.to_label)
        assert pair in PATTERNS[rel.type], f"({pair[0]})-[:{rel.type}]->({pair[1]}) not allowed"


_ORIGIN = re.compile(r"^(?P<file>.+):(?P<line>\d+)(?: \((?P<how>CSQ|ANN|[A-Z][A-Za-z -]*)\))?$")
# TSO500 sections (origin "file:line (section)") whose alteration is a call the line does not
# spell: the line holds the gene (a fold change, a skipped exon) or the measure's key (TMB, MSI)
TSO500_CALLED = frozenset({"Gene Amplifications", "Copy Number Variants", "Splice Variants"})
TSO500_MEASURED = frozenset({"TMB", "MSI"})


def check_observed(raw: RawFile, observed: list[Observed]) -> None:
    lines = file_lines(raw.data)
    for o in observed:
        assert isinstance(o, Observed), type(o)
        assert o.concept is not None and o.concept.id, f"an alteration without a concept: {o}"
        m = _ORIGIN.match(o.origin)
        if m is None:  # a list: "patient_list.txt item 3"
            assert o.origin.startswith(raw.base_name), f"origin {o.origin!r} names no file"
            continue
        assert m["file"] == raw.base_name, f"origin {o.origin!r}, file {raw.base_name}"
        number = int(m["line"])
        if lines is None:  # a workbook (every table reader reads .xlsx too): a row number
            assert is_workbook(raw.data) and number >= 1, f"origin {o.origin!r} of no line"
            continue
        assert 1 <= number <= len(lines), f"origin {o.origin!r} out of the file"
        said = o.text if o.gene is None else o.text.removeprefix("p.")
        if m["how"] in TSO500_MEASURED:
            said = m["how"]
        elif m["how"] in TSO500_CALLED:
            said = str(o.gene)
        assert lines.holds(number, said) or lines.holds(number, said.replace("=", "%3D")), (
            f"origin {o.origin!r} points to a line without {said!r}: {lines.line(number)[:200]!r}"
        )


def check(reader: Reader, name: str, data: bytes, *, known: bool = True) -> str:
    """Read one input and assert the properties: 'refused', 'read', or (unless ``known`` is
    False) 'known' for an input that meets one of :data:`KNOWN_BUGS`."""
    try:
        return _check(reader, RawFile(name, data))
    except Exception as exc:
        if known and known_bug(reader, exc):
            return "known"
        raise


def _check(reader: Reader, raw: RawFile) -> str:
    try:
        with time_limit(TIME_LIMIT):
            out = reader.read(raw)
    except InputFileError as exc:
        check_error(reader, raw, exc)
        return "refused"
    if isinstance(out, TransformResult):
        check_result(reader, raw, out)
    elif isinstance(out, dict):  # read_patient_file: by sample
        for items in out.values():
            check_observed(raw, items)
    else:
        check_observed(raw, out)
    return "read"
