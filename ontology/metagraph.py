"""The metagraph: which ``(Label)-[TYPE]->(Label)`` patterns exist, what each type means, where it
comes from, and every property with its graph type.

This module is the one definition both backends' schemas are generated from (Neo4j constraints and
indexes; LadybugDB's typed node and relationship tables).
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from enum import Enum, StrEnum

from ontology.models import NODE_MODELS, REL_COMMON_PROPERTIES, REL_PROPERTIES, Node, Rel
from ontology.vocab import Label, RelType


class GraphType(StrEnum):
    """Property types both backends store natively."""

    STRING = "STRING"
    INT64 = "INT64"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    STRING_LIST = "STRING[]"


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: GraphType
    required: bool


@dataclass(frozen=True)
class TypeDefinition:
    meaning: str
    origin: str  # where facts of this type come from


LABEL_DEFINITIONS: dict[Label, TypeDefinition] = {
    Label.GENE: TypeDefinition("a gene, identified by its HGNC id", "HGNC complete set"),
    Label.ALTERATION: TypeDefinition(
        "one biomarker as a source states it: protein change, codon/exon class, fusion, copy "
        "number, expression or signature",
        "CIViC, MOAlmanac, trial arms, patient profiles",
    ),
    Label.MOLECULAR_PROFILE: TypeDefinition(
        "a combination of alterations (AND / OR / NOT)", "CIViC molecular profiles"
    ),
    Label.TUMOUR_TYPE: TypeDefinition(
        "a disease placed in the OncoTree hierarchy, by OncoTree code", "OncoTree releases"
    ),
    Label.DRUG: TypeDefinition("one substance, by lower-case INN", "CIViC, MOAlmanac, EMA, FDA"),
    Label.THERAPY: TypeDefinition(
        "what is given: one drug or a combination", "CIViC, MOAlmanac, approvals, trial arms"
    ),
    Label.EVIDENCE: TypeDefinition(
        "one statement by a source: alteration x tumour type x therapy -> significance, with "
        "the source's own level",
        "CIViC evidence items and assertions, MOAlmanac statements, positive trial arms",
    ),
    Label.PUBLICATION: TypeDefinition(
        "a paper, abstract, label, EPAR, guideline or HTA report", "PubMed ids, DOIs, URLs"
    ),
    Label.APPROVAL: TypeDefinition(
        "one regulatory indication (agency x product x indication text) or one whole marketing "
        "authorisation, with type and dates",
        "EMA, FDA, Health Canada (via MOAlmanac, EMA medicines list, FDA compilations)",
    ),
    Label.HTA_DECISION: TypeDefinition(
        "one HTA method's decision for one indication (the current one, or an earlier one it "
        "superseded)",
        "Nye Metoder decision workbook; HSE Ireland via MOAlmanac",
    ),
    Label.TRIAL: TypeDefinition("a clinical study, by NCT or EU CT number", "ClinicalTrials.gov"),
    Label.TRIAL_ARM: TypeDefinition(
        "a cohort: tumour type x biomarker x therapy, with status, stage and size",
        "ClinicalTrials.gov arms, IMPRESS-Norway/DRUP cohort registry files",
    ),
    Label.PATIENT: TypeDefinition(
        "a pseudonymous person; never a name, birth date or national identity number",
        "cohort outcome files, de-identified studies",
    ),
    Label.OUTCOME: TypeDefinition(
        "one patient's assessed result: best response, week-16 benefit, PFS/OS with censoring",
        "cohort outcome files, de-identified studies",
    ),
    Label.OUTCOME_SUMMARY: TypeDefinition(
        "the outcomes of one trial arm or registry cohort as counts and Kaplan-Meier medians, "
        "computed when the outcomes are loaded (an answer reads one per arm, not every patient)",
        "cohort outcome files",
    ),
    Label.SOURCE: TypeDefinition(
        "a dataset release that facts were loaded from: name, version, licence, checksum, runs",
        "written by the loader framework",
    ),
}

REL_DEFINITIONS: dict[RelType, TypeDefinition] = {
    RelType.IN_GENE: TypeDefinition("the alteration lies in the gene", "alteration sources"),
    RelType.IS_A: TypeDefinition(
        "the start is a narrower case of the end (allele -> codon -> class; OncoTree child -> "
        "parent)",
        "OncoTree hierarchy; alteration normalisation",
    ),
    RelType.PART_OF: TypeDefinition(
        "the alteration takes part in the molecular profile with an operator", "CIViC"
    ),
    RelType.INCLUDES: TypeDefinition("the therapy gives the drug", "therapy normalisation"),
    RelType.TARGETS: TypeDefinition("the drug acts on the gene's product", "drug sources"),
    RelType.ABOUT: TypeDefinition(
        "the evidence is about the alteration or molecular profile", "evidence sources"
    ),
    RelType.FOR_TUMOUR: TypeDefinition(
        "the fact applies to the tumour type", "evidence, approvals, trial arms"
    ),
    RelType.FOR_THERAPY: TypeDefinition(
        "the evidence or decision concerns the therapy", "evidence sources, HTA decisions"
    ),
    RelType.CITES: TypeDefinition("the evidence rests on the publication", "evidence sources"),
    RelType.APPROVES: TypeDefinition(
        "the regulatory indication authorises the therapy", "regulators"
    ),
    RelType.REQUIRES: TypeDefinition(
        "the indication, decision or arm requires the alteration",
        "regulators, HTA decisions (read from the indication text), trial arms",
    ),
    RelType.ASSESSES: TypeDefinition(
        "the HTA decision decides on the regulatory indication", "Nye Metoder, HSE"
    ),
    RelType.SUPERSEDES: TypeDefinition(
        "the later HTA decision replaced the earlier one for the same method (history)",
        "successive Nye Metoder workbooks",
    ),
    RelType.COVERS: TypeDefinition(
        "the HTA decision (e.g. an exemption) covers the trial arm", "Nye Metoder"
    ),
    RelType.HAS_ARM: TypeDefinition("the trial has the arm or cohort", "trial registries"),
    RelType.GIVES: TypeDefinition("the arm gives the therapy", "trial registries"),
    RelType.ENROLLED_IN: TypeDefinition("the patient was enrolled in the arm", "cohort files"),
    RelType.HAS_ALTERATION: TypeDefinition(
        "the patient's tumour carries the alteration", "cohort files, patient profiles"
    ),
    RelType.HAS_OUTCOME: TypeDefinition("the patient had the outcome", "cohort files"),
    RelType.IN_ARM: TypeDefinition("the outcome was assessed in the arm", "cohort files"),
    RelType.HAS_TUMOUR: TypeDefinition(
        "the patient's tumour is of the type", "cohort outcome files, de-identified studies"
    ),
    RelType.RESULT_OF: TypeDefinition(
        "the evidence is the two-stage result of the trial arm (a positive basket-trial arm)",
        "cohort outcome files",
    ),
    RelType.SUMMARISES: TypeDefinition(
        "the outcome summary is of the trial arm", "cohort outcome files"
    ),
    RelType.FROM_SOURCE: TypeDefinition(
        "a source that states the shared concept (its release); a source's own facts carry their "
        "provenance as properties (source, source_version, run_id)",
        "written by the loader framework",
    ),
    RelType.SUPPORTED_BY: TypeDefinition(
        "the assertion rests on the evidence item", "CIViC assertions"
    ),
}

# Allowed (from, to) label pairs per relationship type.
_FACT_LABELS = tuple(label for label in Label if label is not Label.SOURCE)
PATTERNS: dict[RelType, tuple[tuple[Label, Label], ...]] = {
    RelType.IN_GENE: ((Label.ALTERATION, Label.GENE),),
    RelType.IS_A: ((Label.ALTERATION, Label.ALTERATION), (Label.TUMOUR_TYPE, Label.TUMOUR_TYPE)),
    RelType.PART_OF: ((Label.ALTERATION, Label.MOLECULAR_PROFILE),),
    RelType.INCLUDES: ((Label.THERAPY, Label.DRUG),),
    RelType.TARGETS: ((Label.DRUG, Label.GENE),),
    RelType.ABOUT: (
        (Label.EVIDENCE, Label.ALTERATION),
        (Label.EVIDENCE, Label.MOLECULAR_PROFILE),
    ),
    RelType.FOR_TUMOUR: (
        (Label.EVIDENCE, Label.TUMOUR_TYPE),
        (Label.APPROVAL, Label.TUMOUR_TYPE),
        (Label.TRIAL_ARM, Label.TUMOUR_TYPE),
        (Label.HTA_DECISION, Label.TUMOUR_TYPE),
    ),
    RelType.FOR_THERAPY: ((Label.EVIDENCE, Label.THERAPY), (Label.HTA_DECISION, Label.THERAPY)),
    RelType.CITES: (
        (Label.EVIDENCE, Label.PUBLICATION),
        (Label.APPROVAL, Label.PUBLICATION),
        (Label.HTA_DECISION, Label.PUBLICATION),
    ),
    RelType.APPROVES: ((Label.APPROVAL, Label.THERAPY),),
    RelType.REQUIRES: (
        (Label.APPROVAL, Label.ALTERATION),
        (Label.TRIAL_ARM, Label.ALTERATION),
        (Label.HTA_DECISION, Label.ALTERATION),
    ),
    RelType.ASSESSES: ((Label.HTA_DECISION, Label.APPROVAL),),
    RelType.COVERS: ((Label.HTA_DECISION, Label.TRIAL_ARM),),
    RelType.SUPERSEDES: ((Label.HTA_DECISION, Label.HTA_DECISION),),
    RelType.HAS_ARM: ((Label.TRIAL, Label.TRIAL_ARM),),
    RelType.GIVES: ((Label.TRIAL_ARM, Label.THERAPY),),
    RelType.ENROLLED_IN: ((Label.PATIENT, Label.TRIAL_ARM),),
    RelType.HAS_ALTERATION: ((Label.PATIENT, Label.ALTERATION),),
    RelType.HAS_OUTCOME: ((Label.PATIENT, Label.OUTCOME),),
    RelType.IN_ARM: ((Label.OUTCOME, Label.TRIAL_ARM),),
    RelType.HAS_TUMOUR: ((Label.PATIENT, Label.TUMOUR_TYPE),),
    RelType.RESULT_OF: ((Label.EVIDENCE, Label.TRIAL_ARM),),
    RelType.SUMMARISES: ((Label.OUTCOME_SUMMARY, Label.TRIAL_ARM),),
    RelType.FROM_SOURCE: tuple((label, Label.SOURCE) for label in _FACT_LABELS),
    RelType.SUPPORTED_BY: ((Label.EVIDENCE, Label.EVIDENCE),),
}

# Concepts that several sources may state (BRAF V600E from CIViC and from MOAlmanac is one node).
# Their nodes belong to no source: they carry source "oncograph" (SHARED_SOURCE), each stating
# source links them with its own FROM_SOURCE edge, and a concept no source states any more is
# removed after a successful load. Reference labels (Gene, TumourType) belong to their authority
# (HGNC, OncoTree); facts (Evidence, Approval, ...) belong to the source that states them.
SHARED_SOURCE = "oncograph"
SHARED_LABELS: frozenset[Label] = frozenset(
    {Label.ALTERATION, Label.DRUG, Label.THERAPY, Label.PUBLICATION}
)

# Secondary indexes (beyond the unique id) that lookups and stale-fact removal filter on.
INDEXED_PROPERTIES: dict[Label, tuple[str, ...]] = {
    label: ("source", "run_id") for label in Label if label is not Label.SOURCE
}
INDEXED_PROPERTIES[Label.GENE] += ("symbol",)
INDEXED_PROPERTIES[Label.TUMOUR_TYPE] += ("code", "name")
INDEXED_PROPERTIES[Label.DRUG] += ("name",)
INDEXED_PROPERTIES[Label.ALTERATION] += ("gene_symbol", "name")
INDEXED_PROPERTIES[Label.HTA_DECISION] += ("method_id",)
INDEXED_PROPERTIES[Label.TRIAL] += ("nct_id",)

# Properties the framework stamps on every node and relationship a run writes.
STAMPED_NODE_PROPERTIES: tuple[str, ...] = ("source", "source_version", "licence", "run_id")
STAMPED_REL_PROPERTIES: tuple[str, ...] = ("source", "source_version", "run_id")


def _graph_type(annotation: object) -> tuple[GraphType, bool]:
    """Map a model field annotation to (graph type, optional?)."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) != 1:
            raise TypeError(f"unsupported union annotation {annotation!r}")
        annotation = args[0]
        origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        if item is not str:
            raise TypeError(f"only lists of strings are stored, got {annotation!r}")
        return GraphType.STRING_LIST, optional
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return GraphType.BOOLEAN, optional
        if issubclass(annotation, int):
            return GraphType.INT64, optional
        if issubclass(annotation, float):
            return GraphType.DOUBLE, optional
        if issubclass(annotation, dt.date):
            return GraphType.DATE, optional
        if issubclass(annotation, str | Enum):
            return GraphType.STRING, optional
    raise TypeError(f"unsupported property annotation {annotation!r}")


