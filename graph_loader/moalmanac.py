"""MOAlmanac (Molecular Oncology Almanac), the referenced JSON files of its database.

Statements and their propositions become ``Evidence`` (``moalmanac.statement:<id>``) with
MOAlmanac's own strength vocabulary as the level (``Approval`` in the current draft), about a
molecular profile of the proposition's biomarkers (``NOT`` where a biomarker must be absent) and,
for one present biomarker, about that alteration directly; for the proposition's disease (an
OncoTree code, mapped to the loaded release, previous codes included); for its therapy or therapy
group; citing the documents that report it. Biomarkers are normalised to the same ``Alteration``
nodes as CIViC's (BRAF p.V600E and CIViC's BRAF V600E are one node).

The regulatory indications (``indications.json``, where present) become ``Approval`` nodes of FDA,
EMA, Health Canada and HPRA, and Ireland's HSE reimbursement decisions become ``HtaDecision``
nodes of that body; each is linked to the therapy, tumour types and required alterations of the
statements that cite it.
Licence: GPL-2.0 (the MOAlmanac database repository); only a subset is shipped, with the licence
beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, directory_of, read_file
from graph_loader.framework import NORMALISE, Rejection, Source, SourceMeta, TransformResult
from graph_loader.indications import read_english_biomarkers
from ontology.errors import InputFileError
from ontology.models import (
    Approval,
    Evidence,
    HtaDecision,
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
    with_broader,
)
from ontology.vocab import (
    Agency,
    AlterationKind,
    ApprovalType,
    HtaBody,
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
    for optional in ("about", "indications"):
        if (d / f"{optional}.json").exists():
            files[optional] = read_file(d / f"{optional}.json")
    return files


def _json(raw: RawFile, expect: type) -> Any:
    doc = raw.json()
    if not isinstance(doc, expect):
        raise InputFileError(raw.name, f"expected a JSON {expect.__name__}")
    return doc


_SCALAR = (str, int, float, bool, type(None))  # what a reference may be: it is looked up
_TEXT = (str, type(None))
_ID = "an id"  # an integer, or a string with no white space around it: it is part of node ids
_TEXTS = ("documentType", "name", "description", "doi", "publication_date", "agent_id",
          "drug_name_generic", "drug_name_brand", "status", "indication", "initial_approval_date",
          "initial_approval_url", "reimbursement_scheme", "reimbursement_comment", "predicate",
          "primary_coding_id")  # fmt: skip
#: the JSON types of the fields read, by file (a list field: the types of its items); a file's
#: other fields are not read and not checked
FIELDS: dict[str, dict[str, Any]] = {
    "statements": {"id": _ID, "proposition_id": _SCALAR, "strength_id": _SCALAR,
                   "direction": _TEXT, "description": _TEXT, "indication_id": _SCALAR,
                   "reportedIn": [_SCALAR]},
    "propositions": {"id": _ID, "biomarkers": [_SCALAR], "conditionQualifier_id": _SCALAR,
                     "therapy_group_id": _SCALAR, "therapy_id": _SCALAR, "predicate": _TEXT},
    "biomarkers": {"id": _ID, "name": _TEXT, "extensions": [dict]},
    "diseases": {"id": _ID, "name": _TEXT, "primary_coding_id": _TEXT, "extensions": [dict]},
    "therapies": {"id": _ID, "name": _TEXT, "primary_coding_id": _TEXT},
    "therapy_groups": {"id": _ID, "therapies": [_SCALAR]},
    "documents": {"id": _ID, "pmid": _SCALAR, "identification_number": _SCALAR,
                  **{k: _TEXT for k in _TEXTS}},
    "indications": {"id": _ID, "document_id": _SCALAR, **{k: _TEXT for k in _TEXTS}},
}  # fmt: skip
_EXTENSION = {"name": _TEXT, "value": _SCALAR}


def _type_name(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")  # fmt: skip


def _expected(allowed: type | tuple[type, ...]) -> str:
    kinds = allowed if isinstance(allowed, tuple) else (allowed,)
    return " or ".join(dict.fromkeys(_type_name(t()) if t is not type(None) else "null"
                                     for t in kinds))  # fmt: skip


def wrong_field(item: dict[str, Any], fields: dict[str, Any]) -> str | None:
    """What is wrong with the types of an item's fields (None when nothing)."""
    for name, allowed in fields.items():
        value = item.get(name)
        if allowed is _ID:
            if isinstance(value, bool) or not isinstance(value, int | str):
                return f"{name} is a {_type_name(value)}; expected {_ID}"
            if isinstance(value, str) and (not value.strip() or value != value.strip()):
                return f"{name} {value!r} has white space around it; expected {_ID}"
        elif isinstance(allowed, list):
            if value is None:
                continue
            if not isinstance(value, list):
                return f"{name} is a {_type_name(value)}; expected a list"
            bad = [v for v in value if not isinstance(v, allowed[0])]
            if bad:
                return f"{name} holds a {_type_name(bad[0])}; expected {_expected(allowed[0])}"
        elif not isinstance(value, allowed):
            return f"{name} is a {_type_name(value)}; expected {_expected(allowed)}"
    if "extensions" in fields:
        for ext in item.get("extensions") or []:
            if problem := wrong_field(ext, _EXTENSION):
                return f"extension {ext.get('name')!r}: {problem}"
    return None


