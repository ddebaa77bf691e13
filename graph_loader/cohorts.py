"""IMPRESS-Norway / DRUP-style cohort registries, patient outcomes, and de-identified cBioPortal
studies. Formats: docs/cohorts.md.

* ``cohorts`` (a registry CSV): one row per cohort: trial, cohort id, tumour type, the
  alterations it accepts, the therapy, status, stage, planned size, dates. Cohorts become
  ``TrialArm`` ``<trial>/<cohort>`` of ``Trial`` ``registry:<trial>``.
* ``outcomes`` (a CSV): one row per patient and cohort: pseudonym, cohort, alterations, tumour
  type, treatment start, best response (RECIST), benefit at week 16, PFS and OS with event flags.
  After the rows, each cohort's two-stage decision is computed (``ontology.two_stage``); a
  positive cohort becomes ``Evidence`` (level "positive", framework basket_trial) about its
  alterations, tumour type and therapy, RESULT_OF the arm, so evidence chains and HTA gap queries
  see it.
* ``cbioportal`` (a clinical data file of a cBioPortal study, or a study directory with its
  treatment timeline): one ``Patient`` and ``Outcome`` (overall survival, treatment class from
  the clinical file or the timeline's treatment subtypes, agents) per patient, HAS_TUMOUR its
  OncoTree type.

All three are patient-level or cohort files: the privacy rules of :mod:`graph_loader.privacy`
apply before anything else (a national identity number anywhere refuses the whole file).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile
from graph_loader.framework import Rejection, SourceMeta, TransformResult
from graph_loader.privacy import check_header, check_rows
from graph_loader.regulatory import split_substances
from graph_loader.tables import MALFORMED, checked_rows, parse_date, read_table
from ontology import two_stage as rules
from ontology.models import Evidence, Outcome, Patient, Trial, TrialArm
from ontology.normalise import GeneIndex, TumourIndex, normalise_alteration
from ontology.vocab import ArmStatus, Label, LevelFramework, RecistResponse, RelType, TherapyType

REGISTRY_META = SourceMeta(
    name="cohorts",
    licence="as the registry's owner states (synthetic demo files: CC0)",
    citation="IMPRESS-Norway / DRUP-style cohort registry",
)
OUTCOMES_META = SourceMeta(
    name="outcomes",
    licence="as the registry's owner states (synthetic demo files: CC0)",
    citation="patient outcomes of a cohort registry",
)
CBIOPORTAL_META = SourceMeta(
    name="cbioportal",
    licence="cBioPortal public study: free for research with citation of the study",
    url="https://www.cbioportal.org",
    citation="cBioPortal for Cancer Genomics; cite the study's publication",
)
REGISTRY_COLUMNS = ("trial_id", "cohort_id", "tumour", "alterations", "therapy", "status")
OUTCOME_COLUMNS = ("pseudonym", "trial_id", "cohort_id", "treatment_start", "best_response",
                   "benefit_week16")  # fmt: skip
_TRUE = {"true", "yes", "1", "ja", "y"}
_FALSE = {"false", "no", "0", "nei", "n"}


def _flag(value: Any) -> bool | None:
    text = str(value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in ("", "na", "nan", "unknown"):
        return None
    raise ValueError(f"{value!r} is not a yes/no value (true/false, yes/no, 1/0)")


def _number(value: Any) -> float | None:
    text = str(value or "").strip()
    if text in ("", "NA", "nan"):
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def _int(value: Any) -> int | None:
    number = _number(value)
    if number is not None and number != int(number):
        raise ValueError(f"{value!r} is not a whole number")
    return None if number is None else int(number)


def _rows(raw: RawFile, required: tuple[str, ...], key: str, what: str) -> list:
    """The table's rows after the privacy checks (header and every cell)."""
    text_lines = raw.text().splitlines() if raw.data[:2] != b"PK" else []
    if text_lines and text_lines[0].startswith("#"):  # "# SYNTHETIC DATA ..." banner lines
        body = "\n".join(line for line in text_lines if not line.startswith("#"))
        skipped = sum(1 for line in text_lines if line.startswith("#"))
        rows = read_table(RawFile(raw.name, body.encode("utf-8")), required, key, what)
        rows = [(line + skipped, row) for line, row in rows]
    else:
        rows = read_table(raw, required, key, what)
    if rows:
        header = [k for k in rows[0][1] if k != MALFORMED] or []
        check_header(raw.name, header)
    check_rows(raw.name, rows)
    return rows