@functools.cache
def node_properties(label: Label) -> tuple[PropertySpec, ...]:
    """Every property of a label, ``id`` first, with its graph type."""
    model = NODE_MODELS[label]
    specs = []
    for name, field in model.model_fields.items():
        gtype, optional = _graph_type(field.annotation)
        required = field.is_required() and not optional
        if name in STAMPED_NODE_PROPERTIES:
            required = True
        specs.append(PropertySpec(name, gtype, required))
    specs.sort(key=lambda s: s.name != "id")
    return tuple(specs)


@functools.cache
def rel_properties(rel_type: RelType) -> tuple[PropertySpec, ...]:
    """The properties one relationship type carries."""
    names = REL_COMMON_PROPERTIES + REL_PROPERTIES.get(rel_type, ())
    specs = []
    for name in names:
        gtype, _ = _graph_type(Rel.model_fields[name].annotation)
        specs.append(PropertySpec(name, gtype, name in STAMPED_REL_PROPERTIES))
    return tuple(specs)


@functools.cache
def required_properties(label: Label) -> tuple[str, ...]:
    return tuple(s.name for s in node_properties(label) if s.required)


def is_allowed(rel_type: RelType, from_label: Label, to_label: Label) -> bool:
    return (from_label, to_label) in PATTERNS[rel_type]


def node_model(label: Label) -> type[Node]:
    return NODE_MODELS[label]