def _by_id(raw: RawFile, role: str) -> dict[Any, dict[str, Any]]:
    """A referenced file's items by id; an item without an id, or with a field of the wrong
    type, refuses the file (statements point into it: a half-read file would mislead)."""
    items = _json(raw, list)
    out = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            raise InputFileError(raw.name, f"item {index} has no id; expected objects with an id")
        if problem := wrong_field(item, FIELDS[role]):
            raise InputFileError(raw.name, f"item {index} (id {item.get('id')!r}): {problem}")
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
            return normalise_alteration(gene, str(ext["protein_change"]))
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
    if updated is not None and not isinstance(updated, str | int):
        raise InputFileError(files["about"].name, f"last_updated is a {_type_name(updated)}; "
                             "expected the release date")  # fmt: skip
    return str(updated).strip() if updated else None


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
            files["about"].name if "about" in files else statements_file.name,
            "no about.json with last_updated; give --source-version",
        )
    result = TransformResult(source=META.for_file(statements_file, version, retrieved_at))
    statements = _json(statements_file, list)
    props = _by_id(files["propositions"], "propositions")
    biomarkers = _by_id(files["biomarkers"], "biomarkers")
    diseases = _by_id(files["diseases"], "diseases")
    therapies = _by_id(files["therapies"], "therapies")
    groups = _by_id(files["therapy_groups"], "therapy_groups")
    documents = _by_id(files["documents"], "documents")
    collect = ConceptCollector(result, genes)
    node, rel, miss = collect.node, collect.rel, collect.miss

    def publication(doc_id: Any) -> str | None:
        doc = documents.get(doc_id)
        if doc is None:
            return None
        pub_id = f"moalmanac:{doc_id}"
        node(Publication(id=pub_id, kind=str(doc.get("documentType") or "document").lower(),
                         title=doc.get("name"), citation=doc.get("description"),
                         pmid=str(doc["pmid"]) if doc.get("pmid") else None,
                         doi=doc.get("doi"), year=_year(doc.get("publication_date"))))  # fmt: skip
        return pub_id

    def drug(tid: Any) -> tuple[str, str] | None:
        item = therapies.get(tid)
        if item is None:
            return None
        name = str(item.get("name") or "").strip()
        if not name:
            miss("therapy (no name)", f"therapy {tid}")
            return None
        return collect.drug(name, str(item.get("primary_coding_id") or "") or None)

    # -- one proposition: its profile members, tumour type and therapy (memoised) ----------------
    prop_cache: dict[Any, tuple[list[tuple[AlterationConcept, bool]], str | None, str | None]] = {}

    def proposition(prop: dict[str, Any]):  # type: ignore[no-untyped-def]
        if prop["id"] in prop_cache:
            return prop_cache[prop["id"]]
        members = []
        for bid in prop.get("biomarkers") or []:
            item = biomarkers.get(bid)
            if item is None:
                miss("biomarker", f"{bid} of proposition {prop['id']}")
                continue
            concept = biomarker_concept(item)
            if not concept.name.strip():
                miss("biomarker (no name)", f"{bid} of proposition {prop['id']}")
                continue
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
        tumour_id = None
        disease = diseases.get(prop.get("conditionQualifier_id"))
        if disease is not None:
            coding = str(disease.get("primary_coding_id") or "").strip()
            code = coding.split(":", 1)[1].strip() or None if coding.startswith("oncotree:") \
                else None  # fmt: skip
            match = tumours.resolve(code or disease.get("name"), None) if tumours else None
            if match is None and code is None and tumours is not None:
                match = tumours.resolve(disease.get("name"), None)
            if match:
                tumour_id = match.code
            else:
                tumour_id = coding or f"moalmanac.disease:{disease['id']}"
                solid = _ext(disease).get("solid_tumor")
                node(TumourType(id=tumour_id, code=code or tumour_id, name=disease.get("name") or
                                tumour_id, normalised=False, lookup_keys=[tumour_id.lower()],
                                solid_tumour=solid if isinstance(solid, bool) else None),
                     )  # fmt: skip
                miss("tumour type", f"{disease.get('name')} ({coding})")
        if prop.get("therapy_group_id") is not None:
            group = groups.get(prop["therapy_group_id"]) or {}
            members_d = [d for d in (drug(t) for t in group.get("therapies") or []) if d]
            ttype = TherapyType.COMBINATION if len(members_d) > 1 else TherapyType.SINGLE
        else:
            one = drug(prop.get("therapy_id"))
            members_d = [one] if one else []
            ttype = TherapyType.SINGLE
        therapy = collect.therapy(members_d, ttype) if members_d else None
        prop_cache[prop["id"]] = (members, tumour_id, therapy)
        return prop_cache[prop["id"]]

    indications = _json(files["indications"], list) if "indications" in files else []
    texts = {str(i["id"]): " ".join(str(i.get("indication") or "").split())
             for i in indications if isinstance(i, dict) and i.get("id")}  # fmt: skip
    is_gene = (lambda sym: genes.resolve(sym) is not None) if genes is not None and len(genes) \
        else None  # fmt: skip
    judged: dict[tuple[str, str], str | None] = {}

    def contradiction(ind_id: str, concept: AlterationConcept) -> str | None:
        """Whether the indication's own text contradicts a structured biomarker (judged once)."""
        key = (ind_id, concept.id)
        if key not in judged:
            judged[key] = disagreement([concept], texts.get(ind_id), is_gene)
        return judged[key]

    by_indication: dict[str, list[dict[str, Any]]] = {}
    for index, st in enumerate(statements):
        result.rows_read += 1
        sid = st.get("id") if isinstance(st, dict) else None
        if sid is None:
            result.rejections.append(Rejection(statements_file.name, None, "statement without id",
                                               f"item {index}"))  # fmt: skip
            continue
        if problem := wrong_field(st, FIELDS["statements"]):
            result.rejections.append(
                Rejection(
                    statements_file.name,
                    None,
                    "malformed statement",
                    f"item {index} (statement {sid!r}): {problem}",
                )
            )
            continue
        prop = props.get(st.get("proposition_id"))
        if prop is None:
            result.rejections.append(Rejection(statements_file.name, None, "unknown proposition",
                                               f"statement {sid}"))  # fmt: skip
            continue
        eid = f"moalmanac.statement:{sid}"
        strength = "Approval" if st.get("strength_id") == 0 else str(st.get("strength_id"))
        members, tumour_id, therapy = proposition(prop)
        cited = str(st.get("indication_id") or "")
        flag = "; ".join(f for c, present in members if present
                         if (f := contradiction(cited, c)))  # fmt: skip
        node(Evidence(
            id=eid, source_record_id=str(sid), evidence_kind="statement",
            evidence_type="predictive", level=strength, level_framework=LevelFramework.MOALMANAC,
            significance=PREDICATE_SIGNIFICANCE.get(prop.get("predicate"), prop.get("predicate")),
            direction=str(st.get("direction") or "supports"),
            summary=(st.get("description") or None),
            source_disagreement=f"{flag} (indication {st['indication_id']})" if flag else None,
        ))  # fmt: skip
        rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.MOLECULAR_PROFILE,
            f"moalmanac.proposition:{prop['id']}")  # fmt: skip
        if len(members) == 1 and members[0][1]:
            rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.ALTERATION, members[0][0].id)
        if tumour_id:
            rel(RelType.FOR_TUMOUR, Label.EVIDENCE, eid, Label.TUMOUR_TYPE, tumour_id)
        if therapy:
            rel(RelType.FOR_THERAPY, Label.EVIDENCE, eid, Label.THERAPY, therapy)
        for doc_id in st.get("reportedIn") or []:
            pub_id = publication(doc_id)
            if pub_id:
                rel(RelType.CITES, Label.EVIDENCE, eid, Label.PUBLICATION, pub_id)
        if st.get("indication_id"):
            by_indication.setdefault(str(st["indication_id"]), []).append(prop)
    if "indications" in files:
        _indications(files["indications"].name, indications, documents, by_indication,
                     proposition, publication, drug, collect, contradiction)  # fmt: skip
    return result


