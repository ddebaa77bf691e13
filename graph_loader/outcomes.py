"""Patient outcomes of cohort registries (format: docs/cohorts.md): one row per patient and
cohort: pseudonym, cohort, alterations, tumour type, treatment start, best response (RECIST),
benefit at week 16, PFS and OS with event flags. After the rows, each cohort's two-stage decision
is computed (``ontology.two_stage``); a positive cohort becomes ``Evidence`` (level "positive",
framework basket_trial) about its alterations, tumour type and therapy, RESULT_OF the arm, so
evidence chains and HTA gap queries see it. The privacy rules of :mod:`ontology.privacy` apply
before anything else (a national identity number anywhere refuses the whole file).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_loader.concepts import (
    ALTERATION_SEPARATORS,
    ConceptCollector,
    alterations_from_text,
)
from graph_loader.files import RawFile, one_file
from graph_loader.framework import NORMALISE, Source, SourceMeta, TransformResult, merged
from graph_loader.tables import (
    checked_rows,
    iter_patient_rows,
    parse_date,
    parse_flag,
    parse_number,
)
from ontology import two_stage as rules
from ontology.models import Evidence, Outcome, OutcomeSummary, Patient
from ontology.normalise import AlterationConcept, GeneIndex, TumourIndex
from ontology.vocab import Label, LevelFramework, RecistResponse, RelType, StopReason
from queries.snapshot import ArmFact

META = SourceMeta(
    name="outcomes",
    licence="as the registry's owner states (synthetic demo files: CC0)",
    citation="patient outcomes of a cohort registry",
)
COLUMNS = ("pseudonym", "trial_id", "cohort_id", "treatment_start", "best_response",
           "benefit_week16")  # fmt: skip


#: rows per chunk of a load: the memory of a load is bounded by one chunk's models (measured in
#: docs/benchmarks.md: 1,000,000 rows)
CHUNK_ROWS = 20_000


def transform(raw: RawFile, **needs: Any) -> TransformResult:
    """The whole file's result (the merge of :func:`chunks`; same keywords)."""
    return merged(chunks(raw, **needs))


