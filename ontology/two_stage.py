"""The IMPRESS-Norway / DRUP two-stage rule for a cohort (tumour type x biomarker x drug).

Benefit is disease control (response or stable disease) at week 16. Stage 1 treats 8 evaluable
patients; with at least 1 benefiting, the cohort expands to stage 2, 24 evaluable patients in all;
it is positive when at least 5 of those 24 benefit. Patients count in the order they started
treatment. Used by the outcome loader (a positive cohort becomes evidence) and by ``oncograph
cohorts``.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGE1_SIZE, STAGE1_MIN_BENEFIT = 8, 1
STAGE2_SIZE, STAGE2_MIN_BENEFIT = 24, 5

STAGE1_ONGOING = "stage 1 ongoing"
CLOSED_STAGE1 = "closed: no benefit in stage 1"
EXPAND = "expand to stage 2"
STAGE2_ONGOING = "stage 2 ongoing"
CLOSED_STAGE2 = "closed: too little benefit in stage 2"
POSITIVE = "positive"
EVIDENCE_LEVEL = "positive"  # Evidence.level of a positive cohort (framework basket_trial)
EVIDENCE_PREFIX = "arm-result:"  # Evidence id of a positive cohort: prefix + the arm id


@dataclass(frozen=True)
class TwoStage:
    decision: str
    stage: int
    evaluable: int
    benefit_stage1: int  # among the first 8 evaluable
    benefit_total: int  # among the first 24 evaluable


def two_stage(benefits: list[bool]) -> TwoStage:
    """The decision for a cohort whose evaluable patients, in treatment order, did (True) or did
    not (False) benefit at week 16."""
    n = len(benefits)
    first8 = sum(benefits[:STAGE1_SIZE])
    first24 = sum(benefits[:STAGE2_SIZE])
    if n < STAGE1_SIZE:
        return TwoStage(STAGE1_ONGOING, 1, n, first8, first24)
    if first8 < STAGE1_MIN_BENEFIT:
        return TwoStage(CLOSED_STAGE1, 1, n, first8, first24)
    if first24 >= STAGE2_MIN_BENEFIT:
        return TwoStage(POSITIVE, 2, n, first8, first24)
    if n == STAGE1_SIZE:
        return TwoStage(EXPAND, 1, n, first8, first24)
    if n < STAGE2_SIZE:
        return TwoStage(STAGE2_ONGOING, 2, n, first8, first24)
    return TwoStage(CLOSED_STAGE2, 2, n, first8, first24)


def median_survival(times: list[float], events: list[bool]) -> float | None:
    """Kaplan-Meier median: the first time the survival estimate falls to 0.5 or below; None if
    it never does (too few events) or there are no times."""
    at_risk = len(times)
    survival = 1.0
    for t in sorted(set(times)):
        deaths = sum(1 for x, e in zip(times, events, strict=True) if x == t and e)
        leaving = sum(1 for x in times if x == t)
        if deaths and at_risk:
            survival *= 1 - deaths / at_risk
            if survival <= 0.5:
                return t
        at_risk -= leaving
    return None
