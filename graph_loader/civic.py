"""CIViC monthly releases: alterations, molecular profiles, evidence items and assertions.

Reads a release's TSV files, in both layouts: 2024 (``GeneSummaries``, gene-based
``VariantSummaries``) and 2025 (``FeatureSummaries``, feature-based ``VariantSummaries`` with fusion
partner columns); the 2026 ``Accepted...`` file names too. Only accepted evidence items are
evidence. CIViC's own ids stay on every fact (``civic.eid:1409``, ``civic.aid:7``, ``civic.mp:12``).

Concepts are normalised through ``ontology.normalise``: alterations (with their broader
alterations and IS_A links), drugs, therapies (combination / substitutes / sequential, as CIViC
states them), genes (HGNC, via a :class:`GeneIndex`) and diseases (OncoTree, via a
:class:`TumourIndex`). A disease that does not map is kept as its own ``TumourType``
(``DOID:<n>``, ``normalised = false``); a gene not in the index gets no ``IN_GENE`` link; both are
counted in the load report. Licence: CIViC data are CC0 1.0.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph_loader.concepts import ConceptCollector
from graph_loader.files import BadRow, RawFile, directory_of, read_file, read_tsv
from graph_loader.framework import NORMALISE, Rejection, Source, SourceMeta, TransformResult
from ontology.errors import InputFileError
from ontology.models import (
    Evidence,
    MolecularProfile,
    Publication,
    TumourType,
)
from ontology.normalise import (
    AlterationConcept,
    GeneIndex,
    TumourIndex,
    fusion,
    normalise_alteration,
)
from ontology.vocab import (
    AlterationKind,
    CivicEvidenceLevel,
    EvidenceDirection,
    EvidenceType,
    Label,
    LevelFramework,
    ProfileOperator,
    RelType,
    TherapyType,
)

META = SourceMeta(
    name="civic",
    licence="CC0 1.0",
    url="https://civicdb.org",
    citation=(
        "Griffith M et al. CIViC is a community knowledgebase for expert crowdsourcing the "
        "clinical interpretation of variants in cancer. Nat Genet. 2017;49(2):170-174"
    ),
)

# File roles and the names they go by across layouts (a release prefixes them with its date).
ROLES: dict[str, tuple[str, ...]] = {
    "evidence": ("AcceptedClinicalEvidenceSummaries.tsv", "ClinicalEvidenceSummaries.tsv"),
    "variants": ("AcceptedVariantSummaries.tsv", "VariantSummaries.tsv"),
    "profiles": ("AcceptedMolecularProfileSummaries.tsv", "MolecularProfileSummaries.tsv"),
    "assertions": ("AcceptedAssertionSummaries.tsv", "AssertionSummaries.tsv"),
}
REQUIRED_ROLES = ("evidence", "variants", "profiles")
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
EVIDENCE_COLUMNS = (
    "molecular_profile", "molecular_profile_id", "disease", "doid", "therapies",
    "therapy_interaction_type", "evidence_type", "evidence_direction", "evidence_level",
    "significance", "evidence_statement", "citation_id", "source_type", "citation", "rating",
    "evidence_status", "evidence_id", "variant_origin",
)  # fmt: skip
PROFILE_COLUMNS = ("name", "molecular_profile_id", "variant_ids")
ASSERTION_COLUMNS = (
    "molecular_profile", "molecular_profile_id", "disease", "doid", "therapies", "assertion_type",
    "assertion_direction", "significance", "amp_category", "assertion_summary", "assertion_id",
    "evidence_item_ids",
)  # fmt: skip


def find_release_files(directory: str | Path) -> dict[str, Path]:
    """The files of one release in a directory, by role; InputFileError if one is missing."""
    d = Path(directory)
    if not d.is_dir():
        raise InputFileError(d, "expected a directory holding one CIViC monthly release")
    found: dict[str, Path] = {}
    for role, names in ROLES.items():
        for name in names:  # "Accepted..." first: "ClinicalEvidence..." is a suffix of it
            hits = sorted(p for p in d.iterdir() if p.name.endswith(name))
            hits = [p for p in hits if not (name == names[-1] and "Accepted" in p.name)] or hits
            if hits:
                found[role] = hits[-1]
                break
    missing = [r for r in REQUIRED_ROLES if r not in found]
    if missing:
        raise InputFileError(d, f"no {', '.join(ROLES[m][-1] for m in missing)} in this directory")
    return found


def read_release(directory: str | Path) -> dict[str, RawFile]:
    return {role: read_file(path) for role, path in find_release_files(directory).items()}


def version_from_name(file_name: str) -> str | None:
    """``01-Jul-2025-ClinicalEvidenceSummaries.tsv`` -> ``2025-07-01``."""
    m = re.match(r"^(\d{2})-([A-Z][a-z]{2})-(\d{4})-", file_name)
    if not m or m.group(2) not in MONTHS:
        return None
    return f"{m.group(3)}-{MONTHS[m.group(2)]:02d}-{m.group(1)}"


class _State(ConceptCollector):
    """The transform's collector plus CIViC's own lookups between its files."""

    def __init__(
        self, result: TransformResult, genes: GeneIndex | None, tumours: TumourIndex | None
    ) -> None:
        super().__init__(result, genes)
        self.tumours = tumours
        self.variant_alteration: dict[str, str] = {}  # variant id -> alteration id
        self.variant_display: dict[str, str] = {}  # "BRAF V600E" as CIViC names it
        self.profiles: dict[str, list[str]] = {}  # molecular profile id -> variant ids


def _rows(state: _State, raw: RawFile, required: tuple[str, ...], id_column: str):  # type: ignore[no-untyped-def]
    """Each well-formed row with a numeric id as (row, id); the others rejected with their line."""
    header, rows = read_tsv(raw, required=required)
    for row in rows:
        state.result.rows_read += 1
        if isinstance(row, BadRow):
            state.result.rejections.append(Rejection(raw.name, row.line, "malformed row",
                                                     row.reason))  # fmt: skip
            continue
        value = row.values[id_column].strip()
        if not value:
            state.result.rejections.append(
                Rejection(raw.name, row.line, f"empty {id_column}", column=id_column)
            )
            continue
        if not value.isdigit():
            state.result.rejections.append(
                Rejection(raw.name, row.line, f"malformed {id_column}", repr(value), id_column)
            )
            continue
        yield header, row, value


def transform(
    files: dict[str, RawFile],
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    """Parse and validate a whole CIViC release (see the module docstring)."""
    missing = [r for r in REQUIRED_ROLES if r not in files]
    if missing:
        raise InputFileError("(civic release)", f"missing file(s) for {', '.join(missing)}")
    evidence_file = files["evidence"]
    version = version or version_from_name(evidence_file.base_name)
    if not version:
        raise InputFileError(
            evidence_file.name,
            "cannot tell the CIViC release from the file name (expected DD-Mon-YYYY-...); "
            "give it with --source-version",
        )
    state = _State(
        TransformResult(source=META.for_file(evidence_file, version, retrieved_at)), genes, tumours
    )
    _variants(state, files["variants"])
    _profiles(state, files["profiles"])
    _evidence(state, evidence_file)
    if "assertions" in files:
        _assertions(state, files["assertions"])
    return state.result


# -- variants ------------------------------------------------------------------------------------


def _variants(state: _State, raw: RawFile) -> None:
    for header, row, vid in _rows(state, raw, ("variant_id", "variant"), "variant_id"):
        v = row.values
        fused = "feature_type" in header and v.get("feature_type") == "Fusion"
        if not v["variant"].strip() or (fused and not (v.get("feature_name") or "").strip()):
            column = "variant" if not v["variant"].strip() else "feature_name"
            state.result.rejections.append(Rejection(raw.name, row.line, f"empty {column}",
                                                     f"variant {vid}", column))  # fmt: skip
            continue
        if fused and not any(_partner(v, end) for end in ("5", "3")):
            state.result.rejections.append(Rejection(
                raw.name, row.line, "fusion without a known partner", f"variant {vid}",
                "5_prime_partner"))  # fmt: skip
            continue
        if fused:
            concept = _fusion_variant(v)
            display = f"{v['feature_name']} {v['variant']}".strip()
            entrez = None
        else:  # 2025 layout: feature_name; 2024 layout: gene
            gene = v.get("feature_name") or v.get("gene") or ""
            concept = normalise_alteration(gene or None, v["variant"])
            display = f"{gene} {v['variant']}".strip()
            entrez = (v.get("entrez_id") or "").strip() or None
        state.variant_alteration[vid] = state.alteration(concept, entrez)
        state.variant_display[vid] = display


def _partner(v: dict[str, str], end: str) -> str:
    """The 5' or 3' partner's gene where CIViC states it as known, else ""."""
    known = v.get(f"{end}_prime_partner_status") == "known"
    return (v.get(f"{end}_prime_partner") or "").strip() if known else ""


