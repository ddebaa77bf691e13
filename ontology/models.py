"""Pydantic models of every node label and relationship type.

A model's fields are the node's properties: flat snake_case values a graph can store (strings,
numbers, booleans, dates, lists of strings). The graph schema of both backends is generated from
these fields (see ``ontology.metagraph``), so adding a field here adds the property everywhere.

Provenance (``source``, ``source_version``, ``licence``, ``retrieved_at``, ``run_id``) is stamped by
the loader framework from the run's :class:`SourceInfo`; a transform sets ``source_record_id`` and,
where the source states it, ``curation_status``.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ontology.vocab import (
    AlterationKind,
    ArmStatus,
    Label,
    PaymentModel,
    ProfileOperator,
    RecistResponse,
    RelType,
    RunStatus,
    StopReason,
    TherapyType,
)

# ---------------------------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------------------------


class SourceInfo(BaseModel):
    """A dataset release that facts are loaded from; becomes the ``Source`` node of a run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(min_length=1)
    licence: str
    url: str | None = None
    citation: str | None = None
    retrieved_at: str | None = None  # ISO 8601, when the file was obtained from its publisher
    file_name: str | None = None
    checksum_sha256: str | None = None

    @property
    def source_id(self) -> str:
        return f"{self.name}@{self.version}"


PROVENANCE_FIELDS: tuple[str, ...] = (
    "source",
    "source_version",
    "source_record_id",
    "licence",
    "retrieved_at",
    "curation_status",
    "run_id",
)


