"""Cohort analytics and a patient's arm options.

* :func:`arm_summaries`: per trial arm or registry cohort, patients treated and evaluable, disease
  control at week 16, objective responses (CR/PR), median PFS (Kaplan-Meier) and the
  IMPRESS/DRUP two-stage decision (``ontology.two_stage``).
* :func:`study_summaries`: patients of de-identified studies (cBioPortal) by treatment class and
  tumour type: patients, deaths, median overall survival.
* :func:`arm_options`: the open arms that accept a patient's alteration and tumour type, exactly or
  through the alteration hierarchy (an arm for BRAF V600 or BRAF mutation accepts V600E) and the
  OncoTree hierarchy (an arm for COADREAD accepts COAD; a tissue-agnostic arm any solid tumour).

Counts meant for sharing are suppressed: 1-4 become "<5" (``ontology.privacy.suppress``), and
a median computed from fewer than 5 patients is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from ontology import two_stage as rules
from ontology.normalise import AlterationConcept, normalise_alteration, with_broader
from ontology.privacy import MIN_SHARED, suppress
from ontology.vocab import ArmStatus
from queries import find_gene, find_tumour_type
from queries.catalog import CypherRunner, run_named
from queries.snapshot import ArmFact, Snapshot, snapshot_of
from queries.survival import KaplanMeier, kaplan_meier

Count = int | str | None  # a count, or "<5" when suppressed
OPEN = {ArmStatus.RECRUITING.value, ArmStatus.NOT_YET_RECRUITING.value}
SUPPRESSION_NOTE = (
    "counts of 1-4 are shown as <5 and medians of fewer than 5 patients are not shown "
    "(small-cell suppression for sharing); --exact shows exact counts, for internal use only"
)


def _count(n: int, exact: bool) -> Count:
    return n if exact else suppress(n)


def _km(times: list[float], events: list[bool], exact: bool) -> KaplanMeier | None:
    """The Kaplan-Meier estimate, or None where a median would be suppressed (fewer than 5)."""
    if not times or (not exact and len(times) < MIN_SHARED):
        return None
    return kaplan_meier(times, events)


def _median(times: list[float], events: list[bool], exact: bool) -> float | None:
    km = _km(times, events, exact)
    return km.median if km else None


class ArmSummary(BaseModel):
    arm_id: str
    arm: str
    trial_id: str
    status: str
    therapy: str | None = None
    synthetic: bool = False
    treated: Count
    evaluable: Count
    benefit_week16: Count
    objective_responses: Count
    median_pfs_months: float | None = None
    median_pfs_low: float | None = None  # its 95% interval (None: not reached or not shown)
    median_pfs_high: float | None = None
    decision: str


def arm_decision(arm: ArmFact | None, benefits: list[bool]) -> str:
    """The cohort's decision (``ontology.two_stage.cohort_decision``) for the arm."""
    return rules.cohort_decision(benefits, expansion=bool(arm is not None and arm.expansion_of))


def arm_summaries(
    graph: Snapshot | CypherRunner, exact: bool = False, arms: Iterable[str] | None = None
) -> list[ArmSummary]:
    """The outcomes of ``arms`` (default: every arm) as the loader summarised them
    (``outcome_summaries``: one row per arm, whatever the number of patients), small counts
    suppressed unless ``exact``."""
    snap = snapshot_of(graph)
    wanted = sorted(snap.arms if arms is None else set(arms))
    out = []
    for r in run_named(snap.runner, "outcome_summaries", {"arms": wanted}):
        shown = exact or (r["pfs_patients"] or 0) >= MIN_SHARED  # no median of fewer than 5
        out.append(ArmSummary(
            arm_id=r["arm_id"], arm=r["arm"], trial_id=r["trial_id"],
            status=r["status"] or "unknown", therapy=r["therapy"],
            synthetic=bool(r["synthetic"]), treated=_count(r["treated"], exact),
            evaluable=_count(r["evaluable"], exact),
            benefit_week16=_count(r["benefit_week16"], exact),
            objective_responses=_count(r["objective_responses"], exact),
            median_pfs_months=r["median_pfs_months"] if shown else None,
            median_pfs_low=r["median_pfs_low"] if shown else None,
            median_pfs_high=r["median_pfs_high"] if shown else None,
            decision=r["decision"],
        ))  # fmt: skip
    return out


def arm_results(snap: Snapshot, arms: Iterable[str] | None = None) -> dict[str, ArmSummary]:
    """The outcome summaries as shared (small counts suppressed) by arm id: of ``arms`` (a
    board's matches: read as asked, bounded by the patient), or of every arm, read once per
    snapshot (the dossier and its index)."""
    if arms is not None:
        return {s.arm_id: s for s in arm_summaries(snap, arms=arms)}
    return snap.memo("arm_results", lambda: {s.arm_id: s for s in arm_summaries(snap)})


class StudySummary(BaseModel):
    study: str | None
    treatment_class: str | None
    tumour: str | None
    patients: Count
    deaths: Count
    median_os_months: float | None = None


