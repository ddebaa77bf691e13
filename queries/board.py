"""The tumour board: a patient's alterations and tumour type -> ranked, tiered options, each with
its evidence, approvals, Norwegian decision, open trial arms and earlier patients' outcomes.

Matching (every match says how):

* the alteration at every granularity its concept has: the exact allele or fusion, its codon, its
  exon class (EGFR exon 19 deletion), the gene-level class (BRAF mutation), a fusion partner's
  class (ALK fusion), a signature (MSI-H);
* the tumour type through OncoTree: evidence for the same type or an ancestor applies, evidence for
  a subtype applies with that said, evidence for any other type is off-label and only ranks as
  such (III-A).

Tiers are ESCAT-like and derived from the evidence, each with its reason (:func:`tier`):
I-A an EMA/FDA approval of the drug for this alteration in this tumour type, or level A /
approval-level evidence here; I-B level B evidence here; I-C a tissue-agnostic approval or a
positive basket-trial cohort; II-B case-level evidence (CIViC C) here; III-A clinical evidence
(A/B/approval) in another tumour type; IV-A preclinical or inferential evidence (CIViC D/E); X
evidence of resistance only. Conflicting evidence (sensitivity and resistance for the same
option) is flagged, never hidden.

:class:`queries.snapshot.Snapshot` holds the graph read once (a few catalog queries), so one patient
or a 330,000-row cohort file is matched in memory with the same code. The rules (tumour match,
level ranks, what applies) are :mod:`ontology.matching`'s.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from ontology.matching import (
    CLINICAL_LEVELS,
    EARLY_LEVELS,
    INFERRED,
    NOT_STATED,
    ON_LABEL,
    TUMOUR_MATCH_ORDER,
    TumourMatch,
    VariantRule,
    alteration_applies,
    gene_level,
    in_force,
    level_rank,
    tumour_match,
    tumours_agree,
    variant_rule,
)
from ontology.normalise import AlterationConcept, with_broader
from ontology.observed import Observed
from ontology.vocab import AlterationKind
from queries import find_tumour_type
from queries.catalog import CypherRunner
from queries.cohorts import ArmOption, arm_results, match_arms
from queries.hta import decisions_in_force, unstated
from queries.snapshot import DecisionFact, Snapshot, snapshot_of

# "VUS": gene-level evidence about a variant of unknown significance, shown and never tiered
TIERS = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B", "IV-A", "VUS", "X")
VUS_FLAG = "variant of unknown significance: gene-level evidence only, not tiered"
SENSITIVITY = "sensitivity/response"
GRANULARITY = {
    AlterationKind.PROTEIN_CHANGE: "allele",
    AlterationKind.CODON: "codon",
    AlterationKind.EXON: "exon class",
    AlterationKind.GENE_CLASS: "gene-level class",
    AlterationKind.GENE_FUSION: "fusion partner class",
    AlterationKind.FUSION: "fusion",
    AlterationKind.SIGNATURE: "signature",
    AlterationKind.COPY_NUMBER: "copy number",
    AlterationKind.EXPRESSION: "expression",
}


class EvidenceItem(BaseModel):
    evidence_id: str
    source: str  # name@version
    level: str | None
    framework: str | None
    significance: str | None
    direction: str | None
    matched: str  # the graph alteration it is about
    alteration_match: str  # "exact allele", "codon: BRAF V600", "gene-level class: BRAF mutation"
    tumour_code: str | None
    tumour_match: str  # same, ancestor, subtype, any, off-label
    # set when the source's biomarker disagrees with the text it cites: shown, never tiered
    flag: str | None = None


class ApprovalItem(BaseModel):
    agency: str
    id: str
    date: dt.date | None
    approval_type: str | None
    tissue_agnostic: bool
    source: str
    basis: str = "structured by the source"  # how its biomarker is known (REQUIRES match level)


class Option(BaseModel):
    therapy: str
    tier: str
    tier_reason: str
    evidence: list[EvidenceItem]
    conflict: bool  # sensitivity and resistance evidence both apply here
    approvals: list[ApprovalItem]
    nye_metoder: list[str]  # "ID2020_106 Er innført 2022-08-29"
    arms: list[ArmOption]
    arm_outcomes: list[str]  # "IMPRESS-SYNTHETIC/C06: positive (benefit 9 of 24 evaluable)"


class AlterationResult(BaseModel):
    observed: str
    name: str
    origin: str
    normalised: bool
    granularities: list[str]  # "allele: BRAF V600E", "codon: BRAF V600", ...
    # which rule says whether gene-level evidence applies (ontology.matching.VariantRule)
    variant_rule: str = VariantRule.NOT_A_VARIANT.value
    options: list[Option]


class BoardReport(BaseModel):
    sample: str
    tumour_code: str
    tumour: str
    tumour_path: list[str]  # the type and its ancestors
    generated_at: str
    alterations: list[AlterationResult]
    sources: list[dict[str, Any]]
    # what the sequencing report also says: "TMB 12.4 mut/Mb (TSO500, >= 10 is TMB-H)", MSI
    measurements: list[str] = []
    skipped: list[str] = []  # rows of the patient's file read and not used, with why

    def render_table(self) -> str:
        """The first table of the report, as the CLI prints it."""
        from queries.output import render

        n = len(self.alterations)
        head = f"{self.sample}: {self.tumour_code} ({self.tumour}); {n} alteration(s)"
        head += "".join(f"\n  {m}" for m in self.measurements)
        return head + "\n" + render(self.summary(), "table", max_width=56)

    def summary(self, per_alteration: int = 5) -> list[dict[str, Any]]:
        """The first table of the report: per alteration its best options (tier II-B or better,
        at most ``per_alteration``)."""
        rows = []
        for a in self.alterations:
            for o in [o for o in a.options if TIERS.index(o.tier) <= TIERS.index("II-B")][
                :per_alteration
            ]:
                rows.append({
                    "alteration": a.name, "therapy": o.therapy, "tier": o.tier,
                    "why": o.tier_reason,
                    "approvals": ", ".join(sorted({f"{p.agency} {p.date or ''}".strip()
                                                   for p in o.approvals})) or "-",
                    "nye_metoder": "; ".join(o.nye_metoder) or "no decision",
                    "open_arms": ", ".join(x.arm_id for x in o.arms) or "-",
                    "conflict": "yes" if o.conflict else "",
                })  # fmt: skip
        return rows


def tier(option_evidence: list[EvidenceItem], approvals: list[ApprovalItem]) -> tuple[str, str]:
    """The ESCAT-like tier of an option and why (see the module doc). Evidence flagged for a
    disagreement between the source and its own text is left out of the tier."""
    flagged = [e for e in option_evidence if e.flag]
    option_evidence = [e for e in option_evidence if not e.flag]
    if flagged and not option_evidence and not approvals:
        if all(e.flag == VUS_FLAG for e in flagged):
            return "VUS", (f"variant of unknown significance: only gene-level evidence "
                           f"({flagged[0].matched}), shown, not tiered")  # fmt: skip
        return "X", f"only evidence the source contradicts ({flagged[0].flag})"
    here = [e for e in option_evidence if e.tumour_match in ON_LABEL]
    off = TumourMatch.OFF_LABEL
    sens_here = [e for e in here if e.significance == SENSITIVITY and e.direction == "supports"]
    sens_other = [e for e in option_evidence if e.tumour_match == off
                  and e.significance == SENSITIVITY and e.direction == "supports"]  # fmt: skip
    specific = [a for a in approvals if not a.tissue_agnostic]
    if specific:
        first = min((a.date for a in specific if a.date), default=None)
        agencies = " and ".join(sorted({a.agency for a in specific}))
        since = f", first {first}" if first else ""
        return "I-A", f"approved for this alteration in this tumour type ({agencies}{since})"
    for level, label in (("A", "level A"), ("Approval", "approval-level")):
        if hits := [e for e in sens_here if e.level == level]:
            return "I-A", f"{label} evidence in this tumour type ({_cite(hits)})"
    if [e for e in sens_here if e.level == "B"]:
        return "I-B", f"level B clinical evidence in this tumour type ({_cite(sens_here, 'B')})"
    agnostic = [a for a in approvals if a.tissue_agnostic]
    basket = [e for e in sens_here if e.framework == "basket_trial"]
    if agnostic or basket:
        why = (f"tissue-agnostic approval ({', '.join(sorted({a.agency for a in agnostic}))})"
               if agnostic else f"positive basket-trial cohort ({_cite(basket)})")  # fmt: skip
        return "I-C", why
    if [e for e in sens_here if e.level == "C"]:
        return "II-B", f"case-level evidence in this tumour type ({_cite(sens_here, 'C')})"
    clinical_other = [e for e in sens_other if e.level in CLINICAL_LEVELS]
    if clinical_other:
        types = ", ".join(sorted({e.tumour_code or "?" for e in clinical_other})[:4])
        return "III-A", f"clinical evidence in another tumour type, off-label here ({types})"
    if [e for e in sens_here + sens_other if e.level in EARLY_LEVELS]:
        return "IV-A", "preclinical, case-level elsewhere or inferential evidence only"
    return "X", "evidence of resistance or no benefit only" if option_evidence else "no evidence"


def _cite(items: list[EvidenceItem], level: str | None = None) -> str:
    chosen = [e for e in items if level is None or e.level == level]
    names = sorted({e.evidence_id.split(":")[-1] for e in chosen})
    more = f" +{len(names) - 3} more" if len(names) > 3 else ""
    return f"{chosen[0].source.split('@')[0]} " + ", ".join(names[:3]) + more


def match_patient(
    graph: Snapshot | CypherRunner,
    observed: Iterable[Observed],
    tumour_code: str,
    ancestors: list[str],
    solid: bool = True,
) -> list[AlterationResult]:
    """Options for each observed alteration (the same alteration given twice is matched once)."""
    snap = snapshot_of(graph)
    decisions, _ = decisions_in_force(snap, None)
    # an alteration's options in a tumour type are the same for every patient who has it: kept
    # per snapshot (a served one answers many patients; hotspots such as KRAS G12C recur)
    out = []
    seen: set[str] = set()
    for obs in observed:
        concept = obs.concept
        if concept.id in seen:
            continue
        seen.add(concept.id)
        key = (concept.id, concept.normalised, tumour_code, tuple(ancestors), solid)
        result = snap.keep(
            "board matches",
            key,
            lambda obs=obs, concept=concept: _match_one(
                snap, obs, concept, tumour_code, ancestors, solid, decisions
            ),
            MATCH_CACHE_SIZE,
        )
        out.append(result.model_copy(update={"observed": _observed_text(obs),
                                             "origin": obs.origin}))  # fmt: skip
    return out


MATCH_CACHE_SIZE = 5_000  # about 10 kB each: a bounded 50 MB per snapshot


def _observed_text(obs: Observed) -> str:
    return f"{obs.gene + ' ' if obs.gene else ''}{obs.text}"


def _match_one(
    snap: Snapshot,
    obs: Observed,
    concept: AlterationConcept,
    code: str,
    ancestors: list[str],
    solid: bool,
    decisions: list[DecisionFact],
) -> AlterationResult:
    h_tum = snap.tumour_hierarchy
    chain = with_broader([concept])
    rule = variant_rule(concept, snap.known_variants)
    # gene-level classes apply to a variant of unknown significance only as shown, not tiered
    untiered = {cid for cid, c in chain.items() if gene_level(c)} if rule is VariantRule.VUS \
        else set()  # fmt: skip
    granularity = {}
    for cid, c in chain.items():
        kind = GRANULARITY.get(AlterationKind(c.kind), str(c.kind))
        granularity[cid] = "exact " + kind if cid == concept.id else f"{kind}: {c.name}"
    by_therapy: dict[str, list[EvidenceItem]] = defaultdict(list)
    for cid in chain:
        for r in snap.predictive.get(cid, ()):
            by_therapy[r.therapy_id].append(EvidenceItem(
                evidence_id=r.evidence_id, source=f"{r.source}@{r.source_version}",
                level=r.level, framework=r.framework, significance=r.significance,
                direction=r.direction, matched=r.alteration,
                alteration_match=granularity[cid], tumour_code=r.tumour_code,
                tumour_match=tumour_match(h_tum, r.tumour_code, code).value,
                flag=r.disagreement or (VUS_FLAG if cid in untiered else None),
            ))  # fmt: skip
    approvals: dict[str, list[ApprovalItem]] = defaultdict(list)
    # the EMA/FDA indications that require the patient's alteration or a broader class
    candidates = {id(f): f for cid in chain if cid not in untiered
                  for f in snap.indications_by_alteration.get(cid, ())}  # fmt: skip
    for i in candidates.values():
        if i.tissue_agnostic:
            where = tumour_match(h_tum, None, code, tissue_agnostic=True, solid=solid)
            if where not in ON_LABEL:
                continue
        elif not tumours_agree(h_tum, i.match_tumours, [code]):
            continue
        if in_force(i.valid_from, i.valid_to, None) is False or not i.therapy_id:
            continue
        approvals[i.therapy_id].append(ApprovalItem(
            agency=i.agency, id=i.id, date=i.first_approval_date,
            approval_type=i.approval_type, tissue_agnostic=i.tissue_agnostic,
            source=f"{i.source}@{i.source_version}",
        ))  # fmt: skip
    arm_matches = (match_arms(snap.arms, concept, code, ancestors, solid)
                   if snap.arm_alterations.intersection(chain) else [])  # fmt: skip
    arms_by_therapy: dict[str, list[ArmOption]] = defaultdict(list)
    for arm in arm_matches:
        therapy_id = snap.arms[arm.arm_id].therapy_id
        if therapy_id:
            arms_by_therapy[therapy_id].append(arm)
    results = arm_results(snap, [a.arm_id for a in arm_matches]) if arm_matches else {}
    options = []
    for tid in set(by_therapy) | set(approvals) | set(arms_by_therapy):
        evidence = sorted(by_therapy.get(tid, []), key=_rank)
        listed = sorted({a.id: a for a in approvals.get(tid, [])}.values(),
                        key=lambda a: (a.agency, a.date or dt.date.max))  # fmt: skip
        level, why = tier(evidence, listed)
        here = [e for e in evidence if e.tumour_match in ON_LABEL and e.direction == "supports"
                and not e.flag]  # fmt: skip
        conflict = (any(e.significance == SENSITIVITY for e in here)
                    and any(e.significance == "resistance" for e in here))  # fmt: skip
        drugs = snap.therapy_drugs.get(tid, set())
        chosen = [d for d in decisions if d.drugs & drugs
                  and alteration_applies(d.alterations, set(chain) - untiered)
                  and tumours_agree(h_tum, d.match_tumours, [code])]  # fmt: skip
        nm = sorted({" ".join(f"{d.method_id} {d.status or '(no status)'} {d.decision_date or ''}"
                              f"{_basis_note(d.biomarker_basis)}".split())
                     for d in chosen})  # fmt: skip
        silent = [d for d in unstated(snap, decisions, drugs, [code]) if d not in chosen]
        nm += sorted({" ".join(f"{d.method_id} {d.status or '(no status)'} {d.decision_date or ''} "
                               f"({NOT_STATED})".split()) for d in silent})  # fmt: skip
        arms = arms_by_therapy.get(tid, [])
        outcomes = []
        for arm in arms:
            result = results.get(arm.arm_id)
            if result:
                outcomes.append(f"{arm.arm_id}: {result.decision} (benefit {result.benefit_week16}"
                                f" of {result.evaluable} evaluable)")  # fmt: skip
        options.append(Option(
            therapy=snap.therapy_name(tid), tier=level, tier_reason=why,
            evidence=evidence, conflict=conflict, approvals=listed, nye_metoder=nm, arms=arms,
            arm_outcomes=outcomes,
        ))  # fmt: skip
    options.sort(key=lambda o: (TIERS.index(o.tier), not o.approvals,
                                not any("innført" in n and "ikke" not in n and NOT_STATED not in n
                                        for n in o.nye_metoder),
                                -len(o.evidence), o.therapy))  # fmt: skip
    return AlterationResult(
        observed=_observed_text(obs), name=concept.name,
        origin=obs.origin, normalised=concept.normalised,
        granularities=[granularity[c] for c in chain], variant_rule=rule.value, options=options,
    )  # fmt: skip


def _basis_note(basis: str | None) -> str:
    """How a decision's biomarker is known, when it was not read from its own text."""
    return f" ({basis})" if basis and basis.startswith(INFERRED) else ""


def _rank(e: EvidenceItem) -> tuple:
    return (TUMOUR_MATCH_ORDER[TumourMatch(e.tumour_match)], level_rank(e.level), e.evidence_id)


def board_report(
    graph: Snapshot | CypherRunner,
    observed: list[Observed],
    tumour: str,
    sample: str = "patient",
    measurements: list[str] | None = None,
    skipped: list[str] | None = None,
) -> BoardReport:
    """The whole report for one patient (an unknown tumour type raises with suggestions)."""
    snap = snapshot_of(graph)
    match = find_tumour_type(snap, tumour)
    code = match.tumour_type.code
    ancestors = [a.code for a in match.ancestors]
    results = match_patient(snap, observed, code, ancestors, snap.is_solid(code))
    return BoardReport(
        sample=sample, tumour_code=code, tumour=match.tumour_type.name,
        tumour_path=[code, *ancestors],
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        alterations=results, sources=[s.model_dump() for s in snap.sources],
        measurements=list(measurements or ()), skipped=list(skipped or ()),
    )  # fmt: skip
