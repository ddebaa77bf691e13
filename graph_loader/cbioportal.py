"""De-identified cBioPortal studies: a clinical data file, or a study directory with its treatment
timeline. One ``Patient`` and ``Outcome`` (overall survival, treatment class from the clinical
file or the timeline's treatment subtypes, agents) per patient, HAS_TUMOUR its OncoTree type.
The privacy rules of :mod:`ontology.privacy` apply before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph_loader.concepts import ConceptCollector
from graph_loader.files import BadRow, RawFile, read_file
from graph_loader.framework import Rejection, Source, SourceMeta, TransformResult
from graph_loader.tables import good_rows, parse_number, patient_rows
from ontology.errors import InputFileError
from ontology.models import Outcome, Patient
from ontology.normalise import TumourIndex
from ontology.vocab import Label, RelType

META = SourceMeta(
    name="cbioportal",
    licence="cBioPortal public study: free for research with citation of the study",
    url="https://www.cbioportal.org",
    citation="cBioPortal for Cancer Genomics; cite the study's publication",
)


@dataclass(frozen=True)
class Study:
    """What the loader reads: the clinical file, the treatment timeline if any, the study name
    (the directory's) if known."""

    clinical: RawFile
    timeline: RawFile | None = None
    name: str | None = None


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


def read_study(path: str | Path | RawFile) -> Study:
    """A clinical data file, or a study directory: its ``*clinical*`` file and, if there is one,
    its ``*timeline*treatment*`` file."""
    if isinstance(path, RawFile):
        return Study(path)
    p = Path(path)
    if not p.is_dir():
        return Study(read_file(p))
    clinical = sorted(f for f in p.iterdir() if "clinical" in f.name and f.is_file())
    timeline = sorted(f for f in p.iterdir() if "timeline" in f.name and "treatment" in f.name)
    if not clinical:
        raise InputFileError(p, "no *clinical* data file in the study directory")
    return Study(read_file(clinical[0]), read_file(timeline[0]) if timeline else None, p.name)


def _timeline(raw: RawFile) -> dict[str, tuple[set[str], set[str]]]:
    """Patient -> (treatment classes, agents) from a cBioPortal treatment timeline."""
    rows = patient_rows(raw, ("PATIENT_ID", "EVENT_TYPE"), "PATIENT_ID",
                        "a cBioPortal timeline file")  # fmt: skip
    out: dict[str, tuple[set[str], set[str]]] = {}
    for _, row in good_rows(rows):
        if str(row["EVENT_TYPE"]).strip().upper() != "TREATMENT":
            continue
        classes, agents = out.setdefault(str(row["PATIENT_ID"]).strip(), (set(), set()))
        kind = str(row.get("SUBTYPE") or row.get("TREATMENT_TYPE") or "").strip().lower()
        if kind and kind != "na":
            classes.add(kind)
        agent = str(row.get("AGENT") or "").strip()
        if agent and agent.upper() != "NA":
            agents.add(agent.lower())
    return out


def transform(
    study: Study | RawFile,
    version: str | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    if isinstance(study, RawFile):
        study = Study(study)
    raw, timeline, study_name = study.clinical, study.timeline, study.name
    lines = [ln for ln in raw.text().splitlines() if not ln.startswith("#")]
    header = lines[0].split("\t") if lines else []
    cols = {k: next((c for c in names if c in header), None) for k, names in _CB.items()}
    if cols["patient"] is None:
        raise InputFileError(raw.name, "no 'Patient ID' (PATIENT_ID) column; expected a "
                             "cBioPortal clinical data file", 1)  # fmt: skip
    rows = patient_rows(raw, (cols["patient"],), cols["patient"],
                        "a cBioPortal clinical data file")  # fmt: skip
    treatments = _timeline(timeline) if timeline is not None else {}
    study = version
    result = TransformResult(source=META.for_file(raw, "pending", retrieved_at))
    collect = ConceptCollector(result)
    seen: set[str] = set()
    for item in rows:
        result.rows_read += 1
        if isinstance(item, BadRow):
            result.rejections.append(Rejection(raw.name, item.line, "malformed row", item.reason))
            continue
        line, row = item
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
            months = parse_number(row.get(cols["os_months"] or "", ""))
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
    result.source = META.for_file(raw, study or raw.sha256[:12], retrieved_at)
    return result


SOURCE = Source(
    name="cbioportal",
    description=(
        "cBioPortal clinical data file, or a study directory with its treatment timeline "
        "(patients, overall survival, treatment class, OncoTree type; pseudonymous ids only)"
    ),
    meta=META,
    read=read_study,
    transform=transform,
    needs={"tumours": lambda g: g.tumours},
)
