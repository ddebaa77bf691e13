"""Normalisers used by every loader: genes, alterations, drugs.

Pure functions over strings (no I/O): the same input gives the same concept whichever source it
comes from, so that BRAF V600E stated by CIViC and by MOAlmanac becomes one ``Alteration`` node.
A text that cannot be normalised is still returned, flagged ``normalised=False``, never dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from ontology.identifiers import mint_id
from ontology.vocab import AlterationKind, Label

# ---------------------------------------------------------------------------------------------
# Protein changes
# ---------------------------------------------------------------------------------------------

AA3 = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E",
    "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F",
    "PRO": "P", "SER": "S", "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V", "SEC": "U",
    "PYL": "O", "TER": "*",
}  # fmt: skip
_AA3_RE = re.compile("|".join(sorted(AA3, key=len, reverse=True)), re.IGNORECASE)
_AA1 = "ACDEFGHIKLMNPQRSTVWYUO"
_SUBST = re.compile(rf"^([{_AA1}])(\d+)([{_AA1}*X])$")
_CODON = re.compile(rf"^([{_AA1}])(\d+)$")
_FRAMESHIFT = re.compile(rf"^([{_AA1}])(\d+)[{_AA1}]?FS(?:\*|X)?\d*$")
_OTHER_PROTEIN = re.compile(rf"^[{_AA1}]\d+(?:_[{_AA1}]\d+)?(?:DEL|INS|DELINS|DUP)[{_AA1}*]*$")


@dataclass(frozen=True)
class ProteinChange:
    notation: str  # canonical one-letter: "V600E", "Q61*", "V600fs", "E746_A750del"
    kind: AlterationKind  # PROTEIN_CHANGE or CODON
    codon: str | None  # "V600" for a change at one codon


def _three_to_one(text: str) -> str:
    return _AA3_RE.sub(lambda m: AA3[m.group(0).upper()], text)


def parse_protein_change(text: str) -> ProteinChange | None:
    """``V600E``, ``p.V600E``, ``p.Val600Glu``, ``Val600Glu``, ``(p.V600E)`` -> ``V600E``.

    Codons (``V600``, ``p.Gly12``) come back with kind CODON; frameshifts as ``V600fs``;
    deletions/insertions/duplications in one-letter form. Anything else: None.
    """
    s = unicodedata.normalize("NFC", text).strip().strip("()").strip()
    s = re.sub(r"^p\.", "", s, flags=re.IGNORECASE).strip("()")
    if not s or " " in s:
        return None
    s = _three_to_one(s).upper()
    if m := _SUBST.match(s):
        ref, pos, alt = m.groups()
        alt = "*" if alt == "X" else alt
        if ref == alt:  # synonymous: still a change at that codon, keep as written
            return ProteinChange(f"{ref}{pos}=", AlterationKind.PROTEIN_CHANGE, f"{ref}{pos}")
        return ProteinChange(f"{ref}{pos}{alt}", AlterationKind.PROTEIN_CHANGE, f"{ref}{pos}")
    if m := _CODON.match(s):
        return ProteinChange(f"{m.group(1)}{m.group(2)}", AlterationKind.CODON, None)
    if m := _FRAMESHIFT.match(s):
        ref, pos = m.groups()
        return ProteinChange(f"{ref}{pos}fs", AlterationKind.PROTEIN_CHANGE, f"{ref}{pos}")
    if _OTHER_PROTEIN.match(s):
        canonical = re.sub(r"(DELINS|DEL|INS|DUP)", lambda m: m.group(1).lower(), s)
        return ProteinChange(canonical, AlterationKind.PROTEIN_CHANGE, None)
    return None


# ---------------------------------------------------------------------------------------------
# Alterations
# ---------------------------------------------------------------------------------------------

_GENE_LIKE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,4})?$")
_FUSION_PAIR = re.compile(r"^([A-Za-z][A-Za-z0-9.\-]*?)\s*(?:::|-|/)\s*([A-Za-z][A-Za-z0-9.\-]*)$")
_EXON = re.compile(
    r"^exon\s+(\d+(?:\s*-\s*\d+)?)\s+(deletion|insertion|mutation|skipping|duplication|"
    r"in-?frame deletion|in-?frame insertion|alteration|splice site)s?(?:\s+mutation)?$",
    re.IGNORECASE,
)
_RSID = re.compile(r"^rs\d+$", re.IGNORECASE)
_CDNA_NOTE = re.compile(r"\s*\((?:c\.|g\.|n\.)[^)]*\)\s*$")

COPY_NUMBER = {
    "amplification": "amplification",
    "amp": "amplification",
    "copy number gain": "amplification",
    "gain": "gain",
    "deletion": "deletion",
    "homozygous deletion": "deletion",
    "copy number loss": "loss",
    "loss": "loss",
    "copy number variation": "copy number variation",
    "loh": "loss of heterozygosity",
    "loss of heterozygosity": "loss of heterozygosity",
}
EXPRESSION = {
    "expression": "expression",
    "overexpression": "overexpression",
    "underexpression": "underexpression",
    "nuclear expression": "nuclear expression",
    "cytoplasmic expression": "cytoplasmic expression",
    "positive": "positive",
    "negative": "negative",
}
GENE_CLASS = {
    "mutation": "mutation",
    "mutations": "mutation",
    "any mutation": "mutation",
    "oncogenic mutation": "oncogenic mutation",
    "activating mutation": "activating mutation",
    "gain-of-function": "activating mutation",
    "loss-of-function": "loss-of-function",
    "inactivating mutation": "loss-of-function",
    "truncating mutation": "truncating mutation",
    "frameshift truncation": "truncating mutation",
    "wildtype": "wildtype",
    "wild type": "wildtype",
    "promoter hypermethylation": "promoter hypermethylation",
    "methylation": "methylation",
    "promoter mutation": "promoter mutation",
    "kinase domain mutation": "kinase domain mutation",
    "tkd mutation": "kinase domain mutation",
    "itd": "internal tandem duplication",
    "internal duplication": "internal tandem duplication",
    "internal tandem duplication": "internal tandem duplication",
    "promoter methylation": "promoter methylation",
    "promoter demethylation": "promoter demethylation",
    "deleterious mutation": "deleterious mutation",
    "frameshift": "frameshift mutation",
    "frameshift mutation": "frameshift mutation",
    "activating variants": "activating mutation",
    "tkd activating variants": "activating mutation",  # MOAlmanac: kinase-domain activating
    "kinase domain activating variants": "activating mutation",
    "activating mutations": "activating mutation",
    "oncogenic mutations": "oncogenic mutation",
    "oncogenic variants": "oncogenic mutation",
    "pathogenic variants": "pathogenic variant",
    "pathogenic variant": "pathogenic variant",
    "somatic variants": "mutation",
    "nonsense variants": "truncating mutation",
    "frameshift variants": "frameshift mutation",
    "splice site variants": "splice site mutation",
}
FUSION_WORDS = {
    "fusion", "fusions", "rearrangement", "rearrangements", "translocation", "gene fusion",
}  # fmt: skip
SIGNATURES = {
    "msi-h": "MSI-H",
    "msi high": "MSI-H",
    "microsatellite instability-high": "MSI-H",
    "microsatellite instability high": "MSI-H",
    "dmmr": "dMMR",
    "mismatch repair deficient": "dMMR",
    "tmb-h": "TMB-H",
    "tmb-high": "TMB-H",
    "tumor mutational burden-high": "TMB-H",
    "tumour mutational burden-high": "TMB-H",
    "high tumor mutational burden": "TMB-H",
    "hrd": "HRD",
    "homologous recombination deficiency": "HRD",
    "pmmr": "pMMR",
    "mss": "MSS",
}


@dataclass(frozen=True)
class AlterationConcept:
    """One alteration as the graph holds it; ``broader`` are the alterations it ``IS_A``."""

    gene: str | None
    kind: AlterationKind
    notation: str
    name: str
    source_notation: str
    normalised: bool = True
    five_prime: str | None = None
    three_prime: str | None = None
    broader: tuple[AlterationConcept, ...] = field(default=(), compare=False)

    @functools.cached_property
    def id(self) -> str:  # minted once per concept (a SHA-256): batch matching asks often
        return alteration_id(self.gene, self.kind, self.notation)

    @property
    def lookup_keys(self) -> list[str]:
        keys = {self.name.upper(), self.notation.upper()}
        if self.gene:
            keys.add(f"{self.gene} {self.notation}".upper())
        return sorted(keys)


def alteration_id(gene: str | None, kind: AlterationKind | str, notation: str) -> str:
    return mint_id(Label.ALTERATION, gene or "", str(kind), notation)


def _concept(
    gene: str | None,
    kind: AlterationKind,
    notation: str,
    source: str,
    *,
    normalised: bool = True,
    broader: tuple[AlterationConcept, ...] = (),
    five: str | None = None,
    three: str | None = None,
) -> AlterationConcept:
    if kind is AlterationKind.FUSION:
        name = notation
    elif gene:
        name = f"{gene} {notation}"
    else:
        name = notation
    return AlterationConcept(
        gene=gene,
        kind=kind,
        notation=notation,
        name=name,
        source_notation=source,
        normalised=normalised,
        five_prime=five,
        three_prime=three,
        broader=broader,
    )


def make_alteration(
    gene: str | None, kind: AlterationKind, notation: str, source: str
) -> AlterationConcept:
    """An alteration a source states in structured form (kind and notation already known)."""
    return _concept(gene.upper() if gene else None, kind, notation, source)


# Curated exon classes of in-frame indels, by the first residue they touch (RefSeq protein
# numbering): EGFR exon 19 deletions (E746_A750del, L747_P753delinsS), EGFR and ERBB2 exon 20
# insertions (A767_V769dup, A775_G776insYVMA). Each is a narrower case of the exon class.
EXON_CLASSES: dict[tuple[str, str], tuple[int, int, int, str]] = {
    ("EGFR", "del"): (19, 729, 761, "deletion"),
    ("EGFR", "ins"): (20, 762, 823, "insertion"),
    ("ERBB2", "ins"): (20, 770, 831, "insertion"),
}


def _exon_class(gene: str, notation: str) -> AlterationConcept | None:
    m = re.match(r"^[A-Z*](\d+)(?:_[A-Z*]\d+)?(delins|del|ins|dup)", notation)
    if not m or len(m.group(1)) > 6:  # no protein is a million residues long
        return None
    kind = {"delins": "del", "del": "del", "ins": "ins", "dup": "ins"}[m.group(2)]
    spec = EXON_CLASSES.get((gene, kind))
    if spec is None or not spec[1] <= int(m.group(1)) <= spec[2]:
        return None
    return _concept(gene, AlterationKind.EXON, f"exon {spec[0]} {spec[3]}",
                    f"exon {spec[0]} {spec[3]}", broader=(gene_mutation(gene),))  # fmt: skip


def expression_state(marker: str, state: str) -> AlterationConcept:
    """A protein-expression state as a concept of its own, not a gene's alteration:
    ``HER2-positive``, ``HER2-low``, ``HR-positive``, ``ER-positive``, ``triple-negative``,
    ``CD20-positive`` (no marker: the state alone)."""
    name = f"{marker}-{state}" if marker else state
    return _concept(None, AlterationKind.EXPRESSION, name, name)


#: ERBB2 amplification (ISH) and overexpression (IHC 3+) make a tumour HER2-positive (ASCO/CAP):
#: the HER2-positive state is broader than both; HER2-low is not
_HER2_POSITIVE_BY = {("ERBB2", "amplification"), ("ERBB2", "overexpression")}


def gene_mutation(gene: str) -> AlterationConcept:
    return _concept(gene, AlterationKind.GENE_CLASS, "mutation", "mutation")


def gene_fusion(gene: str) -> AlterationConcept:
    return _concept(gene, AlterationKind.GENE_FUSION, "fusion", "fusion")


def fusion(five: str | None, three: str | None, source: str) -> AlterationConcept:
    """A fusion of two known partners (``EML4::ALK``), or one partner's any-fusion class."""
    if five and three:
        return _concept(
            None if five != three else five,
            AlterationKind.FUSION,
            f"{five}::{three}",
            source,
            broader=(gene_fusion(five), gene_fusion(three)),
            five=five,
            three=three,
        )
    gene = five or three
    if not gene:
        raise ValueError("a fusion needs at least one partner")
    return _concept(gene, AlterationKind.GENE_FUSION, "fusion", source, five=five, three=three)


