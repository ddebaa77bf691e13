"""ClinicalTrials.gov records: the legacy XML (retired by CT.gov in 2024, still in every archive)
and the current API v2 JSON, one record per file, a file or a directory of them.

Each record becomes a ``Trial`` (NCT id; other ids, title, phase, overall status, lead sponsor,
countries, start and completion dates) and each arm group a ``TrialArm`` (``NCT02465060:A`` for
"Subprotocol A (...)"; else the arm label) that HAS_ARM from the trial. An arm GIVES the therapy of
the drug and biological interventions assigned to it (several: a combination; placebo and
procedures are not therapies). The biomarker an arm requires is read from the label's parenthesis
("Subprotocol H (BRAF V600E/R/K/D mutation)") or its description ("Patients with ... receive");
arms whose criterion cannot be read ("FGFR pathway aberrations") are kept, ``normalised=false``,
and listed. Conditions map to OncoTree tumour types (FOR_TUMOUR, exact names and codes only); a
condition naming any solid tumour marks the arm tissue-agnostic.

Licence: ClinicalTrials.gov content is in the U.S. public domain.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, read_file
from graph_loader.framework import NORMALISE, Rejection, Source, SourceMeta, TransformResult
from graph_loader.indications import read_english_biomarkers
from ontology.errors import InputFileError
from ontology.models import Trial, TrialArm
from ontology.normalise import GeneIndex, TumourIndex
from ontology.vocab import ArmStatus, Label, RelType, TherapyType

META = SourceMeta(
    name="clinicaltrials",
    licence="public domain (ClinicalTrials.gov, U.S. National Library of Medicine)",
    url="https://clinicaltrials.gov",
    citation="ClinicalTrials.gov, U.S. National Library of Medicine",
)
THERAPY_TYPES = {"drug", "biological", "combination product", "genetic"}
_NCT = re.compile(r"^NCT\d{8}$")
_SOLID = re.compile(r"\bsolid\b.*\b(?:neoplasm|tumou?r|cancer|malignan)", re.IGNORECASE)
_COHORT = re.compile(r"^(?:sub-?protocol|arm|cohort|part|group)\s+([A-Z0-9][\w.-]*)\b",
                     re.IGNORECASE)  # fmt: skip
_STATUS = {s.value: s for s in ArmStatus} | {
    "enrolling by invitation": ArmStatus.RECRUITING,
    "active not recruiting": ArmStatus.ACTIVE_NOT_RECRUITING,
    "available": ArmStatus.RECRUITING,  # expanded access
    "temporarily not available": ArmStatus.SUSPENDED,
    "no longer available": ArmStatus.CLOSED,
    "approved for marketing": ArmStatus.CLOSED,
}


def read_records(path: str | Path | RawFile) -> list[RawFile]:
    """One record file, or every .xml / .json record in a directory (sorted by name)."""
    if isinstance(path, RawFile):
        return [path]
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".xml", ".json"))
        if not files:
            raise InputFileError(p, "no .xml or .json ClinicalTrials.gov record in the directory")
        return [read_file(f) for f in files]
    return [read_file(p)]


def _date(text: str | None) -> dt.date | None:
    """ "August 12, 2015", "June 2022", "2018-03-08", "2018-03" -> a date (month only: the 1st)."""
    if not text or not text.strip():
        return None
    text = text.strip()
    for fmt in ("%B %d, %Y", "%B %Y", "%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a ClinicalTrials.gov date")


def _parse_xml(raw: RawFile) -> dict[str, Any]:
    try:
        root = ET.fromstring(raw.data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputFileError(raw.name, f"not well-formed XML ({exc})", line, column) from None
    except (LookupError, ValueError) as exc:  # an unknown or a multi-byte declared encoding
        raise InputFileError(raw.name, f"unreadable XML ({exc})", 1) from None
    if root.tag != "clinical_study":
        raise InputFileError(raw.name, f"root element <{root.tag}>, expected <clinical_study>")
    ids = [(c.tag, (c.text or "").strip()) for c in root.findall("id_info/*")]
    arms = []
    for a in root.findall("arm_group"):
        arms.append({"label": a.findtext("arm_group_label", "").strip(),
                     "type": a.findtext("arm_group_type"), "description": a.findtext("description"),
                     "interventions": []})  # fmt: skip
    by_label = {a["label"]: a for a in arms}
    for i in root.findall("intervention"):
        for label in i.findall("arm_group_label"):
            arm = by_label.get((label.text or "").strip())
            if arm is not None:
                arm["interventions"].append((i.findtext("intervention_type", ""),
                                             i.findtext("intervention_name", "")))  # fmt: skip
    return {
        "nct_id": next((v for k, v in ids if k == "nct_id"), ""),
        "other_ids": sorted({v for k, v in ids if k != "nct_id" and v}),
        "title": root.findtext("brief_title") or root.findtext("official_title") or "",
        "phase": root.findtext("phase"),
        "status": root.findtext("overall_status"),
        "sponsor": root.findtext("sponsors/lead_sponsor/agency"),
        "countries": [c.text for c in root.findall("location_countries/country") if c.text],
        "start": root.findtext("start_date"),
        "completion": root.findtext("completion_date") or root.findtext("primary_completion_date"),
        "conditions": [c.text for c in root.findall("condition") if c.text],
        "arms": arms,
    }


class _Json:
    """Typed reads of a JSON record: a value of the wrong type is an InputFileError naming where
    it is (``protocolSection.statusModule.startDateStruct.date``), never an AttributeError."""

    _NAMES = {dict: "an object", list: "a list", str: "a string"}

    def __init__(self, raw: RawFile) -> None:
        self.raw = raw

    def _get(self, value: Any, where: str, kind: type, default: Any) -> Any:
        if value is None:
            return default
        if not isinstance(value, kind):
            got = self._NAMES.get(type(value), f"a {type(value).__name__}")
            raise InputFileError(self.raw.name, f"{where} is {got}; expected {self._NAMES[kind]} "
                                 "(a ClinicalTrials.gov API v2 study record)")  # fmt: skip
        return value

    def obj(self, parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        return self._get(parent.get(key), f"{where}.{key}", dict, {})

    def objs(self, parent: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        items = self._get(parent.get(key), f"{where}.{key}", list, [])
        return [self._get(v, f"{where}.{key}[{i}]", dict, {}) for i, v in enumerate(items)]

    def text(self, parent: dict[str, Any], key: str, where: str) -> str | None:
        return self._get(parent.get(key), f"{where}.{key}", str, None)

    def texts(self, parent: dict[str, Any], key: str, where: str) -> list[str]:
        items = self._get(parent.get(key), f"{where}.{key}", list, [])
        return [t for i, v in enumerate(items)
                if (t := self._get(v, f"{where}.{key}[{i}]", str, None)) is not None]  # fmt: skip


def _parse_json(raw: RawFile) -> dict[str, Any]:
    doc = raw.json("a ClinicalTrials.gov API v2 study record")
    p = doc.get("protocolSection") if isinstance(doc, dict) else None
    if not isinstance(p, dict):
        raise InputFileError(raw.name, "no protocolSection; expected a ClinicalTrials.gov API v2 "
                             "study record")  # fmt: skip
    j, top = _Json(raw), "protocolSection"
    ident = j.obj(p, "identificationModule", top)
    status = j.obj(p, "statusModule", top)
    arms_module = j.obj(p, "armsInterventionsModule", top)
    where = f"{top}.armsInterventionsModule"
    arms = [{"label": (j.text(a, "label", f"{where}.armGroups") or "").strip(),
             "type": j.text(a, "type", f"{where}.armGroups"),
             "description": j.text(a, "description", f"{where}.armGroups"), "interventions": []}
            for a in j.objs(arms_module, "armGroups", where)]  # fmt: skip
    by_label = {a["label"]: a for a in arms}
    for i in j.objs(arms_module, "interventions", where):
        kind = j.text(i, "type", f"{where}.interventions") or ""
        name = j.text(i, "name", f"{where}.interventions") or ""
        for label in j.texts(i, "armGroupLabels", f"{where}.interventions"):
            if label.strip() in by_label:
                by_label[label.strip()]["interventions"].append((kind, name))
    where = f"{top}.identificationModule"
    other = [j.text(j.obj(ident, "orgStudyIdInfo", where), "id", f"{where}.orgStudyIdInfo")]
    other += [j.text(s, "id", f"{where}.secondaryIdInfos")
              for s in j.objs(ident, "secondaryIdInfos", where)]  # fmt: skip
    where = f"{top}.contactsLocationsModule"
    countries = sorted({c for loc in j.objs(j.obj(p, "contactsLocationsModule", top),
                                            "locations", where)
                        if (c := j.text(loc, "country", f"{where}.locations"))})  # fmt: skip
    phases = j.texts(j.obj(p, "designModule", top), "phases", f"{top}.designModule")
    where = f"{top}.statusModule"
    completion = "completionDateStruct" if status.get("completionDateStruct") else \
        "primaryCompletionDateStruct"  # fmt: skip
    sponsor = j.obj(j.obj(p, "sponsorCollaboratorsModule", top), "leadSponsor",
                    f"{top}.sponsorCollaboratorsModule")  # fmt: skip
    at = f"{top}.identificationModule"
    return {
        "nct_id": j.text(ident, "nctId", at) or "",
        "other_ids": sorted({o for o in other if o}),
        "title": j.text(ident, "briefTitle", at) or j.text(ident, "officialTitle", at) or "",
        "phase": "/".join(
            ph.replace("PHASE", "Phase ").replace("EARLY_", "Early ") for ph in phases
        )
        or None,  # fmt: skip
        "status": j.text(status, "overallStatus", where),
        "sponsor": j.text(sponsor, "name", f"{top}.sponsorCollaboratorsModule.leadSponsor"),
        "countries": countries,
        "start": j.text(
            j.obj(status, "startDateStruct", where), "date", f"{where}.startDateStruct"
        ),  # fmt: skip
        "completion": j.text(j.obj(status, completion, where), "date", f"{where}.{completion}"),
        "conditions": j.texts(
            j.obj(p, "conditionsModule", top), "conditions", f"{top}.conditionsModule"
        ),  # fmt: skip
        "arms": arms,
    }


def parse_record(raw: RawFile) -> dict[str, Any]:
    head = raw.data.lstrip()[:1]
    if head == b"<":
        return _parse_xml(raw)
    if head == b"{":
        return _parse_json(raw)
    raise InputFileError(raw.name, "expected a ClinicalTrials.gov record (legacy XML or API v2 "
                         "JSON)", 1)  # fmt: skip


def arm_status(trial_status: str | None) -> ArmStatus:
    key = re.sub(r"[_,]+", " ", (trial_status or "").strip().lower()).replace("  ", " ").strip()
    key = {"active not recruiting": "active, not recruiting"}.get(key, key)
    return _STATUS.get(key, ArmStatus.UNKNOWN)


_BIOMARKER_WORDS = re.compile(
    r"mutat|fusion|amplif|transloc|delet|\bloss\b|positive|express|rearrang|variant|aberration|"
    r"inversion|skipping|insertion|\b[A-Z]\d{1,4}[A-Z]\b",
    re.IGNORECASE,
)


def biomarker_text(label: str, description: str | None) -> str | None:
    """The arm's biomarker criterion as the record words it, if it states one (a parenthesis
    naming a therapy is not a criterion)."""
    candidates = []
    if m := re.search(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", label):
        candidates.append(m.group(1).strip())
    if description and (m := re.search(r"Patients with (.{3,120}?) (?:receive|are treated|will)",
                                       description)):  # fmt: skip
        candidates.append(m.group(1).strip())
    return next((c for c in candidates if _BIOMARKER_WORDS.search(c)), None)


def transform(
    raws: RawFile | list[RawFile],
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    raws = raws if isinstance(raws, list) else [raws]
    result = TransformResult(source=META.for_file(raws[0], version or "unversioned", retrieved_at))
    collect = ConceptCollector(result, genes)
    is_gene: Callable[[str], bool] | None = (
        (lambda s: genes.resolve(s) is not None) if genes is not None and len(genes) else None
    )
    updated: list[str] = []
    for raw in raws:
        result.rows_read += 1
        record = parse_record(raw)
        nct = record["nct_id"]
        if not _NCT.match(nct or ""):
            result.rejections.append(Rejection(raw.name, None, "malformed NCT id",
                                               f"{nct!r}, expected NCT + 8 digits"))  # fmt: skip
            continue
        try:
            start, completion = _date(record["start"]), _date(record["completion"])
        except ValueError as exc:
            result.rejections.append(Rejection(raw.name, None, "unparseable date", str(exc)))
            continue
        if not record["title"].strip():
            result.rejections.append(Rejection(raw.name, None, "missing title",
                                               f"{nct}: no brief or official title"))  # fmt: skip
            continue
        if completion:
            updated.append(completion.isoformat())
        collect.node(Trial(
            id=nct, source_record_id=nct, nct_id=nct, other_ids=record["other_ids"],
            title=" ".join(record["title"].split()), phase=record["phase"],
            status=record["status"], sponsor=record["sponsor"], countries=record["countries"],
            start_date=start, completion_date=completion,
        ))  # fmt: skip
        codes, agnostic = [], False
        for condition in record["conditions"]:
            if _SOLID.search(condition):
                agnostic = True
            match = tumours.resolve(condition) if tumours is not None else None
            if match:
                codes.append(match.code)
            else:
                collect.miss("condition (no OncoTree type)", condition)
        status = arm_status(record["status"])
        cohorts = [_cohort(arm["label"]) for arm in record["arms"]]
        for arm, cohort in zip(record["arms"], cohorts, strict=True):
            if cohorts.count(cohort) > 1:  # "Arm B Topotecan", "Arm B Amrubicin": the whole label
                cohort = arm["label"] or "arm"
            _arm(collect, nct, cohort, arm, status, sorted(set(codes)), agnostic, is_gene)
    if version is None and len(raws) == 1:
        result.source = META.for_file(raws[0], raws[0].sha256[:12], retrieved_at)
    elif version is None:
        import hashlib

        digest = hashlib.sha256("".join(r.sha256 for r in raws).encode()).hexdigest()[:12]
        result.source = META.for_file(raws[0], f"{len(raws)}-records-{digest}", retrieved_at)
        result.source = result.source.model_copy(update={"file_name": f"{len(raws)} records"})
    return result


def _cohort(label: str) -> str:
    m = _COHORT.match(label)
    return m.group(1) if m else (label or "arm")


def _arm(
    collect: ConceptCollector,
    nct: str,
    cohort: str,
    arm: dict[str, Any],
    status: ArmStatus,
    codes: list[str],
    agnostic: bool,
    is_gene: Callable[[str], bool] | None,
) -> None:
    label = arm["label"] or "arm"
    arm_id = f"{nct}:{cohort}"
    text = biomarker_text(label, arm.get("description"))
    read = read_english_biomarkers(text, is_gene) if text else None
    if read is not None and not read.readable:
        collect.miss("arm biomarker (not read; kept, flagged)", f"{arm_id}: {text}")
    collect.node(TrialArm(
        id=arm_id, source_record_id=arm_id, trial_id=nct, cohort_id=cohort, name=label,
        description=" ".join((arm.get("description") or "").split()) or None, status=status,
        biomarker_text=text, arm_type=arm.get("type"), tissue_agnostic=agnostic,
        excluded_alterations=[c.id for c in read.excluded] if read else [],
        normalised=read is None or read.readable,
    ))  # fmt: skip
    collect.rel(RelType.HAS_ARM, Label.TRIAL, nct, Label.TRIAL_ARM, arm_id)
    drugs = [collect.drug(name.strip()) for kind, name in arm["interventions"]
             if kind.strip().lower().replace("_", " ") in THERAPY_TYPES and name.strip()
             and not re.search(r"placebo", name, re.IGNORECASE)]  # fmt: skip
    if drugs:
        kind = TherapyType.COMBINATION if len({d for d, _ in drugs}) > 1 else TherapyType.SINGLE
        collect.rel(RelType.GIVES, Label.TRIAL_ARM, arm_id, Label.THERAPY,
                    collect.therapy(drugs, kind))  # fmt: skip
    if read is not None:
        for concept in read.alterations:
            collect.alteration(concept)
            collect.rel(RelType.REQUIRES, Label.TRIAL_ARM, arm_id, Label.ALTERATION, concept.id,
                        match_level="read from the arm text")  # fmt: skip
    for code in codes:
        collect.rel(RelType.FOR_TUMOUR, Label.TRIAL_ARM, arm_id, Label.TUMOUR_TYPE, code)


SOURCE = Source(
    name="clinicaltrials",
    description=(
        "ClinicalTrials.gov records, legacy XML or API v2 JSON (a file or a directory): trials, "
        "arms with their therapy and biomarker, conditions as OncoTree types"
    ),
    meta=META,
    read=read_records,
    transform=transform,
    needs=NORMALISE,
)
