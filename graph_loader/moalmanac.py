"""MOAlmanac (Molecular Oncology Almanac), the referenced JSON files of its database.

Statements and their propositions become ``Evidence`` (``moalmanac.statement:<id>``) with
MOAlmanac's own strength vocabulary as the level (``Approval`` in the current draft), about a
molecular profile of the proposition's biomarkers (``NOT`` where a biomarker must be absent) and,
for one present biomarker, about that alteration directly; for the proposition's disease (an
OncoTree code, mapped to the loaded release, previous codes included); for its therapy or therapy
group; citing the documents that report it. Biomarkers are normalised to the same ``Alteration``
nodes as CIViC's (BRAF p.V600E and CIViC's BRAF V600E are one node).

The regulatory indications in the same files are approvals (loaded by the approvals loader).
Licence: GPL-2.0 (the MOAlmanac database repository); only a subset is shipped, with the licence
beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, read_file
from graph_loader.framework import Rejection, SourceMeta, TransformResult
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
    make_alteration,
    normalise_alteration,
)
from ontology.vocab import (
    AlterationKind,
    Label,
    LevelFramework,
    ProfileOperator,
    RelType,
    TherapyType,
)

META = SourceMeta(
    name="moalmanac",
    licence="GPL-2.0",
    url="https://moalmanac.org",
    citation=(
        "Reardon B et al. Integrating molecular profiles into clinical frameworks through the "
        "Molecular Oncology Almanac to prospectively guide precision oncology. Nat Cancer. "
        "2021;2:1102-1112"
    ),
)
FILES = ("statements", "propositions", "biomarkers", "diseases", "therapies", "therapy_groups",
         "documents")  # fmt: skip
PREDICATE_SIGNIFICANCE = {
    "predictSensitivityTo": "sensitivity/response",
    "predictResistanceTo": "resistance",
}


def read_release(directory: str | Path) -> dict[str, RawFile]:
    d = Path(directory)
    if not d.is_dir():
        raise InputFileError(d, "expected the directory of MOAlmanac's referenced JSON files")
    missing = [f"{name}.json" for name in FILES if not (d / f"{name}.json").exists()]
    if missing:
        raise InputFileError(d, f"missing {', '.join(missing)}")
    files = {name: read_file(d / f"{name}.json") for name in FILES}
    if (d / "about.json").exists():
        files["about"] = read_file(d / "about.json")
    return files


def _json(raw: RawFile, expect: type) -> Any:
    try:
        doc = json.loads(raw.text())
    except json.JSONDecodeError as exc:
        raise InputFileError(
            raw.name, f"not valid JSON ({exc.msg})", exc.lineno, exc.colno
        ) from None
    if not isinstance(doc, expect):
        raise InputFileError(raw.name, f"expected a JSON {expect.__name__}")
    return doc


def _by_id(raw: RawFile) -> dict[Any, dict[str, Any]]:
    items = _json(raw, list)
    out = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            raise InputFileError(raw.name, f"item {index} has no id; expected objects with an id")
        out[item["id"]] = item
    return out


def _ext(item: dict[str, Any]) -> dict[str, Any]:
    return {e.get("name"): e.get("value") for e in item.get("extensions") or []}


_MARKER = re.compile(r"\(([^)]+)\)\s*$")


def biomarker_concept(item: dict[str, Any]) -> AlterationConcept:
    """One MOAlmanac biomarker as an alteration concept (structured fields first, then name)."""
    name = " ".join(str(item.get("name", "")).split())
    ext = _ext(item)
    kind = ext.get("biomarker_type")
    words = name.split()
    if kind in ("Somatic Variant", "Germline Variant") and words:
        gene = words[0]
        if ext.get("protein_change"):
            return normalise_alteration(gene, ext["protein_change"])
        if ext.get("exon") and ext.get("variant_annotation"):
            return normalise_alteration(gene, f"Exon {ext['exon']} {ext['variant_annotation']}")
        return normalise_alteration(gene, " ".join(words[1:]))
    if kind == "Rearrangement":
        if "::" in name:
            five, three = (p if p != "v" else None for p in name.split("::", 1))
            return fusion(five, three, name)
        return normalise_alteration(words[0], " ".join(words[1:]) or "fusion")
    if kind == "Copy Number" and words:
        return normalise_alteration(words[0], str(ext.get("direction") or " ".join(words[1:])))
    if kind == "Copy Number (arm level)":
        return make_alteration(None, AlterationKind.COPY_NUMBER, name.lower(), name)
    if kind == "Wild type" and words:
        return normalise_alteration(words[-1], "wildtype")
    if kind == "Protein expression":
        marker = str(ext.get("marker") or words[0])
        m = _MARKER.search(marker)
        short = m.group(1) if m else marker
        value = ext.get("value")
        notation = (
            str(value).lower()
            if isinstance(value, str)
            else (name[len(words[0]) :].strip() if words else name)
        )
        return make_alteration(short, AlterationKind.EXPRESSION, notation, name)
    signature = normalise_alteration(None, name)
    if signature.kind is AlterationKind.SIGNATURE:
        return signature
    if kind in ("Microsatellite Stability", "Mismatch Repair", "Homologous Recombination",
                "Tumor mutational burden"):  # fmt: skip
        return make_alteration(None, AlterationKind.SIGNATURE, name, name)
    return signature  # kind OTHER, normalised=False: kept and counted


def version_of(files: dict[str, RawFile]) -> str | None:
    if "about" not in files:
        return None
    about = _json(files["about"], dict)
    updated = about.get("last_updated")
    return str(updated) if updated else None


def transform(
    files: dict[str, RawFile],
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    statements_file = files["statements"]
    version = version or version_of(files)
    if not version:
        raise InputFileError(
            statements_file.name, "no about.json with last_updated; give --source-version"
        )
    result = TransformResult(source=META.for_file(statements_file, version, retrieved_at))
    statements = _json(statements_file, list)
    props = _by_id(files["propositions"])
    biomarkers = _by_id(files["biomarkers"])
    diseases = _by_id(files["diseases"])
    therapies = _by_id(files["therapies"])
    groups = _by_id(files["therapy_groups"])
    documents = _by_id(files["documents"])
    collect = ConceptCollector(result, genes)
    node, rel, miss = collect.node, collect.rel, collect.miss

    def drug(tid: Any) -> tuple[str, str] | None:
        item = therapies.get(tid)
        if item is None:
            return None
        return collect.drug(
            str(item.get("name", "")), str(item.get("primary_coding_id") or "") or None
        )

    for index, st in enumerate(statements):
        result.rows_read += 1
        sid = st.get("id") if isinstance(st, dict) else None
        if sid is None:
            result.rejections.append(Rejection(statements_file.name, None, "statement without id",
                                               f"item {index}"))  # fmt: skip
            continue
        prop = props.get(st.get("proposition_id"))
        if prop is None:
            result.rejections.append(Rejection(statements_file.name, None, "unknown proposition",
                                               f"statement {sid}"))  # fmt: skip
            continue
        eid = f"moalmanac.statement:{sid}"
        strength = "Approval" if st.get("strength_id") == 0 else str(st.get("strength_id"))
        node(Evidence(
            id=eid, source_record_id=str(sid), evidence_kind="statement",
            evidence_type="predictive", level=strength, level_framework=LevelFramework.MOALMANAC,
            significance=PREDICATE_SIGNIFICANCE.get(prop.get("predicate"), prop.get("predicate")),
            direction=str(st.get("direction") or "supports"),
            summary=(st.get("description") or None),
        ))  # fmt: skip
        # biomarkers -> a profile (NOT for absent ones), and the alteration itself when alone
        members = []
        for bid in prop.get("biomarkers") or []:
            item = biomarkers.get(bid)
            if item is None:
                miss("biomarker", f"{bid} of proposition {prop['id']}")
                continue
            concept = biomarker_concept(item)
            collect.alteration(concept)
            present = _ext(item).get("_present", True) is not False
            members.append((concept, present))
        pid = f"moalmanac.proposition:{prop['id']}"
        node(MolecularProfile(
            id=pid, source_record_id=str(prop["id"]), is_complex=len(members) > 1,
            name=" AND ".join(c.name if p else f"NOT {c.name}" for c, p in members) or pid,
        ))  # fmt: skip
        for c, present in members:
            rel(RelType.PART_OF, Label.ALTERATION, c.id, Label.MOLECULAR_PROFILE, pid,
                operator=ProfileOperator.AND if present else ProfileOperator.NOT)  # fmt: skip
        rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.MOLECULAR_PROFILE, pid)
        if len(members) == 1 and members[0][1]:
            rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.ALTERATION, members[0][0].id)
        # disease
        disease = diseases.get(prop.get("conditionQualifier_id"))
        if disease is not None:
            coding = str(disease.get("primary_coding_id") or "")
            code = coding.split(":", 1)[1] if coding.startswith("oncotree:") else None
            match = tumours.resolve(code or disease.get("name"), None) if tumours else None
            if match is None and code is None and tumours is not None:
                match = tumours.resolve(disease.get("name"), None)
            if match:
                tumour_id = match.code
            else:
                tumour_id = coding or f"moalmanac.disease:{disease['id']}"
                node(TumourType(id=tumour_id, code=code or tumour_id, name=disease.get("name") or
                                tumour_id, normalised=False, lookup_keys=[tumour_id.lower()],
                                solid_tumour=_ext(disease).get("solid_tumor")))  # fmt: skip
                miss("tumour type", f"{disease.get('name')} ({coding})")
            rel(RelType.FOR_TUMOUR, Label.EVIDENCE, eid, Label.TUMOUR_TYPE, tumour_id)
        # therapy
        if prop.get("therapy_group_id") is not None:
            group = groups.get(prop["therapy_group_id"]) or {}
            members_d = [d for d in (drug(t) for t in group.get("therapies") or []) if d]
            ttype = TherapyType.COMBINATION if len(members_d) > 1 else TherapyType.SINGLE
        else:
            one = drug(prop.get("therapy_id"))
            members_d = [one] if one else []
            ttype = TherapyType.SINGLE
        if members_d:
            tid = collect.therapy(members_d, ttype)
            rel(RelType.FOR_THERAPY, Label.EVIDENCE, eid, Label.THERAPY, tid)
        # documents
        for doc_id in st.get("reportedIn") or []:
            doc = documents.get(doc_id)
            if doc is None:
                continue
            pub_id = f"moalmanac:{doc_id}"
            node(Publication(id=pub_id, kind=str(doc.get("documentType") or "document").lower(),
                             title=doc.get("name"), citation=doc.get("description"),
                             pmid=str(doc["pmid"]) if doc.get("pmid") else None,
                             doi=doc.get("doi")))  # fmt: skip
            rel(RelType.CITES, Label.EVIDENCE, eid, Label.PUBLICATION, pub_id)
    return result