def normalise_alteration(gene: str | None, text: str) -> AlterationConcept:
    """Classify a source's alteration text (within a gene, where it names one).

    ``normalise_alteration("BRAF", "p.Val600Glu")`` and ``("BRAF", "V600E")`` give the same
    concept, with ``BRAF V600`` and ``BRAF mutation`` as broader alterations.
    """
    source = " ".join(unicodedata.normalize("NFC", text).split())
    core = _CDNA_NOTE.sub("", source).strip()
    low = core.lower()
    gene = gene.strip().upper() if gene and gene.strip() else None

    if low in SIGNATURES:
        return _concept(None, AlterationKind.SIGNATURE, SIGNATURES[low], source)
    if re.match(r"tmb-?h(?:igh)?\b", low):  # MOAlmanac "TMB-H (>= 10 mutations / Mb)"
        return _concept(None, AlterationKind.SIGNATURE, "TMB-H", source)
    words = core.split()
    if gene and len(words) > 1 and words[0].upper() == gene:  # "BRAF V600E" given with BRAF
        core = " ".join(words[1:])
        low = core.lower()
    elif not gene and len(words) == 2 and words[1].lower() in FUSION_WORDS:  # "ALK fusion"
        gene, core, low = words[0].upper(), words[1], words[1].lower()

    pair = _FUSION_PAIR.match(core)
    if pair and ("::" in core or _is_gene_pair(pair.group(1), pair.group(2))):
        return fusion(pair.group(1).upper(), pair.group(2).upper(), source)
    if low in FUSION_WORDS:
        if not gene:
            return _concept(None, AlterationKind.OTHER, core, source, normalised=False)
        return _concept(gene, AlterationKind.GENE_FUSION, "fusion", source)
    if m := _EXON.match(core):
        exon = m.group(1).replace(" ", "")
        what = m.group(2).lower().replace("inframe", "in-frame")
        if gene == "MET" and exon == "14" and what == "splice site":
            what = "skipping"  # MET exon 14 splice-site variants are named by their effect
        broader = (gene_mutation(gene),) if gene else ()
        return _concept(gene, AlterationKind.EXON, f"exon {exon} {what}", source, broader=broader)
    if _RSID.match(core):  # a dbSNP id names one variant precisely
        return _concept(gene, AlterationKind.OTHER, core.lower(), source)
    if low in COPY_NUMBER:
        broader = ((expression_state("HER2", "positive"),)
                   if (gene, COPY_NUMBER[low]) in _HER2_POSITIVE_BY else ())  # fmt: skip
        return _concept(gene, AlterationKind.COPY_NUMBER, COPY_NUMBER[low], source, broader=broader)
    if low in EXPRESSION:
        broader = ((expression_state("HER2", "positive"),)
                   if (gene, EXPRESSION[low]) in _HER2_POSITIVE_BY else ())  # fmt: skip
        return _concept(gene, AlterationKind.EXPRESSION, EXPRESSION[low], source, broader=broader)
    if low in GENE_CLASS:
        notation = GENE_CLASS[low]
        broader = (
            (gene_mutation(gene),)
            if gene
            and notation not in ("mutation", "wildtype", "methylation")
            and "methylation" not in notation
            else ()
        )
        return _concept(gene, AlterationKind.GENE_CLASS, notation, source, broader=broader)
    if gene:
        change = parse_protein_change(core)
        if change is not None:
            if change.kind is AlterationKind.CODON:
                return _concept(
                    gene,
                    AlterationKind.CODON,
                    change.notation,
                    source,
                    broader=(gene_mutation(gene),),
                )
            broader = (
                (
                    _concept(
                        gene,
                        AlterationKind.CODON,
                        change.codon,
                        change.codon,
                        broader=(gene_mutation(gene),),
                    ),
                )
                if change.codon
                else (_exon_class(gene, change.notation) or gene_mutation(gene),)
            )
            return _concept(
                gene, AlterationKind.PROTEIN_CHANGE, change.notation, source, broader=broader
            )
    return _concept(gene, AlterationKind.OTHER, core, source, normalised=False)


