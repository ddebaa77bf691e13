"""The IMPRESS-Norway / DRUP two-stage rule for a cohort (tumour type x biomarker x drug).

Benefit is disease control (response or stable disease) at week 16. Stage 1 treats 8 evaluable
patients; with at least 1 benefiting, the cohort expands to stage 2, 24 evaluable patients in all;
it is positive when at least 5 of those 24 benefit. Patients count in the order they started
treatment. Used by the outcome loader (a positive cohort becomes evidence) and by ``oncograph
cohorts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
EXPANSION = "expansion cohort (the two-stage rule does not apply)"


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


def cohort_decision(benefits: list[bool], expansion: bool = False) -> str:
    """A cohort's decision: the two-stage rule's on its evaluable patients in treatment order; an
    expansion cohort (of a positive one) is not decided by the rule."""
    return EXPANSION if expansion else two_stage(benefits).decision


@dataclass(frozen=True)
class Milestone:
    day: dt.date | None  # None when a patient's dates are not known
    event: str  # "stage 1 completed", "expanded to stage 2", "positive", "closed ..."
    template: str  # the detail, with "{benefits}" where the count goes
    benefits: int | None = None  # patients who benefited, when the detail counts them

    def detail(self, show: Callable[[int], object] = str) -> str:
        """The detail with its count as ``show`` gives it (``ontology.privacy.suppress`` for a
        shared document)."""
        if self.benefits is None:
            return self.template
        return self.template.format(benefits=show(self.benefits))


WEEK16 = dt.timedelta(weeks=16)


def history(patients: list[tuple[dt.date | None, dt.date | None, bool]]) -> list[Milestone]:
    """When the cohort reached each step of the two-stage rule, from its evaluable patients in
    treatment order as (treatment start, week-16 assessment date, benefit). A step is reached when
    the last assessment it needs is done: stage 1 when all of the first 8 have their week-16
    assessment; "positive" when the 5th benefit among the first 24 is assessed (and stage 1 is
    complete); a closure in stage 2 when all 24 are assessed. Without a week-16 date the
    assessment counts as treatment start + 16 weeks."""

    def assessed(start: dt.date | None, week16: dt.date | None) -> dt.date | None:
        return week16 or (start + WEEK16 if start else None)

    days = [assessed(s, w) for s, w, _ in patients]
    benefits = [b for _, _, b in patients]

    def last(items: list[dt.date | None]) -> dt.date | None:
        return None if not items or None in items else max(d for d in items if d)

    out: list[Milestone] = []
    if len(patients) < STAGE1_SIZE:
        return out
    stage1 = last(days[:STAGE1_SIZE])
    first8 = sum(benefits[:STAGE1_SIZE])
    detail = f"{{benefits}} of the first {STAGE1_SIZE} evaluable patients benefited"
    out.append(Milestone(stage1, "stage 1 completed", detail, first8))
    if first8 < STAGE1_MIN_BENEFIT:
        out.append(Milestone(stage1, CLOSED_STAGE1, "no benefit among the first 8"))
        return out
    out.append(Milestone(stage1, "expanded to stage 2",
                         f"at least {STAGE1_MIN_BENEFIT} of {STAGE1_SIZE} benefited"))  # fmt: skip
    window = list(zip(days[:STAGE2_SIZE], benefits[:STAGE2_SIZE], strict=True))
    hits = [d for d, b in window if b]
    if len(hits) >= STAGE2_MIN_BENEFIT:
        day = None  # some assessment undated: the day cannot be placed
        if stage1 is not None and None not in hits:
            day = max(sorted(hits)[STAGE2_MIN_BENEFIT - 1], stage1)
        out.append(Milestone(day, POSITIVE, f"{STAGE2_MIN_BENEFIT} benefits among the first "
                             f"{STAGE2_SIZE} evaluable patients"))  # fmt: skip
    elif len(patients) >= STAGE2_SIZE:
        detail = f"{{benefits}} of {STAGE2_SIZE} benefited (needs {STAGE2_MIN_BENEFIT})"
        out.append(Milestone(last(days[:STAGE2_SIZE]), CLOSED_STAGE2, detail, len(hits)))
    return out
