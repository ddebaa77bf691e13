"""Illumina TruSight Oncology 500's ``CombinedVariantOutput.tsv`` as a patient file: one sample's
small variants, copy-number calls, splice variants and fusions as :class:`Observed` alterations,
and its TMB and MSI as measurements (with TMB-H and MSI-H as alterations past their thresholds).

The format, as the public parsers and example files show it (reference only, nothing copied):

* a banner (Local App v2.x: ``TruSight Oncology 500 - Combined Variant Output`` and a "Research Use
  Only" line; DRAGEN TSO500: ``DRAGEN TruSight Oncology 500 [v2.6.2 ]Analysis Software - Combined
  Variant Output``), then sections, each a ``[Name]`` line and its lines up to a blank line
  (eastgenomics/TSO500Reporter ``tso500reporter/parser.py``; SACGF/variantgrid
  ``upload/tso500/dragen_combined_variant_output_parser.py``; the real-shaped test files of
  AWGL/TSO500_post_processing ``tests/test_data_*/…CombinedVariantOutput.tsv``, Local App
  ``ruo-2.2.0.12``, and InPreD/tsoppy ``tests/test_data/general_classes/{localapp,dragen}/…/
  sample1_CombinedVariantOutput.tsv``, Local App 2.2.0.12 and DRAGEN 2.6.2.4);
* key/value sections, ``KEY<tab>VALUE``: ``[Analysis Details]`` (``Pair ID``, ``DNA Sample ID``,
  ``RNA Sample ID``; DRAGEN ctDNA ``Sample ID``), ``[Sequencing Run Details]``, ``[TMB]`` (``Total
  TMB``, ``Coding Region Size in Megabases``, ``Number of Passing Eligible Variants``), ``[MSI]``
  (``Usable MSI Sites``, ``Total MSI Sites Unstable``, ``Percent Unstable MSI Sites``; ctDNA
  ``SUM_JSD`` instead, Boehringer-Ingelheim/TSO500R ``R/cvo.R``), ``[GIS]`` (DRAGEN HRD);
* table sections, a column header row then one row per call: ``[Small Variants]`` (``Gene``,
  ``Chromosome``, ``Genomic Position``, ``Reference Call``, ``Alternative Call``, ``Allele
  Frequency``, ``Depth``, ``P-Dot Notation``, ``C-Dot Notation``, ``Consequence(s)``, ``Affected
  Exon(s)``; the same in both), ``[Gene Amplifications]`` (Local App and DRAGEN 2.1: ``Gene``,
  ``Fold Change``) or ``[Copy Number Variants]`` (DRAGEN 2.5/2.6: ``Gene``, ``Fold Change``,
  ``Copy Number Variant`` = ``<DUP>``/``<DEL>``, ``Absolute Copy Number``), ``[Splice Variants]``
  (``Gene``, ``Affected Exon`` = the skipped exons, ``14/21`` or ``2-7`` or blank for a cryptic
  exon, ``Breakpoint 1``, ``Breakpoint 2``, ``Splice Supporting Reads``, ``Reference Reads
  Transcript``), ``[Fusions]`` (ctDNA ``[DNA Fusions]``; ``Gene Pair``, ``Breakpoint 1``,
  ``Breakpoint 2``, ``Fusion Supporting Reads``, ``Gene 1 Reference Reads``, ``Gene 2 Reference
  Reads``), and DRAGEN's ``[Large Rearrangements]`` / ``[Exon-Level CNVs]`` / LOH sections, which
  are listed as not read;
* Local App and DRAGEN 2.1 pad every line with tabs to the widest section (11 cells) and write a
  lone ``NA`` in an empty section; DRAGEN 2.6 pads nothing and leaves an empty table with its
  header only; ``NA`` stands for a missing value (``Total TMB NA`` for an RNA-only sample);
* P-Dot Notation: ``NP_004324.2:p.(Val600Glu)``; a synonymous change in the Local App as
  ``NM_004958.3:c.2997C>T(p.(Asn999=))``; empty for intronic and splice-site variants; a gene pair
  ``EML4-ALK``, ``CD74-ROS1;GOPC`` (overlapping genes at one breakpoint), ``PPARG/AC016683.6;PAX8``
  (Local App) and ``PPARG/AC016683.6-PAX8`` (DRAGEN 2.1, per variantgrid's test-data README).

What is read, and the thresholds (the file carries numbers, no calls, for TMB and MSI):

* small variants: gene and protein change (``p.(Val600Glu)`` -> ``p.Val600Glu``) when the
  consequence changes the protein (``ontology.observed.PROTEIN_CONSEQUENCE``); synonymous,
  ``p.?``, ``p.(=)``, empty, ``NA`` and genes outside the panel are skipped, each with its reason;
* copy number: the file lists only called genes (the caller's cut-off is gene-specific, Illumina's
  DRAGEN TSO500 v2.6 output guide), so a listed gene is an amplification at a fold change above 1
  (or ``<DUP>``) and a deletion below 1 (or ``<DEL>``);
* splice variants: MET exon 14 skipping, EGFR exons 2-7 skipped (EGFRvIII, CIViC's ``EGFR VIII``),
  AR exon 3 to cryptic exon 3 (AR-V7, the GRCh37 junction of variantgrid's test data) and any other
  skipped exons as ``exon N skipping``; a junction without exons keeps its breakpoints as text;
* TMB-H at ``Total TMB`` >= :data:`TMB_HIGH` (10 mut/Mb, the FDA's pembrolizumab TMB-H cut-off);
* MSI-H at ``Percent Unstable MSI Sites`` >= :data:`MSI_HIGH` (20 %), evaluable only with at least
  :data:`MSI_MIN_USABLE_SITES` usable sites (see the constants for the sources).

A malformed file raises :class:`InputFileError` with the file, the line and why: a table section
without its column header row, a row of the wrong number of columns, a value of TMB, MSI or fold
change that is not a number or out of range, a key or a column given twice, a line outside any
section (rows after a stray blank line would be lost), a file with no TSO500 section. Each line
is split once; no regular expression here can backtrack on a long line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph_loader.files import RawFile
from ontology.errors import InputFileError
from ontology.normalise import fusion, normalise_alteration, parse_protein_change
from ontology.observed import PROTEIN_CONSEQUENCE, Observed, hgvsp, observed_alteration

#: mutations per megabase: the FDA's TMB-H threshold for pembrolizumab (KEYNOTE-158, June 2020,
#: FoundationOne CDx), also what MOAlmanac's "TMB-H (>= 10 mutations / Mb)" means
TMB_HIGH = 10.0
#: percent of usable MSI sites that are unstable. The CombinedVariantOutput carries the percentage
#: and no call, and no Illumina page in reach states a TSO500 cut-off; 20 % is what public TSO500
#: reporting code applies. A real-world TSO500/PCR study
#: (Int J Mol Sci 2025;26:7138) proposes >= 13.8 % with a grey zone from 8.7 %: borderline values
#: are shown with the number so the board can weigh them.
MSI_HIGH = 20.0
#: fewer usable sites and the MSI percentage is not a valid score: "Some Illumina panels assess 130
#: homopolymer sites with at least 40 qualified sites required for a valid score" (Illumina, DRAGEN
#: v4.6 "MSI Panel Considerations"; TSO500 assesses 130 sites)
MSI_MIN_USABLE_SITES = 40

KEY_VALUE = frozenset({"Header", "Analysis Details", "Sequencing Run Details", "TMB", "MSI", "GIS"})
SMALL_VARIANTS = "Small Variants"
COPY_NUMBER = frozenset({"Gene Amplifications", "Copy Number Variants"})
SPLICE = "Splice Variants"
FUSIONS = frozenset({"Fusions", "DNA Fusions"})
#: the columns a table section must have (its column header row is the first line after it)
REQUIRED = {
    SMALL_VARIANTS: ("Gene", "P-Dot Notation"),
    "Gene Amplifications": ("Gene", "Fold Change"),
    "Copy Number Variants": ("Gene", "Fold Change"),
    SPLICE: ("Gene", "Affected Exon"),
    "Fusions": ("Gene Pair",),
    "DNA Fusions": ("Gene Pair",),
}
#: a file is a CombinedVariantOutput if it has one of these sections
TSO500_SECTIONS = frozenset({"Analysis Details", "TMB", "MSI", *REQUIRED})
_DETECT = re.compile(r"^\[(?:TMB|MSI|Small Variants|Gene Amplifications|Copy Number Variants|"
                     r"Splice Variants|Fusions|DNA Fusions)\]", re.MULTILINE)  # fmt: skip
MISSING = frozenset({"", "NA", "N/A", "."})
SAMPLE_KEYS = ("Pair ID", "Sample ID", "DNA Sample ID", "RNA Sample ID")
TMB_KEYS = ("Total TMB", "TMB")
# calls of a copy-number column (DRAGEN 2.6 "Copy Number Variant": <DUP>, <DEL>)
CNV_CALL_COLUMNS = ("Copy Number Variant", "CNV Type", "Copy Number Type", "Call", "Type")
CNV_CALLS = {"DUP": "amplification", "AMP": "amplification", "AMPLIFICATION": "amplification",
             "GAIN": "amplification", "DEL": "deletion", "DELETION": "deletion",
             "LOSS": "deletion", "REF": "copy neutral"}  # fmt: skip
# AR-V7: AR exon 3 spliced to cryptic exon 3, GRCh37 (the junction TSO500 reports with no exon)
AR_V7_JUNCTION = ("chrX:66905968", "chrX:66914514")

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?")
_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,39}")
_EXONS = re.compile(r"(\d{1,3})(?: ?- ?(\d{1,3}))?")
_BREAKPOINT = re.compile(r"[A-Za-z0-9_.]{1,30}:\d{1,12}")


@dataclass(frozen=True)
class Tso500Sample:
    """One CombinedVariantOutput: the sample, its alterations (origin ``file:line (section)``),
    its measurements as the board reads them, and every row not taken as an alteration, with why."""

    sample: str
    observed: list[Observed]
    measurements: list[str]
    skipped: list[str]
    software: str = ""  # the banner, and the pipeline version where it is given


@dataclass
class _Section:
    name: str
    line: int
    header: list[str] = field(default_factory=list)
    header_line: int = 0
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    values: dict[str, tuple[int, str]] = field(default_factory=dict)
    unread: int = 0  # rows of a section this reader does not read


def looks_like_tso500(raw: RawFile) -> bool:
    """By name (``…CombinedVariantOutput.tsv``, gzipped too) or content (a ``[TMB]``, ``[MSI]``,
    ``[Small Variants]``, ``[Fusions]`` … line)."""
    name = raw.base_name.lower().removesuffix(".gz")
    if name.endswith("combinedvariantoutput.tsv"):
        return True
    try:
        text = raw.text()
    except InputFileError:
        return False
    return _DETECT.search(text) is not None


def read_tso500(raw: RawFile) -> Tso500Sample:
    """The sample of a CombinedVariantOutput (see the module docstring)."""
    sections, banner = _sections(raw)
    if not any(s.name in TSO500_SECTIONS for s in sections):
        raise InputFileError(raw.name, "no TruSight Oncology 500 section ([Analysis Details], "
                             "[TMB], [MSI], [Small Variants], [Fusions] …): not a "
                             "CombinedVariantOutput.tsv")  # fmt: skip
    reader = _Reader(raw, _sample(raw, sections))
    for s in sections:
        if s.name == SMALL_VARIANTS:
            reader.small_variants(s)
        elif s.name in COPY_NUMBER:
            reader.copy_number(s)
        elif s.name == SPLICE:
            reader.splice_variants(s)
        elif s.name in FUSIONS:
            reader.fusions(s)
        elif s.name == "TMB":
            reader.tmb(s)
        elif s.name == "MSI":
            reader.msi(s)
        elif s.unread:
            reader.skipped.append(f"[{_short(s.name)}] (line {s.line}): {s.unread} row(s) of a "
                                  "section this reader does not read")  # fmt: skip
    version = next((v for s in sections if s.name == "Analysis Details"
                    for k, (_, v) in s.values.items() if k == "Pipeline Version"), "")  # fmt: skip
    software = f"{banner} ({version})" if banner and version not in MISSING else banner
    return Tso500Sample(reader.sample, reader.observed, reader.measurements, reader.skipped,
                        software)  # fmt: skip


# -- the sections ---------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """A line's cells, stripped, without the empty cells that pad it to the widest section."""
    cells = [c.strip() for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_section(cells: list[str]) -> bool:
    return len(cells) == 1 and len(cells[0]) > 2 and cells[0][0] == "[" and cells[0][-1] == "]"


def _sections(raw: RawFile) -> tuple[list[_Section], str]:
    """The file's sections in order, their tables checked row by row, and the banner."""
    sections: list[_Section] = []
    banner = ""
    current: _Section | None = None
    ended = 0  # the blank line that ended the last section
    for number, line in enumerate(raw.lines(), 1):
        cells = _cells(line)
        if not cells:  # a blank line ends a section
            if current is not None:
                _close(raw, current)
                current, ended = None, number
            continue
        if _is_section(cells):
            if current is not None:
                _close(raw, current)
            current = _Section(cells[0][1:-1].strip(), number)
            sections.append(current)
        elif current is None and sections:  # rows after a blank line would be lost silently
            raise InputFileError(raw.name, f"a line outside any section (the blank line {ended} "
                                 f"ended [{_short(sections[-1].name)}]): {_short(line.strip())!r}",
                                 number)  # fmt: skip
        elif current is None:
            banner = banner or _short(cells[0], 200)
        elif current.name in KEY_VALUE:
            _key_value(raw, current, number, cells)
        elif current.name in REQUIRED:
            _table_row(raw, current, number, line, cells)
        elif current.header or cells == ["NA"]:  # a section not read: counted, not checked
            current.unread += cells != ["NA"]
        else:
            current.header = cells
    if current is not None:
        _close(raw, current)
    return sections, banner


def _close(raw: RawFile, section: _Section) -> None:
    if section.name in REQUIRED and not section.header:
        raise InputFileError(raw.name, f"[{section.name}] has no column header row: expected one "
                             f"with {', '.join(REQUIRED[section.name])} on the line after it",
                             section.line)  # fmt: skip


def _key_value(raw: RawFile, section: _Section, number: int, cells: list[str]) -> None:
    if cells == ["NA"]:  # an empty section
        return
    if len(cells) > 2:
        raise InputFileError(raw.name, f"{len(cells)} columns in [{section.name}], expected 2 "
                             "(key, value)", number)  # fmt: skip
    key, value = cells[0], cells[1] if len(cells) > 1 else ""
    if key in section.values:
        raise InputFileError(raw.name, f"[{section.name}] gives {_short(key)!r} twice (first on "
                             f"line {section.values[key][0]})", number)  # fmt: skip
    section.values[key] = (number, value)


def _table_row(raw: RawFile, section: _Section, number: int, line: str, cells: list[str]) -> None:
    if not section.header:
        required = REQUIRED.get(section.name, ())
        missing = [c for c in required if c not in cells]
        if missing:
            raise InputFileError(raw.name, f"[{section.name}] (line {section.line}) has no column "
                                 f"header row: expected one with {', '.join(required)}, got "
                                 f"{_short(line.strip())!r}", number)  # fmt: skip
        named = [c for c in cells if c]
        if len(set(named)) != len(named):
            twice = next(c for i, c in enumerate(named) if c in named[:i])
            raise InputFileError(raw.name, f"[{section.name}] header names the column "
                                 f"{_short(twice)!r} twice", number)  # fmt: skip
        section.header, section.header_line = cells, number
        return
    if cells == ["NA"]:  # an empty section (Local App, DRAGEN 2.1)
        return
    width = len(section.header)
    given = line.split("\t")
    if len(given) < width or len(cells) > width:
        got = len(cells) if len(cells) > width else len(given)
        raise InputFileError(raw.name, f"{got} columns, expected {width} as the [{section.name}] "
                             f"header on line {section.header_line}", number)  # fmt: skip
    values = [c.strip() for c in given[:width]]
    section.rows.append((number, dict(zip(section.header, values, strict=True))))


def _sample(raw: RawFile, sections: list[_Section]) -> str:
    for name in ("Analysis Details", "Header"):
        for s in sections:
            if s.name == name:
                for key in SAMPLE_KEYS:
                    value = s.values.get(key, (0, ""))[1]
                    if value not in MISSING:
                        return value
    stem = raw.base_name.removesuffix(".gz").removesuffix(".tsv")
    return stem.removesuffix("CombinedVariantOutput").rstrip("_-. ") or raw.base_name


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- what each section holds ----------------------------------------------------------------------


class _Reader:
    def __init__(self, raw: RawFile, sample: str) -> None:
        self.raw, self.sample = raw, sample
        self.observed: list[Observed] = []
        self.measurements: list[str] = []
        self.skipped: list[str] = []

    def origin(self, line: int, section: str) -> str:
        return f"{self.raw.base_name}:{line} ({section})"

    def skip(self, line: int, section: str, what: str, why: str) -> None:
        self.skipped.append(f"line {line} ({section}): {_short(what)}: {why}")

    def number(self, value: str, line: int, what: str, most: float = math.inf) -> float | None:
        """A number of the file, at least 0 and at most ``most`` (None for NA or empty);
        anything else refuses the file."""
        if value in MISSING:
            return None
        if len(value) > 40 or not _NUMBER.fullmatch(value):
            raise InputFileError(self.raw.name, f"{what} {_short(value)!r} is not a number", line)
        number = float(value)
        if not math.isfinite(number):
            raise InputFileError(self.raw.name, f"{what} {_short(value)!r} is not a finite number",
                                 line)  # fmt: skip
        if not 0 <= number <= most:
            bound = f"from 0 to {most:g}" if most < math.inf else "of at least 0"
            raise InputFileError(self.raw.name, f"{what} {_short(value)!r} is out of range: "
                                 f"expected a number {bound}", line)  # fmt: skip
        return number

    def gene(self, value: str, line: int, section: str, what: str) -> str | None:
        if value in MISSING:
            self.skip(line, section, what, "no gene (outside the genes TSO500 reports)")
            return None
        if not _SYMBOL.fullmatch(value):
            self.skip(line, section, what, f"{_short(value)!r} is not a gene symbol")
            return None
        return value.upper()

    def add(self, observed: Observed) -> None:
        self.observed.append(observed)

    # -- small variants

    def small_variants(self, s: _Section) -> None:
        for line, row in s.rows:
            pdot = row.get("P-Dot Notation", "")
            consequence = row.get("Consequence(s)", row.get("Consequence", ""))
            where = ":".join(x for x in (row.get("Chromosome", ""), row.get("Genomic Position", ""))
                             if x) or "a variant"  # fmt: skip
            what = " ".join(x for x in (row.get("Gene", ""), pdot or row.get("C-Dot Notation", ""))
                            if x) or where  # fmt: skip
            gene = self.gene(row.get("Gene", ""), line, s.name, what)
            if gene is None:
                continue
            if consequence and not PROTEIN_CONSEQUENCE.search(consequence):
                self.skip(line, s.name, what, f"{_short(consequence)} does not change the protein")
                continue
            text, why = _protein(pdot)
            if text is None:
                self.skip(line, s.name, what, why)
                continue
            self.add(observed_alteration(gene, text, self.origin(line, s.name), self.sample))

    # -- copy number

    def copy_number(self, s: _Section) -> None:
        call_column = next((c for c in CNV_CALL_COLUMNS if c in s.header), None)
        for line, row in s.rows:
            what = " ".join(x for x in (row.get("Gene", ""), row.get("Fold Change", "")) if x)
            gene = self.gene(row.get("Gene", ""), line, s.name, what or "a copy-number row")
            fold = self.number(row.get("Fold Change", ""), line, "fold change")
            if gene is None:
                continue
            called = row.get(call_column, "") if call_column else ""
            call = CNV_CALLS.get(called.strip("<>").upper())
            if call is None and fold is not None:
                call = ("amplification" if fold > 1 else "deletion" if fold < 1
                        else "copy neutral")  # fmt: skip
            if call is None or call == "copy neutral":
                why = "no fold change and no call" if call is None else "no copy change"
                self.skip(line, s.name, what, why)
                continue
            self.add(observed_alteration(gene, call, self.origin(line, s.name), self.sample))
            said = f" ({called})" if called and called.upper() not in MISSING else ""
            fc = f"fold change {row.get('Fold Change')}" if fold is not None else "no fold change"
            self.measurements.append(f"{gene} {call}: {fc}{said} (TSO500 [{s.name}])")

    # -- splice variants

    def splice_variants(self, s: _Section) -> None:
        for line, row in s.rows:
            affected = row.get("Affected Exon", "")
            what = " ".join(x for x in (row.get("Gene", ""), affected) if x) or "a splice variant"
            gene = self.gene(row.get("Gene", ""), line, s.name, what)
            if gene is None:
                continue
            text, concept_text = _splice(gene, affected, row.get("Breakpoint 1", ""),
                                         row.get("Breakpoint 2", ""))  # fmt: skip
            self.add(Observed(gene, text, normalise_alteration(gene, concept_text),
                              self.origin(line, s.name), self.sample))  # fmt: skip

    # -- fusions

    def fusions(self, s: _Section) -> None:
        for line, row in s.rows:
            pair = row.get("Gene Pair", "")
            if pair in MISSING:
                self.skip(line, s.name, pair or "a fusion", "no gene pair")
                continue
            partners = _fusion_partners(pair)
            if isinstance(partners, str):
                self.skip(line, s.name, pair, partners)
                continue
            five, three = partners
            self.add(Observed(None, pair, fusion(five, three, pair), self.origin(line, s.name),
                              self.sample))  # fmt: skip

    # -- TMB and MSI

    def tmb(self, s: _Section) -> None:
        key = next((k for k in TMB_KEYS if k in s.values), None)
        if key is None:
            self.measurements.append(f"TMB not given ([TMB] on line {s.line} has no Total TMB)")
            return
        line, written = s.values[key]
        value = self.number(written, line, key)
        if value is None:
            self.measurements.append(f"TMB not evaluable ({key} {written or 'empty'})")
            return
        self.measurements.append(f"TMB {written} mut/Mb (TSO500, >= {TMB_HIGH:g} is TMB-H)")
        if value >= TMB_HIGH:
            self.add(Observed(None, "TMB-H", normalise_alteration(None, "TMB-H"),
                              self.origin(line, s.name), self.sample))  # fmt: skip

    def msi(self, s: _Section) -> None:
        usable_at, usable_text = s.values.get("Usable MSI Sites", (0, ""))
        usable = self.number(usable_text, usable_at, "Usable MSI Sites")
        if "Percent Unstable MSI Sites" not in s.values:
            if "SUM_JSD" in s.values:  # DRAGEN TSO500 ctDNA: a Jensen-Shannon sum, no percentage
                jsd_at, jsd = s.values["SUM_JSD"]
                self.number(jsd, jsd_at, "SUM_JSD")
                self.measurements.append(f"MSI SUM_JSD {jsd} (TSO500 ctDNA; not called MSI-H: "
                                         "that needs a percent of unstable sites)")  # fmt: skip
            else:
                self.measurements.append(f"MSI not given ([MSI] on line {s.line} has no Percent "
                                         "Unstable MSI Sites)")  # fmt: skip
            return
        line, written = s.values["Percent Unstable MSI Sites"]
        percent = self.number(written, line, "Percent Unstable MSI Sites", most=100)
        if percent is None:
            self.measurements.append(f"MSI not evaluable (Percent Unstable MSI Sites "
                                     f"{written or 'empty'})")  # fmt: skip
            return
        if usable is not None and usable < MSI_MIN_USABLE_SITES:
            self.measurements.append(f"MSI not evaluable: {usable_text} usable MSI sites, fewer "
                                     f"than the {MSI_MIN_USABLE_SITES} a valid score needs "
                                     f"({written} % unstable)")  # fmt: skip
            return
        of = f" of {usable_text} usable sites" if usable is not None else ""
        self.measurements.append(f"MSI {written} % unstable{of} (TSO500, >= {MSI_HIGH:g} % is "
                                 "MSI-H)")  # fmt: skip
        if percent >= MSI_HIGH:
            self.add(Observed(None, "MSI-H", normalise_alteration(None, "MSI-H"),
                              self.origin(line, s.name), self.sample))  # fmt: skip


# -- the values -----------------------------------------------------------------------------------


def _protein(pdot: str) -> tuple[str | None, str]:
    """``NP_004324.2:p.(Val600Glu)`` -> ``p.Val600Glu``, or None and why it is no alteration."""
    if pdot in MISSING:
        return None, "no protein change given (P-Dot Notation empty)"
    found = hgvsp(pdot)
    if found is None:
        if "p.?" in pdot or "p.(?)" in pdot:
            return None, "protein change unknown (p.?)"
        if "=" in pdot:
            return None, "synonymous (no protein change)"
        return None, "no protein change read from the P-Dot Notation"
    inner = found[2:].strip("()")
    change = parse_protein_change("p." + inner)
    if change is None or change.notation.endswith("="):
        return None, "synonymous (no protein change)"
    return "p." + inner, ""


def _splice(gene: str, affected: str, bp1: str, bp2: str) -> tuple[str, str]:
    """The text shown for a splice variant and the text it is normalised from."""
    exons = affected.split("/", 1)[0].strip()
    m = _EXONS.fullmatch(exons) if exons not in MISSING else None
    first, last = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
    if gene == "MET" and (first, last) == (14, 14):
        return "exon 14 skipping", "exon 14 skipping"
    if gene == "EGFR" and (first, last) == (2, 7):
        return "vIII (exons 2-7 skipped)", "VIII"  # CIViC's EGFR VIII
    if gene == "AR" and not m and (bp1, bp2) == AR_V7_JUNCTION:
        return "AR-V7 (exon 3 to cryptic exon 3)", "AR-V7"
    if m:
        span = f"{first}" if first == last else f"{first}-{last}"
        return f"exon {span} skipping", f"exon {span} skipping"
    ends = [b for b in (bp1, bp2) if _BREAKPOINT.fullmatch(b)]
    text = f"splice variant {' to '.join(ends)}" if len(ends) == 2 else "splice variant"
    return text, text


def _fusion_partners(pair: str) -> tuple[str, str | None] | str:
    """The 5' and 3' genes of a gene pair, or why it cannot be read. ``EML4-ALK``, ``EML4::ALK``,
    ``EML4 -- ALK``; a side may list overlapping genes (``ROS1;GOPC``, ``PPARG/AC016683.6``: the
    first is taken); without ``-`` a ``;`` or ``/`` separates the two (``PPARG/AC016683.6;PAX8``,
    direction as written)."""
    if len(pair) > 200:
        return "not a gene pair (over 200 characters)"
    text = pair.strip()
    sides: list[tuple[str, str]] = []
    for separator in ("::", "--"):
        if separator in text:
            parts = text.split(separator)
            if len(parts) == 2:
                sides = [(parts[0], parts[1])]
            break
    else:
        if "-" in text:
            if text.count("-") > 6:
                return "not a gene pair (too many '-')"
            sides = [(text[:i], text[i + 1 :]) for i in _positions(text, "-")]
        elif ";" in text or "/" in text:
            separator = ";" if ";" in text else "/"
            parts = text.split(separator, 1)
            sides = [(parts[0], parts[1])]
        elif _SYMBOL.fullmatch(text):  # one partner named: that gene's fusion class
            return text.upper(), None
    found = {(a, b) for left, right in sides
             if (a := _first_gene(left)) and (b := _first_gene(right))}  # fmt: skip
    if len(found) == 1:
        five, three = found.pop()
        return five, three
    if found:
        return "ambiguous gene pair (several ways to split it at '-'); give it as GENE1::GENE2"
    return "not read as two gene symbols"


def _positions(text: str, char: str) -> Iterator[int]:
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _first_gene(side: str) -> str | None:
    first = side.replace("/", ";").split(";", 1)[0].strip()
    return first.upper() if _SYMBOL.fullmatch(first) else None


__all__ = ["MSI_HIGH", "MSI_MIN_USABLE_SITES", "TMB_HIGH", "Tso500Sample", "looks_like_tso500",
           "read_tso500"]  # fmt: skip