class GraphModel(BaseModel):
    """Common base: strict, no unknown fields, values validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=True)


class Node(GraphModel):
    """Base of every node: an ``id`` and the provenance of the fact."""

    label: ClassVar[Label]

    id: str = Field(min_length=1)
    source: str | None = None
    source_version: str | None = None
    source_record_id: str | None = None
    licence: str | None = None
    retrieved_at: str | None = None
    curation_status: str | None = None
    run_id: str | None = None
    normalised: bool = True  # False: the concept failed normalisation and is kept, flagged

    @field_validator("id")
    @classmethod
    def _no_surrounding_space(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("id has leading or trailing white space")
        return value


class Gene(Node):
    label: ClassVar[Label] = Label.GENE
    symbol: str = Field(min_length=1)
    name: str | None = None
    locus_group: str | None = None
    locus_type: str | None = None
    status: str | None = None
    location: str | None = None
    aliases: list[str] = Field(default_factory=list)
    previous_symbols: list[str] = Field(default_factory=list)
    entrez_id: str | None = None
    ensembl_gene_id: str | None = None
    uniprot_ids: list[str] = Field(default_factory=list)
    date_modified: dt.date | None = None
    lookup_keys: list[str] = Field(default_factory=list)  # upper-case symbol, aliases, previous


class Alteration(Node):
    label: ClassVar[Label] = Label.ALTERATION
    name: str  # as displayed: "BRAF V600E", "EML4::ALK", "MSI-H"
    kind: AlterationKind
    gene_symbol: str | None = None  # None for signatures
    notation: str | None = None  # normalised notation within the gene: "V600E", "exon 19 deletion"
    source_notation: str | None = None  # as the source wrote it
    fusion_five_prime: str | None = None
    fusion_three_prime: str | None = None
    lookup_keys: list[str] = Field(default_factory=list)


class MolecularProfile(Node):
    label: ClassVar[Label] = Label.MOLECULAR_PROFILE
    name: str
    expression: str | None = None  # "BRAF V600E AND NOT KRAS G12D", as the source states it
    is_complex: bool = False


class TumourType(Node):
    label: ClassVar[Label] = Label.TUMOUR_TYPE
    code: str  # OncoTree code, or a source's own code when it could not be mapped
    name: str
    main_type: str | None = None
    tissue: str | None = None
    level: int | None = None  # depth in the OncoTree hierarchy (TISSUE = 0)
    parent_code: str | None = None
    color: str | None = None
    oncotree_release: str | None = None
    umls_ids: list[str] = Field(default_factory=list)
    nci_ids: list[str] = Field(default_factory=list)
    xrefs: list[str] = Field(default_factory=list)  # CURIEs: "DOID:1909", "ICD10:C43", ...
    synonyms: list[str] = Field(default_factory=list)
    previous_codes: list[str] = Field(default_factory=list)
    lookup_keys: list[str] = Field(default_factory=list)  # lower-case code, name, synonyms
    solid_tumour: bool | None = None  # False for lymphoid and myeloid tissues; None for the root


class Drug(Node):
    label: ClassVar[Label] = Label.DRUG
    name: str  # INN, lower case
    synonyms: list[str] = Field(default_factory=list)
    brand_names: list[str] = Field(default_factory=list)
    atc_codes: list[str] = Field(default_factory=list)
    ncit_id: str | None = None
    chembl_id: str | None = None
    lookup_keys: list[str] = Field(default_factory=list)


class Therapy(Node):
    label: ClassVar[Label] = Label.THERAPY
    name: str  # "dabrafenib + trametinib"
    therapy_type: TherapyType
    drug_ids: list[str] = Field(default_factory=list)


class Evidence(Node):
    label: ClassVar[Label] = Label.EVIDENCE
    evidence_kind: str  # "evidence item", "assertion", "statement", "trial arm result"
    evidence_type: str | None = None
    level: str | None = None  # in the source's own framework
    level_framework: str | None = None  # LevelFramework value
    significance: str | None = None
    direction: str | None = None
    rating: int | None = None
    variant_origin: str | None = None
    amp_tier: str | None = None
    escat_tier: str | None = None
    summary: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # the source's structured biomarker disagrees with the text it cites (shown, never tiered)
    source_disagreement: str | None = None


class Publication(Node):
    label: ClassVar[Label] = Label.PUBLICATION
    kind: str  # pubmed, doi, label, epar, guideline, hta report, abstract, url
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    title: str | None = None
    citation: str | None = None
    year: int | None = None


class Approval(Node):
    label: ClassVar[Label] = Label.APPROVAL
    agency: str  # Agency value
    product: str | None = None
    application_number: str | None = None
    indication_index: int | None = None
    indication_text: str
    approval_type: str | None = None  # ApprovalType value
    first_approval_date: dt.date | None = None
    url: str | None = None
    tissue_agnostic: bool = False
    # the structured biomarker disagrees with the indication's own text: that REQUIRES is not kept
    biomarker_disagreement: str | None = None
    scope: str = "indication"  # "indication" (one biomarker indication) or "medicine" (whole MA)
    status: str | None = None  # as the agency states it (EMA "Authorised", "Withdrawn", ...)
    orphan: bool | None = None
    atc_code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class HtaDecision(Node):
    label: ClassVar[Label] = Label.HTA_DECISION
    body: str  # HtaBody value
    method_id: str | None = None  # Nye Metoder "ID2019_119"
    substance: str | None = None
    brand_names: list[str] = Field(default_factory=list)
    indication_text: str | None = None
    method_type: str | None = None
    specialty: str | None = None
    status: str | None = None  # as published (Norwegian for Nye Metoder)
    decision_date: dt.date | None = None
    decision_short: str | None = None
    decision_full: str | None = None
    current: bool = True  # False for a decision a later one replaced (history)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # how its biomarker is known: "read from the indication text", "inferred from the EMA
    # indication", "biomarker not stated", "not a drug method"
    biomarker_basis: str | None = None
    excluded_alterations: list[str] = Field(default_factory=list)  # ids: "HER2-negativ", "uten"


class Trial(Node):
    label: ClassVar[Label] = Label.TRIAL
    nct_id: str | None = None
    other_ids: list[str] = Field(default_factory=list)
    title: str
    phase: str | None = None
    status: str | None = None
    sponsor: str | None = None
    countries: list[str] = Field(default_factory=list)
    start_date: dt.date | None = None
    completion_date: dt.date | None = None


class TrialArm(Node):
    label: ClassVar[Label] = Label.TRIAL_ARM
    trial_id: str
    cohort_id: str
    name: str
    description: str | None = None
    status: ArmStatus = ArmStatus.UNKNOWN
    stage: int | None = None
    planned_size: int | None = None
    biomarker_text: str | None = None
    arm_type: str | None = None  # ClinicalTrials.gov arm type (Experimental, ...)
    excluded_alterations: list[str] = Field(default_factory=list)  # ids: "non-V600" -> BRAF V600
    tissue_agnostic: bool = False  # open to any solid tumour (basket arms)
    synthetic: bool = False  # from a generated, clearly synthetic file
    protocol: str | None = None  # the protocol (and version) the cohort runs under
    expansion_of: str | None = None  # arm id of the positive cohort this one expands
    payment_model: PaymentModel | None = None  # registry cohorts: who pays for the drug
    company_paid_weeks: int | None = None  # pay for performance: weeks the company supplies
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class Patient(Node):
    """A pseudonymous person: never a name, birth date or national identity number."""

    label: ClassVar[Label] = Label.PATIENT
    synthetic: bool = False
    study: str | None = None  # the cohort registry or study the pseudonym belongs to


class Outcome(Node):
    label: ClassVar[Label] = Label.OUTCOME
    treatment_start: dt.date | None = None
    best_response: RecistResponse | None = None
    evaluable: bool | None = None
    benefit_week16: bool | None = None
    pfs_months: float | None = None
    pfs_event: bool | None = None
    os_months: float | None = None
    os_event: bool | None = None
    week16_date: dt.date | None = None  # the week-16 assessment (default: start + 16 weeks)
    treatment_end: dt.date | None = None  # last day of treatment; None while on treatment
    stop_reason: StopReason | None = None
    last_followup: dt.date | None = None  # weeks on an ongoing treatment count up to this day
    treatment_class: str | None = None  # e.g. cBioPortal "Drug Type" (PD-1/PDL-1, CTLA4, Combo)
    agents: list[str] = Field(default_factory=list)  # drugs given, as the study names them
    synthetic: bool = False


class OutcomeSummary(Node):
    """One arm's outcomes, aggregated at load (exact counts: sharing suppresses them on read)."""

    label: ClassVar[Label] = Label.OUTCOME_SUMMARY
    arm_id: str
    treated: int
    evaluable: int
    benefit_week16: int  # among the evaluable
    objective_responses: int  # best response CR or PR
    decision: str  # the two-stage rule's (ontology.two_stage), or EXPANSION
    pfs_patients: int = 0  # with a PFS time (what the median is computed from)
    median_pfs_months: float | None = None  # Kaplan-Meier; None: not reached
    median_pfs_low: float | None = None  # its 95% interval
    median_pfs_high: float | None = None
    os_patients: int = 0
    median_os_months: float | None = None
    median_os_low: float | None = None
    median_os_high: float | None = None
    first_start: dt.date | None = None
    last_start: dt.date | None = None
    synthetic: bool = False