def _is_gene_pair(a: str, b: str) -> bool:
    """Both sides look like gene symbols and neither is a protein change or codon
    (``KRAS G12/G13`` and ``NON-V600`` are not fusions)."""
    if not (_GENE_LIKE.match(a.upper()) and _GENE_LIKE.match(b.upper())):
        return False
    if a.upper() in ("NON", "NOT"):
        return False
    return parse_protein_change(a) is None and parse_protein_change(b) is None


def with_broader(concepts: Iterable[AlterationConcept]) -> dict[str, AlterationConcept]:
    """Every concept and, transitively, every broader one, by id."""
    out: dict[str, AlterationConcept] = {}
    stack = list(concepts)
    while stack:
        c = stack.pop()
        if c.id not in out:
            out[c.id] = c
            stack.extend(c.broader)
    return out


# ---------------------------------------------------------------------------------------------
# Drugs
# ---------------------------------------------------------------------------------------------

SALTS = (
    "mesylate", "mesilate", "dimesylate", "hydrochloride", "dihydrochloride", "maleate",
    "tosylate", "besylate", "besilate", "sulfate", "sulphate", "phosphate", "citrate", "malate",
    "s-malate", "sodium", "potassium", "acetate", "fumarate", "tartrate", "succinate",
    "hydrobromide", "monohydrate", "hemihydrate",
)  # fmt: skip
_BRAND_NOTE = re.compile(r"\s*[\(\[][^)\]]*[\)\]]\s*$")