def _fusion_variant(v: dict[str, str]) -> AlterationConcept:
    five, three = _partner(v, "5"), _partner(v, "3")
    base = fusion(five or None, three or None, v["feature_name"])
    variant = v["variant"].strip()
    if variant.lower() == "fusion":
        return base
    # An exon-level fusion ("e13::e20"): narrower than the fusion of the two partners.
    return AlterationConcept(
        gene=base.gene, kind=AlterationKind.FUSION, notation=f"{base.notation} {variant}",
        name=f"{base.name} {variant}", source_notation=f"{v['feature_name']} {variant}",
        five_prime=base.five_prime, three_prime=base.three_prime, broader=(base,),
    )  # fmt: skip


# -- molecular profiles -------------------------------------------------------------------------

_OPERATOR = re.compile(r"\b(AND|OR|NOT)\b")


def _operator(profile_name: str, variant_name: str) -> ProfileOperator:
    """The operator next to a variant in CIViC's profile name (``NOT`` right before it; else
    ``OR`` next to it; else ``AND``)."""
    at = profile_name.find(variant_name)
    if at < 0:
        return ProfileOperator.AND
    before = _OPERATOR.findall(profile_name[:at].replace("(", " "))
    after = _OPERATOR.findall(profile_name[at + len(variant_name) :].replace(")", " "))
    if before and before[-1] == "NOT":
        return ProfileOperator.NOT
    if (before and before[-1] == "OR") or (after and after[0] == "OR"):
        return ProfileOperator.OR
    return ProfileOperator.AND