class Source(Node):
    label: ClassVar[Label] = Label.SOURCE
    name: str
    version: str
    url: str | None = None
    citation: str | None = None
    file_name: str | None = None
    checksum_sha256: str | None = None
    last_run_id: str | None = None
    last_run_status: RunStatus | None = None
    last_run_started_at: str | None = None
    last_run_finished_at: str | None = None
    last_complete_run_id: str | None = None
    # the process of a running load (host and pid): a reader can tell an interrupted one
    last_run_host: str | None = None
    last_run_pid: int | None = None


NODE_MODELS: dict[Label, type[Node]] = {
    m.label: m
    for m in (
        Gene,
        Alteration,
        MolecularProfile,
        TumourType,
        Drug,
        Therapy,
        Evidence,
        Publication,
        Approval,
        HtaDecision,
        Trial,
        TrialArm,
        Patient,
        Outcome,
        OutcomeSummary,
        Source,
    )
}

# ---------------------------------------------------------------------------------------------
# Relationships
# ---------------------------------------------------------------------------------------------


class Link(NamedTuple):
    """A relationship without properties of its own between nodes a transform identified itself:
    the light form of :class:`Rel` (a registry states millions of these; building each as a
    validated model costs more than writing it). Same attributes as a Rel."""

    type: str
    from_label: str
    from_id: str
    to_label: str
    to_id: str
    source_record_id: str | None = None
    operator: str | None = None
    match_level: str | None = None


class Rel(GraphModel):
    """A relationship between two nodes given by label and id.

    One relationship per (type, start, end, source): two sources stating the same edge give two
    edges, each with its own provenance, so removing one source's stale facts leaves the other's.
    """

    type: RelType
    from_label: Label
    from_id: str = Field(min_length=1)
    to_label: Label
    to_id: str = Field(min_length=1)
    source: str | None = None
    source_version: str | None = None
    source_record_id: str | None = None
    run_id: str | None = None
    # type-specific properties; which ones a type carries is declared in REL_PROPERTIES
    operator: ProfileOperator | None = None
    match_level: str | None = None

    def key(self) -> tuple[str, str, str, str, str, str | None]:
        return (
            self.type,
            self.from_label,
            self.from_id,
            self.to_label,
            self.to_id,
            self.source,
        )


# Properties every relationship carries, then the extra ones per type.
REL_COMMON_PROPERTIES: tuple[str, ...] = ("source", "source_version", "source_record_id", "run_id")
REL_PROPERTIES: dict[RelType, tuple[str, ...]] = {
    RelType.PART_OF: ("operator",),
    RelType.HAS_ALTERATION: ("match_level",),
    RelType.REQUIRES: ("match_level",),
    RelType.ASSESSES: ("match_level",),
}