#: words by which a text states each kind of alteration; a generic word states any of them
_KIND_WORDS = {
    "amplification": r"amplif|copy[- ]number|gain",
    "deletion": r"delet|loss|17p",
    "fusion": r"fusion|rearrang|translocat|::",
    "mutation": r"mutat|variant|substitution|insertion|deletion|skipping|duplication|"
                r"[A-Z]\d{2,4}[A-Z]",
}  # fmt: skip
_GENERIC = re.compile(r"alteration|aberration|abnormalit", re.IGNORECASE)
_RET_NAME = re.compile(r"rearranged during transfection", re.IGNORECASE)


def _family(c: AlterationConcept) -> str | None:
    if c.kind in (AlterationKind.PROTEIN_CHANGE, AlterationKind.CODON, AlterationKind.EXON):
        return "mutation"
    if c.kind is AlterationKind.GENE_CLASS:
        return None if c.notation == "wildtype" else "mutation"
    if c.kind in (AlterationKind.FUSION, AlterationKind.GENE_FUSION):
        return "fusion"
    if c.kind is AlterationKind.COPY_NUMBER:
        return "amplification" if c.notation == "amplification" else "deletion"
    return None  # expression, signatures, what did not normalise: the text cannot contradict it


def disagreement(
    structured: list[AlterationConcept], text: str | None, is_gene: Any = None
) -> str | None:
    """Where the source's structured biomarker contradicts the regulatory text it cites
    (MOAlmanac links Enhertu's NSCLC indication, "an activating HER2 (ERBB2) mutation", to ERBB2
    amplification): the text names another alteration of the same gene, none of them the
    structured one or over or under it, and never uses a word of the structured kind (for an
    amplification: "amplif…", "copy number"). A text silent about the gene, or speaking of its
    "alterations", does not disagree; a wildtype, an expression state or a concept that did not
    normalise is not judged."""
    if not text or not structured:
        return None
    read = read_english_biomarkers(text, is_gene)
    plain = _RET_NAME.sub(" ", text)
    out = []
    for c in structured:
        family = _family(c)
        if family is None or not c.normalised or _GENERIC.search(plain):
            continue
        said = [t for t in read.alterations if t.gene and t.gene == c.gene]
        if not said:
            continue
        mine = set(with_broader([c]))
        if any(t.id in mine or c.id in with_broader([t]) for t in said):
            continue
        if c.kind is AlterationKind.EXON and any(
                t.kind is AlterationKind.EXON and t.notation.split()[:2] == c.notation.split()[:2]
                for t in said):  # fmt: skip
            continue  # "exon 14 deletion" and "exon 14 skipping": the same exon event
        if re.search(_KIND_WORDS[family], plain, re.IGNORECASE):
            continue  # the text also states the structured kind: the reader missed it, not a lie
        out.append(f"{c.name} structured; the text says {', '.join(sorted(t.name for t in said))}")
    return "; ".join(out) or None


