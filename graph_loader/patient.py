"""A patient's alterations as the tumour board receives them: a simple list, a MAF file, a VCF
annotated by VEP (``CSQ``) or SnpEff (``ANN``), an Illumina TruSight Oncology 500
``CombinedVariantOutput.tsv`` (read by :mod:`graph_loader.tso500`), and fusion and copy-number
lists. Every patient file the project reads is read here (the CLI's ``report`` and ``annotate``; a
web upload).

Every reader returns :class:`Observed` alterations, normalised to the graph's concepts, with
where each came from (file and line), so the same patient given as a list, a MAF, a VCF or a TSO500
file yields the same alterations. A MAF or VCF may hold several samples: :func:`read_patient_file`
groups by sample (``Tumor_Sample_Barcode``; a VCF's sample columns); a TSO500 file is one sample
(its ``Pair ID``), known by its sections (``[TMB]``, ``[Small Variants]`` …) or its name.
:func:`read_patient_inputs` gives the board one patient: the sample, the alterations, and what a
TSO500 file also says (the TMB and MSI measurements, the rows skipped and why).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from graph_loader.files import BadRow, RawFile, one_file
from graph_loader.tables import read_table
from graph_loader.tso500 import looks_like_tso500, read_tso500
from ontology.errors import ConfigError, InputFileError
from ontology.normalise import fusion
from ontology.observed import (
    PROTEIN_CONSEQUENCE,
    MafRecord,
    Observed,
    hgvsp,
    observed_alteration,
    parse_list,
)

MAF_COLUMNS = ("Hugo_Symbol", "HGVSp_Short")
_SPACES = re.compile(r"\s+")


def maf_records(raw: RawFile, tumour_column: str | None = None) -> Iterator[MafRecord]:
    """Every data row of a MAF (cBioPortal/TCGA columns ``Hugo_Symbol``, ``HGVSp_Short``,
    ``Variant_Classification``, ``Tumor_Sample_Barcode``; ``#`` lines such as ``#version 2.4``
    anywhere), each with its line in the file. A row that does not split into the header's
    columns raises :class:`InputFileError` with that line. ``tumour_column``: a column each
    record's ``tumour`` is read from (an error if the header lacks it)."""
    rows = read_table(raw, MAF_COLUMNS, "Hugo_Symbol", "a MAF file", comments=True)
    checked = False
    for item in rows:
        if isinstance(item, BadRow):
            raise InputFileError(raw.name, item.reason, item.line)
        line, row = item
        if tumour_column and not checked:
            checked = True
            if tumour_column not in row:
                raise InputFileError(raw.name, f"no {tumour_column} column and no --tumour: give "
                                     "the tumour type for the file or per row", line)  # fmt: skip
        yield MafRecord(
            line=line, sample=str(row.get("Tumor_Sample_Barcode") or "").strip(),
            gene=str(row["Hugo_Symbol"]).strip(),
            protein=str(row.get("HGVSp_Short") or "").strip(),
            classification=str(row.get("Variant_Classification") or "Missense_Mutation"),
            tumour=str(row.get(tumour_column) or "").strip() if tumour_column else "",
        )  # fmt: skip


def parse_maf(raw: RawFile) -> list[Observed]:
    """A MAF's protein-changing rows as observed alterations (origin ``file:line``)."""
    return [
        observed_alteration(r.gene, r.protein, f"{raw.base_name}:{r.line}", r.sample or "patient")
        for r in maf_records(raw) if r.protein_changing
    ]  # fmt: skip