def _profiles(state: _State, raw: RawFile) -> None:
    for _, row, mpid in _rows(state, raw, PROFILE_COLUMNS, "molecular_profile_id"):
        v = row.values
        variant_ids = [x.strip() for x in v["variant_ids"].split(",") if x.strip()]
        name = v["name"].strip()
        if not name:
            state.result.rejections.append(
                Rejection(raw.name, row.line, "empty name", f"molecular profile {mpid}", "name")
            )
            continue
        state.profiles[mpid] = variant_ids
        state.node(
            MolecularProfile(
                id=f"civic.mp:{mpid}", source_record_id=mpid, name=name, expression=name,
                is_complex=len(variant_ids) > 1,
            )
        )  # fmt: skip
        for vid in variant_ids:
            alt = state.variant_alteration.get(vid)
            if alt is None:
                state.miss("variant of a molecular profile", f"variant {vid} of profile {mpid}")
                continue
            op = (
                _operator(name, state.variant_display.get(vid, ""))
                if len(variant_ids) > 1
                else (ProfileOperator.AND)
            )
            state.rel(RelType.PART_OF, Label.ALTERATION, alt, Label.MOLECULAR_PROFILE,
                      f"civic.mp:{mpid}", operator=op, source_record_id=vid)  # fmt: skip


