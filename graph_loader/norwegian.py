"""Reading a Norwegian indication text (Nye Metoder, Felleskatalogen, the national guidelines) for
the biomarkers it requires, those it excludes, and the tumour types it names.

The reader works on words, not on a table of whole phrasings:

1. The text is normalised: Unicode NFKC, every hyphen and minus sign (non-breaking hyphen U+2011,
   en dash, U+2212) to ``-``, ``≥`` / ``≤`` to ``>=`` / ``<=``, white space folded.
2. Genes are found as symbols or aliases (HGNC when loaded, else a built-in list of the cancer genes
   indications name; ``HER2`` is ERBB2, ``c-KIT`` is KIT) in any of the shapes Norwegian writes
   them:
   ``EGFR-mutert``, ``ALK-positiv``, ``BRCA1/2-mutasjon``, ``KRAS G12C-mutasjon``, ``BRAFV600E``,
   ``human epidermal vekstfaktorreseptor 2 (HER2)-negativ``, ``EGFR- eller ALK-genforandringer``
   (a hyphen-ended gene shares the next gene's word).
3. The words after a gene say what kind of biomarker it is: mutasjon/mutert/variant/genforandring/
   endring (a mutation; for ALK, ROS1, RET and NTRK a fusion), fusjon/rearrangering/translokasjon
   (a fusion), amplifikasjon/amplifisert, overekspresjon, positiv/negativ/lav/ultralav, villtype;
   a protein change (V600E, G12C) or an exon (``ekson 19-delesjon``, ``ekson 20-insersjon`` /
   ``innsetting``, ``ekson 14-skipping``) makes it specific. A gene followed by a drug-class word
   (``EGFR-hemmer``, ``ALK-TKI``) names a drug, not a biomarker, and is not read.
4. Sample-level biomarkers are concepts of their own: MSI-H, dMMR, TMB-H, HRD; PD-L1 with its
   threshold and scoring (``PD-L1 TPS>=50%``, ``PD-L1 CPS>=10``; a bare percentage is TPS);
   protein-expression states (``HER2-positive``, ``HER2-low``, ``HR-positive``, ``ER-positive``,
   ``triple-negative``) are never mapped onto a gene's amplification.
5. Negation and exclusion: a negative word (``HER2-negativ``, ``BRCA-negativ``, ``villtype``,
   ``mikrosatellittstabil``) or a negating word before it in the same clause (``uten``, ``ikke``,
   ``ingen``, ``negativ for``) makes a biomarker an exclusion, never a requirement. Negations of
   treatment history or of the decision itself (``ikke tidligere behandlet``, ``ikke innført``)
   exclude nothing.
6. Tumour types: everyday and clinical Norwegian names (bokmål and nynorsk) to OncoTree codes,
   most specific first (``ikke-småcellet lungekreft`` is NSCLC, not also LUNG); ``solide
   tumorer/svulster`` is tissue-agnostic.

What it cannot place it leaves out; :class:`ReadIndication` says whether anything was read.
The corpus test (tests/test_norwegian.py, 273 real phrasings) measures precision and recall.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from ontology.normalise import (
    AlterationConcept,
    expression_state,
    gene_fusion,
    gene_mutation,
    make_alteration,
    normalise_alteration,
)
from ontology.vocab import AlterationKind

# -- text ---------------------------------------------------------------------------------------

_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"), "-")


def normalise_text(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_HYPHENS)
    text = text.replace("≥", ">=").replace("≤", "<=").replace("\u00a0", " ")
    text = re.sub(r"-\s*/\s*", "- eller ", text)  # "EGFR-/ALK-mutasjoner"
    text = re.sub(r"\bBRCA\s*1\s*/\s*2\b", "BRCA1/2", text)  # "BRCA 1/2-mutasjoner"
    text = re.sub(r"\bBRCA\s+([12])\b", r"BRCA\1", text)
    # a gene glued to its protein change: "BRAFV600E" -> "BRAF V600E"
    text = re.sub(r"\b(BRAF|KRAS|NRAS|EGFR|IDH1|IDH2|PIK3CA|KIT|MET|ERBB2)([A-Z]\d{1,4}[A-Z])\b",
                  r"\1 \2", text)  # fmt: skip
    return " ".join(text.split())


# -- genes --------------------------------------------------------------------------------------

#: gene words indications use that are not the HGNC symbol, or symbols that stand for several
ALIASES: dict[str, tuple[str, ...]] = {
    "HER2": ("ERBB2",), "HER-2": ("ERBB2",), "NEU": ("ERBB2",), "C-KIT": ("KIT",),
    "CKIT": ("KIT",), "C-MET": ("MET",), "BRCA": ("BRCA1", "BRCA2"),
    "BRCA1/2": ("BRCA1", "BRCA2"), "BRCA1/BRCA2": ("BRCA1", "BRCA2"),
    "NTRK": ("NTRK1", "NTRK2", "NTRK3"), "NTRK1/2/3": ("NTRK1", "NTRK2", "NTRK3"),
    "RAS": ("KRAS", "NRAS"), "FGFR": ("FGFR1", "FGFR2", "FGFR3"),
    "IDH": ("IDH1", "IDH2"), "IDH1/2": ("IDH1", "IDH2"), "BCR-ABL": ("BCR::ABL1",),
    "BCR-ABL1": ("BCR::ABL1",), "BCR::ABL1": ("BCR::ABL1",),
}  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: the cancer genes indications name (used when HGNC is not loaded)
KNOWN_GENES = _words("""
    ALK BRAF BRCA1 BRCA2 EGFR ERBB2 ESR1 FGFR1 FGFR2 FGFR3 FLT3 IDH1 IDH2 KIT KRAS MET NRAS NTRK1
    NTRK2 NTRK3 PDGFRA PIK3CA RET ROS1 ATM PALB2 CDK12 AKT1 PTEN TP53 NPM1 JAK2 MYCN NF1 TSC1 TSC2
    BCR ABL1 CD274 MSH2 MLH1 MSH6 PMS2 POLE SMO PTCH1 HRAS MAP2K1 ERBB3 CCND1 CDKN2A STK11 KEAP1