def parse_vcf(raw: RawFile) -> list[Observed]:
    """A VCF annotated by VEP (INFO ``CSQ``, its format from the header) or SnpEff (INFO ``ANN``):
    for each record the protein change of the first annotation that changes a protein (VEP's
    canonical transcript first when flagged)."""
    csq_fields: list[str] | None = None
    samples: list[str] = []
    out = []
    for number, line in enumerate(raw.lines(), 1):
        if line.startswith("##INFO=<ID=CSQ"):
            m = re.search(r"Format: ([^\"]+)", line)
            csq_fields = m.group(1).strip().split("|") if m else None
            continue
        if line.startswith("##"):
            continue
        if line.startswith("#CHROM"):
            samples = line.rstrip("\n").split("\t")[9:]
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 8:
            raise InputFileError(raw.name, f"{len(fields)} columns, expected at least 8 (CHROM .. "
                                 "INFO)", number)  # fmt: skip
        info = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in fields[7].split(";"))
        found = None
        if "CSQ" in info:
            if csq_fields is None:
                raise InputFileError(raw.name, "CSQ annotations without a ##INFO=<ID=CSQ header "
                                     "giving their Format", number)  # fmt: skip
            found = _from_csq(info["CSQ"], csq_fields)
            how = "CSQ"
        elif "ANN" in info:
            found = _from_ann(info["ANN"])
            how = "ANN"
        if found:
            gene, protein = found
            sample = samples[0] if samples else "patient"
            out.append(
                observed_alteration(gene, protein, f"{raw.base_name}:{number} ({how})", sample)
            )
    return out


def _from_csq(value: str, fields: list[str]) -> tuple[str, str] | None:
    entries = [dict(zip(fields, e.split("|"), strict=False)) for e in value.split(",")]
    entries.sort(key=lambda e: e.get("CANONICAL") != "YES")
    for e in entries:
        if PROTEIN_CONSEQUENCE.search(e.get("Consequence", "")) and (
            p := hgvsp(e.get("HGVSp", ""))
        ):
            return e.get("SYMBOL", ""), p
    return None


def _from_ann(value: str) -> tuple[str, str] | None:
    for entry in value.split(","):
        parts = entry.split("|")
        if len(parts) > 10 and PROTEIN_CONSEQUENCE.search(parts[1]) and (p := hgvsp(parts[10])):
            return parts[3], p
    return None