def _alterations(text: str, genes: GeneIndex | None) -> list:
    """ "BRAF V600E; ERBB2 amplification" -> alteration concepts (gene symbol resolved via HGNC)."""
    out = []
    for part in (p.strip() for p in re.split(r"[;|]", text or "") if p.strip()):
        gene, _, rest = part.partition(" ")
        match = genes.resolve(gene) if genes is not None and len(genes) else None
        symbol = match.symbol if match else gene.upper()
        if not rest.strip():
            raise ValueError(f"{part!r} names no alteration (expected e.g. 'BRAF V600E')")
        out.append(normalise_alteration(symbol, rest.strip()))
    return out


# ---------------------------------------------------------------------------------------------
# Cohort registry
# ---------------------------------------------------------------------------------------------


def transform_registry(
    raw: RawFile,
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    rows = _rows(raw, REGISTRY_COLUMNS, "cohort_id", "a cohort registry CSV (docs/cohorts.md)")
    result = TransformResult(source=REGISTRY_META.for_file(raw, version or raw.sha256[:12],
                                                           retrieved_at))  # fmt: skip
    collect = ConceptCollector(result, genes)
    seen: dict[str, int] = {}
    for line, row, reject in checked_rows(raw.name, rows, result):
        trial, cohort = str(row["trial_id"]).strip(), str(row["cohort_id"]).strip()
        if not trial or not cohort:
            reject("missing trial or cohort id", "both trial_id and cohort_id are required")
            continue
        arm_id = f"{trial}/{cohort}"
        if arm_id in seen:
            reject("duplicate cohort", f"{arm_id} (first at row {seen[arm_id]})", "cohort_id")
            continue
        match = tumours.resolve(str(row["tumour"])) if tumours is not None else None
        if tumours is not None and match is None:
            reject("unknown tumour type", f"{row['tumour']!r} is not an OncoTree code or name",
                   "tumour")  # fmt: skip
            continue
        status_text = str(row["status"]).strip().lower()
        if status_text not in {s.value for s in ArmStatus}:
            reject("unknown status", f"{row['status']!r}; expected one of "
                   f"{', '.join(s.value for s in ArmStatus)}", "status")  # fmt: skip
            continue
        try:
            concepts = _alterations(str(row["alterations"]), genes)
            stage = int(row["stage"]) if str(row.get("stage") or "").strip() else None
            planned = (
                int(row["planned_size"]) if str(row.get("planned_size") or "").strip() else None
            )
            opened = parse_date(row.get("opened"))
            closed = parse_date(row.get("closed"))
            synthetic = bool(_flag(row.get("synthetic")))
        except ValueError as exc:
            reject("bad value", str(exc))
            continue
        seen[arm_id] = line
        collect.node(Trial(id=f"registry:{trial}", source_record_id=trial, title=str(
            row.get("trial_title") or trial).strip(), nct_id=trial if re.fullmatch(
            r"NCT\d{8}", trial) else None))  # fmt: skip
        collect.node(TrialArm(
            id=arm_id, source_record_id=arm_id, trial_id=f"registry:{trial}", cohort_id=cohort,
            name=str(row.get("cohort_name") or cohort).strip(), status=ArmStatus(status_text),
            stage=stage, planned_size=planned, biomarker_text=str(row["alterations"]).strip(),
            synthetic=synthetic, valid_from=opened, valid_to=closed,
        ))  # fmt: skip
        collect.rel(RelType.HAS_ARM, Label.TRIAL, f"registry:{trial}", Label.TRIAL_ARM, arm_id)
        for concept in concepts:
            collect.alteration(concept)
            collect.rel(RelType.REQUIRES, Label.TRIAL_ARM, arm_id, Label.ALTERATION, concept.id,
                        match_level="registry")  # fmt: skip
        if match:
            collect.rel(RelType.FOR_TUMOUR, Label.TRIAL_ARM, arm_id, Label.TUMOUR_TYPE, match.code)
        drugs = [collect.drug(n) for n in split_substances(str(row["therapy"]))]
        if drugs:
            kind = TherapyType.COMBINATION if len(drugs) > 1 else TherapyType.SINGLE
            collect.rel(RelType.GIVES, Label.TRIAL_ARM, arm_id, Label.THERAPY,
                        collect.therapy(drugs, kind))  # fmt: skip
    return result


# ---------------------------------------------------------------------------------------------
# Patient outcomes
# ---------------------------------------------------------------------------------------------


@dataclass
class ArmRef:
    """A cohort as the graph holds it (the ``trial_arms`` catalog query)."""

    id: str
    therapy_id: str | None = None
    alterations: set[str] = field(default_factory=set)
    tumours: set[str] = field(default_factory=set)


def transform_outcomes(
    raw: RawFile,
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    arms: dict[str, ArmRef] | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    rows = _rows(raw, OUTCOME_COLUMNS, "pseudonym", "a patient outcome CSV (docs/cohorts.md)")
    result = TransformResult(source=OUTCOMES_META.for_file(raw, version or raw.sha256[:12],
                                                           retrieved_at))  # fmt: skip
    collect = ConceptCollector(result, genes)
    per_arm: dict[str, list[tuple[dt.date, str, bool | None, bool]]] = defaultdict(list)
    synthetic_arms: dict[str, bool] = {}
    seen: dict[str, int] = {}
    for line, row, reject in checked_rows(raw.name, rows, result):
        pseudonym = str(row["pseudonym"]).strip()
        trial, cohort = str(row["trial_id"]).strip(), str(row["cohort_id"]).strip()
        arm_id = f"{trial}/{cohort}"
        if not pseudonym:
            reject("missing pseudonym", "every row needs the patient's pseudonym", "pseudonym")
            continue
        if arms is not None and arm_id not in arms:
            reject("unknown cohort", f"{arm_id} is not in the graph (load the registry first)",
                   "cohort_id")  # fmt: skip
            continue
        key = f"{trial}:{pseudonym}@{cohort}"
        if key in seen:
            reject("duplicate patient in cohort", f"{pseudonym} in {arm_id} (first at row "
                   f"{seen[key]})", "pseudonym")  # fmt: skip
            continue
        response = str(row["best_response"]).strip().upper() or None
        if response is not None and response not in {r.value for r in RecistResponse}:
            reject("unknown best response", f"{row['best_response']!r}; expected CR, PR, SD, PD "
                   "or NE (RECIST 1.1)", "best_response")  # fmt: skip
            continue
        try:
            start = parse_date(row["treatment_start"])
            benefit = _flag(row["benefit_week16"])
            evaluable = _flag(row.get("evaluable"))
            pfs, pfs_event = _number(row.get("pfs_months")), _flag(row.get("pfs_event"))
            os_, os_event = _number(row.get("os_months")), _flag(row.get("os_event"))
            synthetic = bool(_flag(row.get("synthetic")))
            concepts = _alterations(str(row.get("alterations") or ""), genes)
        except ValueError as exc:
            reject("bad value", str(exc))
            continue
        if evaluable is None:  # evaluable unless stated otherwise or not assessable
            evaluable = benefit is not None and response != RecistResponse.NE.value
        seen[key] = line
        patient_id = f"{trial}:{pseudonym}"
        outcome_id = f"{patient_id}@{cohort}"
        collect.node(Patient(id=patient_id, source_record_id=pseudonym, synthetic=synthetic,
                             study=trial))  # fmt: skip
        collect.node(Outcome(
            id=outcome_id, source_record_id=outcome_id, treatment_start=start,
            best_response=response, evaluable=evaluable, benefit_week16=benefit, pfs_months=pfs,
            pfs_event=pfs_event, os_months=os_, os_event=os_event, synthetic=synthetic,
        ))  # fmt: skip
        collect.rel(RelType.HAS_OUTCOME, Label.PATIENT, patient_id, Label.OUTCOME, outcome_id)
        collect.rel(RelType.IN_ARM, Label.OUTCOME, outcome_id, Label.TRIAL_ARM, arm_id)
        collect.rel(RelType.ENROLLED_IN, Label.PATIENT, patient_id, Label.TRIAL_ARM, arm_id)
        for concept in concepts:
            collect.alteration(concept)
            collect.rel(RelType.HAS_ALTERATION, Label.PATIENT, patient_id, Label.ALTERATION,
                        concept.id, match_level="stated")  # fmt: skip
        tumour = str(row.get("tumour") or "").strip()
        if tumour and tumours is not None:
            match = tumours.resolve(tumour)
            if match:
                collect.rel(RelType.HAS_TUMOUR, Label.PATIENT, patient_id, Label.TUMOUR_TYPE,
                            match.code)  # fmt: skip
            else:
                collect.miss("tumour type", tumour)
        if evaluable:
            per_arm[arm_id].append((start or dt.date.max, pseudonym, benefit, synthetic))
        synthetic_arms[arm_id] = synthetic_arms.get(arm_id, True) and synthetic
    for arm_id, patients in sorted(per_arm.items()):
        patients.sort()
        decision = rules.two_stage([bool(b) for _, _, b, _ in patients])
        if decision.decision != rules.POSITIVE or arms is None:
            continue
        _positive_arm(collect, arms[arm_id], decision, synthetic_arms.get(arm_id, False))
    return result


def _positive_arm(
    collect: ConceptCollector, arm: ArmRef, decision: rules.TwoStage, synthetic: bool
) -> None:
    eid = f"arm-result:{arm.id}"
    note = " SYNTHETIC DATA." if synthetic else ""
    collect.node(Evidence(
        id=eid, source_record_id=arm.id, evidence_kind="trial arm result",
        evidence_type="predictive", level=rules.EVIDENCE_LEVEL,
        level_framework=LevelFramework.BASKET_TRIAL, significance="sensitivity/response",
        direction="supports",
        summary=(f"Cohort {arm.id} is positive under the IMPRESS/DRUP two-stage rule: "
                 f"{decision.benefit_total} of the first {min(decision.evaluable, 24)} evaluable "
                 f"patients had disease control at week 16.{note}"),
    ))  # fmt: skip
    collect.rel(RelType.RESULT_OF, Label.EVIDENCE, eid, Label.TRIAL_ARM, arm.id)
    for alteration in sorted(arm.alterations):
        collect.rel(RelType.ABOUT, Label.EVIDENCE, eid, Label.ALTERATION, alteration)
    for code in sorted(arm.tumours):
        collect.rel(RelType.FOR_TUMOUR, Label.EVIDENCE, eid, Label.TUMOUR_TYPE, code)
    if arm.therapy_id:
        collect.rel(RelType.FOR_THERAPY, Label.EVIDENCE, eid, Label.THERAPY, arm.therapy_id)


# ---------------------------------------------------------------------------------------------
# cBioPortal clinical data
# ---------------------------------------------------------------------------------------------

# cBioPortal display names and attribute ids for the columns read
_CB = {
    "patient": ("Patient ID", "PATIENT_ID"),
    "study": ("Study ID", "STUDY_ID"),
    "oncotree": ("Oncotree Code", "ONCOTREE_CODE"),
    "cancer": ("Cancer Type", "CANCER_TYPE"),
    "treatment": ("Drug Type", "DRUG_TYPE", "TREATMENT_TYPE"),
    "os_months": ("Overall Survival (Months)", "OS_MONTHS"),
    "os_status": ("Overall Survival Status", "OS_STATUS"),
}


def read_study(path: str | Any) -> tuple[RawFile, RawFile | None]:
    """A clinical data file, or a study directory: its ``*clinical*`` file and, if there is one,
    its ``*timeline*treatment*`` file."""
    from pathlib import Path

    from graph_loader.files import read_file
    from ontology.errors import InputFileError

    p = Path(path)
    if not p.is_dir():
        return read_file(p), None
    clinical = sorted(f for f in p.iterdir() if "clinical" in f.name and f.is_file())
    timeline = sorted(f for f in p.iterdir() if "timeline" in f.name and "treatment" in f.name)
    if not clinical:
        raise InputFileError(p, "no *clinical* data file in the study directory")
    return read_file(clinical[0]), (read_file(timeline[0]) if timeline else None)


def _timeline(raw: RawFile) -> dict[str, tuple[set[str], set[str]]]:
    """Patient -> (treatment classes, agents) from a cBioPortal treatment timeline."""
    lines = [ln for ln in raw.text().splitlines() if not ln.startswith("#")]
    body = RawFile(raw.name, "\n".join(lines).encode("utf-8"))
    rows = _rows(body, ("PATIENT_ID", "EVENT_TYPE"), "PATIENT_ID", "a cBioPortal timeline file")
    out: dict[str, tuple[set[str], set[str]]] = {}
    for _, row in rows:
        if MALFORMED in row or str(row["EVENT_TYPE"]).strip().upper() != "TREATMENT":
            continue
        classes, agents = out.setdefault(str(row["PATIENT_ID"]).strip(), (set(), set()))
        kind = str(row.get("SUBTYPE") or row.get("TREATMENT_TYPE") or "").strip().lower()
        if kind and kind != "na":
            classes.add(kind)
        agent = str(row.get("AGENT") or "").strip()
        if agent and agent.upper() != "NA":
            agents.add(agent.lower())
    return out


def transform_cbioportal(
    raw: RawFile,
    version: str | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
    timeline: RawFile | None = None,
    study_name: str | None = None,
) -> TransformResult:
    text = raw.text()
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    body = RawFile(raw.name, "\n".join(lines).encode("utf-8"))
    header = lines[0].split("\t") if lines else []
    cols = {k: next((c for c in names if c in header), None) for k, names in _CB.items()}
    if cols["patient"] is None:
        from ontology.errors import InputFileError

        raise InputFileError(raw.name, "no 'Patient ID' (PATIENT_ID) column; expected a "
                             "cBioPortal clinical data file", 1)  # fmt: skip
    rows = _rows(body, (cols["patient"],), cols["patient"], "a cBioPortal clinical data file")
    treatments = _timeline(timeline) if timeline is not None else {}
    study = version
    result = TransformResult(source=CBIOPORTAL_META.for_file(raw, "pending", retrieved_at))
    collect = ConceptCollector(result)
    seen: set[str] = set()
    for line, row in rows:
        result.rows_read += 1
        if MALFORMED in row:
            result.rejections.append(Rejection(raw.name, line, "malformed row", row[MALFORMED]))
            continue
        pid = str(row[cols["patient"]]).strip()
        row_study = str(row.get(cols["study"] or "", "") or "").strip() or study_name
        study = study or row_study
        if not pid or pid in seen:  # one row per sample: a patient's later samples add nothing
            result.skipped["further sample of a patient"] += bool(pid)
            continue
        seen.add(pid)
        status = str(row.get(cols["os_status"] or "", "") or "").strip().upper()
        event = (True if status.startswith(("1", "DECEASED")) else
                 False if status.startswith(("0", "LIVING")) else None)  # fmt: skip
        try:
            months = _number(row.get(cols["os_months"] or "", ""))
        except ValueError as exc:
            result.rejections.append(Rejection(raw.name, line, "bad value", str(exc),
                                               cols["os_months"]))  # fmt: skip
            continue
        patient_id = f"{row_study or 'study'}:{pid}"
        treatment = str(row.get(cols["treatment"] or "", "") or "").strip() or None
        classes, agents = treatments.get(pid, (set(), set()))
        if treatment is None and classes:
            treatment = " + ".join(sorted(classes))  # from the treatment timeline
        collect.node(Patient(id=patient_id, source_record_id=pid, study=row_study))
        outcome_id = f"{patient_id}@os"
        collect.node(Outcome(id=outcome_id, source_record_id=pid, os_months=months,
                             os_event=event, treatment_class=treatment,
                             agents=sorted(agents)))  # fmt: skip
        collect.rel(RelType.HAS_OUTCOME, Label.PATIENT, patient_id, Label.OUTCOME, outcome_id)
        code = str(row.get(cols["oncotree"] or "", "") or "").strip()
        match = tumours.resolve(code) if tumours is not None and code else None
        if match is None and tumours is not None and cols["cancer"]:
            match = tumours.resolve(str(row.get(cols["cancer"]) or ""))
        if match:
            collect.rel(RelType.HAS_TUMOUR, Label.PATIENT, patient_id, Label.TUMOUR_TYPE,
                        match.code)  # fmt: skip
        elif code:
            collect.miss("tumour type (OncoTree code not in the loaded release)", code)
    result.source = CBIOPORTAL_META.for_file(raw, study or raw.sha256[:12], retrieved_at)
    return result
