"""Controlled vocabularies, kept as their owners wrote them.

Each enum's values are the strings the authority publishes (CIViC, ESCAT, OncoKB, EMA/FDA, Nye
Metoder in Norwegian, RECIST). Where queries need a normalised view, a separate field or mapping
sits beside the source value; the source value is never rewritten.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """Node labels: one primary label per node, PascalCase."""

    GENE = "Gene"
    ALTERATION = "Alteration"
    MOLECULAR_PROFILE = "MolecularProfile"
    TUMOUR_TYPE = "TumourType"
    DRUG = "Drug"
    THERAPY = "Therapy"
    EVIDENCE = "Evidence"
    PUBLICATION = "Publication"
    APPROVAL = "Approval"
    HTA_DECISION = "HtaDecision"
    TRIAL = "Trial"
    TRIAL_ARM = "TrialArm"
    PATIENT = "Patient"
    OUTCOME = "Outcome"
    OUTCOME_SUMMARY = "OutcomeSummary"
    SOURCE = "Source"


class RelType(StrEnum):
    """Relationship types, UPPER_SNAKE, read left to right."""

    IN_GENE = "IN_GENE"
    IS_A = "IS_A"
    PART_OF = "PART_OF"
    INCLUDES = "INCLUDES"
    TARGETS = "TARGETS"
    ABOUT = "ABOUT"
    FOR_TUMOUR = "FOR_TUMOUR"
    FOR_THERAPY = "FOR_THERAPY"
    CITES = "CITES"
    APPROVES = "APPROVES"
    REQUIRES = "REQUIRES"
    ASSESSES = "ASSESSES"
    SUPERSEDES = "SUPERSEDES"
    COVERS = "COVERS"
    HAS_ARM = "HAS_ARM"
    GIVES = "GIVES"
    ENROLLED_IN = "ENROLLED_IN"
    HAS_ALTERATION = "HAS_ALTERATION"
    HAS_OUTCOME = "HAS_OUTCOME"
    SUPPORTED_BY = "SUPPORTED_BY"
    IN_ARM = "IN_ARM"
    HAS_TUMOUR = "HAS_TUMOUR"
    RESULT_OF = "RESULT_OF"
    SUMMARISES = "SUMMARISES"
    FROM_SOURCE = "FROM_SOURCE"


class AlterationKind(StrEnum):
    """The granularity of a biomarker; matching walks from exact alleles to gene-level classes."""

    PROTEIN_CHANGE = "protein_change"  # BRAF V600E
    CODON = "codon"  # BRAF V600, KRAS G12
    EXON = "exon"  # EGFR exon 19 deletion
    FUSION = "fusion"  # EML4::ALK
    GENE_FUSION = "gene_fusion"  # any ALK fusion
    COPY_NUMBER = "copy_number"  # ERBB2 amplification
    EXPRESSION = "expression"  # HER2 IHC 3+
    GENE_CLASS = "gene_class"  # BRAF activating mutation, any NTRK1 mutation
    SIGNATURE = "signature"  # MSI-H, TMB-high, HRD
    OTHER = "other"  # stated by a source, not (yet) classified


class ProfileOperator(StrEnum):
    """How an alteration takes part in a CIViC-style molecular profile."""

    AND = "AND"
    OR = "OR"
    NOT = "NOT"


class TherapyType(StrEnum):
    """How the drugs of a therapy are given, as CIViC states it."""

    SINGLE = "single"
    COMBINATION = "combination"
    SUBSTITUTES = "substitutes"
    SEQUENTIAL = "sequential"


class CivicEvidenceLevel(StrEnum):
    """CIViC evidence levels A-E."""

    A = "A"  # validated association
    B = "B"  # clinical evidence
    C = "C"  # case study
    D = "D"  # preclinical evidence
    E = "E"  # inferential association


class EvidenceType(StrEnum):
    """CIViC evidence types."""

    PREDICTIVE = "predictive"
    DIAGNOSTIC = "diagnostic"
    PROGNOSTIC = "prognostic"
    PREDISPOSING = "predisposing"
    ONCOGENIC = "oncogenic"
    FUNCTIONAL = "functional"


class EvidenceDirection(StrEnum):
    """CIViC evidence direction."""

    SUPPORTS = "supports"
    DOES_NOT_SUPPORT = "does not support"
    NA = "n/a"


class Significance(StrEnum):
    """Clinical significance, CIViC's terms (lower case)."""

    SENSITIVITY_RESPONSE = "sensitivity/response"
    RESISTANCE = "resistance"
    REDUCED_SENSITIVITY = "reduced sensitivity"
    ADVERSE_RESPONSE = "adverse response"
    BETTER_OUTCOME = "better outcome"
    POOR_OUTCOME = "poor outcome"
    POSITIVE = "positive"
    NEGATIVE = "negative"
    PREDISPOSITION = "predisposition"
    PROTECTIVENESS = "protectiveness"
    ONCOGENICITY = "oncogenicity"
    LIKELY_ONCOGENIC = "likely oncogenic"
    GAIN_OF_FUNCTION = "gain of function"
    LOSS_OF_FUNCTION = "loss of function"
    UNCERTAIN_SIGNIFICANCE = "uncertain significance"
    DOMINANT_NEGATIVE = "dominant negative"
    NEOMORPHIC = "neomorphic"
    UNALTERED_FUNCTION = "unaltered function"
    NA = "n/a"