# -- evidence and assertions --------------------------------------------------------------------


def _enum_value(enum: type, text: str) -> str | None:
    value = text.strip().lower()
    return value if value in {e.value for e in enum} else None


def _therapies(state: _State, names: str, interaction: str) -> list[str]:
    """Therapy ids for CIViC's therapies column and interaction type."""
    drugs = [state.drug(n) for n in names.split(",") if n.strip()]
    if not drugs:
        return []
    kind = interaction.strip().lower()
    if kind == "substitutes" or (not kind and len(drugs) == 1):
        return [state.therapy([d], TherapyType.SINGLE) for d in drugs]
    if kind == "sequential":
        return [state.therapy(drugs, TherapyType.SEQUENTIAL)]
    # "combination", or several drugs with no type stated
    return [state.therapy(drugs, TherapyType.COMBINATION if len(drugs) > 1 else TherapyType.SINGLE)]


def _tumour(state: _State, disease: str, doid: str) -> str | None:
    disease, doid = disease.strip(), doid.strip()
    if not disease and not doid:
        return None
    match = state.tumours.resolve(disease, doid) if state.tumours is not None else None
    if match:
        return match.code
    tid = f"DOID:{doid}" if doid else f"civic.disease:{disease.lower()}"
    state.node(
        TumourType(id=tid, code=tid, name=disease or tid, xrefs=[f"DOID:{doid}"] if doid else [],
                   lookup_keys=sorted({tid.lower(), disease.lower()} - {""}), normalised=False)
    )  # fmt: skip
    state.miss("tumour type", f"{disease} ({tid})")
    return tid


def _links(state: _State, eid: str, v: dict[str, str], therapies: list[str], record: str) -> None:
    mpid = v["molecular_profile_id"].strip()
    if mpid:
        state.rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.MOLECULAR_PROFILE, f"civic.mp:{mpid}",
                  source_record_id=record)  # fmt: skip
        variants = state.profiles.get(mpid, [])
        if len(variants) == 1 and variants[0] in state.variant_alteration:
            state.rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.ALTERATION,
                      state.variant_alteration[variants[0]], source_record_id=record)  # fmt: skip
    tumour = _tumour(state, v.get("disease", ""), v.get("doid", ""))
    if tumour:
        state.rel(RelType.FOR_TUMOUR, Label.EVIDENCE, eid, Label.TUMOUR_TYPE, tumour,
                  source_record_id=record)  # fmt: skip
    for tid in therapies:
        state.rel(RelType.FOR_THERAPY, Label.EVIDENCE, eid, Label.THERAPY, tid,
                  source_record_id=record)  # fmt: skip


