"""Comparing two loads of the graph (two releases of a source, in two stores or databases):
evidence added, removed and changed; approvals and decisions that changed; and whether sentinel
cases (alteration x tumour type) get different top answers, the silent regressions a new release
can bring.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from queries.catalog import CypherRunner, run_named
from queries.snapshot import Snapshot

FIELDS = ("level", "significance", "direction", "rating", "alterations", "therapies", "tumours")


class Change(BaseModel):
    kind: str  # evidence, approval, decision
    id: str
    change: str  # added, removed, changed
    fields: dict[str, list[Any]] = {}  # field -> [before, after]
    summary: str = ""


class SentinelChange(BaseModel):
    case: str
    before: list[str]
    after: list[str]
    changed: bool


class DiffReport(BaseModel):
    source: str
    versions: list[list[str]]  # [before versions, after versions]
    changes: list[Change]
    sentinels: list[SentinelChange]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for c in self.changes:
            out[f"{c.kind} {c.change}"] += 1
        return dict(sorted(out.items()))

    def render_text(self, limit: int = 20) -> str:
        """The report as the CLI prints it: counts, then at most ``limit`` changes per kind."""
        out = [f"{self.source}: {', '.join(self.versions[0]) or '-'} -> "
               f"{', '.join(self.versions[1]) or '-'}"]  # fmt: skip
        out += [f"  {name}: {n:,}" for name, n in self.counts().items()]
        shown: dict[str, int] = {}
        for c in self.changes:
            k = f"{c.kind} {c.change}"
            shown[k] = shown.get(k, 0) + 1
            if shown[k] > limit:
                continue
            fields = "; ".join(f"{f} {a!r} -> {b!r}" for f, (a, b) in c.fields.items())
            out.append(f"{c.change:8} {c.kind:9} {c.id}  {fields or c.summary}")
        for x in self.sentinels:
            mark = "CHANGED" if x.changed else "same"
            out.append(f"sentinel {mark}: {x.case}: {', '.join(x.before)} -> {', '.join(x.after)}")
        return "\n".join(out)


def _evidence(runner: CypherRunner, source: str) -> tuple[dict[str, dict[str, Any]], set[str]]:
    items: dict[str, dict[str, Any]] = {}
    versions = set()
    for r in run_named(runner, "evidence_facts", {"source": source}):
        e = items.setdefault(r["id"], {"level": r["level"], "significance": r["significance"],
                                       "direction": r["direction"], "rating": r["rating"],
                                       "alterations": set(), "therapies": set(),
                                       "tumours": set()})  # fmt: skip
        versions.add(r["version"])
        for k, col in (("alterations", "alteration"), ("therapies", "therapy"),
                       ("tumours", "tumour_code")):  # fmt: skip
            if r[col]:
                e[k].add(r[col])
    for e in items.values():
        for k in ("alterations", "therapies", "tumours"):
            e[k] = sorted(e[k])
    return items, versions


def _compare(kind: str, before: dict[str, dict], after: dict[str, dict],
             fields: tuple[str, ...]) -> list[Change]:  # fmt: skip
    out = []
    for i in sorted(set(after) - set(before)):
        out.append(Change(kind=kind, id=i, change="added", summary=_summary(after[i])))
    for i in sorted(set(before) - set(after)):
        out.append(Change(kind=kind, id=i, change="removed", summary=_summary(before[i])))
    for i in sorted(set(before) & set(after)):
        diff = {f: [before[i].get(f), after[i].get(f)] for f in fields
                if before[i].get(f) != after[i].get(f)}  # fmt: skip
        if diff:
            out.append(Change(kind=kind, id=i, change="changed", fields=diff,
                              summary=_summary(after[i])))  # fmt: skip
    return out


def _summary(item: dict[str, Any]) -> str:
    parts = [", ".join(item.get("alterations") or []), ", ".join(item.get("therapies") or []),
             ", ".join(item.get("tumours") or []), str(item.get("level") or item.get("status")
                                                      or "")]  # fmt: skip
    return " | ".join(p for p in parts if p)


def _regulatory(runner: CypherRunner) -> tuple[dict[str, dict], dict[str, dict]]:
    snap = Snapshot(runner)
    approvals = {}
    for f in snap.indications.values():
        approvals[f.id] = {
            "agency": f.agency, "approval_type": f.approval_type,
            "first_approval_date": str(f.first_approval_date), "valid_to": str(f.valid_to),
            "alterations": sorted(f.alterations.values()), "tumours": sorted(f.tumours),
        }  # fmt: skip
    decisions = {f.id: {"status": f.status, "decision_date": str(f.decision_date),
                        "current": f.current, "alterations": sorted(f.alterations.values())}
                 for f in snap.decisions.values()}  # fmt: skip
    return approvals, decisions


def read_sentinels(text: str) -> list[tuple[str, str]]:
    """``BRAF V600E | MEL`` per line (``#`` comments)."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            alteration, _, tumour = line.partition("|")
            out.append((alteration.strip(), tumour.strip()))
    return out


def _top(runner: CypherRunner, cases: list[tuple[str, str]], n: int = 3) -> dict[str, list[str]]:
    from ontology.observed import parse_list
    from queries.board import board_report

    snap = Snapshot(runner)
    out = {}
    for alteration, tumour in cases:
        report = board_report(snap, parse_list(alteration), tumour)
        options = report.alterations[0].options if report.alterations else []
        out[f"{alteration} in {tumour}"] = [f"{o.therapy} ({o.tier})" for o in options[:n]]
    return out


def diff(
    before: CypherRunner,
    after: CypherRunner,
    source: str = "civic",
    sentinels: list[tuple[str, str]] | None = None,
) -> DiffReport:
    ev_before, v_before = _evidence(before, source)
    ev_after, v_after = _evidence(after, source)
    changes = _compare("evidence", ev_before, ev_after, FIELDS)
    ap_before, dec_before = _regulatory(before)
    ap_after, dec_after = _regulatory(after)
    changes += _compare("approval", ap_before, ap_after,
                        ("first_approval_date", "valid_to", "approval_type", "alterations",
                         "tumours"))  # fmt: skip
    changes += _compare("decision", dec_before, dec_after,
                        ("status", "decision_date", "current", "alterations"))  # fmt: skip
    checks = []
    if sentinels:
        top_before, top_after = _top(before, sentinels), _top(after, sentinels)
        for case in top_before:
            checks.append(SentinelChange(case=case, before=top_before[case],
                                         after=top_after[case],
                                         changed=top_before[case] != top_after[case]))  # fmt: skip
    return DiffReport(source=source, versions=[sorted(v_before), sorted(v_after)],
                      changes=changes, sentinels=checks)  # fmt: skip