def normalise_drug_name(name: str) -> str:
    """Lower-case INN: ``Imatinib Mesylate`` -> ``imatinib``; ``Dabrafenib (Tafinlar®)`` ->
    ``dabrafenib``. Salt words are dropped only when a name remains; a parenthesis after a
    several-word name is part of it (``notch1 antibody (pf-06293622)``)."""
    s = unicodedata.normalize("NFKC", name).replace("®", "").replace("™", "")
    without = _BRAND_NOTE.sub("", s)
    if len(without.split()) == 1:  # "Dabrafenib (Tafinlar)": a brand after an INN
        s = without  # but "Notch1 Antibody (PF-06293622)" keeps the code that identifies it
    words = s.lower().split()
    while len(words) > 1 and words[-1] in SALTS:
        words.pop()
    # FDA's names of biologics: a four-letter suffix and, for some, a prefix that are not the INN
    # (relatlimab-rmbw, fam-trastuzumab deruxtecan-nxki, ado-trastuzumab emtansine)
    words = [_FDA_SUFFIX.sub("", _FDA_PREFIX.sub("", w)) for w in words]
    return " ".join(words)


_FDA_SUFFIX = re.compile(r"(?<=[a-z]{5})-[a-z]{4}$")
_FDA_PREFIX = re.compile(r"^(?:ado|fam)-(?=[a-z]{5})")