""")
#: genes whose "positive" or "alteration" in an indication means a rearrangement
FUSION_GENES = frozenset({"ALK", "ROS1", "RET", "NTRK1", "NTRK2", "NTRK3", "BCR::ABL1"})
#: words that look like genes and are not (abbreviations in indication texts)
NOT_GENES = _words("""
    NSCLC SCLC HR ER PR PD PD-L1 PD-1 CPS TPS TC IC MSI MSS MMR DMMR PMMR TMB HRD GIS IHC ISH FISH
    NGS PCR DNA RNA TKI EMA FDA EU USA ECOG AML ALL KML KLL CML CLL GIST HCC RCC CRC MCRC MCRPC
    MHSPC TNBC MTNBC HNSCC SCCHN CSCC BCC DLBCL FL MCL PCM OSCC GEJ DTC NHL ID NYE ICD RECIST PFS
    OS ORR II III IV IB IIIA IIIB IIIC IVA IVB PN2 PN3 CD20 CD19 CD38 CD30 CD33 BCMA ALAT ASAT WHO
    ESMO
""")
# expression markers read as "<marker>-positive" states of their own (not genes' alterations)
EXPRESSION_MARKERS = {"CD20": "CD20", "CD19": "CD19", "CD30": "CD30", "CD33": "CD33",
                      "CD38": "CD38", "BCMA": "BCMA", "KIT": "KIT"}  # fmt: skip

# -- kinds of biomarker words -------------------------------------------------------------------

_W = r"[a-zæøåé]*"
_MUTATION = re.compile(rf"^(?:mut{_W}|varian{_W}|genvarian{_W}|genforandr{_W}|genendr{_W}|"
                       rf"forandr{_W}|"
                       rf"endr{_W}|aberrasjon{_W}|alterasjon{_W})$")  # fmt: skip
_FUSION = re.compile(rf"^(?:{_W}fusjon{_W}|rearr{_W}|reorganiser{_W}|translokasjon{_W}|"
                     rf"omorganiser{_W}|genrearr{_W})$")  # fmt: skip
_AMPLIFIED = re.compile(rf"^(?:amplifi{_W}|genamplifi{_W})$")
_OVEREXPRESSED = re.compile(rf"^(?:overekspr{_W}|overuttrykk{_W}|ekspr{_W}|uttrykk{_W})$")
_POSITIVE = re.compile(r"^(?:positiv[a-z]*|\+)$")
_NEGATIVE = re.compile(r"^(?:negativ[a-z]*|-)$")
_WILDTYPE = re.compile(rf"^(?:villtyp{_W}|wildtyp{_W}|wild-type|wt)$")
_DRUG_CLASS = re.compile(rf"^(?:hemmer{_W}|tki{_W}|inhibitor{_W}|rettet{_W}|blokker{_W}|"
                         rf"antistoff{_W}|behandling{_W}|terapi{_W}|test{_W}|testing{_W}|"
                         rf"status{_W}|analys{_W}|undersøk{_W}|svar{_W})$")  # fmt: skip
_PROTEIN = re.compile(r"^(?:p\.)?([ACDEFGHIKLMNPQRSTVWY])(\d{1,4})([ACDEFGHIKLMNPQRSTVWY*]|X)?$")
_NEGATORS = re.compile(r"(?<![\w-])(?:uten|ikke|ingen|ei|unntatt|ekskludert|negativ for|"
                       r"fravær av|som mangler|mangler)(?![\w-])", re.IGNORECASE)  # fmt: skip
# negations that are about something else than a biomarker (treatment, the decision, the text)
_NOT_ABOUT_BIOMARKER = re.compile(
    r"(?:ikke|uten)\s+(?:tidligere\s+|har\s+)?(?:behandl|fått|mottatt|innført|godkjent|egnet|"
    r"aktuel|kandidat|operer|reseker|resekt|mulig|tilgjengelig|anbefal|tålt|kan\b|er\s+egnet|"
    r"lenger|vært)",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;:]|\b(?:og som|men|samt|hos voksne|hos pasienter)\b")


@dataclass(frozen=True)
class ReadIndication:
    """What a Norwegian indication text requires, excludes and names."""

    alterations: tuple[AlterationConcept, ...]
    tumours: tuple[str, ...]  # OncoTree codes
    tissue_agnostic: bool
    excluded: tuple[AlterationConcept, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.alterations and not self.tumours and not self.tissue_agnostic

    @property
    def biomarker_stated(self) -> bool:
        return bool(self.alterations or self.excluded)


@dataclass
class _Found:
    required: dict[str, AlterationConcept] = field(default_factory=dict)
    excluded: dict[str, AlterationConcept] = field(default_factory=dict)

    def add(self, concept: AlterationConcept, negated: bool) -> None:
        (self.excluded if negated else self.required).setdefault(concept.id, concept)


def pd_l1(score: str | None, comparator: str | None, value: str | None) -> AlterationConcept:
    """PD-L1 expression with its scoring and threshold (``PD-L1 TPS>=50%``); without a threshold
    ``PD-L1 positive``."""
    if value is None:
        name = "PD-L1 positive"
    else:
        number = value.replace(",", ".").rstrip("0").rstrip(".") if "." in value or "," in value \
            else value  # fmt: skip
        unit = "" if score == "CPS" else "%"
        name = f"PD-L1 {score or 'TPS'}{comparator or '>='}{number}{unit}"
    return make_alteration(None, AlterationKind.EXPRESSION, name, name)


def _pd_l1_score(rest: str, ahead: str) -> str | None:
    """The PD-L1 scoring a text names: its abbreviation (TPS, CPS, TC, IC) first, then the words
    (tumour proportion score, tumour cells -> TPS; combined positive score -> CPS; immune cells ->
    IC); None when none is named (read as TPS)."""
    if m := _PD_L1_ABBREVIATION.search(rest) or _PD_L1_ABBREVIATION.search(ahead):
        return m.group("score")
    if m := _PD_L1_SCORE.search(rest) or _PD_L1_SCORE.search(ahead):
        return "TPS" if m.group("tps") else "CPS" if m.group("cps") else "IC"
    return None


def signature(name: str) -> AlterationConcept:
    return make_alteration(None, AlterationKind.SIGNATURE, name, name)


# -- sample-level biomarkers and expression states ----------------------------------------------

_SIGNATURE_PATTERNS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(p, re.IGNORECASE), name, negative)
    for p, name, negative in (
        (r"\bMSI-?H\b|\bMSI-?høy|mikrosatellitt-?\s*instabil\w*(?:\s*-?\s*\(?MSI\)?)?(?:\s*-?\s*h[øo]y)?|"
         r"h[øo]y\s+mikrosatellitt-?\s*instabil\w*|\bhøy\s+grad\s+av\s+mikrosatellitt\w*",
         "MSI-H", False),
        (r"\bdMMR\b|mismatch\s*-?\s*repair\s*-?\s*(?:defekt|mangel|deficient)\w*|"
         r"MMR-?\s*(?:defekt|mangel|svikt)\w*|defekt\w*\s+(?:DNA-)?mismatch\s*-?\s*(?:repair|reparasjon)|"
         r"mangelfull\s+(?:DNA-)?mismatch", "dMMR", False),
        (r"\bTMB-?H\b|\bTMB-?h[øo]y|h[øo]y\s+(?:tumor|tumør)\s*mutasjonsbyrde|"
         r"(?:tumor|tumør)mutasjonsbyrde\s*\(?TMB\)?\s*(?:>=|over|≥)\s*10", "TMB-H", False),
        (r"\bHRD\b(?!\s*-?\s*negativ)|homolog\w*\s+rekombinasjon\w*\s*-?\s*(?:defekt|mangel|svikt)\w*|"
         r"\bGIS\b\s*(?:>=|≥)|genomisk\s+instabilitet\w*\s*-?\s*(?:positiv|score)", "HRD", False),
        (r"(?:påvist|påvisning av|ved|med)\s+(?:dMMR/)?MSI\b(?!\s*-?\s*(?:status|test|analys))|"
         r"\bdMMR/MSI\b(?!\s*-?\s*(?:status|test|analys))|\bMSI/dMMR\b", "MSI-H", False),
        (r"(?:defekt|mangel|svikt)\w*\s+i\s+homolog\w*\s+rekombinasjon\w*", "HRD", False),
        (r"\bMSS\b|mikrosatell?itt-?\s*stabil\w*", "MSI-H", True),
        (r"\bpMMR\b|MMR-?\s*profisient|mismatch\s*-?\s*repair\s*-?\s*profisient", "dMMR", True),
        (r"\bHRD-?\s*negativ\w*", "HRD", True),
    )
)  # fmt: skip
_PHILADELPHIA = re.compile(r"philadelphia\w*[\s-]*(?:kromosom\w*)?[\s-]*positiv\w*|\bPh\+|"
                           r"\bPh-positiv\w*", re.IGNORECASE)  # fmt: skip
_CD_MARKER = re.compile(r"\b(CD\d{2,3}|BCMA)\s*-?\s*positiv\w*", re.IGNORECASE)
_SCORE_ALONE = re.compile(r"\b(?P<score>TPS|CPS)\s*(?P<cmp>>=|>)\s*(?P<value>\d+)\s*%?")
_VALUE_BEFORE_PD_L1 = re.compile(r"(?P<cmp>>=|>|minst|over)?\s*(?P<value>\d+)\s*%\s*PD-?L1",
                                 re.IGNORECASE)  # fmt: skip
_TRIPLE_NEGATIVE = re.compile(r"trippel-?\s*negativ|\bm?TNBC\b|triple-?\s*negativ", re.I)
_HORMONE = re.compile(
    r"(?P<what>hormon-?\s*reseptor\w*|\bHR\b|østrogen-?\s*reseptor\w*|\bER\b|\bER/PR\b|"
    r"progesteron-?\s*reseptor\w*|\bPR\b)\)?\s*(?:\((?:HR|ER|PR)\))?\s*-?\s*"
    r"(?P<state>positiv\w*|negativ\w*|\+|-(?=\s|/|$))",
    re.IGNORECASE,
)
_HER2_STATE = re.compile(
    r"(?:\bHER-?2\b|human\s+epidermal\s+vekstfaktor\s*-?\s*reseptor\s*-?\s*2)\s*(?:\(HER-?2\))?"
    r"\s*-?\s*(?P<state>ultra-?\s*lav\w*|ultralow|lav\w*|low|positiv\w*|negativ\w*|"
    r"\+|-(?=[\s,/)]|$)|overekspr\w*|overuttrykk\w*|amplifi\w*|mutasjon\w*|mutert\w*|muter\w*|"
    r"\(?IHC\s*3\+|-(?=(?!status|test|uttrykk|ekspr|behandl|rettet|hemm|målrett)[a-zæøå]))",
    re.IGNORECASE,
)
_PD_L1 = re.compile(r"PD-?L1(?P<rest>[^.;]{0,120})", re.IGNORECASE)
_PD_L1_ABBREVIATION = re.compile(r"\b(?P<score>TPS|CPS|TC|IC)\b")
_PD_L1_SCORE = re.compile(
    r"(?P<tps>tumour proportion score|tumor proportion score|tumorcelle\w*)|"
    r"(?P<cps>combined positive score|kombinert positiv score)|(?P<ic>immuncelle\w*)",
    re.IGNORECASE)  # fmt: skip
_PD_L1_VALUE = re.compile(
    r"(?P<cmp>>=|>|minst|på minst|over|mer enn|<=|<|under|mindre enn)\s*(?P<value>\d+(?:[.,]\d+)?)"
    r"\s*(?P<pct>%|prosent)?",
    re.IGNORECASE,
)

# -- exons ----------------------------------------------------------------------------------------

_EXON = re.compile(
    r"(?:ekson|exon)\s*(?P<n>\d{1,2})\s*(?:\(\w+\))?\s*-?\s*(?P<what>\w*)|"
    r"(?P<what2>delesjon\w*|insersjon\w*|innsetting\w*|skipping|hopping|mutasjon\w*)\s+i\s+"
    r"(?:ekson|exon)\s*(?P<n2>\d{1,2})|METex14|MET\s*ex\s*14",
    re.IGNORECASE,
)


def _exon_concepts(gene: str | None, text: str) -> list[AlterationConcept]:
    out = []
    for m in _EXON.finditer(text):
        if m.group(0).upper().replace(" ", "") in ("METEX14",):
            out.append(normalise_alteration("MET", "exon 14 skipping"))
            continue
        n = m.group("n") or m.group("n2")
        what = (m.group("what") or m.group("what2") or "").lower()
        protein = re.match(r"\s*\(\s*([A-Z]\d{2,4}[A-Z])\s*\)", text[m.end("n") if m.group("n")
                           else m.end():])  # fmt: skip
        if protein and (gene or n in ("21", "20", "18")):
            out.append(normalise_alteration(gene or "EGFR", protein.group(1)))
            continue
        g = gene
        if g is None:
            g = {"19": "EGFR", "20": "EGFR", "21": "EGFR", "14": "MET", "18": "EGFR"}.get(n)
        if g is None:
            continue
        if g == "MET" and n == "14" or what.startswith(("skip", "hopp")):
            out.append(normalise_alteration(g, f"exon {n} skipping"))
        elif what.startswith(("insersjon", "innsetting", "ins")):
            out.append(normalise_alteration(g, f"exon {n} insertion"))
        elif what.startswith(("delesjon", "del")) or (g == "EGFR" and n == "19"):
            out.append(normalise_alteration(g, f"exon {n} deletion"))
        elif g == "EGFR" and n == "20":
            out.append(normalise_alteration(g, "exon 20 insertion"))
        else:
            out.append(normalise_alteration(g, f"exon {n} mutation"))
    return out


# -- the reader ---------------------------------------------------------------------------------

DRUG: list[AlterationConcept] = []  # what _kind_concepts says of a drug-class word (a sentinel)
_BARE_PROTEIN = re.compile(
    r"(?<![\w-])(?:p\.)?[ACDEFGHIKLMNPQRSTVWY]\d{2,4}[ACDEFGHIKLMNPQRSTVWY](?![\w])"
)
_TOKEN = re.compile(r"[A-Za-zÆØÅæøåÉé0-9:/+*.]+(?:-[A-Za-zÆØÅæøåÉé0-9:/+*]+)*-?|\S")


def _genes_of(word: str, is_gene: Callable[[str], bool]) -> tuple[str, ...]:
    """The genes a word (``EGFR``, ``HER2``, ``BRCA1/2``, ``NTRK1/2/3``) names, else ()."""
    w = word.upper().strip("().,")
    if w in ALIASES:
        return ALIASES[w]
    if w in NOT_GENES or len(w) < 2:
        return ()
    if "/" in w:  # "BRCA1/2", "NTRK1/NTRK2"
        head, *rest = w.split("/")
        m = re.fullmatch(r"([A-Z]+)(\d)", head)
        if m and all(r.isdigit() for r in rest):
            return tuple(m.group(1) + d for d in (m.group(2), *rest))
        parts = [ALIASES.get(p, (p,) if _is_gene_symbol(p, is_gene) else ()) for p in (head, *rest)]
        return tuple(g for p in parts for g in p) if all(parts) else ()
    return (w,) if _is_gene_symbol(w, is_gene) else ()


def _is_gene_symbol(w: str, is_gene: Callable[[str], bool]) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", w)) and w not in NOT_GENES and is_gene(w)


_INTRODUCER = re.compile(r"\b(?:med|hos|til|for|ved|der|hvor)\b", re.IGNORECASE)


def _negated(text: str, start: int) -> bool:
    """Whether a negating word governs the biomarker at ``start``: in the same clause, within a
    few words before it, with no word in between that introduces what the indication is for
    (``ikke operabelt melanom med BRAF V600``: the negation is about operability)."""
    clause_start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = m.end()
    window = text[max(clause_start, start - 70) : start]
    for m in _NEGATORS.finditer(window):
        tail = window[m.start() :]
        if _NOT_ABOUT_BIOMARKER.match(tail):
            continue
        if _INTRODUCER.search(window[m.end() :]) or len(window[m.end() :].split()) > 8:
            continue
        return True
    return False


# a biomarker named as what is tested for, not as what the indication requires
_TEST_CONTEXT = re.compile(
    r"(?:test\w*|testing|deteksjon|påvisning|undersøk\w*|analyse\w*|kartlegging)\s+"
    r"(?:for|av|på)\s+(?:[\w-]+\s+){0,5}$", re.IGNORECASE)  # fmt: skip
_STATUS_AFTER = re.compile(r"^(?:/[\w-]+)?\s*-?\s*(?:status|test\w*|svar|analyse\w*)\b", re.I)


def _tested_for(text: str, start: int, end: int | None) -> bool:
    """``testing for EGFR-mutasjon``, ``MSI-status``: the biomarker is what is tested. ``end``:
    where a bare name ends (a status word right after it makes it a test), None when the word
    itself says more (``BRCA-negativ status`` is a requirement)."""
    before = text[max(0, start - 60) : start]
    if _TEST_CONTEXT.search(before):
        return True
    return end is not None and bool(_STATUS_AFTER.match(text[end : end + 30]))


# "aktiverende mutasjoner i EGFR", "genforandringer i RET-genet", "endring i det såkalte
# NTRK-genet", "villtype RAS": the kind word comes before the gene
_KIND_BEFORE = re.compile(
    r"(?P<word>mut\w*|genforandr\w*|forandr\w*|endring\w*|genendr\w*|fusjon\w*|rearr\w*|"
    r"amplifi\w*|villtyp\w*|wildtyp\w*)\s*(?:\([^)]*\)\s*)?(?:(?:i|av|på)\s+)?"
    r"(?:genet\s+(?:til\s+)?|det\s+såkalte\s+|[\w-]+\s+){0,4}\(?$",
    re.IGNORECASE,
)


def read_norwegian(
    text: str | None, is_gene: Callable[[str], bool] | None = None
) -> ReadIndication:
    """The biomarkers a Norwegian indication text requires and excludes, and the tumour types it
    names (see the module doc). ``is_gene(symbol)`` says which upper-case words are genes (HGNC
    when loaded); without it, the built-in cancer-gene list."""
    check = is_gene or (lambda s: s in KNOWN_GENES)
    t = normalise_text(text)
    found = _Found()
    specific_genes: set[str] = set()

    # sample-level biomarkers and expression states first (their words are not genes)
    for pattern, name, negative in _SIGNATURE_PATTERNS:
        for m in pattern.finditer(t):
            if not negative and _tested_for(t, m.start(), m.end()):
                continue
            found.add(signature(name), negative or _negated(t, m.start()))
    for m in _PHILADELPHIA.finditer(t):
        found.add(normalise_alteration(None, "BCR::ABL1"), _negated(t, m.start()))
    for m in _CD_MARKER.finditer(t):
        found.add(expression_state(m.group(1).upper(), "positive"), _negated(t, m.start()))
    for m in _TRIPLE_NEGATIVE.finditer(t):
        found.add(expression_state("", "triple-negative"), _negated(t, m.start()))
    for m in _HORMONE.finditer(t):
        what = m.group("what").lower()
        marker = "HR" if what.startswith(("h", "er/pr")) else "ER" if what.startswith(("ø", "er")) \
            else "PR"  # fmt: skip
        state = m.group("state").lower()
        negative = state.startswith("negativ") or state == "-"
        found.add(expression_state(marker, "positive"), negative or _negated(t, m.start()))
    for m in _HER2_STATE.finditer(t):
        state = m.group("state").lower().replace(" ", "")
        if state.startswith(("mutasjon", "mutert", "muter")):
            found.add(gene_mutation("ERBB2"), _negated(t, m.start()))
            specific_genes.add("ERBB2")
            continue
        if state.startswith(("ultra", "ultralow")):
            concept = expression_state("HER2", "ultralow")
        elif state.startswith(("lav", "low")):
            concept = expression_state("HER2", "low")
        else:
            concept = expression_state("HER2", "positive")
        negative = state.startswith("negativ") or state == "-"
        found.add(concept, negative or _negated(t, m.start()))
        specific_genes.add("ERBB2")
    pd_l1_read = False
    for m in _PD_L1.finditer(t):
        rest = m.group("rest")
        value = _PD_L1_VALUE.search(rest)
        ahead = t[max(0, m.start() - 30) : m.start()]
        score = _pd_l1_score(rest, ahead)
        if value is None and (v := _VALUE_BEFORE_PD_L1.search(t, max(0, m.start() - 16),
                                                              m.end())):  # fmt: skip
            value = v
        if value:
            pd_l1_read = True
            cmp_word = (value.group("cmp") or ">=").lower()
            below = cmp_word in ("<", "<=", "under", "mindre enn")
            comparator = {">": ">", "over": ">", "mer enn": ">"}.get(cmp_word, ">=")
            number = value.group("value")
            if below:  # "PD-L1 under 50 %": the group below the threshold, an exclusion
                found.add(pd_l1(score, ">=", number), True)
            else:
                if comparator == ">" and number in ("1", "50"):
                    comparator = ">="  # "> 50 %" in the decisions means the >= 50 % group
                found.add(pd_l1(score, comparator, number), _negated(t, m.start()))
        elif re.match(r"\s*-?\s*(?:positiv|uttrykk|ekspr)", rest, re.IGNORECASE):
            found.add(pd_l1(None, None, None), _negated(t, m.start()))
    if re.search(r"uavhengig\s+av\s+PD-?L1", t, re.IGNORECASE):  # PD-L1 required neither way
        for key in [k for k, c in {**found.required, **found.excluded}.items()
                    if c.name.startswith("PD-L1")]:  # fmt: skip
            found.required.pop(key, None)
            found.excluded.pop(key, None)
        pd_l1_read = True
    if not pd_l1_read:  # "kravet vil være CPS >= 5": a score with its threshold is PD-L1's
        for m in _SCORE_ALONE.finditer(t):
            found.add(pd_l1(m.group("score"), ">=", m.group("value")), _negated(t, m.start()))
    if any(c.name.startswith("PD-L1 ") and c.name != "PD-L1 positive"
           for c in (*found.required.values(), *found.excluded.values())):  # fmt: skip
        found.required.pop(pd_l1(None, None, None).id, None)

    # genes with the words that follow them (or, failing that, precede them)
    tokens = list(_TOKEN.finditer(t))
    mentions: list[tuple[int, str]] = []  # (position, gene) of every gene named
    pending: list[tuple[tuple[str, ...], int]] = []  # "EGFR- eller ALK-...": genes awaiting a kind
    for i, tok in enumerate(tokens):
        word = tok.group(0)
        head, sep, tail = word.partition("-")
        if head.upper() in ("HER2", "HER-2", "PD", "HR", "ER", "PR"):
            continue  # read above as expression states
        genes = _genes_of(word.rstrip("-"), check) if not tail else _genes_of(head, check)
        if not genes and head.upper() in ("BCR",) and tail.upper().startswith("ABL"):
            genes = ("BCR::ABL1",)
            tail = tail.split("-", 1)[1] if "-" in tail else ""
        if not genes:
            continue
        mentions += [(tok.start(), g) for g in genes]
        if _tested_for(t, tok.start(), None if tail else tok.end()):
            pending.clear()
            continue
        if genes == ("BCR::ABL1",):
            found.add(normalise_alteration(None, "BCR::ABL1"), _negated(t, tok.start()))
            specific_genes.add("BCR::ABL1")
            continue
        following = [x.group(0) for x in tokens[i + 1 : i + 5]]
        if word.endswith("-") and not tail and following and (following[0].lower() in (
                "eller", "og", ",", "/", "og/eller") or following[0].endswith("-")):  # fmt: skip
            pending.append((genes, tok.start()))
            continue
        words = ([tail] if tail else []) + following
        concepts = _kind_concepts(genes, words, t[tok.start() : tok.start() + 80])
        negative_word = _says_negative(words)
        if concepts is DRUG:  # "EGFR-hemmer": a drug class, not a biomarker
            pending.clear()
            continue
        if concepts is None:  # nothing after the gene: a kind word before it?
            before = _KIND_BEFORE.search(t[max(0, tok.start() - 90) : tok.start()])
            if before is None:
                pending.clear()
                continue
            concepts = _kind_concepts(genes, [before.group("word")], "") or []
            if concepts is DRUG:
                continue
            negative_word = bool(_WILDTYPE.match(before.group("word").lower()))
        for g_pending, start in pending:
            more = _kind_concepts(g_pending, words, t[start : start + 80])
            for c in more if isinstance(more, list) else ():
                found.add(c, negative_word or _negated(t, start))
        pending.clear()
        for c in concepts:
            found.add(c, negative_word or _negated(t, tok.start()))
            if c.kind not in (AlterationKind.GENE_CLASS,) or c.notation != "mutation":
                specific_genes.add(c.gene or "")

    # a protein change named apart from its gene ("mutasjoner i ekson 19 og L858R"): the gene
    # named last before it
    attached = {c.notation for c in (*found.required.values(), *found.excluded.values())}
    for m in _BARE_PROTEIN.finditer(t):
        if m.group(0) in attached:
            continue
        earlier = [g for pos, g in mentions if pos < m.start() and "::" not in g]
        if earlier:
            concept = normalise_alteration(earlier[-1], m.group(0))
            if concept.kind is AlterationKind.PROTEIN_CHANGE:
                found.add(concept, _negated(t, m.start()))
                specific_genes.add(earlier[-1])

    # exon-level alterations stated apart from a gene word ("mutasjoner i ekson 19")
    for concept in _exon_concepts(None, t):
        if concept.id not in found.excluded:
            found.add(concept, False)
            specific_genes.add(concept.gene or "")

    # a gene-level class stands only where nothing more specific was read for that gene
    required = {k: c for k, c in found.required.items()
                if not (c.kind is AlterationKind.GENE_CLASS and c.notation == "mutation"
                        and c.gene in specific_genes
                        and _has_specific(found.required, c.gene))}  # fmt: skip
    excluded = {k: c for k, c in found.excluded.items() if k not in required}
    tumours, agnostic = read_tumours(t)
    return ReadIndication(tuple(required.values()), tuple(tumours), agnostic,
                          tuple(excluded.values()))  # fmt: skip


def _has_specific(required: dict[str, AlterationConcept], gene: str | None) -> bool:
    return any(
        c.gene == gene and not (c.kind is AlterationKind.GENE_CLASS and c.notation == "mutation")
        for c in required.values()
    )


def _says_negative(words: list[str]) -> bool:
    for w in words[:3]:
        low = w.lower().strip(",.()")
        if not low or low == "-":
            continue
        return bool(re.match(r"negativ", low) or _WILDTYPE.match(low))
    return False


def _kind_concepts(
    genes: tuple[str, ...], words: list[str], context: str
) -> list[AlterationConcept] | None:
    """What the words after a gene say about it: its alterations, :data:`DRUG` when they name a
    drug class (``EGFR-hemmer``), None when they say nothing about it."""
    out: list[AlterationConcept] = []
    for raw in words[:4]:
        w = raw.lower().strip(',.()«»"')
        if not w:
            continue
        if _DRUG_CLASS.match(w):
            return DRUG
        m = _PROTEIN.match(raw.strip(",.()-").split("-")[0])
        if m and m.group(3):  # V600E, G12C
            for g in genes:
                out.append(normalise_alteration(g, m.group(0)))
            continue
        if m and not m.group(3) and re.fullmatch(r"[A-Z]\d{1,4}", raw.strip(",.()-").split("-")[0]):
            for g in genes:  # a codon: V600, G12
                out.append(normalise_alteration(g, m.group(0)))
            continue
        if w in ("ekson", "exon") or w.startswith("ekson") or w.startswith("exon"):
            for g in genes:
                out += _exon_concepts(g, context)
            if out:
                return out
            continue
        base = re.split(r"[-/]", w)
        first = next((b for b in base if b), w)
        if _FUSION.match(first) or (_MUTATION.match(first) and set(genes) <= FUSION_GENES) or (
                _POSITIVE.match(first) and set(genes) <= FUSION_GENES):  # fmt: skip
            return out + [gene_fusion(g) if "::" not in g else normalise_alteration(None, g)
                          for g in genes]  # fmt: skip
        if first == "itd":  # FLT3-ITD
            return out + [normalise_alteration(g, "itd") for g in genes]
        if _AMPLIFIED.match(first):
            return out + [normalise_alteration(g, "amplification") for g in genes]
        if _MUTATION.match(first) or _POSITIVE.match(first):  # "EGFR-mutert", "KIT-positiv"
            if all(g in EXPRESSION_MARKERS for g in genes) and _POSITIVE.match(first):
                return out + [expression_state(EXPRESSION_MARKERS[g], "positive") for g in genes]
            return out or [gene_mutation(g) for g in genes]
        if _NEGATIVE.match(first) or _WILDTYPE.match(first):
            if set(genes) <= FUSION_GENES:
                return out + [gene_fusion(g) for g in genes]
            return out or [gene_mutation(g) for g in genes]
        if _OVEREXPRESSED.match(first):
            return out or [normalise_alteration(g, "overexpression") for g in genes]
        if w in ("-", "og", "eller", "i", "med", "som", "genet", "gen", "er", "har"):
            if out:
                return out
            continue
        if out:
            return out
        if re.fullmatch(r"[a-zæøå]+", w):
            return None  # an ordinary word: the gene was named, but not as a biomarker here
    return out or None


# -- tumour types -------------------------------------------------------------------------------

#: (pattern, OncoTree code), most specific first; a match masks its words for the later patterns
TUMOURS: tuple[tuple[str, str], ...] = (
    (
        r"(?<!ikke-)(?<!ikke )plateepitel\w*\s+(?:ikke[\s-]*småcellet\w*(?:\s+lunge\w*)?|NSCLC|"
        r"lungekreft\w*)|NSCLC\s+av\s+typen\s+plateepitel\w*|"
        r"(?:ikke|ikkje)[\s-]*småcellet\w*\s+plateepitel\w*",
        "LUSC",
    ),
    (
        r"(?:ikke|ikkje)[\s-]*små[\s-]*cell\w*(?:\s+(?:lunge\w*|karsinom\w*|kreft|type))?|\bNSCLC\b|"
        r"lungekreft\w*\s+av\s+ikke[\s-]*småcellet\s+type",
        "NSCLC",
    ),
    (r"småcellet\s+lungekreft\w*|\bSCLC\b|småcellet\s+lungekarsinom", "SCLC"),
    (r"adenokarsinom\w*\s+i\s+lung\w*|lunge-?adenokarsinom\w*", "LUAD"),
    (r"lungekreft\w*|lungekarsinom\w*|lunge-?\s*kreft\w*|kreft\s+i\s+lungen?e?", "LUNG"),
    (r"inflammatorisk\w*(?=(?:[\s,]+[\w-]+){0,4}[\s,]+brystkreft)", "IBC"),
    (
        r"brystkreft\w*|brystkarsinom\w*|mammakarsinom\w*|cancer\s+mammae|\bm?TNBC\b|"
        r"kreft\s+i\s+brystet",
        "BREAST",
    ),
    (r"SEROUS(?:eggstokk|ovarie|ovarial)\w*", "HGSOC"),
    (r"SEROUSeggleder\w*", "HGSFT"),
    (
        r"SEROUS(?:primær\w*\s+)?(?:bukhinnekreft|peritoneal\w*\s+kreft|peritonealkreft|"
        r"peritonealkarsinom\w*)",
        "PSEC",
    ),
    (
        r"(?:primær\w*\s+)?(?:bukhinnekreft|peritoneal\w*\s+kreft|peritonealkreft|"
        r"peritonealkarsinom\w*)",
        "PERITONEUM",
    ),
    (r"eggstokk\w*|ovarial\w*|ovarie\w*|eggleder\w*", "OVARY"),
    (r"livmorhals\w*|cervix\w*kreft|cervixcancer", "CERVIX"),
    (r"livmorkreft\w*|endometrie\w*|livmorslimhinne\w*|kreft\s+i\s+livmoren", "UCEC"),
    (r"prostata\w*|\bm?CRPC\b|\bm?HSPC\b", "PRAD"),
    (
        r"tykk-?\s*og\s+endetarm\w*|kolorektal\w*|\bm?CRC\b|colorectal\w*|kreft\s+i\s+tykk-?\s*og\s+"
        r"endetarm\w*",
        "COADREAD",
    ),
    (r"tykktarm\w*|colon\w*kreft|kolonkreft\w*", "COAD"),
    (r"endetarm\w*|rektal\w*kreft|rektumkreft\w*", "READ"),
    (r"(?:adenokarsinom\w*\s+i\s+)?gastro-?\s*øsofageal\w*\s+overgang\w*|\bGEJ\b", "GEJ"),
    (r"plateepitel\w*\s+(?:i\s+)?(?:øsofagus|spiserør\w*)|\bOSCC\b|\bESCC\b", "ESCC"),
    (r"spiserør\w*|øsofagus\w*", "STOMACH"),
    (r"ventrikkel\w*|magekreft\w*|magesekk\w*|\bgastrisk\w*\s+(?:kreft|adenokarsinom\w*)", "STAD"),
    (r"bukspytt\w*|pankreas\w*|pancreas\w*", "PAAD"),
    (r"intrahepatisk\w*\s+(?:gallegang|kolangio)\w*", "IHCH"),
    (r"gallegang\w*|kolangio\w*|cholangio\w*|galleveis\w*", "CHOL"),
    (r"hepatocellulær\w*|\bHCC\b", "HCC"),
    (r"leverkreft\w*|levercelle\w*", "LIVER"),
    (r"(?:urotel\w*\s+(?:i\s+)?(?:de\s+)?)?øvre\s+urinvei\w*", "UTUC"),
    (r"blære\w*", "BLCA"),
    (r"urotel\w*", "BLADDER"),
    (r"nyrecelle\w*|nyrekreft\w*|\bRCC\b", "RCC"),
    (r"tynntarm\w*", "SIC"),
    (r"hode-?\s*(?:og\s+)?hals\w*|\bSCCHN\b|\bHNSCC\b", "HNSC"),
    (r"differensiert\w*\s+(?:thyreoidea|skjoldbrusk)\w*|\bDTC\b", "WDTC"),
    (r"medullær\w*\s+(?:thyreoidea|skjoldbrusk)\w*|\bMTC\b", "THME"),
    (r"thyreoidea\w*|skjoldbrusk\w*|tyreoidea\w*", "THYROID"),
    (r"uvealt?\s+melanom\w*|øyemelanom\w*", "UM"),
    (r"melanom\w*|føflekk-?\s*k?reft\w*", "MEL"),
    (r"kutan\w*\s+plateepitel\w*|\bCSCC\b", "CSCC"),
    (r"basalcelle\w*", "BCC"),
    (r"oligodendrogliom\w*", "ODG"),
    (r"glioblastom\w*", "GB"),
    (r"diffust?\s+(?:lavgradig\w*\s+)?gliom\w*", "DIFG"),
    (r"gliom\w*|hjernesvulst\w*", "DIFG"),
    (r"\bGIST\b|gastrointestinal\w*\s+stromal\w*", "GIST"),
    (r"pleksiform\w*\s+nevrofibrom\w*", "NFIB"),
    (r"sarkom\w*", "SOFT_TISSUE"),
    (r"myelomatose|benmargskreft\w*|multippelt?\s+myelom\w*", "PCM"),
    (r"akutt\s+myelo\w*\s+leuk\w*|\bAML\b", "AML"),
    (r"kronisk\s+myelo\w*\s+leuk\w*|\bKML\b|\bCML\b", "CML"),
    (r"B-?\s*(?:celle-?\s*)?(?:prekursor|lymfoblast)\w*|\bB-ALL\b", "BLL"),
    (r"kronisk\s+lymfatisk\s+leuk\w*|\bKLL\b|\bCLL\b", "CLLSLL"),
    (r"diffus\w*,?\s+storcellet\w*\s+B-?\s*celle\w*|\bDLBCL\b", "DLBCLNOS"),
    (r"follikulært?\s+lymfom\w*", "FL"),
    (r"mantelcelle\w*", "MCL"),
    (r"burkitt\w*\s+(?:lymfom|leuk)\w*", "BL"),
    (r"mesoteliom\w*", "PLMESO"),
    (r"nevroendokrin\w*", "NETNOS"),
)
_TISSUE_AGNOSTIC = re.compile(r"solide?\s+(?:tumor\w*|tumør\w*|svulst\w*|kreft\w*)|"
                              r"uavhengig\s+av\s+(?:tumor|tumør)\w*\s*(?:type|lokalisasjon)",
                              re.I)  # fmt: skip
_TUMOUR_RES = tuple((re.compile(p, re.IGNORECASE), code) for p, code in TUMOURS)


#: an organ-level code read beside one of its subtypes says nothing more: only the subtype stays
_COVERED_BY = {"LUNG": {"NSCLC", "SCLC", "LUAD", "LUSC"}, "THYROID": {"WDTC", "THME"},
               "OVARY": {"HGSOC", "HGSFT"}, "DIFG": {"ODG", "GB"}}  # fmt: skip
_SEROUS = re.compile(r"høygradig\w*\s+serøs\w*\s+(?:epitelial\w*\s+)?", re.IGNORECASE)


def read_tumours(text: str) -> tuple[list[str], bool]:
    """OncoTree codes of the tumour types a (normalised) text names, most specific first, and
    whether it is tissue-agnostic. In a high-grade serous context the ovary, tube and peritoneum
    are the serous types (HGSOC, HGSFT, PSEC)."""
    masked = text
    if _SEROUS.search(text):  # "høygradig serøs eggstokkreft, eggleder- eller bukhinnekreft"
        tail = text[_SEROUS.search(text).end() :]
        head = text[: len(text) - len(tail)]
        masked = head + re.sub(r"(?i)(?<![\w])(primær\w*\s+)?(eggstokk|ovarie|ovarial|eggleder|"
                               r"bukhinne|peritoneal)", lambda m: "SEROUS" + m.group(0),
                               tail)  # fmt: skip
    out: list[str] = []
    for pattern, code in _TUMOUR_RES:

        def hit(m: re.Match[str], code: str = code) -> str:
            if code not in out:
                out.append(code)
            return " " * len(m.group(0))

        masked = pattern.sub(hit, masked)
    out = [c for c in out if not (_COVERED_BY.get(c, set()) & set(out))]
    # "Philadelphia-positiv KML" is the BCR-ABL1 subtype
    if "CML" in out and re.search(r"philadelphia|\bPh\+|BCR-?ABL", text, re.IGNORECASE):
        out[out.index("CML")] = "CMLBCRABL1"
    return out, bool(_TISSUE_AGNOSTIC.search(text))