class AmpTier(StrEnum):
    """AMP/ASCO/CAP 2017 somatic variant tiers as carried by CIViC assertions."""

    TIER_I_LEVEL_A = "Tier I - Level A"
    TIER_I_LEVEL_B = "Tier I - Level B"
    TIER_II_LEVEL_C = "Tier II - Level C"
    TIER_II_LEVEL_D = "Tier II - Level D"
    TIER_III = "Tier III"
    TIER_IV = "Tier IV"


class EscatTier(StrEnum):
    """ESMO Scale for Clinical Actionability of molecular Targets.

    I-C is basket-trial evidence across tumour types; "approved in another tumour type" is III-A.
    """

    I_A = "I-A"  # randomised trials in this tumour type, survival benefit
    I_B = "I-B"  # non-randomised trials in this tumour type
    I_C = "I-C"  # basket trials across tumour types
    II_A = "II-A"  # retrospective
    II_B = "II-B"  # prospective, no survival data
    III_A = "III-A"  # benefit shown in another tumour type
    III_B = "III-B"  # similar alteration in the same gene
    IV = "IV"  # preclinical
    V = "V"  # co-targeting
    X = "X"  # no evidence


class OncoKbLevel(StrEnum):
    """OncoKB therapeutic levels (for users who load their own licensed file)."""

    LEVEL_1 = "1"
    LEVEL_2 = "2"
    LEVEL_3A = "3A"
    LEVEL_3B = "3B"
    LEVEL_4 = "4"
    LEVEL_R1 = "R1"
    LEVEL_R2 = "R2"


class LevelFramework(StrEnum):
    """Which framework an Evidence.level value belongs to."""

    CIVIC = "civic"
    AMP = "amp_asco_cap"
    ESCAT = "escat"
    ONCOKB = "oncokb"
    MOALMANAC = "moalmanac"
    BASKET_TRIAL = "basket_trial"


class Agency(StrEnum):
    """Regulators whose indications are loaded."""

    EMA = "EMA"
    FDA = "FDA"
    HEALTH_CANADA = "Health Canada"
    HPRA = "HPRA"  # Ireland's national register of authorised medicines


class ApprovalType(StrEnum):
    """Regulatory pathway as the agency names it."""

    EMA_FULL = "full"  # EMA standard marketing authorisation
    EMA_CONDITIONAL = "conditional"
    EMA_EXCEPTIONAL = "exceptional circumstances"
    FDA_REGULAR = "regular"
    FDA_ACCELERATED = "accelerated"
    UNKNOWN = "unknown"


class HtaBody(StrEnum):
    """Bodies whose reimbursement / introduction decisions are loaded."""

    NYE_METODER = "Nye Metoder"
    HSE_IRELAND = "HSE"


class NyeMetoderStatus(StrEnum):
    """Nye Metoder status, in Norwegian, as published."""

    FORESLATT = "Foreslått til metodevurdering"
    TIL_METODEVURDERING = "Til metodevurdering"
    IKKE_VIDERE = "Ikke videre til metodevurdering"
    INNFORT = "Er innført"
    INNFORT_MED_VILKAR = "Er innført med vilkår"
    IKKE_INNFORT = "Er ikke innført"
    ANNET = "Annet"


class RecistResponse(StrEnum):
    """RECIST 1.1 best overall response."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


class StopReason(StrEnum):
    """Why a patient's treatment in a cohort ended (outcome files, docs/cohorts.md)."""

    PROGRESSION = "progression"
    TOXICITY = "toxicity"
    DEATH = "death"
    PATIENT_DECISION = "patient decision"
    CLINICIAN_DECISION = "clinician decision"
    COMPLETED = "completed"
    OTHER = "other"


class PaymentModel(StrEnum):
    """Who pays for the drug in a cohort: the trial (the company supplies it) or, in an
    IMPRESS-Norway expansion cohort, pay for performance (the company supplies the first weeks,
    the public health service pays on only for patients with clinical benefit at week 16)."""

    TRIAL = "trial"
    PAY_FOR_PERFORMANCE = "pay-for-performance"


class ArmStatus(StrEnum):
    """Recruitment status of a trial arm (ClinicalTrials.gov terms, lower case)."""

    NOT_YET_RECRUITING = "not yet recruiting"
    RECRUITING = "recruiting"
    ACTIVE_NOT_RECRUITING = "active, not recruiting"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


class RunStatus(StrEnum):
    """State of the last load run of a Source."""

    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # shown, never stored: "running", and its process is gone
