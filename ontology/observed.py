"""A patient's alterations as observed: the values the patient-file readers
(:mod:`graph_loader.patient`) produce and the tumour board (:mod:`queries.board`) and batch
annotation (:mod:`queries.batch`) consume."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ontology.errors import InputFileError
from ontology.normalise import (
    AlterationConcept,
    fusion,
    normalise_alteration,
    parse_protein_change,
)

# MAF Variant_Classification values that change the protein (others: silent, UTR, intron, ...)
MAF_PROTEIN = frozenset({
    "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins",
    "In_Frame_Del", "In_Frame_Ins", "Nonstop_Mutation", "Translation_Start_Site", "Splice_Site",
})  # fmt: skip


# VEP / SnpEff / TSO500 consequence terms that change the protein
PROTEIN_CONSEQUENCE = re.compile(
    r"missense|stop_gained|frameshift|inframe|stop_lost|start_lost|splice_(?:donor|acceptor)|"
    r"protein_altering|disruptive_inframe|conservative_inframe",
)


def hgvsp(value: str) -> str | None:
    """A protein change as an annotator writes it (``ENSP…:p.Val600Glu``, ``p.Asn999%3D``), or
    None when it is not one."""
    value = value.split(":", 1)[-1].replace("%3D", "=")
    return value if value.startswith("p.") and parse_protein_change(value) else None


@dataclass(frozen=True)
class Observed:
    """One alteration of a patient, normalised, with where it came from."""

    gene: str | None
    text: str  # as given: "V600E", "p.Val600Glu", "amplification", "EML4::ALK"
    concept: AlterationConcept
    origin: str  # "list item 1", "patient.maf:3", "patient.vcf:12 (CSQ)"
    sample: str = "patient"


@dataclass(frozen=True)
class MafRecord:
    """One data row of a MAF, as read (the line is the file's own line number)."""

    line: int
    sample: str
    gene: str
    protein: str  # HGVSp_Short, stripped
    classification: str  # Variant_Classification (Missense_Mutation when absent)
    tumour: str = ""  # the row's tumour-type column, when the reader was asked for one

    @property
    def protein_changing(self) -> bool:
        return (
            self.classification in MAF_PROTEIN and bool(self.protein)
            and self.protein not in (".", "NA")
        )  # fmt: skip


def observed_alteration(
    gene: str | None, text: str, origin: str, sample: str = "patient"
) -> Observed:
    text = text.strip()
    if gene is None and (m := re.fullmatch(r"([A-Za-z0-9.-]+)\s*(?:::|--|/)\s*([A-Za-z0-9.-]+)",
                                           text)):  # fmt: skip
        return Observed(None, text, fusion(m.group(1).upper(), m.group(2).upper(), text), origin,
                        sample)  # fmt: skip
    return Observed(gene, text, normalise_alteration(gene, text), origin, sample)


def parse_list(text: str, origin: str = "list") -> list[Observed]:
    """``BRAF V600E; ERBB2 amplification; EML4::ALK; MSI-H`` (``;``, ``,`` or new lines). A line
    starting with ``#`` is a comment, whole (its commas and semicolons separate nothing)."""
    out = []
    kept = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))
    for i, item in enumerate((x.strip() for x in re.split(r"[;\n]|,(?![^()]*\))", kept)), 1):
        if not item or item.startswith("#"):
            continue
        if "::" in item or re.fullmatch(r"[A-Z0-9]+-[A-Z0-9]+ fusion", item):
            out.append(
                observed_alteration(None, item.removesuffix(" fusion"), f"{origin} item {i}")
            )
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
        out.append(observed_alteration(gene, rest, f"{origin} item {i}"))
    return out