def chunks(
    raw: RawFile,
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    arms: dict[str, ArmFact] | None = None,
    retrieved_at: str | None = None,
    chunk_rows: int | None = None,
) -> Iterator[TransformResult]:
    """The file's result in chunks of ``chunk_rows`` rows, then one with the cohorts' decisions.

    What must see the whole file is kept across chunks, small: the rows seen per patient and
    cohort (duplicates), and per cohort its evaluable patients' (start, pseudonym, benefit).
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    info = META.for_file(raw, version or raw.sha256[:12], retrieved_at)
    rows = iter_patient_rows(raw, COLUMNS, "pseudonym", "a patient outcome CSV (docs/cohorts.md)")
    tally = TransformResult(source=info)  # rows read and rejected since the last chunk
    result = TransformResult(source=info)
    collect = ConceptCollector(result, genes)
    tallies: dict[str, ArmTally] = defaultdict(ArmTally)
    # a registry repeats the same few alterations: each is parsed once
    one_alteration = functools.lru_cache(maxsize=8192)(
        lambda part: alterations_from_text(part, genes)[0]
    )

    def parse_alterations(text: str) -> list[AlterationConcept]:
        return [one_alteration(p.strip()) for p in ALTERATION_SEPARATORS.split(text) if p.strip()]

    seen: dict[str, int] = {}
    in_chunk = 0
    for line, row, reject in checked_rows(raw.name, rows, tally):
        if in_chunk >= chunk_rows:  # hand the chunk over (without this row), start the next
            result.rows_read, result.rejections = tally.rows_read - 1, tally.rejections
            tally.rows_read, tally.rejections = 1, []
            yield result
            result = collect.result = TransformResult(source=info)
            in_chunk = 0
        in_chunk += 1
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
        if response is not None and response not in RESPONSES:
            reject("unknown best response", f"{row['best_response']!r}; expected CR, PR, SD, PD "
                   "or NE (RECIST 1.1)", "best_response")  # fmt: skip
            continue
        try:
            start = parse_date(row["treatment_start"])
            benefit = parse_flag(row["benefit_week16"])
            evaluable = parse_flag(row.get("evaluable"))
            pfs, pfs_event = parse_number(row.get("pfs_months")), parse_flag(row.get("pfs_event"))
            os_, os_event = parse_number(row.get("os_months")), parse_flag(row.get("os_event"))
            synthetic = bool(parse_flag(row.get("synthetic")))
            concepts = parse_alterations(str(row.get("alterations") or ""))
            week16, end = parse_date(row.get("week16_date")), parse_date(row.get("treatment_end"))
            followup = parse_date(row.get("last_followup"))
            stop = _stop_reason(row.get("stop_reason"))
            _check_times(start, week16, end, followup, pfs, os_)
        except ValueError as exc:
            reject("bad value", str(exc))
            continue
        if evaluable is None:  # evaluable unless stated otherwise or not assessable
            evaluable = benefit is not None and response != RecistResponse.NE.value
        seen[key] = line
        patient_id = f"{trial}:{pseudonym}"
        outcome_id = f"{patient_id}@{cohort}"
        # one row per patient and cohort (duplicates refused above): these two need no
        # de-duplication set, which would grow with the file (a patient in two cohorts is
        # written twice, the same values)
        result.nodes.append(Patient(id=patient_id, source_record_id=pseudonym,
                                    synthetic=synthetic, study=trial))  # fmt: skip
        result.nodes.append(Outcome(
            id=outcome_id, source_record_id=outcome_id, treatment_start=start,
            best_response=response, evaluable=evaluable, benefit_week16=benefit, pfs_months=pfs,
            pfs_event=pfs_event, os_months=os_, os_event=os_event, synthetic=synthetic,
            week16_date=week16, treatment_end=end, stop_reason=stop, last_followup=followup,
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
        tallies[arm_id].add(start, outcome_id, response, evaluable, benefit, pfs, pfs_event, os_,
                            os_event, synthetic)  # fmt: skip
    for arm_id, counts in sorted(tallies.items()):
        if arms is None:  # no registry to decide against (the rows name no known cohort)
            continue
        arm = arms[arm_id]
        _summary(collect, arm, counts)
        decision = rules.two_stage(counts.benefits())
        if decision.decision == rules.POSITIVE and not arm.expansion_of:  # stages 1-2 only
            _positive_arm(collect, arm, decision, counts.synthetic)
    result.rows_read, result.rejections = tally.rows_read, tally.rejections
    yield result


@dataclass
class ArmTally:
    """What one arm's summary needs from the whole file, kept small across chunks: counts, the
    evaluable patients' (start, outcome id, benefit) for the two-stage order, survival times."""

    treated: int = 0
    responses: int = 0
    evaluable: list[tuple[dt.date, str, bool]] = field(default_factory=list)
    pfs: list[tuple[float, bool]] = field(default_factory=list)
    os: list[tuple[float, bool]] = field(default_factory=list)
    first_start: dt.date | None = None
    last_start: dt.date | None = None
    synthetic: bool = True  # every row synthetic

    def add(
        self, start: dt.date | None, outcome_id: str, response: str | None, evaluable: bool,
        benefit: bool | None, pfs: float | None, pfs_event: bool | None, os_: float | None,
        os_event: bool | None, synthetic: bool,
    ) -> None:  # fmt: skip
        self.treated += 1
        self.responses += response in (RecistResponse.CR.value, RecistResponse.PR.value)
        if evaluable:  # in treatment order (ties by outcome id), as arm_summaries reads them
            self.evaluable.append((start or dt.date.max, outcome_id, bool(benefit)))
        if pfs is not None:
            self.pfs.append((pfs, bool(pfs_event)))
        if os_ is not None:
            self.os.append((os_, bool(os_event)))
        if start is not None:
            self.first_start = min(self.first_start or start, start)
            self.last_start = max(self.last_start or start, start)
        self.synthetic = self.synthetic and synthetic

    def benefits(self) -> list[bool]:
        return [b for _, _, b in sorted(self.evaluable)]


