"""The per-cohort evidence dossier for Nye Metoder (small patient groups): one cohort (tumour type x
biomarker x drug) with everything a decision on it needs, from the graph.

* the cohort as registered (protocol, stage, status, dates, planned size) and the two-stage
  decision with its history (``ontology.two_stage.history``);
* outcomes: treated, evaluable, disease control at week 16 and objective response with exact
  (Clopper-Pearson) 95% intervals; PFS and OS as Kaplan-Meier estimates with bands, medians with
  their intervals and numbers at risk (``queries.survival``);
* the same combination elsewhere: knowledge-base evidence for the biomarker and the drug(s), the
  EMA and FDA labels (is this use on-label, since when), other cohorts with the biomarker and the
  drug, and the Nye Metoder decisions on the drug (does one cover this biomarker and tumour type);
* the gap in one sentence;
* pay-for-performance accounting for an expansion cohort: treatment weeks per patient in the
  company-paid period and after it, by benefit at week 16, and totals per payer (weeks, never
  prices);
* sources with versions; synthetic data marked.

A dossier is made **for sharing** unless ``exact`` is asked: then every count of 1-4 is "<5", a
rate whose count or complement is 1-4 is not shown (it would give the count away), a median or a
survival curve needs at least 5 patients, curves stop where fewer than 5 remain at risk, numbers
at risk of 1-4 are "<5", payment totals of a group of 1-4 patients are not shown, and no
patient-level row (pseudonym) appears. ``exact`` is for internal use and every output says so.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from ontology import two_stage as rules
from ontology.errors import QueryError, UnknownConceptError
from ontology.matching import (
    ON_LABEL,
    alterations_agree,
    decision_alterations_agree,
    in_force,
    level_rank,
    tumour_match,
    tumours_agree,
)
from ontology.normalise import drug_match_key, with_broader
from ontology.privacy import MIN_SHARED, suppress
from queries import SourceRow
from queries.catalog import CypherRunner, run_named
from queries.cohorts import arm_decision, arm_results
from queries.snapshot import ArmFact, Snapshot, snapshot_of
from queries.survival import KaplanMeier, kaplan_meier, proportion

Count = int | str | None
WEEK = 7.0
BENEFIT_RULE = (
    "Clinical benefit is disease control at week 16: complete or partial response or stable "
    "disease (RECIST 1.1) at the week-16 assessment. The IMPRESS-Norway/DRUP two-stage rule: "
    "stage 1 treats 8 evaluable patients and continues if at least 1 benefits; stage 2 treats 24 "
    "in all and the cohort is positive when at least 5 of them benefit."
)
SHARING_NOTE = (
    "For sharing: counts of 1-4 are shown as <5; a rate whose count or complement is 1-4 is not "
    "shown; medians and survival curves need at least 5 patients and curves stop where fewer than "
    "5 remain at risk; no patient-level rows."
)
EXACT_NOTE = "EXACT COUNTS AND PATIENT-LEVEL ROWS: for internal use only, not for sharing."
SYNTHETIC_NOTE = "SYNTHETIC DATA: not real patients, cohorts or outcomes."
NO_OUTCOMES = "no outcomes recorded"
AT_RISK_EVERY = 3.0  # months between the numbers at risk under a curve


# ---------------------------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------------------------


class Cohort(BaseModel):
    arm_id: str
    trial_id: str
    trial_title: str | None = None
    cohort_id: str | None = None
    name: str | None = None
    protocol: str | None = None
    status: str | None = None
    stage: int | None = None
    planned_size: int | None = None
    opened: dt.date | None = None
    closed: dt.date | None = None
    tumours: list[str] = Field(default_factory=list)  # "COADREAD (Colorectal ...)"
    biomarkers: list[str] = Field(default_factory=list)
    therapy: str | None = None
    expansion_of: str | None = None
    payment_model: str | None = None
    company_paid_weeks: int | None = None
    synthetic: bool = False


class Milestone(BaseModel):
    day: dt.date | None
    event: str
    detail: str


class Rate(BaseModel):
    name: str
    k: Count
    n: Count
    percent: float | None = None  # None when not shown (suppressed or no patients)
    low: float | None = None  # the exact 95% interval, percent
    high: float | None = None
    note: str | None = None


class Survival(BaseModel):
    endpoint: str  # "Progression-free survival", "Overall survival"
    patients: Count
    events: Count
    median: float | None = None
    median_low: float | None = None
    median_high: float | None = None
    reached: bool = False  # the median was reached (False also when not shown)
    shown: bool = True  # False: fewer than 5 patients, no curve or median shared
    # the curve as drawn: (months, survival, band low, band high) from 0, the last point the
    # last time with at least 5 at risk when shared
    curve: list[tuple[float, float, float, float]] = Field(default_factory=list)
    censored: list[tuple[float, float]] = Field(default_factory=list)  # (months, survival) marks
    at_risk: list[tuple[float, Count]] = Field(default_factory=list)
    note: str | None = None


class Outcomes(BaseModel):
    treated: Count
    evaluable: Count
    not_evaluable: Count
    best_response: dict[str, Count]
    rates: list[Rate]
    pfs: Survival | None = None
    os: Survival | None = None
    benefit_rule: str = BENEFIT_RULE


class KbEvidence(BaseModel):
    evidence_id: str
    source: str
    level: str | None
    therapy: str
    therapy_match: str  # "same therapy" / "shares a drug"
    alteration: str
    tumour: str | None
    tumour_match: str  # same / ancestor / subtype / off-label ...
    off_label: bool
    significance: str | None
    direction: str | None


class LabelItem(BaseModel):
    agency: str
    id: str
    product: str | None
    drugs: list[str]
    date: dt.date | None
    text: str | None
    tumours: list[str] = Field(default_factory=list)  # OncoTree codes (none: tissue-agnostic)
    biomarker_agrees: bool
    tumour_agrees: bool
    covers_cohort: bool  # the biomarker and the tumour type agree
    in_force: bool
    source: str


class LabelScope(StrEnum):
    """What an agency's labels for the cohort's drugs cover, best first."""

    THIS_INDICATION = "this indication"
    PART_OF_COMBINATION = "part of the combination"
    ANOTHER_TUMOUR_TYPE = "the biomarker in another tumour type"
    OTHER_INDICATIONS = "other indications only"
    NONE = "no label"


class LabelStatus(BaseModel):
    agency: str
    scope: LabelScope
    on_label: bool  # every drug of the cohort has an indication covering its biomarker and type
    since: dt.date | None  # when the last of them was granted
    other_tumours: list[str]  # tumour types of labels for the biomarker elsewhere
    summary: str


class OtherCohort(BaseModel):
    arm_id: str
    trial_id: str
    name: str | None
    status: str | None
    tumours: list[str]
    therapy: str | None
    relation: str  # "same biomarker and therapy, other tumour type" ...
    decision: str | None
    treated: Count
    synthetic: bool


class NmDecision(BaseModel):
    method_id: str
    status: str | None
    decision_date: dt.date | None
    current: bool | None
    therapy: str | None
    text: str | None
    biomarkers: list[str]
    tumours: list[str]
    covers_biomarker: bool
    covers_tumour: bool
    covers_cohort: bool
    basis: str | None
    source: str


class PatientWeeks(BaseModel):
    pseudonym: str
    treatment_start: dt.date | None
    week16_date: dt.date | None
    benefit_week16: bool | None
    treatment_end: dt.date | None
    stop_reason: str | None
    ongoing: bool
    weeks_total: float | None
    weeks_company: float | None  # within the company-paid period
    weeks_public: float | None  # after it, with benefit at week 16: the public pays
    weeks_after_without_benefit: float | None  # after it without benefit: not publicly paid


class PaymentGroup(BaseModel):
    group: str  # "benefit at week 16", "no benefit at week 16", "not assessed"
    patients: Count
    ongoing: Count
    weeks_company: float | None
    weeks_public: float | None
    weeks_after_without_benefit: float | None


class Payment(BaseModel):
    model: str
    company_paid_weeks: int
    rule: str
    cutoff: dt.date | None  # the latest follow-up date of the file
    groups: list[PaymentGroup]
    totals: dict[str, float | None]  # payer -> weeks
    patients: list[PatientWeeks] = Field(default_factory=list)  # only with exact
    unknown: Count = 0  # patients whose weeks cannot be counted (no end and no follow-up date)
    note: str | None = None


class Dossier(BaseModel):
    title: str
    generated: str
    sharing: bool
    synthetic: bool
    alteration: str
    tumour: str | None
    therapy: str | None
    cohort: Cohort | None = None
    decision: str | None = None
    history: list[Milestone] = Field(default_factory=list)
    outcomes: Outcomes | None = None
    evidence: list[KbEvidence] = Field(default_factory=list)
    labels: list[LabelItem] = Field(default_factory=list)
    label_status: list[LabelStatus] = Field(default_factory=list)
    other_cohorts: list[OtherCohort] = Field(default_factory=list)
    decisions: list[NmDecision] = Field(default_factory=list)
    gap: str
    payment: Payment | None = None
    sources: list[SourceRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class IndexRow(BaseModel):
    arm_id: str
    name: str | None
    tumour: str
    biomarker: str
    therapy: str | None
    status: str | None
    decision: str
    nye_metoder: str  # "ID2019_123 Er innført" / "none for this indication"
    gap: str
    synthetic: bool


# ---------------------------------------------------------------------------------------------
# Building it
# ---------------------------------------------------------------------------------------------


def dossier(
    graph: Snapshot | CypherRunner,
    arm: str | None = None,
    *,
    alteration: tuple[str, str] | None = None,
    tumour: str | None = None,
    therapy: str | None = None,
    exact: bool = False,
    today: dt.date | None = None,
) -> Dossier:
    """The dossier of cohort ``arm`` (``TRIAL/COHORT``), or of the cohort matching
    ``alteration`` (gene, text) + ``tumour`` + ``therapy``; with no such cohort, the dossier of the
    combination itself (everything but the cohort's own outcomes)."""
    snap = snapshot_of(graph)
    if arm is not None:
        fact = find_arm(snap, arm)
        return _build(snap, fact, None, None, None, exact, today)
    if alteration is None or not tumour or not therapy:
        raise QueryError("a dossier needs --arm, or --alteration with --tumour and --therapy")
    from queries import find_tumour_type
    from queries.evidence import resolve_alteration

    concept = resolve_alteration(snap, *alteration)
    code = find_tumour_type(snap, tumour).tumour_type.code
    drugs = _drug_ids(snap, therapy)
    accepted = set(with_broader([concept]))  # the alteration and its broader classes
    types = {code} | set(snap.tumour_hierarchy.broader(code))
    matches = [
        a
        for a in snap.arms.values()
        if a.therapy_id
        and snap.therapy_drugs.get(a.therapy_id, set()) == drugs
        and accepted & set(a.alterations)
        and types & set(a.tumours)
    ]
    matches.sort(key=lambda a: (bool(a.expansion_of), a.id))
    if matches:
        return _build(snap, matches[0], None, None, None, exact, today)
    return _build(snap, None, concept, code, drugs, exact, today)


def find_arm(snap: Snapshot, arm: str) -> ArmFact:
    key = arm.strip()
    found = snap.arms.get(key) or next(
        (a for a in snap.arms.values() if a.id.lower() == key.lower()), None
    )
    if found is None:
        from queries import _suggest

        raise UnknownConceptError(
            "cohort", key, _suggest(key, {a.id: a.name or a.id for a in snap.arms.values()})
        )
    return found


def _drug_ids(snap: Snapshot, therapy: str) -> set[str]:
    """The drug ids of ``therapy`` ("a + b"; English or Norwegian names), or an error naming the
    unknown one."""
    from queries import _suggest

    out = set()
    for name in re.split(r"\s*(?:\+|/|,|\band\b|\bog\b)\s*", therapy.strip()):
        if not name:
            continue
        hit = snap.drugs.get(drug_match_key(name))
        if hit is None:
            raise UnknownConceptError(
                "drug", name, _suggest(name, {n: "" for _, n in snap.drugs.values()})
            )
        out.add(hit[0])
    if not out:
        raise QueryError(f"no drug named in {therapy!r}")
    return out


def _build(
    snap: Snapshot,
    arm: ArmFact | None,
    concept: Any,
    code: str | None,
    drugs: set[str] | None,
    exact: bool,
    today: dt.date | None,
) -> Dossier:
    count = (lambda n: n) if exact else suppress
    if arm is not None:
        alterations = dict(arm.alterations)
        tumours = dict(arm.tumours)
        drugs = set(snap.therapy_drugs.get(arm.therapy_id or "", set()))
        therapy = arm.therapy
    else:
        alterations = {concept.id: concept.name}
        from queries import find_tumour_type

        tumours = {code: find_tumour_type(snap, code).tumour_type.name}
        therapy = " + ".join(sorted(snap.drug_names.get(d, d) for d in drugs))
    names = snap.drug_names
    cohort = decision = None
    history: list[Milestone] = []
    outcomes = payment = None
    synthetic = False
    if arm is not None:
        detail = (run_named(snap.runner, "cohort_detail", {"arm": arm.id}) or [{}])[0]
        rows = run_named(snap.runner, "cohort_outcomes", {"arm": arm.id})
        synthetic = bool(arm.synthetic or detail.get("synthetic")) or any(
            r["synthetic"] for r in rows
        )
        cohort = Cohort(
            arm_id=arm.id,
            trial_id=detail.get("trial_id") or arm.trial_id or "",
            trial_title=detail.get("trial_title"),
            cohort_id=detail.get("cohort_id"),
            name=arm.name,
            protocol=detail.get("protocol"),
            status=arm.status,
            stage=detail.get("stage"),
            planned_size=detail.get("planned_size"),
            opened=detail.get("opened"),
            closed=detail.get("closed"),
            tumours=[_named(c, n) for c, n in sorted(tumours.items())],
            biomarkers=sorted(alterations.values()),
            therapy=therapy,
            expansion_of=detail.get("expansion_of"),
            payment_model=detail.get("payment_model"),
            company_paid_weeks=detail.get("company_paid_weeks"),
            synthetic=synthetic,
        )
        evaluable = [r for r in rows if r["evaluable"]]
        evaluable.sort(
            key=lambda r: (
                r["treatment_start"] is None,
                r["treatment_start"] or dt.date.min,
                r["outcome_id"],
            )
        )
        decision = (
            arm_decision(arm, [bool(r["benefit"]) for r in evaluable]) if rows else NO_OUTCOMES
        )
        if not arm.expansion_of:
            history = [
                Milestone(day=m.day, event=m.event, detail=m.detail(count))
                for m in rules.history(
                    [
                        (r["treatment_start"], r["week16_date"], bool(r["benefit"]))
                        for r in evaluable
                    ]
                )
            ]
        outcomes = _outcomes(rows, evaluable, exact, count) if rows else None
        if detail.get("payment_model") == "pay-for-performance" or arm.expansion_of:
            payment = _payment(rows, int(detail.get("company_paid_weeks") or 16), exact, count)
    evidence = _evidence(snap, alterations, tumours, drugs, arm.therapy_id if arm else None)
    labels = _labels(snap, alterations, tumours, drugs, names)
    status = _label_status(labels, drugs, names)
    others = _other_cohorts(snap, arm, alterations, tumours, drugs)
    decisions = _decisions(snap, alterations, tumours, drugs)
    gap = gap_sentence(decision, arm, status, decisions)
    alteration_text = "; ".join(sorted(alterations.values()))
    tumour_text = ", ".join(sorted(tumours)) or None
    title = (
        f"Evidence dossier: {arm.id} ({arm.name})"
        if arm
        else f"Evidence dossier: {alteration_text} + {therapy} in {tumour_text}"
    )
    notes = [EXACT_NOTE if exact else SHARING_NOTE]
    if synthetic:
        notes.insert(0, SYNTHETIC_NOTE)
    if arm is None:
        notes.append(
            "No cohort in the graph gives this therapy for this biomarker and tumour "
            "type: the dossier holds what is known elsewhere."
        )
    return Dossier(
        title=title,
        generated=(today or dt.date.today()).isoformat(),
        sharing=not exact,
        synthetic=synthetic,
        alteration=alteration_text,
        tumour=tumour_text,
        therapy=therapy,
        cohort=cohort,
        decision=decision,
        history=history,
        outcomes=outcomes,
        evidence=evidence,
        labels=labels,
        label_status=status,
        other_cohorts=others,
        decisions=decisions,
        gap=gap,
        payment=payment,
        sources=snap.sources,
        notes=notes,
    )


def _named(code: str, name: str | None) -> str:
    return f"{code} ({name})" if name and name != code else code


# -- outcomes ---------------------------------------------------------------------------------


def shareable(k: int, n: int) -> bool:
    """A rate k/n may be shared: the count and its complement are 0 or at least 5."""
    return n >= MIN_SHARED and not 0 < k < MIN_SHARED and not 0 < n - k < MIN_SHARED


def rate(name: str, k: int, n: int, exact: bool) -> Rate:
    """``k`` of ``n`` with the exact interval, or with the rate left out where sharing forbids."""
    if n == 0:
        return Rate(name=name, k=0, n=0, note="no patients")
    if not exact and not shareable(k, n):
        small_complement = k >= MIN_SHARED and 0 < n - k < MIN_SHARED
        shown_k: Count = f">{n - MIN_SHARED}" if small_complement else suppress(k)
        return Rate(
            name=name,
            k=shown_k,
            n=suppress(n),
            note="rate not shown: a count or its complement is 1-4",
        )
    p = proportion(k, n)
    return Rate(name=name, k=k, n=n, percent=100 * p.estimate, low=100 * p.low, high=100 * p.high)


def _outcomes(rows: list[dict], evaluable: list[dict], exact: bool, count: Any) -> Outcomes:
    n = len(evaluable)
    responses = {r: 0 for r in ("CR", "PR", "SD", "PD", "NE")}
    for r in rows:
        responses[r["best_response"] or "NE"] = responses.get(r["best_response"] or "NE", 0) + 1
    benefit = sum(1 for r in evaluable if r["benefit"])
    objective = sum(1 for r in evaluable if r["best_response"] in ("CR", "PR"))
    rates = [
        rate("Disease control at week 16 (of evaluable)", benefit, n, exact),
        rate("Objective response, CR or PR (of evaluable)", objective, n, exact),
    ]
    return Outcomes(
        treated=count(len(rows)),
        evaluable=count(n),
        not_evaluable=count(len(rows) - n),
        best_response={k: count(v) for k, v in responses.items()},
        rates=rates,
        pfs=survival("Progression-free survival", rows, "pfs_months", "pfs_event", exact),
        os=survival("Overall survival", rows, "os_months", "os_event", exact),
    )


def survival(endpoint: str, rows: list[dict], time: str, event: str, exact: bool) -> Survival:
    """One endpoint's Kaplan-Meier estimate as the dossier shows it (see the module doc for what
    sharing leaves out)."""
    pairs = [(float(r[time]), bool(r[event])) for r in rows if r[time] is not None]
    n, events = len(pairs), sum(e for _, e in pairs)
    count = (lambda x: x) if exact else suppress
    if n == 0:
        return Survival(
            endpoint=endpoint, patients=0, events=0, shown=False, note="no survival times recorded"
        )
    if not exact and n < MIN_SHARED:
        return Survival(
            endpoint=endpoint,
            patients=suppress(n),
            events=suppress(events),
            shown=False,
            note="fewer than 5 patients: no curve or median shared",
        )
    km: KaplanMeier = kaplan_meier([t for t, _ in pairs], [e for _, e in pairs])
    horizon = km.durations[-1]
    if not exact:  # stop the curve at the last time with at least 5 at risk
        horizon = max((t for t in km.times if km.at_risk(t) >= MIN_SHARED), default=0)
    curve = [
        (t, s, lo, hi)
        for t, s, lo, hi in zip(km.times, km.survival, km.low, km.high, strict=True)
        if t <= horizon
    ]
    at_risk = []
    t = 0.0
    while t <= horizon + 1e-9:
        at_risk.append((t, count(km.at_risk(t))))
        t += AT_RISK_EVERY
    censored = [(t, km.at(t)) for t, e in sorted(pairs) if not e and t <= horizon]
    note = (
        None
        if exact
        else (f"curve drawn to {horizon:g} months, the last time with at least 5 patients at risk")
    )
    med, low, high = km.median, km.median_low, km.median_high
    if not exact:  # a time where fewer than 5 remain at risk would point at a patient
        if med is not None and med > horizon:
            med = low = high = None
            note += "; the median lies where fewer than 5 are at risk: not shown"
        elif high is not None and high > horizon:
            high = None
            note += "; the interval's upper end lies where fewer than 5 are at risk"
    return Survival(
        endpoint=endpoint,
        patients=count(n),
        events=count(events),
        median=med,
        median_low=low,
        median_high=high,
        reached=km.median is not None,
        curve=curve,
        censored=censored,
        at_risk=at_risk,
        note=note,
    )


# -- pay for performance ----------------------------------------------------------------------


def patient_weeks(r: dict, company_weeks: int) -> PatientWeeks:
    """One patient's treatment weeks split at the end of the company-paid period: until then the
    company supplies the drug; after it the public pays only for a patient with benefit at week 16
    (weeks after it without benefit are counted apart: the model does not pay for them)."""
    start, end = r["treatment_start"], r["treatment_end"]
    ongoing = end is None
    stop = end or r.get("last_followup")
    total = company = public = other = None
    if start and stop:
        total = (stop - start).days / WEEK
        company = min(total, float(company_weeks))
        after = max(0.0, total - company_weeks)
        public = after if r["benefit"] else 0.0
        other = 0.0 if r["benefit"] else after
    return PatientWeeks(
        pseudonym=r["pseudonym"] or r["outcome_id"],
        treatment_start=start,
        week16_date=r["week16_date"],
        benefit_week16=r["benefit"],
        treatment_end=end,
        stop_reason=r["stop_reason"],
        ongoing=ongoing,
        weeks_total=_round(total),
        weeks_company=_round(company),
        weeks_public=_round(public),
        weeks_after_without_benefit=_round(other),
    )


def _round(x: float | None) -> float | None:
    """Weeks to the day (the totals add these; pages show one decimal)."""
    return None if x is None else round(x, 3)


def _payment(rows: list[dict], company_weeks: int, exact: bool, count: Any) -> Payment:
    dates = [d for r in rows for d in (r["last_followup"], r["treatment_end"]) if d]
    cutoff = max(dates) if dates else None
    people = [patient_weeks(r, company_weeks) for r in rows]
    known = [p for p in people if p.weeks_total is not None]
    groups = []
    for name, pick in (
        ("benefit at week 16", True),
        ("no benefit at week 16", False),
        ("not assessed at week 16", None),
    ):
        members = [p for p in known if p.benefit_week16 is pick]
        small = not exact and 0 < len(members) < MIN_SHARED

        def total(attr: str, members: list[PatientWeeks] = members, small: bool = small):
            return None if small else round(sum(getattr(p, attr) or 0 for p in members), 1)

        groups.append(
            PaymentGroup(
                group=name,
                patients=count(len(members)),
                ongoing=count(sum(1 for p in members if p.ongoing)),
                weeks_company=total("weeks_company"),
                weeks_public=total("weeks_public"),
                weeks_after_without_benefit=total("weeks_after_without_benefit"),
            )
        )

    def payer(attr: str) -> float | None:
        values = [getattr(p, attr) or 0 for p in known]
        contributing = [p for p in known if (getattr(p, attr) or 0) > 0]
        if not exact and 0 < len(contributing) < MIN_SHARED:
            return None
        return round(sum(values), 1)

    return Payment(
        model="pay-for-performance",
        company_paid_weeks=company_weeks,
        rule=(
            f"The company supplies the drug for the first {company_weeks} weeks of each "
            "patient's treatment; after that the public health service pays only for patients "
            "with clinical benefit at week 16. Weeks run from treatment start to treatment end, "
            "or to the last follow-up while treatment goes on. Weeks, not prices."
        ),
        cutoff=cutoff,
        groups=groups,
        totals={
            "company (first weeks)": payer("weeks_company"),
            "public (after, with benefit)": payer("weeks_public"),
            "after, without benefit (not publicly paid)": payer("weeks_after_without_benefit"),
        },
        patients=people if exact else [],
        unknown=count(len(people) - len(known)),
        note=None
        if exact
        else "patient-level rows are left out of a dossier for sharing; "
        "a total over 1-4 patients is not shown",
    )


# -- the same combination elsewhere -----------------------------------------------------------


def _evidence(
    snap: Snapshot,
    alterations: dict[str, str],
    tumours: dict[str, str],
    drugs: set[str],
    therapy_id: str | None,
) -> list[KbEvidence]:
    """Predictive evidence for the cohort's biomarkers (or a broader class) and a therapy with
    one of its drugs, with how the tumour type relates (off-label: another type). A positive
    cohort's own evidence item is left out (it is this dossier)."""
    h_tum = snap.tumour_hierarchy
    code = sorted(tumours)[0] if tumours else None
    out = []
    seen = set()
    for aid in alterations:
        chain = [aid, *sorted(snap.alteration_hierarchy.broader(aid))]
        for cid in chain:
            for r in snap.predictive.get(cid, ()):
                if r.evidence_id.startswith(rules.EVIDENCE_PREFIX) or r.evidence_id in seen:
                    continue
                tdrugs = snap.therapy_drugs.get(r.therapy_id, set())
                if not tdrugs & drugs:
                    continue
                seen.add(r.evidence_id)
                match = tumour_match(h_tum, r.tumour_code, code)
                out.append(
                    KbEvidence(
                        evidence_id=r.evidence_id,
                        source=f"{r.source}@{r.source_version}",
                        level=r.level,
                        therapy=r.therapy or r.therapy_id,
                        therapy_match="same therapy"
                        if (r.therapy_id == therapy_id or tdrugs == drugs)
                        else "shares a drug",
                        alteration=r.alteration,
                        tumour=r.tumour_code,
                        tumour_match=match.value,
                        off_label=match not in ON_LABEL,
                        significance=r.significance,
                        direction=r.direction,
                    )
                )
    out.sort(
        key=lambda e: (
            e.therapy_match != "same therapy",
            e.off_label,
            level_rank(e.level),
            e.evidence_id,
        )
    )
    return out


def _labels(
    snap: Snapshot,
    alterations: dict[str, str],
    tumours: dict[str, str],
    drugs: set[str],
    names: dict[str, str],
) -> list[LabelItem]:
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    out = []
    for i in snap.indications.values():
        if not i.drugs & drugs:
            continue
        bio = alterations_agree(h_alt, i.alterations, alterations)
        where = tumours_agree(h_tum, i.match_tumours, tumours)
        out.append(
            LabelItem(
                agency=i.agency,
                id=i.id,
                product=i.product,
                drugs=sorted(names.get(d, d) for d in i.drugs),
                date=i.first_approval_date,
                text=i.text,
                tumours=sorted(i.tumours),
                biomarker_agrees=bio,
                tumour_agrees=where,
                covers_cohort=bio and where,
                in_force=bool(in_force(i.valid_from, i.valid_to, None)),
                source=f"{i.source}@{i.source_version}",
            )
        )
    out.sort(
        key=lambda x: (
            x.agency,
            not x.covers_cohort,
            not x.biomarker_agrees,
            x.date or dt.date.max,
            x.id,
        )
    )
    return out


def _label_status(
    labels: list[LabelItem], drugs: set[str], names: dict[str, str]
) -> list[LabelStatus]:
    out = []
    wanted = {names.get(d, d) for d in drugs}
    for agency in ("EMA", "FDA"):
        mine = [x for x in labels if x.agency == agency and x.in_force]
        covering = [x for x in mine if x.covers_cohort]
        covered = {d for x in covering for d in x.drugs} & wanted
        on = bool(wanted) and covered == wanted
        since = None
        if on:
            firsts = [
                min((x.date for x in covering if d in x.drugs and x.date), default=None)
                for d in wanted
            ]
            since = None if None in firsts else max(firsts)
        elsewhere = sorted(
            {
                t
                for x in mine
                if x.biomarker_agrees and not x.tumour_agrees
                for t in _label_tumours(x)
            }
        )
        if on:
            scope = LabelScope.THIS_INDICATION
            summary = f"{agency} label for this indication" + (f" since {since}" if since else "")
        elif covering:
            scope = LabelScope.PART_OF_COMBINATION
            summary = (
                f"{agency} label for this biomarker and tumour type covers only "
                f"{', '.join(sorted(covered))}, not the whole combination"
            )
        elif [x for x in mine if x.biomarker_agrees]:
            scope = LabelScope.ANOTHER_TUMOUR_TYPE
            summary = f"{agency} label for the biomarker in another tumour type"
        elif mine:
            scope = LabelScope.OTHER_INDICATIONS
            summary = f"{agency} label for the drug in other indications only"
        else:
            scope = LabelScope.NONE
            summary = f"no {agency} label for the drug in the graph"
        out.append(
            LabelStatus(
                agency=agency,
                scope=scope,
                on_label=on,
                since=since,
                other_tumours=elsewhere,
                summary=summary,
            )
        )
    return out


def _label_tumours(x: LabelItem) -> list[str]:
    return x.tumours or ["tissue-agnostic"]


def _other_cohorts(
    snap: Snapshot,
    arm: ArmFact | None,
    alterations: dict[str, str],
    tumours: dict[str, str],
    drugs: set[str],
) -> list[OtherCohort]:
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    summaries = arm_results(snap)
    found: list[tuple[int, OtherCohort]] = []
    for other in snap.arms.values():
        if arm is not None and other.id == arm.id:
            continue
        odrugs = snap.therapy_drugs.get(other.therapy_id or "", set())
        same_bio = alterations_agree(h_alt, other.alterations, alterations)
        if not same_bio or not odrugs & drugs:
            continue
        same_type = tumours_agree(h_tum, other.match_tumours, tumours)
        therapy_rel = "same therapy" if odrugs == drugs else "shares a drug"
        # nearest first: the cohort's own expansion (or the one it expands), the same tumour type
        # or any solid tumour, then other types
        if arm is not None and other.expansion_of == arm.id:
            rank, where = 0, "expansion of this cohort"
        elif arm is not None and arm.expansion_of == other.id:
            rank, where = 0, "the cohort this one expands"
        elif other.tissue_agnostic:
            rank, where = 1, "tissue-agnostic (any solid tumour)"
        elif same_type:
            rank, where = 1, "same tumour type"
        else:
            rank, where = 2, "other tumour type"
        s = summaries.get(other.id)
        found.append(
            (
                rank,
                OtherCohort(
                    arm_id=other.id,
                    trial_id=other.trial_id or "",
                    name=other.name,
                    status=other.status,
                    tumours=sorted(other.tumours),
                    therapy=other.therapy,
                    relation=f"same biomarker, {therapy_rel}, {where}",
                    decision=s.decision if s else NO_OUTCOMES,
                    treated=s.treated if s else 0,
                    synthetic=other.synthetic,
                ),
            )
        )
    return [o for _, o in sorted(found, key=lambda x: (x[0], x[1].arm_id))]


def _decisions(
    snap: Snapshot, alterations: dict[str, str], tumours: dict[str, str], drugs: set[str]
) -> list[NmDecision]:
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    out = []
    for d in snap.decisions.values():
        if not d.drugs & drugs:
            continue
        bio = decision_alterations_agree(h_alt, d.alterations, alterations)
        where = tumours_agree(h_tum, d.match_tumours, tumours)
        out.append(
            NmDecision(
                method_id=d.method_id or d.id,
                status=d.status,
                decision_date=d.decision_date,
                current=d.current,
                therapy=d.therapy,
                text=d.text,
                biomarkers=sorted(d.alterations.values()),
                tumours=[_named(c, n) for c, n in sorted(d.tumours.items())],
                covers_biomarker=bio,
                covers_tumour=where,
                covers_cohort=bio and where,
                basis=d.biomarker_basis,
                source=f"{d.source}@{d.source_version}",
            )
        )
    out.sort(
        key=lambda x: (
            not x.covers_cohort,
            x.current is False,
            -(x.decision_date or dt.date.min).toordinal(),
            x.method_id,
        )
    )
    return out


EMA_PHRASE = {
    LabelScope.THIS_INDICATION: "EMA label for this indication",
    LabelScope.PART_OF_COMBINATION: "EMA label for part of the combination only",
    LabelScope.ANOTHER_TUMOUR_TYPE: "EMA label for another tumour type",
    LabelScope.OTHER_INDICATIONS: "EMA label for the drug in other indications only",
    LabelScope.NONE: "no EMA label for the drug",
}


def gap_sentence(
    decision: str | None,
    arm: ArmFact | None,
    labels: list[LabelStatus],
    decisions: list[NmDecision],
) -> str:
    """What holds, in one sentence: the cohort's result, the EMA label, the Nye Metoder state."""
    if arm is None:
        first = "no cohort"
    elif decision == rules.POSITIVE:
        first = "positive cohort"
    elif decision == rules.EXPANSION:
        first = f"expansion cohort of {arm.expansion_of}"
    elif decision == NO_OUTCOMES or not arm.outcomes:
        first = "cohort without recorded outcomes"
    else:
        first = {
            rules.STAGE1_ONGOING: "cohort in stage 1",
            rules.STAGE2_ONGOING: "cohort in stage 2",
            rules.EXPAND: "cohort expanding to stage 2 (benefit in stage 1)",
            rules.CLOSED_STAGE1: "cohort closed (no benefit in stage 1)",
            rules.CLOSED_STAGE2: "cohort closed (too little benefit in stage 2)",
        }.get(decision or "", f"cohort: {decision}")
    ema = next((x for x in labels if x.agency == "EMA"), None)
    fda = next((x for x in labels if x.agency == "FDA"), None)
    parts = [first]
    if ema is not None:
        parts.append(EMA_PHRASE[ema.scope])
    if fda is not None and fda.on_label and not (ema and ema.on_label):
        parts.append("FDA label for this indication")
    current = [d for d in decisions if d.current is not False]
    here = [d for d in current if d.covers_cohort]
    if here:
        d = here[0]
        parts.append(
            f"Nye Metoder {d.method_id} for this indication: {d.status or 'status not recorded'}"
        )
    elif current:
        parts.append(
            f"no Nye Metoder method for this indication ({len(current)} for the drug "
            "in other indications)"
        )
    else:
        parts.append("no Nye Metoder method for the drug")
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------

ORDER = {
    rules.POSITIVE: 0,
    rules.EXPANSION: 1,
    rules.EXPAND: 2,
    rules.STAGE2_ONGOING: 3,
    rules.STAGE1_ONGOING: 4,
    rules.CLOSED_STAGE2: 5,
    rules.CLOSED_STAGE1: 6,
    NO_OUTCOMES: 7,
}


def dossier_index(graph: Snapshot | CypherRunner) -> list[IndexRow]:
    """Every registry cohort with outcomes or a registry entry, with its decision and its gap:
    positive cohorts without a Nye Metoder decision for their indication first."""
    snap = snapshot_of(graph)
    summaries = arm_results(snap)
    rows = []
    for arm in snap.arms.values():
        if arm.id not in summaries and not arm.trial_id.startswith("registry:"):
            continue  # ClinicalTrials.gov arms without outcomes: no dossier to make
        s = summaries.get(arm.id)
        decision = s.decision if s else NO_OUTCOMES
        drugs = set(snap.therapy_drugs.get(arm.therapy_id or "", set()))
        names = snap.drug_names
        labels = _labels(snap, arm.alterations, arm.tumours, drugs, names)
        decisions = _decisions(snap, arm.alterations, arm.tumours, drugs)
        here = [d for d in decisions if d.covers_cohort and d.current is not False]
        rows.append(
            IndexRow(
                arm_id=arm.id,
                name=arm.name,
                tumour=", ".join(sorted(arm.tumours)) or "-",
                biomarker="; ".join(sorted(arm.alterations.values())),
                therapy=arm.therapy,
                status=arm.status,
                decision=decision,
                nye_metoder="; ".join(f"{d.method_id} {d.status or ''}".strip() for d in here)
                or "none for this indication",
                gap=gap_sentence(decision, arm, _label_status(labels, drugs, names), decisions),
                synthetic=arm.synthetic,
            )
        )
    rows.sort(
        key=lambda r: (
            not (r.decision == rules.POSITIVE and r.nye_metoder == "none for this indication"),
            ORDER.get(r.decision, 9),
            r.arm_id,
        )
    )
    return rows