# MOAlmanac agent -> the regulator whose indications it publishes; "hse" is Ireland's reimbursement
AGENCIES = {"fda": Agency.FDA, "ema": Agency.EMA, "hc": Agency.HEALTH_CANADA, "hpra": Agency.HPRA}
TISSUE_AGNOSTIC = {"ncit:C132146"}  # "Any solid tumor"
_ACCELERATED = re.compile(r"accelerated approval", re.IGNORECASE)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _indications(
    file_name: str,
    items: list[Any],
    documents: dict[Any, dict[str, Any]],
    by_indication: dict[str, list[dict[str, Any]]],
    proposition: Any,
    publication: Any,
    drug: Any,
    collect: ConceptCollector,
    contradiction: Any,
) -> None:
    """Each regulatory indication becomes an ``Approval`` (FDA, EMA, Health Canada, HPRA) or, for
    Ireland's HSE, a reimbursement ``HtaDecision``; linked to the therapy, tumour types and required
    alterations of the statements that cite it, keeping the agency's wording, date and URL."""
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            collect.result.rejections.append(
                Rejection(file_name, None, "indication without id", f"item {index}"))  # fmt: skip
            continue
        if problem := wrong_field(item, FIELDS["indications"]):
            collect.result.rejections.append(Rejection(
                file_name, None, "malformed indication", f"item {index} ({item['id']!r}): {problem}"
            ))  # fmt: skip
            continue
        ind_id = str(item["id"])
        doc = documents.get(item.get("document_id")) or {}
        # "ind:fda.tabrecta:0": the agent is the word after the first colon (none: no agent)
        agent = str(doc.get("agent_id") or (ind_id.split(":") + [""])[1].split(".")[0])
        props = by_indication.get(ind_id, [])
        approved = _date(item.get("initial_approval_date"))
        if item.get("initial_approval_date") and approved is None:
            collect.miss("indication date", f"{ind_id}: {item['initial_approval_date']!r}")
        text = " ".join(str(item.get("indication") or "").split())
        node_id = f"moalmanac:{ind_id}"
        therapies, tumours, required = set(), set(), set()
        concepts: dict[str, AlterationConcept] = {}
        for prop in props:
            members, tumour_id, therapy = proposition(prop)
            therapies.add(therapy)
            tumours.add(tumour_id)
            required |= {c.id for c, present in members if present}
            concepts.update({c.id: c for c, present in members if present})
        # the reading both the structure and the text agree on, or none: a structured biomarker
        # the text contradicts is flagged and not linked (REQUIRES)
        flags = {cid: f for cid, c in concepts.items() if (f := contradiction(ind_id, c))}
        required -= set(flags)
        for f in flags.values():
            collect.result.disagreements.append(f"{ind_id}: {f}")
        therapies.discard(None)
        tumours.discard(None)
        if not therapies and str(doc.get("drug_name_generic") or "").strip():
            one = collect.drug(str(doc["drug_name_generic"]).strip())
            therapies.add(collect.therapy([one], TherapyType.SINGLE))
        agnostic = any(
            str(prop_disease) in TISSUE_AGNOSTIC for prop_disease in tumours
        )  # the unmapped "Any solid tumor" keeps its NCIt code as id
        if agent == "hse":
            label = Label.HTA_DECISION
            scheme, comment = item.get("reimbursement_scheme"), item.get("reimbursement_comment")
            collect.node(HtaDecision(
                id=node_id, source_record_id=ind_id, body=HtaBody.HSE_IRELAND,
                substance=doc.get("drug_name_generic"), indication_text=text or None,
                brand_names=[doc["drug_name_brand"]] if doc.get("drug_name_brand") else [],
                status="reimbursed", decision_date=approved,
                decision_short=" ".join(filter(None, ["reimbursed", scheme, comment])),
                decision_full=item.get("description"), valid_from=approved,
            ))  # fmt: skip
            for therapy in therapies:
                collect.rel(RelType.FOR_THERAPY, label, node_id, Label.THERAPY, therapy)
        elif agent in AGENCIES:
            label = Label.APPROVAL
            agency = AGENCIES[agent]
            if agency is Agency.FDA:
                said = f"{text} {item.get('description') or ''}"
                accelerated = _ACCELERATED.search(said)
                kind = ApprovalType.FDA_ACCELERATED if accelerated else ApprovalType.FDA_REGULAR
            else:
                kind = ApprovalType.UNKNOWN
            number = doc.get("identification_number")
            collect.node(Approval(
                id=node_id, source_record_id=ind_id, agency=agency,
                product=doc.get("drug_name_brand"),
                application_number=str(number) if number not in (None, "") else None,
                indication_index=_index(ind_id), indication_text=text or ind_id,
                approval_type=kind, first_approval_date=approved,
                url=item.get("initial_approval_url"), tissue_agnostic=agnostic,
                status=doc.get("status"), valid_from=approved,
                biomarker_disagreement="; ".join(sorted(flags.values())) or None,
            ))  # fmt: skip
            for therapy in therapies:
                collect.rel(RelType.APPROVES, label, node_id, Label.THERAPY, therapy)
        else:
            collect.result.skipped[f"indication of agent {agent!r}"] += 1
            continue
        for tumour_id in tumours:
            collect.rel(RelType.FOR_TUMOUR, label, node_id, Label.TUMOUR_TYPE, tumour_id)
        for alteration_id in required:
            collect.rel(RelType.REQUIRES, label, node_id, Label.ALTERATION, alteration_id,
                        match_level="structured")  # fmt: skip
        pub_id = publication(item.get("document_id"))
        if pub_id:
            collect.rel(RelType.CITES, label, node_id, Label.PUBLICATION, pub_id)


def _year(value: Any) -> int | None:
    day = _date(value)
    return day.year if day else None


def _index(ind_id: str) -> int | None:
    tail = ind_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


SOURCE = Source(
    name="moalmanac",
    description=(
        "MOAlmanac referenced JSON directory (statements as evidence; FDA/EMA/Health Canada "
        "indications as approvals, HSE Ireland reimbursement; load OncoTree and HGNC first)"
    ),
    meta=META,
    read=directory_of("moalmanac", read_release),
    transform=transform,
    needs=NORMALISE,
)
