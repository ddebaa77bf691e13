"""Approvals, reimbursement and the HTA questions: the evidence chain from an alteration to the
Norwegian decision, the documentation gaps HTA staff look for, and the coverage matrix.

The catalog queries (``clinical_evidence``, ``regulatory_indications``, ``medicine_approvals``,
``hta_decisions``, ``trial_arms``, ``alteration_is_a``, ``tumour_is_a``) fetch the facts; this
module joins them with the hierarchy rules, the same on both backends:

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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ontology.vocab import Agency, HtaBody, NyeMetoderStatus
from queries.catalog import CypherRunner, run_named

# CIViC A/B; MOAlmanac's "Approval" (FDA/EMA label); a positive basket-trial cohort
CLINICAL_LEVELS = ("A", "B", "Approval", "positive")
NOT_INTRODUCED = NyeMetoderStatus.IKKE_INNFORT.value


# ---------------------------------------------------------------------------------------------
# Facts as the graph holds them
# ---------------------------------------------------------------------------------------------


@dataclass
class Fact:
    """One evidence item, indication or decision with the sets of what it links to."""

    id: str
    row: dict[str, Any]
    drugs: set[str] = field(default_factory=set)
    alterations: dict[str, str] = field(default_factory=dict)  # id -> name
    tumours: dict[str, str] = field(default_factory=dict)  # code -> name
    extra: set[str] = field(default_factory=set)  # years (evidence), assessed ids (decisions)

    @property
    def match_tumours(self) -> list[str]:
        """Tumour types to match on: none for a tissue-agnostic indication (any solid tumour)."""
        return [] if self.row.get("tissue_agnostic") else list(self.tumours)

    def tumour_items(self) -> list[tuple[str | None, str | None]]:
        return sorted(self.tumours.items()) or [(None, None)]

    @property
    def start(self) -> dt.date | None:
        return self.row.get("valid_from")

    @property
    def end(self) -> dt.date | None:
        return self.row.get("valid_to")


def _group(
    rows: Iterable[dict[str, Any]], extra_key: str | None = None
) -> dict[tuple[str, str | None], Fact]:
    """One fact per (id, therapy): an indication approving two therapies is two facts."""
    facts: dict[tuple[str, str | None], Fact] = {}
    for r in rows:
        fid = r.get("id") or r["evidence_id"]
        key = (fid, r.get("therapy_id"))
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = Fact(fid, r)
        if r.get("drug_id"):
            fact.drugs.add(r["drug_id"])
        if r.get("alteration_id"):
            fact.alterations[r["alteration_id"]] = r.get("alteration") or r["alteration_id"]
        if r.get("tumour_code"):
            fact.tumours[r["tumour_code"]] = r.get("tumour") or r["tumour_code"]
        if extra_key and r.get(extra_key) is not None:
            fact.extra.add(str(r[extra_key]))
    return facts


def _closure(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in edges:
        parents[child].add(parent)
    out: dict[str, set[str]] = {}
    for start in list(parents):
        seen: set[str] = set()
        todo = list(parents[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(parents.get(node, ()))
        out[start] = seen
    return out


@dataclass
class HtaFacts:
    """Everything the chain and gap questions need, fetched once."""

    evidence: dict[tuple[str, str | None], Fact]
    indications: dict[tuple[str, str | None], Fact]
    decisions: dict[tuple[str, str | None], Fact]
    medicines: list[dict[str, Any]]
    arms: dict[tuple[str, str | None], Fact]
    broader: dict[str, set[str]]
    ancestors: dict[str, set[str]]
    therapy_names: dict[str, str]
    therapy_drugs: dict[str, set[str]]

    @classmethod
    def fetch(cls, runner: CypherRunner, levels: Iterable[str] = CLINICAL_LEVELS) -> HtaFacts:
        evidence_rows = run_named(runner, "clinical_evidence", {"levels": list(levels)})
        indication_rows = run_named(runner, "regulatory_indications")
        decision_rows = run_named(runner, "hta_decisions", {"body": HtaBody.NYE_METODER.value})
        arm_rows = run_named(runner, "trial_arms")
        alteration_links = run_named(runner, "alteration_is_a")
        tumour_links = run_named(runner, "tumour_is_a")
        names: dict[str, str] = {}
        drugs: dict[str, set[str]] = defaultdict(set)
        for r in (*evidence_rows, *indication_rows, *decision_rows, *arm_rows):
            if r.get("therapy_id"):
                names.setdefault(r["therapy_id"], r.get("therapy") or r["therapy_id"])
                if r.get("drug_id"):
                    drugs[r["therapy_id"]].add(r["drug_id"])
        return cls(
            evidence=_group(evidence_rows, "year"),
            indications=_group(indication_rows),
            decisions=_group(decision_rows, "assesses"),
            medicines=run_named(runner, "medicine_approvals"),
            arms=_group(arm_rows),
            broader=_closure((r["id"], r["broader_id"]) for r in alteration_links),
            ancestors=_closure((r["code"], r["parent"]) for r in tumour_links),
            therapy_names=names,
            therapy_drugs=dict(drugs),
        )

    # -- the agreement rules ------------------------------------------------------------------
    def alterations_agree(self, a: Iterable[str], b: Iterable[str]) -> bool:
        """Some alteration of ``a`` is, or lies under or over, some alteration of ``b``
        (siblings under a common broader one do not: T790M is not exon 19 deletion)."""
        b = set(b)
        return any(x in b or self.broader.get(x, set()) & b or
                   any(x in self.broader.get(y, ()) for y in b) for x in a)  # fmt: skip

    def tumours_agree(self, a: Iterable[str], b: Iterable[str]) -> bool:
        """True if either side names no tumour type, or one names the other or its ancestor."""
        a, b = set(a), set(b)
        if not a or not b:
            return True
        return any(x in b or self.ancestors.get(x, set()) & b or
                   any(x in self.ancestors.get(y, ()) for y in b) for x in a)  # fmt: skip

    # -- time -----------------------------------------------------------------------------------
    @staticmethod
    def in_force(fact: Fact, as_of: dt.date | None, *, decision: bool = False) -> bool | None:
        """True/False, or None when ``as_of`` is asked and the fact has no date."""
        if as_of is None:
            if decision:
                return fact.row.get("current") is not False
            return fact.end is None or fact.end > dt.date.today()
        if fact.start is None:
            return None
        return fact.start <= as_of and (fact.end is None or fact.end > as_of)

    @staticmethod
    def evidence_known(fact: Fact, as_of: dt.date | None) -> bool | None:
        if as_of is None:
            return True
        years = [int(y) for y in fact.extra]
        if not years:
            return None
        return min(years) <= as_of.year


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


def _label(fact: Fact) -> str:
    r = fact.row
    return f"{fact.id} [{r.get('source')}@{r.get('source_version')}]"


def gap(facts: HtaFacts, name: str, as_of: dt.date | None = None) -> GapAnswer:
    if name not in GAPS:
        from ontology.errors import UnknownConceptError

        raise UnknownConceptError("gap query", name, sorted(GAPS))
    fn = {
        "evidence-without-decision": _evidence_without_decision,
        "ema-without-nyemetoder": _ema_without_nyemetoder,
        "not-introduced-newer": _not_introduced_newer,
        "fda-without-ema": _fda_without_ema,
    }[name]
    rows, undated = fn(facts, as_of)
    rows.sort(key=lambda r: (r.alteration, r.therapy, r.tumour_code or "", r.gap))
    return GapAnswer(gap=name, title=GAPS[name], as_of=as_of, rows=rows, undated_left_out=undated)


def decisions_in_force(facts: HtaFacts, as_of: dt.date | None) -> tuple[list[Fact], int]:
    out, undated = [], 0
    for d in facts.decisions.values():
        state = facts.in_force(d, as_of, decision=True)
        if state is None:
            undated += 1
        elif state:
            out.append(d)
    return out, undated


def _indications_in_force(
    facts: HtaFacts, agency: str | None, as_of: dt.date | None
) -> tuple[list[Fact], int]:
    out, undated = [], 0
    for i in facts.indications.values():
        if agency and i.row["agency"] != agency:
            continue
        state = facts.in_force(i, as_of)
        if state is None:
            undated += 1
        elif state:
            out.append(i)
    return out, undated


def _decided(facts: HtaFacts, decisions: list[Fact], drugs: set[str], alterations: Iterable[str],
             tumours: Iterable[str]) -> list[Fact]:  # fmt: skip
    """The decisions on a drug of ``drugs`` for an agreeing alteration and tumour type (a
    decision naming no alteration is about the drug in any biomarker group)."""
    return [
        d for d in decisions
        if d.drugs & drugs
        and (not d.alterations or facts.alterations_agree(d.alterations, alterations))
        and facts.tumours_agree(d.match_tumours, tumours)
    ]  # fmt: skip


def _evidence_without_decision(facts: HtaFacts, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated = decisions_in_force(facts, as_of)
    groups: dict[tuple[str, str, str | None], list[Fact]] = defaultdict(list)
    for e in facts.evidence.values():
        known = facts.evidence_known(e, as_of)
        if known is None:
            undated += 1
            continue
        if not known:
            continue
        for alteration in e.alterations:
            for code, _ in e.tumour_items():
                groups[(alteration, e.row["therapy_id"], code)].append(e)
    rows = []
    for (alteration, therapy, code), items in groups.items():
        drugs = facts.therapy_drugs.get(therapy, set())
        if _decided(facts, decisions, drugs, [alteration], [code] if code else []):
            continue
        first = items[0]
        levels = sorted({f"{e.row['source']} {e.row['level']}" for e in items})
        rows.append(GapRow(
            gap="evidence-without-decision", alteration=first.alterations[alteration],
            therapy=facts.therapy_names.get(therapy, therapy), tumour_code=code,
            tumour=first.tumours.get(code) if code else None,
            why=f"{len(items)} evidence item(s): {', '.join(levels)}; no Nye Metoder decision",
            items=sorted(_label(e) for e in items),
        ))  # fmt: skip
    return rows, undated


def _ema_without_nyemetoder(facts: HtaFacts, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated_d = decisions_in_force(facts, as_of)
    assessed = {a for d in decisions for a in d.extra}
    ema, undated = _indications_in_force(facts, Agency.EMA.value, as_of)
    rows = []
    for i in ema:
        if not i.alterations or i.id in assessed:
            continue
        date = i.row.get("first_approval_date")
        for alteration, (code, name) in _pairs(i):
            rows.append(GapRow(
                gap="ema-without-nyemetoder", alteration=alteration,
                therapy=facts.therapy_names.get(i.row["therapy_id"], i.row["therapy_id"]),
                tumour_code=code, tumour=name,
                why=f"EMA indication {date or 'undated'}: {_short(i.row['text'])}",
                items=[_label(i)],
            ))  # fmt: skip
    return rows, undated + undated_d


def _not_introduced_newer(facts: HtaFacts, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    decisions, undated = decisions_in_force(facts, as_of)
    indications, undated_i = _indications_in_force(facts, None, as_of)
    rows = []
    for d in decisions:
        if d.row.get("status") != NOT_INTRODUCED or d.row.get("decision_date") is None:
            continue
        day = d.row["decision_date"]

        def concerns(f: Fact, d: Fact = d) -> bool:
            return bool(f.drugs & d.drugs) and (
                not d.alterations or facts.alterations_agree(d.alterations, f.alterations)
            ) and facts.tumours_agree(d.match_tumours, f.match_tumours)  # fmt: skip

        newer = [
            f"{i.row['agency']} {i.row['first_approval_date']} {_label(i)}"
            for i in indications
            if concerns(i) and i.row.get("first_approval_date")
            and i.row["first_approval_date"] > day
        ]  # fmt: skip
        newer += [
            f"{e.row['source']} {e.row['level']} ({max(int(y) for y in e.extra)}) {_label(e)}"
            for e in facts.evidence.values()
            if concerns(e) and e.extra and max(int(y) for y in e.extra) > day.year
            and facts.evidence_known(e, as_of)
        ]  # fmt: skip
        if not newer:
            continue
        code, name = d.tumour_items()[0]
        rows.append(GapRow(
            gap="not-introduced-newer",
            alteration=", ".join(sorted(d.alterations.values())) or "(none read)",
            therapy=facts.therapy_names.get(d.row.get("therapy_id") or "", d.row.get("therapy")
                                            or "?"),
            tumour_code=code, tumour=name,
            why=f"{d.row['method_id']} {NOT_INTRODUCED} {day}; {len(newer)} newer item(s)",
            items=sorted(newer),
        ))  # fmt: skip
    return rows, undated + undated_i


def _fda_without_ema(facts: HtaFacts, as_of: dt.date | None) -> tuple[list[GapRow], int]:
    fda, undated = _indications_in_force(facts, Agency.FDA.value, as_of)
    ema, undated_e = _indications_in_force(facts, Agency.EMA.value, as_of)
    rows = []
    for i in fda:
        if not i.alterations:
            continue
        agnostic = bool(i.row.get("tissue_agnostic"))
        counterpart = [
            e for e in ema
            if e.drugs & i.drugs and facts.alterations_agree(e.alterations, i.alterations)
            and (bool(e.row.get("tissue_agnostic")) == agnostic)
            and (agnostic or facts.tumours_agree(e.tumours, i.tumours))
        ]  # fmt: skip
        if counterpart:
            continue
        for alteration, (code, name) in _pairs(i):
            rows.append(GapRow(
                gap="fda-without-ema", alteration=alteration,
                therapy=facts.therapy_names.get(i.row["therapy_id"], i.row["therapy_id"]),
                tumour_code=code, tumour=name,
                why=f"FDA {i.row.get('approval_type')} approval "
                f"{i.row.get('first_approval_date') or 'undated'}"
                f"{' (tissue-agnostic)' if agnostic else ''}: {_short(i.row['text'])}",
                items=[_label(i)],
            ))  # fmt: skip
    return rows, undated + undated_e


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


def coverage(facts: HtaFacts, as_of: dt.date | None = None) -> list[CoverageRow]:
    """Alteration x therapy x tumour type against evidence, EMA, FDA, Nye Metoder, trial arms
    and outcomes; a row for every triple any of them names."""
    decisions, _ = decisions_in_force(facts, as_of)
    indications, _ = _indications_in_force(facts, None, as_of)
    keys: dict[tuple[str, str, str | None], tuple[str, str | None]] = {}
    evidence = [e for e in facts.evidence.values() if facts.evidence_known(e, as_of)]
    for fact in (*evidence, *indications, *decisions):
        therapy = fact.row.get("therapy_id")
        if not therapy:
            continue
        for alt_id, alt_name in fact.alterations.items():
            for code, tname in fact.tumour_items():
                keys.setdefault((alt_id, therapy, code), (alt_name, tname))
    rows = []
    for (alt_id, therapy, code), (alt_name, tname) in keys.items():
        drugs = facts.therapy_drugs.get(therapy, set())
        tumours = [code] if code else []

        def agrees(f: Fact, alt_id: str = alt_id, tumours: list[str] = tumours,
                   drugs: set[str] = drugs) -> bool:  # fmt: skip
            return (
                bool(f.drugs & drugs)
                and facts.alterations_agree(f.alterations, [alt_id])
                and facts.tumours_agree(f.match_tumours, tumours)
            )

        ev = [e for e in evidence if agrees(e)]
        dates: dict[str, list[str]] = defaultdict(list)
        for i in indications:
            if agrees(i):
                dates[i.row["agency"]].append(str(i.row.get("first_approval_date") or "undated"))
        nm = [d for d in decisions if _decided(facts, [d], drugs, [alt_id], tumours)]
        arms = [a for a in facts.arms.values() if agrees(a)]
        rows.append(CoverageRow(
            alteration=alt_name, therapy=facts.therapy_names.get(therapy, therapy),
            tumour_code=code, tumour=tname,
            evidence="; ".join(sorted({f"{e.row['source']} {e.row['level']}" for e in ev})),
            ema=min(dates.get(Agency.EMA.value, []), default=""),
            fda=min(dates.get(Agency.FDA.value, []), default=""),
            nye_metoder="; ".join(sorted(f"{d.row['method_id']} {d.row.get('status') or '?'}"
                                         for d in nm)),
            trial_arm="; ".join(sorted(a.id for a in arms)),
            outcomes=sum(int(a.row.get("outcomes") or 0) for a in arms),
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


def chain(
    runner: CypherRunner,
    gene: str,
    text: str,
    tumour: str | None = None,
    as_of: dt.date | None = None,
) -> ChainAnswer:
    """Alteration -> evidence -> therapy -> approvals (agency, date, type) -> Norwegian decision,
    each item with its source and version."""
    from queries import find_tumour_type
    from queries.evidence import LEVEL_ORDER, evidence_for, resolve_alteration

    concept = resolve_alteration(runner, gene, text)
    answer = evidence_for(runner, gene, text, tumour)
    code = answer.tumour_code
    tumour_name = find_tumour_type(runner, code).tumour_type.name if code else None
    facts = HtaFacts.fetch(runner)
    by_name = {name: tid for tid, name in facts.therapy_names.items()}
    undated = 0
    evidence: dict[str, list[str]] = defaultdict(list)
    levels: dict[str, list[str]] = defaultdict(list)
    for group in answer.by_therapy:
        tid = by_name.get(group.therapy, group.therapy)
        for e in group.evidence:
            evidence[tid].append(f"{e.source} {e.level or '-'} {e.evidence_id} "
                                 f"[{e.source}@{e.source_version}]")  # fmt: skip
            levels[tid].append(e.level or "-")
    tumours = [code] if code else []
    approvals: dict[str, list[Fact]] = defaultdict(list)
    for i in facts.indications.values():
        if not i.alterations or not facts.alterations_agree(i.alterations, [concept.id]):
            continue
        if not facts.tumours_agree(i.match_tumours, tumours):
            continue
        state = facts.in_force(i, as_of)
        if state is None:
            undated += 1
        elif state:
            approvals[i.row["therapy_id"]].append(i)
    decisions, undated_d = decisions_in_force(facts, as_of)
    undated += undated_d
    # therapies known only from a Norwegian decision on the alteration (no evidence loaded)
    decided_only = {
        d.row["therapy_id"] for d in decisions
        if d.row.get("therapy_id") and d.alterations
        and facts.alterations_agree(d.alterations, [concept.id])
        and facts.tumours_agree(d.match_tumours, tumours)
    }  # fmt: skip
    out = []
    for tid in sorted(set(evidence) | set(approvals) | decided_only):
        drugs = facts.therapy_drugs.get(tid, set())
        listed = approvals.get(tid, [])
        assessed = {i.id for i in listed}
        decided = [d for d in decisions if d.extra & assessed]
        decided += [d for d in _decided(facts, decisions, drugs, [concept.id], tumours)
                    if d.alterations and d not in decided]  # fmt: skip
        medicines = _first_authorisations(
            m for m in facts.medicines if m["drug_id"] in drugs and _medicine_in_force(m, as_of)
        )
        best = min(levels.get(tid, ["-"]), key=lambda x: LEVEL_ORDER.get(x, 9))
        out.append(ChainTherapy(
            therapy=facts.therapy_names.get(tid, tid), best_level=best,
            evidence=evidence.get(tid, []),
            approvals=sorted((_approval_item(i) for i in listed),
                             key=lambda c: (c.by, c.date or dt.date.max, c.id)),
            authorisations=sorted(
                {m["id"]: _medicine_item(m) for m in medicines}.values(),
                key=lambda c: (c.by, c.id)),
            decisions=sorted({d.id: _decision_item(d) for d in decided}.values(),
                             key=lambda c: (c.date or dt.date.max, c.id)),
        ))  # fmt: skip
    out.sort(key=lambda t: (not (t.approvals or t.decisions), LEVEL_ORDER.get(t.best_level, 9),
                            -len(t.evidence), t.therapy))  # fmt: skip
    return ChainAnswer(
        alteration=concept.name, broader=answer.broader, tumour_code=code, tumour=tumour_name,
        as_of=as_of, therapies=out, undated_left_out=undated,
    )  # fmt: skip


ENDED = {"withdrawn", "expired", "revoked", "lapsed", "suspended"}


def _first_authorisations(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per drug and agency, the first authorisation (the originator, not later generics)."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for m in rows:
        key = (m["drug_id"], m["agency"])
        day = m.get("first_approval_date") or dt.date.max
        if key not in first or day < (first[key].get("first_approval_date") or dt.date.max):
            first[key] = m
    return list(first.values())


def _medicine_in_force(m: dict[str, Any], as_of: dt.date | None) -> bool:
    if as_of is None:
        return m.get("valid_to") is None and (m.get("status") or "").lower() not in ENDED
    start = m.get("first_approval_date")
    return bool(start and start <= as_of and (m.get("valid_to") is None or m["valid_to"] > as_of))


def _approval_item(i: Fact) -> ChainItem:
    r = i.row
    return ChainItem(kind="indication", by=r["agency"], id=i.id, date=r.get("first_approval_date"),
                     status=r.get("approval_type"), text=r.get("text"),
                     source=f"{r['source']}@{r['source_version']}")  # fmt: skip


def _medicine_item(m: dict[str, Any]) -> ChainItem:
    flags = [m.get("approval_type") or "", "orphan" if m.get("orphan") else "",
             m.get("status") or ""]  # fmt: skip
    return ChainItem(kind="authorisation", by=m["agency"], id=m["id"],
                     date=m.get("first_approval_date"),
                     status=", ".join(f for f in flags if f) or None,
                     text=m.get("product"),
                     source=f"{m['source']}@{m['source_version']}")  # fmt: skip


def _decision_item(d: Fact) -> ChainItem:
    r = d.row
    return ChainItem(kind="decision", by=HtaBody.NYE_METODER.value, id=r.get("method_id") or d.id,
                     date=r.get("decision_date"), status=r.get("status"), text=r.get("text"),
                     source=f"{r['source']}@{r['source_version']}")  # fmt: skip