def study_summaries(
    runner: CypherRunner, by: str = "main_type", exact: bool = False
) -> list[StudySummary]:
    """Patients by study, treatment class and tumour type (``by``: "main_type" for OncoTree's
    main type, "tumour" for the exact type)."""
    groups: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for r in run_named(runner, "study_outcomes"):
        tumour = r.get(by) or r.get("tumour") or r.get("tumour_code")
        groups[(r["study"], r["treatment_class"], tumour)].append(r)
    out = []
    for (study, treatment, tumour), items in sorted(
        groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])
    ):
        times = [r for r in items if r["os_months"] is not None and r["os_event"] is not None]
        out.append(StudySummary(
            study=study, treatment_class=treatment, tumour=tumour,
            patients=_count(len(items), exact),
            deaths=_count(sum(1 for r in items if r["os_event"]), exact),
            median_os_months=_median([r["os_months"] for r in times],
                                     [bool(r["os_event"]) for r in times], exact),
        ))  # fmt: skip
    return out


class ArmOption(BaseModel):
    arm_id: str
    trial_id: str
    arm: str
    status: str
    therapy: str | None = None
    biomarker_text: str | None = None
    alteration_match: str  # "exact: BRAF V600E" or "via BRAF mutation (the arm's broader class)"
    tumour_match: str  # "same: COAD", "via COADREAD (ancestor)", "tissue-agnostic", "not stated"
    synthetic: bool = False


def match_arms(
    arms: dict[str, ArmFact],
    concept: AlterationConcept,
    code: str,
    ancestors: list[str],
    solid: bool,
    include_closed: bool = False,
) -> list[ArmOption]:
    """The arms of ``arms`` that accept ``concept`` in tumour ``code`` (``ancestors``: its
    OncoTree ancestors, nearest first). An arm accepts the patient's alteration or a broader class
    it falls under (:func:`ontology.matching.alteration_applies`), and the patient's tumour type
    or an ancestor of it; a tissue-agnostic arm any solid tumour."""
    chain = with_broader([concept])
    out = []
    for arm_id, arm in sorted(arms.items()):
        if not include_closed and arm.status not in OPEN:
            continue
        if arm.excluded & set(chain):
            continue  # "BRAF non-V600 mutation" does not accept V600E
        hits = [a for a in chain if a in arm.alterations]
        if not hits:
            continue
        hit = hits[0]  # the narrowest: the chain runs from the alteration to its broader ones
        how_alt = (f"exact: {concept.name}" if hit == concept.id
                   else f"via {arm.alterations[hit]} (the arm's broader class)")  # fmt: skip
        if code in arm.tumours:
            how_tumour = f"same: {code}"
        elif anc := [a for a in ancestors if a in arm.tumours]:
            how_tumour = f"via {anc[0]} (ancestor of {code})"
        elif arm.tissue_agnostic and solid:
            how_tumour = "tissue-agnostic (any solid tumour)"
        elif not arm.tumours and not arm.tissue_agnostic:
            how_tumour = "not stated by the arm"
        else:
            continue
        out.append(ArmOption(
            arm_id=arm_id, trial_id=arm.trial_id or "", arm=arm.name or arm_id,
            status=arm.status or "unknown", therapy=arm.therapy,
            biomarker_text=arm.biomarker_text, alteration_match=how_alt,
            tumour_match=how_tumour, synthetic=arm.synthetic,
        ))  # fmt: skip
    out.sort(key=lambda o: (not o.alteration_match.startswith("exact"),
                            not o.tumour_match.startswith("same"), o.arm_id))  # fmt: skip
    return out


def arm_options(
    graph: Snapshot | CypherRunner, gene: str, alteration: str, tumour: str,
    include_closed: bool = False,
) -> list[ArmOption]:  # fmt: skip
    """The arms that accept the alteration in the tumour type, and how (see module doc)."""
    snap = snapshot_of(graph)
    symbol = find_gene(snap, gene)[0].symbol
    concept = normalise_alteration(symbol, alteration)
    match = find_tumour_type(snap, tumour)
    code = match.tumour_type.code
    return match_arms(snap.arms, concept, code, [a.code for a in match.ancestors],
                      snap.is_solid(code), include_closed)  # fmt: skip


def render_cohorts(
    arms: list[ArmSummary], studies: list[StudySummary], by: str | None, exact: bool, fmt: str
) -> str:
    """The cohort analytics as the CLI prints them (``by``: "arm", "study" or None for both)."""
    from queries.output import render

    if fmt != "table":
        return render([a.model_dump() for a in arms] + [s.model_dump() for s in studies], fmt)
    out = []
    if by in (None, "arm"):
        out.append("Trial arms and cohorts (IMPRESS/DRUP two-stage rule: 1 of 8, then 5 of 24 "
                   "with disease control at week 16)")  # fmt: skip
        rows = [
            a.model_dump(exclude={"trial_id", "synthetic"})
            | {"arm_id": a.arm_id + (" (synthetic)" if a.synthetic else "")}
            for a in arms
        ]
        out.append(render(rows, "table", max_width=40))
    if by in (None, "study"):
        out.append("\nDe-identified studies by treatment class and tumour type")
        out.append(render([s.model_dump() for s in studies], "table", max_width=40))
    out.append("\nNote: exact counts (not for sharing)." if exact else
               f"\nNote: {SUPPRESSION_NOTE}.")  # fmt: skip
    return "\n".join(out)
