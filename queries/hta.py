"""Approvals, reimbursement and the HTA questions: the evidence chain from an alteration to the
Norwegian decision, the documentation gaps HTA staff look for, and the coverage matrix.

The facts come from the graph read once (:class:`queries.snapshot.Snapshot`: clinical evidence,
regulatory indications, medicine authorisations, HTA decisions, trial arms, the two IS_A
hierarchies); this module joins them with the rules of :mod:`ontology.matching`, the same on both
backends:

* two alterations *agree* when one is the other or lies under it (EGFR exon 19 deletion under EGFR
  mutation), two tumour types when one is the other or an OncoTree ancestor of it; a fact with no
  tumour type (a tissue-agnostic indication, a decision whose text names none) agrees with any;
* a therapy *agrees* with another when they share a drug (an approval of dabrafenib + trametinib
  concerns evidence for dabrafenib);
* ``as_of`` (a date) keeps what was in force that day: approvals and decisions with
  ``valid_from <= as_of`` and no ``valid_to`` on or before it, and evidence published by then.
  Without it, the current state: decisions not superseded, approvals not withdrawn. Facts without
  a date cannot be placed in time: under ``as_of`` they are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel

from ontology.errors import UnknownConceptError
from ontology.matching import (
    NOT_STATED,
    READ_FROM_TEXT,
    alterations_agree,
    best_level,
    decision_alterations_agree,
    in_force,
    level_rank,
    published_by,
    tumours_agree,
)
from ontology.normalise import drug_match_key
from ontology.two_stage import EVIDENCE_PREFIX
from ontology.vocab import Agency, HtaBody, NyeMetoderStatus
from queries.catalog import CypherRunner
from queries.snapshot import (
    DecisionFact,
    EvidenceFact,
    Fact,
    IndicationFact,
    MedicineRow,
    Snapshot,
    snapshot_of,
)

NOT_INTRODUCED = NyeMetoderStatus.IKKE_INNFORT.value


# ---------------------------------------------------------------------------------------------
# Facts in force
# ---------------------------------------------------------------------------------------------


def decisions_in_force(snap: Snapshot, as_of: dt.date | None) -> tuple[list[DecisionFact], int]:
    """The Nye Metoder decisions in force (current ones without ``as_of``); and how many were
    left out for want of a date."""
    out, undated = [], 0
    for d in snap.decisions.values():
        state = in_force(d.valid_from, d.valid_to, as_of, current=d.current is not False)
        if state is None:
            undated += 1
        elif state:
            out.append(d)
    return out, undated


def indications_in_force(
    snap: Snapshot, agency: str | None, as_of: dt.date | None
) -> tuple[list[IndicationFact], int]:
    out, undated = [], 0
    for i in snap.indications.values():
        if agency and i.agency != agency:
            continue
        state = in_force(i.valid_from, i.valid_to, as_of)
        if state is None:
            undated += 1
        elif state:
            out.append(i)
    return out, undated


def decided(snap: Snapshot, decisions: Iterable[DecisionFact], drugs: set[str],
            alterations: Iterable[str], tumours: Iterable[str]) -> list[DecisionFact]:  # fmt: skip
    """The decisions on a drug of ``drugs`` whose alterations and tumour type agree (the rules:
    :mod:`ontology.matching`)."""
    alterations, tumours = list(alterations), list(tumours)
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    return [
        d for d in decisions
        if d.drugs & drugs
        and decision_alterations_agree(h_alt, d.alterations, alterations)
        and tumours_agree(h_tum, d.match_tumours, tumours)
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


class GapRow(BaseModel):
    gap: str
    alteration: str
    therapy: str
    tumour_code: str | None = None
    tumour: str | None = None
    why: str  # the evidence or fact that makes the row matter
    items: list[str]  # ids of that evidence / those facts, with source


class GapAnswer(BaseModel):
    gap: str
    title: str
    as_of: dt.date | None = None
    rows: list[GapRow]
    undated_left_out: int = 0


GAPS: dict[str, str] = {
    "evidence-without-decision": "alteration-drug pairs with clinical evidence (CIViC A/B, "
    "MOAlmanac approval-level, a positive basket-trial cohort) and no Nye Metoder decision for "
    "the drug, alteration and tumour type",
    "ema-without-nyemetoder": "EMA-approved biomarker indications that no Nye Metoder method "
    "assesses",
    "not-introduced-newer": "Nye Metoder 'Er ikke innført' decisions with a newer approval or "
    "newer evidence for the same drug and biomarker",
    "fda-without-ema": "FDA-approved biomarker indications with no EMA indication for the same "
    "drug, biomarker and tumour type",
}


def render_gaps(answers: list[GapAnswer], fmt: str = "table", limit: int = 0) -> str:
    """Gap answers as a table per gap (with its title, what was cut, undated facts left out), or
    all rows as JSON/CSV."""
    from queries.output import render

    if fmt != "table":
        rows = [r.model_dump() for a in answers for r in (a.rows[:limit] if limit else a.rows)]
        return render(rows, fmt)
    parts = []
    for a in answers:
        rows = [r.model_dump(exclude={"gap", "items"}) for r in a.rows]
        shown = rows[:limit] if limit else rows
        head = f"{a.gap}: {a.title}" + (f" (as of {a.as_of})" if a.as_of else "")
        more = f"\n... {len(rows) - len(shown)} more" if len(shown) < len(rows) else ""
        undated = (f"\n({a.undated_left_out} undated facts left out)"
                   if a.undated_left_out else "")  # fmt: skip
        parts.append(f"{head}\n{render(shown, 'table')}{more}{undated}")
    return "\n\n".join(parts)


class PositiveCohortGap(BaseModel):
    """A positive basket-trial cohort that no Nye Metoder decision covers."""

    alteration: str
    therapy: str
    tumour_code: str | None
    arm_id: str


def positive_cohorts_without_decision(answer: GapAnswer) -> list[PositiveCohortGap]:
    """The rows of an evidence-without-decision answer whose evidence is a positive cohort."""
    out = []
    for r in answer.rows:
        for item in r.items:
            fact_id = item.split()[0]
            if fact_id.startswith(EVIDENCE_PREFIX):
                out.append(
                    PositiveCohortGap(
                        alteration=r.alteration,
                        therapy=r.therapy,
                        tumour_code=r.tumour_code,
                        arm_id=fact_id.removeprefix(EVIDENCE_PREFIX),
                    )
                )
                break
    return out


def demo_gap_list(graph: Snapshot | CypherRunner, focus: Iterable[str] = ()) -> str:
    """The HTA gap list the demo prints: each gap's first rows (the ``focus`` drugs first), then
    the positive basket-trial cohorts with no Nye Metoder decision."""
    focus = set(focus)
    answers = [gap(graph, name) for name in GAPS]
    out = ["HTA gap list on the demo data (sample Nye Metoder decisions, MOAlmanac subset):"]
    for a in answers:
        out.append(f"\n{a.gap}: {len(a.rows)} rows. {a.title}")
        for r in sorted(a.rows, key=lambda r: (r.therapy not in focus, r.alteration))[:5]:
            where = f" in {r.tumour_code}" if r.tumour_code else ""
            out.append(f"  {r.alteration} + {r.therapy}{where}: {r.why[:110]}")
    out.append("\nPositive basket-trial cohorts with no Nye Metoder decision (SYNTHETIC cohorts):")
    for p in positive_cohorts_without_decision(answers[0]):
        out.append(f"  {p.alteration} + {p.therapy} in {p.tumour_code}: {p.arm_id}")
    return "\n".join(out)


def gap(graph: Snapshot | CypherRunner, name: str, as_of: dt.date | None = None) -> GapAnswer:
    if name not in GAPS:
        raise UnknownConceptError("gap query", name, sorted(GAPS))
    fn = {
        "evidence-without-decision": _evidence_without_decision,
        "ema-without-nyemetoder": _ema_without_nyemetoder,
        "not-introduced-newer": _not_introduced_newer,
        "fda-without-ema": _fda_without_ema,
    }[name]
    rows, undated = fn(snapshot_of(graph), as_of)
    rows.sort(key=lambda r: (r.alteration, r.therapy, r.tumour_code or "", r.gap))
    return GapAnswer(gap=name, title=GAPS[name], as_of=as_of, rows=rows, undated_left_out=undated)


def unstated(snap: Snapshot, decisions: Iterable[DecisionFact], drugs: set[str],
             tumours: Iterable[str]) -> list[DecisionFact]:  # fmt: skip
    """Decisions on a drug of ``drugs`` in an agreeing tumour type whose biomarker is not stated:
    they cover no alteration, and answers say so."""
    tumours = list(tumours)
    return [d for d in decisions
            if d.drugs & drugs and not d.alterations and d.biomarker_basis == NOT_STATED
            and tumours_agree(snap.tumour_hierarchy, d.match_tumours, tumours)]  # fmt: skip


def _evidence_without_decision(snap: Snapshot, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated = decisions_in_force(snap, as_of)
    groups: dict[tuple[str, str | None, str | None], list[EvidenceFact]] = defaultdict(list)
    for e in snap.evidence.values():
        known = published_by(e.years, as_of)
        if known is None:
            undated += 1
            continue
        if not known:
            continue
        for alteration in e.alterations:
            for code, _ in e.tumour_items():
                groups[(alteration, e.therapy_id, code)].append(e)
    rows = []
    for (alteration, therapy, code), items in groups.items():
        drugs = snap.therapy_drugs.get(therapy or "", set())
        if decided(snap, decisions, drugs, [alteration], [code] if code else []):
            continue
        first = items[0]
        levels = sorted({f"{e.source} {e.level}" for e in items})
        silent = unstated(snap, decisions, drugs, [code] if code else [])
        silent_ids = ", ".join(sorted(d.method_id or d.id for d in silent))
        note = f" (the biomarker is not stated in {silent_ids})" if silent else ""
        rows.append(GapRow(
            gap="evidence-without-decision", alteration=first.alterations[alteration],
            therapy=snap.therapy_names.get(therapy or "", therapy or "?"), tumour_code=code,
            tumour=first.tumours.get(code) if code else None,
            why=f"{len(items)} evidence item(s): {', '.join(levels)}; no Nye Metoder decision"
                f"{note}",
            items=sorted(e.label for e in items),
        ))  # fmt: skip
    return rows, undated


def _ema_without_nyemetoder(snap: Snapshot, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated_d = decisions_in_force(snap, as_of)
    assessed = {a for d in decisions for a in d.assesses}
    ema, undated = indications_in_force(snap, Agency.EMA.value, as_of)
    rows = []
    for i in ema:
        if not i.alterations or i.id in assessed:
            continue
        for alteration, (code, name) in _pairs(i):
            rows.append(GapRow(
                gap="ema-without-nyemetoder", alteration=alteration,
                therapy=_therapy(snap, i), tumour_code=code, tumour=name,
                why=f"EMA indication {i.first_approval_date or 'undated'}: {_short(i.text)}",
                items=[i.label],
            ))  # fmt: skip
    return rows, undated + undated_d


def _not_introduced_newer(snap: Snapshot, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated = decisions_in_force(snap, as_of)
    indications, undated_i = indications_in_force(snap, None, as_of)
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    rows = []
    for d in decisions:
        if d.status != NOT_INTRODUCED or d.decision_date is None:
            continue
        day = d.decision_date

        def concerns(f: Fact, d: DecisionFact = d) -> bool:
            return (bool(f.drugs & d.drugs)
                    and decision_alterations_agree(h_alt, d.alterations, f.alterations)
                    and tumours_agree(h_tum, d.match_tumours, f.match_tumours))  # fmt: skip

        newer = [
            f"{i.agency} {i.first_approval_date} {i.label}"
            for i in indications
            if concerns(i) and i.first_approval_date and i.first_approval_date > day
        ]
        newer += [
            f"{e.source} {e.level} ({max(e.years)}) {e.label}"
            for e in snap.evidence.values()
            if concerns(e) and e.years and max(e.years) > day.year and published_by(e.years, as_of)
        ]  # fmt: skip
        if not newer:
            continue
        code, name = d.tumour_items()[0]
        rows.append(GapRow(
            gap="not-introduced-newer",
            alteration=", ".join(sorted(d.alterations.values())) or "(none read)",
            therapy=snap.therapy_names.get(d.therapy_id or "", d.therapy or "?"),
            tumour_code=code, tumour=name,
            why=f"{d.method_id} {NOT_INTRODUCED} {day}; {len(newer)} newer item(s)",
            items=sorted(newer),
        ))  # fmt: skip
    return rows, undated + undated_i


def _fda_without_ema(snap: Snapshot, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    fda, undated = indications_in_force(snap, Agency.FDA.value, as_of)
    ema, undated_e = indications_in_force(snap, Agency.EMA.value, as_of)
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    rows = []
    for i in fda:
        if not i.alterations:
            continue
        agnostic = i.tissue_agnostic
        counterpart = [
            e for e in ema
            if e.drugs & i.drugs and alterations_agree(h_alt, e.alterations, i.alterations)
            and e.tissue_agnostic == agnostic
            and (agnostic or tumours_agree(h_tum, e.tumours, i.tumours))
        ]  # fmt: skip
        if counterpart:
            continue
        for alteration, (code, name) in _pairs(i):
            rows.append(GapRow(
                gap="fda-without-ema", alteration=alteration, therapy=_therapy(snap, i),
                tumour_code=code, tumour=name,
                why=f"FDA {i.approval_type} approval {i.first_approval_date or 'undated'}"
                f"{' (tissue-agnostic)' if agnostic else ''}: {_short(i.text)}",
                items=[i.label],
            ))  # fmt: skip
    return rows, undated + undated_e


def _therapy(snap: Snapshot, f: Fact) -> str:
    return snap.therapy_names.get(f.therapy_id or "", f.therapy_id or "?")


def _pairs(fact: Fact) -> list[tuple[str, tuple[str | None, str | None]]]:
    return [(a, t) for a in sorted(fact.alterations.values()) for t in fact.tumour_items()]


def _short(text: str | None, n: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Coverage matrix
# ---------------------------------------------------------------------------------------------


class CoverageRow(BaseModel):
    alteration: str
    therapy: str
    tumour_code: str | None = None
    tumour: str | None = None
    evidence: str = ""  # best levels, e.g. "civic A; moalmanac Approval"
    ema: str = ""  # earliest EMA indication date ("undated" if none stated)
    fda: str = ""
    nye_metoder: str = ""  # method ids with status
    trial_arm: str = ""
    outcomes: int = 0


def coverage(graph: Snapshot | CypherRunner, as_of: dt.date | None = None) -> list[CoverageRow]:
    """Alteration x therapy x tumour type against evidence, EMA, FDA, Nye Metoder, trial arms
    and outcomes; a row for every triple any of them names."""
    snap = snapshot_of(graph)
    decisions, _ = decisions_in_force(snap, as_of)
    indications, _ = indications_in_force(snap, None, as_of)
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    keys: dict[tuple[str, str, str | None], tuple[str, str | None]] = {}
    evidence = [e for e in snap.evidence.values() if published_by(e.years, as_of)]
    for fact in (*evidence, *indications, *decisions):
        therapy = fact.therapy_id
        if not therapy:
            continue
        for alt_id, alt_name in fact.alterations.items():
            for code, tname in fact.tumour_items():
                keys.setdefault((alt_id, therapy, code), (alt_name, tname))
    rows = []
    for (alt_id, therapy, code), (alt_name, tname) in keys.items():
        drugs = snap.therapy_drugs.get(therapy, set())
        tumours = [code] if code else []

        def agrees(f: Fact, alt_id: str = alt_id, tumours: list[str] = tumours,
                   drugs: set[str] = drugs) -> bool:  # fmt: skip
            return (
                bool(f.drugs & drugs)
                and alterations_agree(h_alt, f.alterations, [alt_id])
                and tumours_agree(h_tum, f.match_tumours, tumours)
            )

        ev = [e for e in evidence if agrees(e)]
        dates: dict[str, list[str]] = defaultdict(list)
        for i in indications:
            if agrees(i):
                dates[i.agency].append(str(i.first_approval_date or "undated"))
        nm = decided(snap, decisions, drugs, [alt_id], tumours)
        arms = [a for a in snap.arm_facts.values() if agrees(a)]
        rows.append(CoverageRow(
            alteration=alt_name, therapy=snap.therapy_names.get(therapy, therapy),
            tumour_code=code, tumour=tname,
            evidence="; ".join(sorted({f"{e.source} {e.level}" for e in ev})),
            ema=min(dates.get(Agency.EMA.value, []), default=""),
            fda=min(dates.get(Agency.FDA.value, []), default=""),
            nye_metoder="; ".join(sorted(f"{d.method_id} {d.status or '?'}" for d in nm)),
            trial_arm="; ".join(sorted(a.id for a in arms)),
            outcomes=sum(a.outcomes for a in arms),
        ))  # fmt: skip
    rows.sort(key=lambda r: (r.alteration, r.therapy, r.tumour_code or ""))
    return rows


# ---------------------------------------------------------------------------------------------
# The evidence chain
# ---------------------------------------------------------------------------------------------


class ChainItem(BaseModel):
    kind: str  # "indication", "authorisation", "decision"
    by: str  # agency or HTA body
    id: str
    date: dt.date | None = None
    status: str | None = None  # approval type / medicine status / decision status
    text: str | None = None
    source: str
    # how the item was matched to the alteration: for a decision its biomarker basis ("read
    # from the indication text", "inferred from the EMA indication …", "biomarker not stated")
    basis: str | None = None


class ChainTherapy(BaseModel):
    therapy: str
    best_level: str
    evidence: list[str]  # "civic A civic.eid:1409 [civic@2025-07-01]"
    approvals: list[ChainItem]
    authorisations: list[ChainItem]
    decisions: list[ChainItem]


class ChainAnswer(BaseModel):
    alteration: str
    broader: list[str]
    tumour_code: str | None = None
    tumour: str | None = None
    as_of: dt.date | None = None
    therapies: list[ChainTherapy]
    undated_left_out: int = 0

    def render_text(self) -> str:
        """The chain as the CLI prints it."""
        where = f" in {self.tumour_code} ({self.tumour})" if self.tumour_code else ""
        when = f", as of {self.as_of}" if self.as_of else ", current state"
        out = [f"{self.alteration}{where}{when}; also via {', '.join(self.broader) or '-'}"]
        if self.undated_left_out:
            out.append(f"  ({self.undated_left_out} approvals/decisions without a date left out)")
        if not self.therapies:
            out.append("  no evidence or approval for it")
        for t in self.therapies:
            out.append(f"\n{t.therapy}  (best evidence level {t.best_level}, "
                       f"{len(t.evidence)} items)")  # fmt: skip
            out += [f"  evidence   {line}" for line in t.evidence[:3]]
            if len(t.evidence) > 3:
                out.append(f"  evidence   ... {len(t.evidence) - 3} more (oncograph evidence)")
            for item in t.approvals:
                out.append(f"  approval   {item.by:<13} {str(item.date or 'undated'):<10} "
                           f"{item.status or '':<11} {item.id} [{item.source}]")  # fmt: skip
            for item in t.authorisations:
                out.append(
                    f"  authorised {item.by:<13} {str(item.date or 'undated'):<10} "
                    f"{item.text or ''} {item.id} ({item.status}) [{item.source}]"
                )
            for item in t.decisions:
                basis = f" ({item.basis})" if item.basis and item.basis != READ_FROM_TEXT else ""
                out.append(f"  Norway     {item.id} {item.status or '(no status)'} "
                           f"{item.date or 'undated'}{basis} [{item.source}]")  # fmt: skip
            if not [d for d in t.decisions if d.basis != NOT_STATED]:
                out.append("  Norway     no Nye Metoder decision for this biomarker found")
        return "\n".join(out)


def chain(
    graph: Snapshot | CypherRunner,
    gene: str,
    text: str,
    tumour: str | None = None,
    as_of: dt.date | None = None,
) -> ChainAnswer:
    """Alteration -> evidence -> therapy -> approvals (agency, date, type) -> Norwegian decision,
    each item with its source and version."""
    from queries import find_tumour_type
    from queries.evidence import evidence_for, resolve_alteration

    snap = snapshot_of(graph)
    h_alt, h_tum = snap.alteration_hierarchy, snap.tumour_hierarchy
    concept = resolve_alteration(snap, gene, text)
    answer = evidence_for(snap, gene, text, tumour)
    code = answer.tumour_code
    tumour_name = find_tumour_type(snap, code).tumour_type.name if code else None
    by_name = {name: tid for tid, name in snap.therapy_names.items()}
    undated = 0
    evidence: dict[str, list[str]] = defaultdict(list)
    levels: dict[str, list[str]] = defaultdict(list)
    for group in answer.by_therapy:
        tid = by_name.get(group.therapy, group.therapy)
        for e in group.evidence:
            flag = " (flagged: the source contradicts its text, not used)" if e.flag else ""
            evidence[tid].append(f"{e.source} {e.level or '-'} {e.evidence_id} "
                                 f"[{e.source}@{e.source_version}]{flag}")  # fmt: skip
            if not e.flag:
                levels[tid].append(e.level or "-")
    tumours = [code] if code else []
    approvals: dict[str, list[IndicationFact]] = defaultdict(list)
    for i in snap.indications.values():
        if not alterations_agree(h_alt, i.alterations, [concept.id]):
            continue
        if not tumours_agree(h_tum, i.match_tumours, tumours):
            continue
        state = in_force(i.valid_from, i.valid_to, as_of)
        if state is None:
            undated += 1
        elif state and i.therapy_id:
            approvals[i.therapy_id].append(i)
    decisions, undated_d = decisions_in_force(snap, as_of)
    undated += undated_d
    # therapies known only from a Norwegian decision on the alteration (no evidence loaded)
    decided_only = {
        d.therapy_id for d in decisions
        if d.therapy_id and alterations_agree(h_alt, d.alterations, [concept.id])
        and tumours_agree(h_tum, d.match_tumours, tumours)
    }  # fmt: skip
    out = []
    for tid in sorted(set(evidence) | set(approvals) | decided_only):
        drugs = snap.therapy_drugs.get(tid, set())
        listed = approvals.get(tid, [])
        assessed = {i.id for i in listed}
        chosen = [d for d in decisions if d.assesses & assessed]
        chosen += [d for d in decided(snap, decisions, drugs, [concept.id], tumours)
                   if d.alterations and d not in chosen]  # fmt: skip
        chosen += [d for d in unstated(snap, decisions, drugs, tumours) if d not in chosen]
        medicines = _first_authorisations(
            m for m in snap.medicines if m.drug_id in drugs and _medicine_in_force(m, as_of)
        )
        out.append(ChainTherapy(
            therapy=snap.therapy_names.get(tid, tid),
            best_level=best_level(levels.get(tid, [])),
            evidence=evidence.get(tid, []),
            approvals=sorted((_approval_item(i) for i in listed),
                             key=lambda c: (c.by, c.date or dt.date.max, c.id)),
            authorisations=sorted(
                {m.id: _medicine_item(m) for m in medicines}.values(),
                key=lambda c: (c.by, c.id)),
            decisions=sorted({d.id: _decision_item(d) for d in chosen}.values(),
                             key=lambda c: (c.date or dt.date.max, c.id)),
        ))  # fmt: skip
    out.sort(key=lambda t: (not (t.approvals or [d for d in t.decisions if d.basis != NOT_STATED]),
                            level_rank(t.best_level),
                            -len(t.evidence), t.therapy))  # fmt: skip
    return ChainAnswer(
        alteration=concept.name, broader=answer.broader, tumour_code=code, tumour=tumour_name,
        as_of=as_of, therapies=out, undated_left_out=undated,
    )  # fmt: skip


ENDED = {"withdrawn", "expired", "revoked", "lapsed", "suspended"}


def _first_authorisations(rows: Iterable[MedicineRow]) -> list[MedicineRow]:
    """Per drug and agency, the first authorisation (the originator, not later generics)."""
    first: dict[tuple[str, str], MedicineRow] = {}
    for m in rows:
        key = (m.drug_id, m.agency)
        day = m.first_approval_date or dt.date.max
        if key not in first or day < (first[key].first_approval_date or dt.date.max):
            first[key] = m
    return list(first.values())


def _medicine_in_force(m: MedicineRow, as_of: dt.date | None) -> bool:
    """An authorisation in force: not withdrawn (or ended) now; on ``as_of``, granted by then and
    not yet withdrawn (an undated authorisation cannot be placed in time)."""
    if as_of is None:
        return bool(in_force(None, m.valid_to, None)) and (m.status or "").lower() not in ENDED
    return bool(in_force(m.first_approval_date, m.valid_to, as_of))


def _approval_item(i: IndicationFact) -> ChainItem:
    return ChainItem(kind="indication", by=i.agency, id=i.id, date=i.first_approval_date,
                     status=i.approval_type, text=i.text,
                     source=f"{i.source}@{i.source_version}",
                     basis="structured by the source")  # fmt: skip


def _medicine_item(m: MedicineRow) -> ChainItem:
    flags = [m.approval_type or "", "orphan" if m.orphan else "", m.status or ""]
    return ChainItem(kind="authorisation", by=m.agency, id=m.id, date=m.first_approval_date,
                     status=", ".join(f for f in flags if f) or None, text=m.product,
                     source=f"{m.source}@{m.source_version}")  # fmt: skip


def _decision_item(d: DecisionFact) -> ChainItem:
    return ChainItem(kind="decision", by=HtaBody.NYE_METODER.value, id=d.method_id or d.id,
                     date=d.decision_date, status=d.status, text=d.text,
                     source=f"{d.source}@{d.source_version}", basis=d.biomarker_basis)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Filters and one decision (the web app's HTA pages; the same for every caller)
# ---------------------------------------------------------------------------------------------

R = TypeVar("R", GapRow, CoverageRow)


def filter_rows(
    graph: Snapshot | CypherRunner,
    rows: Iterable[R],
    tumour: str | None = None,
    drug: str | None = None,
    method_id: str | None = None,
) -> list[R]:
    """Gap or coverage rows narrowed as HTA staff ask: ``tumour`` an OncoTree code or name (rows
    of that type and its subtypes, so NSCLC keeps LUAD), ``drug`` a drug name in the therapy
    (English or Norwegian spelling, case folded), ``method_id`` a Nye Metoder id the row cites
    (ID2019_123, case folded). An unknown tumour type raises with suggestions."""
    from queries import find_tumour_type

    snap = snapshot_of(graph)
    codes: set[str] | None = None
    if tumour:
        code = find_tumour_type(snap, tumour).tumour_type.code
        codes = {code} | set(snap.tumour_hierarchy.narrower(code))
    drug_key = drug_match_key(drug) if drug and drug.strip() else None
    method = method_id.strip().upper() if method_id and method_id.strip() else None
    # the whole id: ID2019_12 is not ID2019_120
    cites = re.compile(rf"(?<![A-Z0-9_]){re.escape(method)}(?![0-9])") if method else None
    out = []
    for row in rows:
        if codes is not None and row.tumour_code not in codes:
            continue
        if drug_key and not any(
            drug_match_key(part) == drug_key or drug_key in drug_match_key(part)
            for part in re.split(r"\s*\+\s*|,\s*", row.therapy)
        ):
            continue
        if cites:
            cited = row.items if isinstance(row, GapRow) else [row.nye_metoder]
            if not any(cites.search(text.upper()) for text in (*cited, getattr(row, "why", ""))):
                continue
        out.append(row)
    return out


class DecisionMatch(BaseModel):
    """One Nye Metoder decision as loaded, and what oncograph matched it to, with why."""

    id: str
    method_id: str | None
    status: str | None
    decision_date: dt.date | None
    current: bool | None
    therapy: str | None
    drugs: list[str]  # INNs
    text: str | None  # the indication as the decision states it
    decision_full: str | None
    alterations: list[str]  # the biomarkers it was matched to
    excluded: list[str]
    biomarker_basis: str | None  # how the biomarker is known ("read from the indication text"...)
    tumours: list[str]  # "LUAD (Lung Adenocarcinoma)"
    tissue_agnostic: bool
    assesses: list[str]  # the EMA/FDA indications it assesses: "EMA Xalkori (moalmanac:ind:...)"
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


class DecisionAnswer(BaseModel):
    method_id: str
    decisions: list[DecisionMatch]  # one per indication the method decides


def decisions_list(graph: Snapshot | CypherRunner) -> list[DecisionMatch]:
    """Every Nye Metoder decision loaded, by method id and date."""
    snap = snapshot_of(graph)
    out = [_decision_match(snap, d) for d in snap.decisions.values()]
    return sorted(out, key=lambda d: (d.method_id or d.id, d.decision_date or dt.date.min, d.id))


def decision(graph: Snapshot | CypherRunner, method_id: str) -> DecisionAnswer:
    """The decisions of one Nye Metoder method (``ID2019_123``, case folded) with what each was
    matched to; an unknown id raises :class:`UnknownConceptError` with the nearest ids."""
    from queries import _suggest

    snap = snapshot_of(graph)
    key = " ".join(method_id.split()).upper()
    found = [d for d in decisions_list(snap) if (d.method_id or d.id).upper() == key]
    if not found:
        known = {d.method_id or d.id: d.therapy or "" for d in decisions_list(snap)}
        raise UnknownConceptError("Nye Metoder method", method_id.strip(), _suggest(key, known))
    return DecisionAnswer(method_id=found[0].method_id or found[0].id, decisions=found)


def _decision_match(snap: Snapshot, d: DecisionFact) -> DecisionMatch:
    names = snap.drug_names
    indications = snap.memo("indication_labels", lambda: {
        i.id: " ".join(x for x in (i.agency, i.product, f"({i.id})") if x)
        for i in snap.indications.values()})  # fmt: skip
    return DecisionMatch(
        id=d.id, method_id=d.method_id, status=d.status, decision_date=d.decision_date,
        current=d.current, therapy=d.therapy, drugs=sorted(names.get(x, x) for x in d.drugs),
        text=d.text,
        decision_full=d.decision_full, alterations=sorted(d.alterations.values()),
        excluded=sorted(d.excluded), biomarker_basis=d.biomarker_basis,
        tumours=[f"{c} ({n})" if n and n != c else c for c, n in sorted(d.tumours.items())],
        tissue_agnostic=d.tissue_agnostic,
        assesses=sorted(indications.get(x, x) for x in d.assesses),
        valid_from=d.valid_from, valid_to=d.valid_to,
        source=f"{d.source}@{d.source_version}",
    )  # fmt: skip