def _evidence(state: _State, raw: RawFile) -> None:
    seen: dict[str, int] = {}
    for _, row, eid in _rows(state, raw, EVIDENCE_COLUMNS, "evidence_id"):
        v, line = row.values, row.line

        def reject(reason: str, detail: str = "", column: str | None = None, at: int = line):  # type: ignore[no-untyped-def]
            state.result.rejections.append(Rejection(raw.name, at, reason, detail, column))

        if eid in seen:
            reject("duplicate evidence_id", f"{eid} (first at line {seen[eid]})", "evidence_id")
            continue
        if v["evidence_status"].strip().lower() != "accepted":
            state.result.skipped[f"evidence status {v['evidence_status'].strip() or '(none)'}"] += 1
            continue
        level = v["evidence_level"].strip().upper()
        if level not in {e.value for e in CivicEvidenceLevel}:
            reject("unknown evidence level", f"{v['evidence_level']!r}, expected A-E",
                   "evidence_level")  # fmt: skip
            continue
        etype = _enum_value(EvidenceType, v["evidence_type"])
        if etype is None:
            reject("unknown evidence type", repr(v["evidence_type"]), "evidence_type")
            continue
        direction = _enum_value(EvidenceDirection, v["evidence_direction"])
        if direction is None:
            reject("unknown evidence direction", repr(v["evidence_direction"]),
                   "evidence_direction")  # fmt: skip
            continue
        rating = v["rating"].strip()
        if rating and not rating.isdigit():
            reject("malformed rating", repr(rating), "rating")
            continue
        seen[eid] = line
        node_id = f"civic.eid:{eid}"
        state.node(
            Evidence(
                id=node_id, source_record_id=eid, curation_status=v["evidence_status"].strip(),
                evidence_kind="evidence item", evidence_type=etype, level=level,
                level_framework=LevelFramework.CIVIC,
                significance=v["significance"].strip().lower(),
                direction=direction, rating=int(rating) if rating else None,
                variant_origin=v["variant_origin"].strip() or None,
                summary=v["evidence_statement"].strip() or None,
            )
        )  # fmt: skip
        therapies = _therapies(state, v["therapies"], v["therapy_interaction_type"])
        _links(state, node_id, v, therapies, eid)
        _citation(state, node_id, v, eid)


_CITATION_YEAR = re.compile(r",\s*((?:19|20)\d{2})\s*$")


def _citation(state: _State, eid: str, v: dict[str, str], record: str) -> None:
    cid, kind = v["citation_id"].strip(), v["source_type"].strip()
    if not cid:
        return
    year_match = _CITATION_YEAR.search(v["citation"] or "")  # "Paik et al., 2015"
    year = int(year_match.group(1)) if year_match else None
    if kind.lower() == "pubmed":
        pub = Publication(id=f"pmid:{cid}", kind="pubmed", pmid=cid, citation=v["citation"] or None,
                          url=f"https://pubmed.ncbi.nlm.nih.gov/{cid}/", year=year)  # fmt: skip
    else:
        pub = Publication(id=f"{kind.lower() or 'source'}:{cid}", kind=kind.lower() or "abstract",
                          citation=v["citation"] or None, year=year)  # fmt: skip
    state.node(pub)
    state.rel(
        RelType.CITES, Label.EVIDENCE, eid, Label.PUBLICATION, pub.id, source_record_id=record
    )


def _assertions(state: _State, raw: RawFile) -> None:
    for _, row, aid in _rows(state, raw, ASSERTION_COLUMNS, "assertion_id"):
        v = row.values
        node_id = f"civic.aid:{aid}"
        tier = v["amp_category"].strip() or None
        state.node(
            Evidence(
                id=node_id, source_record_id=aid, evidence_kind="assertion",
                evidence_type=_enum_value(EvidenceType, v["assertion_type"]),
                level=tier, level_framework=LevelFramework.AMP if tier else None, amp_tier=tier,
                significance=v["significance"].strip().lower() or None,
                direction=_enum_value(EvidenceDirection, v["assertion_direction"]),
                summary=v["assertion_summary"].strip() or None,
            )
        )  # fmt: skip
        therapies = _therapies(state, v["therapies"], v.get("therapy_interaction_type", ""))
        _links(state, node_id, v, therapies, aid)
        for item in (x.strip() for x in v["evidence_item_ids"].split(",") if x.strip()):
            state.rel(RelType.SUPPORTED_BY, Label.EVIDENCE, node_id, Label.EVIDENCE,
                      f"civic.eid:{item}", source_record_id=aid)  # fmt: skip


__all__ = ["META", "find_release_files", "read_release", "transform", "version_from_name"]


SOURCE = Source(
    name="civic",
    description=(
        "CIViC monthly release directory (evidence, variants, molecular profiles, assertions; "
        "load OncoTree and HGNC first so diseases and genes normalise)"
    ),
    meta=META,
    read=directory_of("civic", read_release),
    transform=transform,
    needs=NORMALISE,
)