def _summary(collect: ConceptCollector, arm: ArmFact, tally: ArmTally) -> None:
    """The arm's OutcomeSummary (exact counts; suppressed when read for sharing), SUMMARISES it."""
    from queries.survival import kaplan_meier  # lifelines: imported only when outcomes load

    medians: dict[str, float | None] = {}
    for name, times in (("pfs", tally.pfs), ("os", tally.os)):
        km = kaplan_meier([t for t, _ in times], [e for _, e in times]) if times else None
        medians |= {f"median_{name}_months": km.median if km else None,
                    f"median_{name}_low": km.median_low if km else None,
                    f"median_{name}_high": km.median_high if km else None}  # fmt: skip
    sid = f"{SUMMARY_PREFIX}{arm.id}"
    collect.node(OutcomeSummary(
        id=sid, source_record_id=arm.id, arm_id=arm.id, treated=tally.treated,
        evaluable=len(tally.evaluable), benefit_week16=sum(tally.benefits()),
        objective_responses=tally.responses,
        decision=rules.cohort_decision(tally.benefits(), expansion=bool(arm.expansion_of)),
        pfs_patients=len(tally.pfs), os_patients=len(tally.os), first_start=tally.first_start,
        last_start=tally.last_start, synthetic=tally.synthetic, **medians,
    ))  # fmt: skip
    collect.rel(RelType.SUMMARISES, Label.OUTCOME_SUMMARY, sid, Label.TRIAL_ARM, arm.id)


#: OutcomeSummary id: prefix + the arm id
SUMMARY_PREFIX = "outcomes:"


RESPONSES = frozenset(r.value for r in RecistResponse)
STOP_REASONS = frozenset(r.value for r in StopReason)


def _stop_reason(value: Any) -> StopReason | None:
    text = " ".join(str(value or "").strip().lower().replace("_", " ").split())
    if not text:
        return None
    if text not in STOP_REASONS:
        raise ValueError(f"stop_reason {value!r}; expected one of "
                         f"{', '.join(r.value for r in StopReason)}")  # fmt: skip
    return StopReason(text)


def _check_times(
    start: dt.date | None, week16: dt.date | None, end: dt.date | None,
    followup: dt.date | None, pfs: float | None, os_: float | None,
) -> None:  # fmt: skip
    """Dates in order and survival times not negative, or ValueError saying which."""
    for name, day in (("week16_date", week16), ("treatment_end", end),
                      ("last_followup", followup)):  # fmt: skip
        if start and day and day < start:
            raise ValueError(f"{name} {day} is before treatment_start {start}")
    if end and followup and followup < end:
        raise ValueError(f"last_followup {followup} is before treatment_end {end}")
    for name, months in (("pfs_months", pfs), ("os_months", os_)):
        if months is not None and (months < 0 or not math.isfinite(months)):
            raise ValueError(f"{name} {months} is negative or not a finite number")
    if pfs is not None and os_ is not None and pfs > os_ + 0.05:  # rounding of months allowed
        raise ValueError(f"pfs_months {pfs} is longer than os_months {os_}")


def _positive_arm(
    collect: ConceptCollector, arm: ArmFact, decision: rules.TwoStage, synthetic: bool
) -> None:
    eid = f"{rules.EVIDENCE_PREFIX}{arm.id}"
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


SOURCE = Source(
    name="outcomes",
    description=(
        "patient outcome CSV (docs/cohorts.md; pseudonyms only): outcomes per cohort, two-stage "
        "decisions, positive cohorts as evidence; load the registry first"
    ),
    meta=META,
    read=one_file,
    transform=transform,
    needs={**NORMALISE, "arms": lambda g: g.arms},
    chunks=chunks,
)
