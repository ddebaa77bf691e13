"""A patient's alterations as the tumour board receives them: a simple list, a MAF file, a VCF
annotated by VEP (``CSQ``) or SnpEff (``ANN``), and fusion and copy-number lists.

Every reader returns :class:`Observed` alterations, normalised to the graph's concepts, with
where each came from (file and line), so the same patient given as a list, a MAF or a VCF yields
the same alterations. A MAF or VCF may hold several samples: :func:`read_patient_file` groups by
sample (``Tumor_Sample_Barcode``; a VCF's sample columns).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from graph_loader.files import RawFile, read_file
from graph_loader.tables import read_table
from ontology.errors import InputFileError
from ontology.normalise import (
    AlterationConcept,
    fusion,
    normalise_alteration,
    parse_protein_change,
)

# MAF Variant_Classification values that change the protein (others: silent, UTR, intron, ...)
MAF_PROTEIN = {
    "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins",
    "In_Frame_Del", "In_Frame_Ins", "Nonstop_Mutation", "Translation_Start_Site", "Splice_Site",
}  # fmt: skip
# VEP / SnpEff consequence terms that change the protein
VCF_PROTEIN = re.compile(
    r"missense|stop_gained|frameshift|inframe|stop_lost|start_lost|splice_(?:donor|acceptor)|"
    r"protein_altering|disruptive_inframe|conservative_inframe",
)


@dataclass(frozen=True)
class Observed:
    gene: str | None
    text: str  # as given: "V600E", "p.Val600Glu", "amplification", "EML4::ALK"
    concept: AlterationConcept
    origin: str  # "list item 1", "patient.maf:3", "patient.vcf:12 (CSQ)"
    sample: str = "patient"


def _observed(gene: str | None, text: str, origin: str, sample: str = "patient") -> Observed:
    text = text.strip()
    if gene is None and (m := re.fullmatch(r"([A-Za-z0-9.-]+)\s*(?:::|--|/)\s*([A-Za-z0-9.-]+)",
                                           text)):  # fmt: skip
        return Observed(None, text, fusion(m.group(1).upper(), m.group(2).upper(), text), origin,
                        sample)  # fmt: skip
    return Observed(gene, text, normalise_alteration(gene, text), origin, sample)


def parse_list(text: str, origin: str = "list") -> list[Observed]:
    """``BRAF V600E; ERBB2 amplification; EML4::ALK; MSI-H`` (``;``, ``,`` or new lines)."""
    out = []
    for i, item in enumerate((x.strip() for x in re.split(r"[;\n]|,(?![^()]*\))", text)), 1):
        if not item or item.startswith("#"):
            continue
        if "::" in item or re.fullmatch(r"[A-Z0-9]+-[A-Z0-9]+ fusion", item):
            out.append(_observed(None, item.removesuffix(" fusion"), f"{origin} item {i}"))
            continue
        gene, _, rest = item.partition(" ")
        if not rest.strip():
            signature = normalise_alteration(None, item)
            if signature.normalised:
                out.append(Observed(None, item, signature, f"{origin} item {i}"))
                continue
            raise InputFileError(
                origin,
                f"item {i} {item!r}: expected 'GENE ALTERATION' "
                "(BRAF V600E), a fusion (EML4::ALK) or a signature (MSI-H)",
            )
        out.append(_observed(gene, rest, f"{origin} item {i}"))
    return out


def parse_maf(raw: RawFile) -> list[Observed]:
    """A MAF (cBioPortal/TCGA columns ``Hugo_Symbol``, ``HGVSp_Short``, ``Variant_Classification``,
    ``Tumor_Sample_Barcode``; ``#`` version lines allowed): the protein-changing rows."""
    text = "\n".join(line for line in raw.text().splitlines() if not line.startswith("#"))
    rows = read_table(RawFile(raw.name, text.encode("utf-8")), ("Hugo_Symbol", "HGVSp_Short"),
                      "Hugo_Symbol", "a MAF file")  # fmt: skip
    skipped = sum(1 for line in raw.text().splitlines() if line.startswith("#"))
    out = []
    for line, row in rows:
        if "__malformed__" in row:
            raise InputFileError(raw.name, row["__malformed__"], line + skipped)
        kind = str(row.get("Variant_Classification") or "Missense_Mutation")
        protein = str(row.get("HGVSp_Short") or "").strip()
        if kind not in MAF_PROTEIN or not protein or protein in (".", "NA"):
            continue
        sample = str(row.get("Tumor_Sample_Barcode") or "patient").strip()
        out.append(_observed(str(row["Hugo_Symbol"]).strip(), protein,
                             f"{raw.base_name}:{line + skipped}", sample))  # fmt: skip
    return out


def parse_vcf(raw: RawFile) -> list[Observed]:
    """A VCF annotated by VEP (INFO ``CSQ``, its format from the header) or SnpEff (INFO ``ANN``):
    for each record the protein change of the first annotation that changes a protein (VEP's
    canonical transcript first when flagged)."""
    csq_fields: list[str] | None = None
    samples: list[str] = []
    out = []
    for number, line in enumerate(raw.text().splitlines(), 1):
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
            out.append(_observed(gene, protein, f"{raw.base_name}:{number} ({how})", sample))
    return out


def _hgvsp(value: str) -> str | None:
    value = value.split(":", 1)[-1].replace("%3D", "=")
    return value if value.startswith("p.") and parse_protein_change(value) else None


def _from_csq(value: str, fields: list[str]) -> tuple[str, str] | None:
    entries = [dict(zip(fields, e.split("|"), strict=False)) for e in value.split(",")]
    entries.sort(key=lambda e: e.get("CANONICAL") != "YES")
    for e in entries:
        if VCF_PROTEIN.search(e.get("Consequence", "")) and (p := _hgvsp(e.get("HGVSp", ""))):
            return e.get("SYMBOL", ""), p
    return None


def _from_ann(value: str) -> tuple[str, str] | None:
    for entry in value.split(","):
        parts = entry.split("|")
        if len(parts) > 10 and VCF_PROTEIN.search(parts[1]) and (p := _hgvsp(parts[10])):
            return parts[3], p
    return None


def parse_fusions(raw: RawFile) -> list[Observed]:
    """One fusion per line: ``EML4::ALK``, ``EML4-ALK`` or ``EML4<tab>ALK``."""
    out = []
    for number, line in enumerate(raw.text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or line.lower().startswith(("five", "gene")):
            continue
        parts = re.split(r"\s*(?:::|\t|--)\s*|\s*-\s*(?=[A-Z0-9])", line)
        if len(parts) != 2:
            raise InputFileError(raw.name, f"{line!r}: expected a fusion as GENE1::GENE2", number)
        out.append(Observed(None, line, fusion(parts[0].upper(), parts[1].upper(), line),
                            f"{raw.base_name}:{number}"))  # fmt: skip
    return out


def parse_copy_number(raw: RawFile) -> list[Observed]:
    """One call per line: ``ERBB2 amplification``, ``CDKN2A deletion`` (or gene<tab>call)."""
    out = []
    for number, line in enumerate(raw.text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or line.lower().startswith("gene"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise InputFileError(raw.name, f"{line!r}: expected 'GENE CALL' (ERBB2 "
                                 "amplification)", number)  # fmt: skip
        out.append(_observed(parts[0], parts[1], f"{raw.base_name}:{number}"))
    return out


def read_patient_file(path: str | Path) -> dict[str, list[Observed]]:
    """A patient file by its shape: ``.maf`` / ``.vcf`` (gzip ok), else a list; by sample."""
    raw = read_file(path)
    name = raw.base_name.lower().removesuffix(".gz")
    if name.endswith(".vcf"):
        observed = parse_vcf(raw)
    elif name.endswith((".maf", ".maf.txt")) or raw.text().lstrip().startswith(
        ("Hugo_Symbol", "#version")
    ):
        observed = parse_maf(raw)
    else:
        observed = parse_list(raw.text(), raw.base_name)
    by_sample: dict[str, list[Observed]] = defaultdict(list)
    for o in observed:
        by_sample[o.sample].append(o)
    return dict(by_sample)