def parse_fusions(raw: RawFile) -> list[Observed]:
    """One fusion per line: ``EML4::ALK``, ``EML4-ALK`` or ``EML4<tab>ALK``."""
    out = []
    for number, line in enumerate(raw.lines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or line.lower().startswith(("five", "gene")):
            continue
        # each run of white space as one character first (a tab if it holds one): the split's
        # leading \s* then tries one character at each position, not the whole run (a line of
        # 200,000 spaces took minutes)
        folded = _SPACES.sub(lambda m: "\t" if "\t" in m.group() else " ", line)
        parts = re.split(r"\s?(?:::|\t|--)\s?|\s?-\s?(?=[A-Z0-9])", folded)
        if len(parts) != 2:
            raise InputFileError(raw.name, f"{line!r}: expected a fusion as GENE1::GENE2", number)
        out.append(Observed(None, line, fusion(parts[0].upper(), parts[1].upper(), line),
                            f"{raw.base_name}:{number}"))  # fmt: skip
    return out


def parse_copy_number(raw: RawFile) -> list[Observed]:
    """One call per line: ``ERBB2 amplification``, ``CDKN2A deletion`` (or gene<tab>call)."""
    out = []
    for number, line in enumerate(raw.lines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or line.lower().startswith("gene"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise InputFileError(raw.name, f"{line!r}: expected 'GENE CALL' (ERBB2 "
                                 "amplification)", number)  # fmt: skip
        out.append(observed_alteration(parts[0], parts[1], f"{raw.base_name}:{number}"))
    return out


def parse_list_file(raw: RawFile) -> list[Observed]:
    """A list file (``BRAF V600E`` a line; ``;`` or ``,`` between several on one line): each
    alteration's origin is its line (``patient_list.txt:2``), and so is an error's."""
    out = []
    for number, line in enumerate(raw.lines(), 1):
        try:
            items = parse_list(line, raw.base_name)
        except InputFileError as exc:
            raise InputFileError(raw.name, exc.reason, number) from None
        out += [dataclasses.replace(o, origin=f"{raw.base_name}:{number}") for o in items]
    return out


def read_patient_file(path: str | Path | RawFile) -> dict[str, list[Observed]]:
    """A patient file by its shape: ``.vcf``, a TSO500 ``CombinedVariantOutput.tsv`` (by name or
    sections), ``.maf`` (gzip ok), else a list; by sample (a TSO500 file: its one sample, even
    with no alteration). A :class:`RawFile` is read as given (a web upload, never written to
    disk)."""
    return _read_patient_file(one_file(path))[0]


def _read_patient_file(raw: RawFile) -> tuple[dict[str, list[Observed]], list[str], list[str]]:
    """By sample, and a TSO500 file's measurements and skipped rows."""
    name = raw.base_name.lower().removesuffix(".gz")
    if name.endswith(".vcf"):
        observed = parse_vcf(raw)
    elif looks_like_tso500(raw):
        sample = read_tso500(raw)
        return {sample.sample: sample.observed}, sample.measurements, sample.skipped
    elif name.endswith((".maf", ".maf.txt")) or raw.text().lstrip().startswith(
        ("Hugo_Symbol", "#version")
    ):
        observed = parse_maf(raw)
    else:
        observed = parse_list_file(raw)
    by_sample: dict[str, list[Observed]] = defaultdict(list)
    for o in observed:
        by_sample[o.sample].append(o)
    return dict(by_sample), [], []


@dataclasses.dataclass(frozen=True)
class PatientInput:
    """One patient as the board gets it."""

    sample: str
    observed: list[Observed]
    measurements: list[str] = dataclasses.field(default_factory=list)  # "TMB 12.4 mut/Mb ..."
    skipped: list[str] = dataclasses.field(default_factory=list)  # rows read and why not used


def read_patient_inputs(
    patient: str | Path | RawFile | None = None,
    alterations: str | None = None,
    fusions: str | Path | RawFile | None = None,
    copy_number: str | Path | RawFile | None = None,
    sample: str | None = None,
) -> PatientInput:
    """One patient's alterations from any of the inputs the board takes (a file of any shape
    :func:`read_patient_file` reads, an inline list, fusion and copy-number lists), the sample's
    name, and a TSO500 file's measurements. A file of several samples needs ``sample``; an
    unknown sample is an error. A file that holds no alteration gives a patient without one
    (a MAF of silent changes, a TSO500 run with nothing called: the board says so)."""
    observed: list[Observed] = []
    measurements: list[str] = []
    skipped: list[str] = []
    name = sample or "patient"
    if patient:
        raw = one_file(patient)
        by_sample, measurements, skipped = _read_patient_file(raw)
        listed = ", ".join(sorted(by_sample)[:5])
        if sample is None and len(by_sample) > 1:
            raise ConfigError(f"{raw.name} holds {len(by_sample)} samples ({listed}...); "
                              "choose one with --sample")  # fmt: skip
        if sample is not None and set(by_sample) <= {"patient"}:  # a list names no sample:
            by_sample = {sample: by_sample.get("patient", [])}  # the name given is the patient's
        if sample is not None and sample not in by_sample:
            raise ConfigError(f"no sample {sample!r} in {raw.name}; it has {listed}")
        name, items = (sample, by_sample[sample]) if sample else next(iter(by_sample.items()),
                                                                       (name, []))  # fmt: skip
        observed += items
    if alterations:
        observed += parse_list(alterations, "--alterations")
    if fusions:
        observed += parse_fusions(one_file(fusions))
    if copy_number:
        observed += parse_copy_number(one_file(copy_number))
    if not (patient or alterations or fusions or copy_number):
        raise ConfigError("no alteration given: use --patient, --alterations, --fusions or "
                          "--copy-number")  # fmt: skip
    return PatientInput(name, observed, measurements, skipped)


__all__ = [
    "PatientInput",
    "maf_records",
    "parse_copy_number",
    "parse_fusions",
    "parse_list",
    "parse_list_file",
    "parse_maf",
    "parse_vcf",
    "read_patient_file",
    "read_patient_inputs",
]