def drug_match_key(name: str) -> str:
    """A key on which English and Norwegian INN spellings meet (capmatinib ~ kapmatinib,
    larotrectinib ~ larotrektinib, crizotinib ~ krizotinib): for matching, never for display."""
    s = normalise_drug_name(name)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^a-z0-9]", "", s)
    for a, b in (("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "kv"), ("c", "k"), ("y", "i"),
                 ("z", "s"), ("x", "ks")):  # fmt: skip
        s = s.replace(a, b)
    return s


# ---------------------------------------------------------------------------------------------
# Genes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneMatch:
    hgnc_id: str
    symbol: str
    matched_by: str  # "symbol", "entrez", "previous symbol", "alias"


class GeneIndex:
    """Resolve a gene symbol, previous symbol, alias or Entrez id to the current HGNC gene.

    An approved symbol wins over a previous symbol, which wins over an alias; an alias that names
    several genes resolves to none (ambiguous), and :meth:`candidates` lists them.
    """

    def __init__(self) -> None:
        self._symbol: dict[str, tuple[str, str]] = {}
        self._entrez: dict[str, tuple[str, str]] = {}
        self._previous: dict[str, set[tuple[str, str]]] = {}
        self._alias: dict[str, set[tuple[str, str]]] = {}

    def add(
        self,
        hgnc_id: str,
        symbol: str,
        aliases: Iterable[str] = (),
        previous: Iterable[str] = (),
        entrez_id: str | None = None,
    ) -> None:
        entry = (hgnc_id, symbol)
        self._symbol[symbol.upper()] = entry
        if entrez_id:
            self._entrez[str(entrez_id).strip()] = entry
        for p in previous:
            self._previous.setdefault(p.upper(), set()).add(entry)
        for a in aliases:
            self._alias.setdefault(a.upper(), set()).add(entry)

    def __len__(self) -> int:
        return len(self._symbol)

    def resolve(self, symbol: str | None = None, entrez_id: str | None = None) -> GeneMatch | None:
        if entrez_id and (hit := self._entrez.get(str(entrez_id).strip())):
            return GeneMatch(*hit, "entrez")
        if not symbol:
            return None
        key = symbol.strip().upper()
        if hit := self._symbol.get(key):
            return GeneMatch(*hit, "symbol")
        for table, how in ((self._previous, "previous symbol"), (self._alias, "alias")):
            hits = table.get(key, set())
            if len(hits) == 1:
                return GeneMatch(*next(iter(hits)), how)
            if len(hits) > 1:
                return None
        return None

    def candidates(self, symbol: str) -> list[str]:
        key = symbol.strip().upper()
        hits = self._previous.get(key, set()) | self._alias.get(key, set())
        return sorted(s for _, s in hits)


# ---------------------------------------------------------------------------------------------
# Tumour types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TumourMatch:
    code: str
    matched_by: str  # "code", "curated DOID map", "name"


class TumourIndex:
    """Resolve a source's disease (name, DOID) to an OncoTree code, saying how it matched.

    Order: an OncoTree code as such; the curated DOID map (``ontology.disease_map``); the OncoTree
    name or previous code, compared with case, punctuation and spacing folded. There is no fuzzy
    matching: a close name can be another disease ("oral" vs "anal squamous cell carcinoma"), so
    anything else returns None and the caller keeps the disease as its own, flagged, tumour type.
    """

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    @staticmethod
    def fold(text: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())

    def add(self, code: str, name: str, lookup_keys: Iterable[str] = ()) -> None:
        self._codes[code.upper()] = code
        for key in (name, *lookup_keys):
            self._keys.setdefault(self.fold(key), code)

    def __len__(self) -> int:
        return len(self._codes)

    def codes(self) -> list[str]:
        return list(self._codes.values())

    def resolve(self, name: str | None, doid: str | None = None) -> TumourMatch | None:
        from ontology.disease_map import DOID_TO_ONCOTREE

        if name and name.strip().upper() in self._codes:
            return TumourMatch(self._codes[name.strip().upper()], "code")
        if doid:
            code = DOID_TO_ONCOTREE.get(doid.strip().removeprefix("DOID:"))
            if code and code in self._codes:
                return TumourMatch(code, "curated DOID map")
        if name and (code := self._keys.get(self.fold(name))):
            return TumourMatch(code, "name")
        return None
