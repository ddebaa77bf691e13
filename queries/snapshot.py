"""The graph read once: every fact the matching rules need, as typed rows.

A :class:`Snapshot` wraps a store (anything that runs Cypher) and fetches each part the first time
it is asked for, with a few catalog queries: the gene, tumour and drug indexes, the two IS_A
hierarchies, clinical and predictive evidence, regulatory indications, medicine authorisations,
HTA decisions and trial arms (one arm index). Answers (evidence, chain, gaps, coverage, the
board, cohorts and arms) and the loaders that normalise against the graph read from it; nothing
else builds these indexes.

A long-lived process (a web server) keeps one snapshot and replaces it when
:meth:`Snapshot.versions` changes (a load completed); :meth:`Snapshot.warm` fetches every part at
once. A snapshot also runs Cypher itself (it delegates to its store), so it can be passed wherever
a runner is expected.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from ontology.matching import Hierarchy, is_solid
from ontology.normalise import GeneIndex, TumourIndex, drug_match_key
from ontology.vocab import HtaBody
from queries import SourceRow, list_sources
from queries.catalog import CypherRunner, run_named

# ---------------------------------------------------------------------------------------------
# Typed facts
# ---------------------------------------------------------------------------------------------


@dataclass
class Fact:
    """One evidence item, indication, decision or trial arm with the sets of what it links to."""

    id: str
    source: str | None = None
    source_version: str | None = None
    therapy_id: str | None = None
    therapy: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    tissue_agnostic: bool = False
    drugs: set[str] = field(default_factory=set)
    alterations: dict[str, str] = field(default_factory=dict)  # id -> name
    tumours: dict[str, str] = field(default_factory=dict)  # code -> name

    @property
    def match_tumours(self) -> list[str]:
        """Tumour types to match on: none for a tissue-agnostic fact (any solid tumour)."""
        return [] if self.tissue_agnostic else list(self.tumours)

    def tumour_items(self) -> list[tuple[str | None, str | None]]:
        return sorted(self.tumours.items()) or [(None, None)]

    @property
    def label(self) -> str:
        """``id [source@version]``, as answers cite a fact."""
        return f"{self.id} [{self.source}@{self.source_version}]"

    def _absorb(self, r: dict[str, Any]) -> None:
        if r.get("drug_id"):
            self.drugs.add(r["drug_id"])
        if r.get("alteration_id"):
            self.alterations[r["alteration_id"]] = r.get("alteration") or r["alteration_id"]
        if r.get("tumour_code"):
            self.tumours[r["tumour_code"]] = r.get("tumour") or r["tumour_code"]


@dataclass
class EvidenceFact(Fact):
    """Clinical evidence of benefit (the ``clinical_evidence`` query)."""

    level: str | None = None
    framework: str | None = None
    years: set[int] = field(default_factory=set)  # publication years

    def _absorb(self, r: dict[str, Any]) -> None:
        super()._absorb(r)
        if r.get("year") is not None:
            self.years.add(int(r["year"]))


@dataclass
class IndicationFact(Fact):
    """One regulatory indication (``regulatory_indications``)."""

    agency: str = ""
    product: str | None = None
    approval_type: str | None = None
    first_approval_date: dt.date | None = None
    text: str | None = None
    url: str | None = None


@dataclass
class DecisionFact(Fact):
    """One HTA decision (``hta_decisions``) with the indications it assesses."""

    method_id: str | None = None
    status: str | None = None
    decision_date: dt.date | None = None
    current: bool | None = None
    text: str | None = None
    decision_full: str | None = None
    biomarker_basis: str | None = None
    excluded: frozenset[str] = frozenset()  # alteration ids the decision excludes
    assesses: set[str] = field(default_factory=set)

    def _absorb(self, r: dict[str, Any]) -> None:
        super()._absorb(r)
        if r.get("assesses"):
            self.assesses.add(r["assesses"])


@dataclass
class ArmFact(Fact):
    """One trial arm or registry cohort (``trial_arms``): the one arm index."""

    trial_id: str | None = None
    name: str | None = None
    status: str | None = None
    biomarker_text: str | None = None
    excluded: frozenset[str] = frozenset()
    synthetic: bool = False
    outcomes: int = 0
    expansion_of: str | None = None  # arm id of the positive cohort it expands
    payment_model: str | None = None


@dataclass(frozen=True)
class MedicineRow:
    """A whole marketing authorisation (``medicine_approvals``)."""

    id: str
    agency: str
    drug_id: str
    drug: str | None = None
    product: str | None = None
    application_number: str | None = None
    approval_type: str | None = None
    first_approval_date: dt.date | None = None
    valid_to: dt.date | None = None
    status: str | None = None
    orphan: bool | None = None
    atc_code: str | None = None
    url: str | None = None
    source: str | None = None
    source_version: str | None = None


@dataclass(frozen=True)
class PredictiveRow:
    """One predictive evidence item about one alteration (``predictive_evidence``)."""

    evidence_id: str
    source: str
    source_version: str | None
    kind: str | None
    level: str | None
    framework: str | None
    significance: str | None
    direction: str | None
    rating: int | None
    disagreement: str | None  # the source contradicts the text it cites: shown, never tiered
    alteration_id: str
    alteration: str
    tumour_code: str | None
    tumour: str | None
    therapy_id: str
    therapy: str | None


_MISSING = object()
F = TypeVar("F", bound=Fact)
T = TypeVar("T")


def _facts(rows: Iterable[dict[str, Any]], cls: type[F]) -> dict[tuple[str, str | None], F]:
    """One fact per (id, therapy): an indication approving two therapies is two facts. Scalar
    fields come from the first row; sets accumulate over all of them."""
    names = set(cls.__dataclass_fields__) - {"drugs", "alterations", "tumours", "years",
                                              "assesses", "excluded"}  # fmt: skip
    facts: dict[tuple[str, str | None], F] = {}
    for r in rows:
        fid = r.get("id") or r["evidence_id"]
        key = (fid, r.get("therapy_id"))
        fact = facts.get(key)
        if fact is None:
            values = {k: r[k] for k in names if k in r and r[k] is not None}
            values["id"] = fid
            if "tissue_agnostic" in values:
                values["tissue_agnostic"] = bool(values["tissue_agnostic"])
            if "synthetic" in values:
                values["synthetic"] = bool(values["synthetic"])
            if cls in (ArmFact, DecisionFact):
                values["excluded"] = frozenset(r.get("excluded") or ())
            fact = facts[key] = cls(**values)
        fact._absorb(r)
    return facts


# ---------------------------------------------------------------------------------------------
# The snapshot
# ---------------------------------------------------------------------------------------------


class Snapshot:
    """The graph read once (see the module doc). Parts are fetched on first use."""

    def __init__(self, runner: CypherRunner, cache_reads: bool = False) -> None:
        self.runner = runner
        self._memo: dict[str, Any] = {}
        self._kept: dict[str, dict[Hashable, Any]] = {}
        self._kept_lock = threading.Lock()
        # A served snapshot (``oncograph serve``) also keeps the answers of oncograph's own
        # fixed reads made after warm-up (tumour and gene lookups, ...), so that every answer it
        # gives comes from the state it was warmed on and repeats cost no round trip.
        self.cache_reads = cache_reads

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A derived answer computed once per snapshot (arm outcome summaries, ...)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def keep(self, kind: str, key: Hashable, compute: Callable[[], T], size: int) -> T:
        """An answer by its parameters, computed once per snapshot: at most ``size`` of each
        ``kind``, the oldest dropped first (the keys hold users' parameters, so they are
        bounded). Safe from several threads (two may compute the same answer once each)."""
        store = self._kept.setdefault(kind, {})
        hit = store.get(key, _MISSING)
        if hit is not _MISSING:
            return hit
        value = compute()
        with self._kept_lock:
            if len(store) >= size:
                store.pop(next(iter(store)), None)
            store[key] = value
        return value

    READ_CACHE_SIZE = 20_000

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if not self.cache_reads:
            return self.runner.read(cypher, params)
        key = (cypher, json.dumps(params or {}, sort_keys=True, default=str))
        rows = self.keep("reads", key, lambda: self.runner.read(cypher, params),
                         self.READ_CACHE_SIZE)  # fmt: skip
        return [dict(r) for r in rows]  # callers may change their rows

    # -- refresh --------------------------------------------------------------------------------
    @cached_property
    def sources(self) -> list[SourceRow]:
        """The releases loaded (``oncograph sources``)."""
        return list_sources(self.runner)

    def versions(self) -> tuple[tuple[str, str | None], ...]:
        """What the snapshot was read from: each source and its last complete run (fetched
        afresh; compare with a cached snapshot's to know whether to replace it)."""
        return tuple((r["id"], r["last_complete_run_id"]) for r in run_named(self.runner,
                                                                            "sources"))  # fmt: skip

    def warm(self, attempts: int = 20) -> Snapshot:
        """Fetch every part now (a server does this before serving the snapshot), all from one
        state of the graph: where the store has a publication counter (Neo4j, whose statements
        each see what is committed when they run), a load that published between the first part
        and the last makes the parts be fetched again (at most ``attempts`` times, then as read)."""
        counter = getattr(self.runner, "publication", None)
        for attempt in range(attempts):
            before = counter() if counter else None
            for name in PARTS:
                getattr(self, name)
            after = counter() if counter else None
            if before is None or (before == after and before % 2 == 0):
                return self
            for name in PARTS:  # a load published meanwhile: read it all again
                self.__dict__.pop(name, None)
            self._memo.clear()
            self._kept.clear()
            time.sleep(min(0.05 * 2**attempt, 1.0))
        return self

    # -- reference indexes ----------------------------------------------------------------------
    @cached_property
    def genes(self) -> GeneIndex:
        """The HGNC genes (empty if HGNC is not loaded)."""
        index = GeneIndex()
        for r in run_named(self.runner, "gene_index"):
            index.add(r["id"], r["symbol"], r["aliases"] or (), r["previous"] or (), r["entrez"])
        return index

    @cached_property
    def tumours(self) -> TumourIndex:
        """The OncoTree tumour types by code, name and previous code."""
        index = TumourIndex()
        for r in run_named(self.runner, "tumour_index"):
            index.add(r["code"], r["name"], r["keys"] or ())
        return index

    @cached_property
    def drugs(self) -> dict[str, tuple[str, str]]:
        """Match key -> (drug id, INN): English and Norwegian spellings share a key."""
        return {drug_match_key(r["name"]): (r["id"], r["name"])
                for r in run_named(self.runner, "drug_index")}  # fmt: skip

    @cached_property
    def drug_names(self) -> dict[str, str]:
        """Drug id -> INN."""
        return {i: n for i, n in self.drugs.values()}

    @cached_property
    def solid(self) -> dict[str, bool]:
        """Tumour code -> whether it counts as solid (:func:`ontology.matching.is_solid`)."""
        return {r["code"]: is_solid(r["solid"]) for r in run_named(self.runner, "tumour_solid")}

    def is_solid(self, code: str) -> bool:
        return self.solid.get(code, is_solid(None))

    @cached_property
    def alteration_hierarchy(self) -> Hierarchy:
        return Hierarchy.from_edges(
            (r["id"], r["broader_id"]) for r in run_named(self.runner, "alteration_is_a")
        )

    @cached_property
    def tumour_hierarchy(self) -> Hierarchy:
        return Hierarchy.from_edges(
            (r["code"], r["parent"]) for r in run_named(self.runner, "tumour_is_a")
        )

    # -- facts ----------------------------------------------------------------------------------
    @cached_property
    def evidence(self) -> dict[tuple[str, str | None], EvidenceFact]:
        """Clinical evidence of benefit (CIViC A/B, approval-level, positive cohorts)."""
        from ontology.matching import CLINICAL_LEVELS

        rows = run_named(self.runner, "clinical_evidence", {"levels": list(CLINICAL_LEVELS)})
        return _facts(rows, EvidenceFact)

    @cached_property
    def predictive(self) -> dict[str, list[PredictiveRow]]:
        """Every predictive evidence item, by the alteration it is about."""
        out: dict[str, list[PredictiveRow]] = defaultdict(list)
        for r in run_named(self.runner, "predictive_evidence"):
            out[r["alteration_id"]].append(PredictiveRow(**r))
        return dict(out)

    @cached_property
    def known_variants(self) -> frozenset[str]:
        """Alleles, codons and exon classes some evidence (of any type) is about."""
        rows = run_named(self.runner, "evidence_alterations",
                         {"kinds": ["protein_change", "codon", "exon"]})  # fmt: skip
        return frozenset(r["id"] for r in rows)

    @cached_property
    def indications(self) -> dict[tuple[str, str | None], IndicationFact]:
        return _facts(run_named(self.runner, "regulatory_indications"), IndicationFact)

    @cached_property
    def indications_by_alteration(self) -> dict[str, list[IndicationFact]]:
        """EMA and FDA indications by each alteration they require."""
        out: dict[str, list[IndicationFact]] = defaultdict(list)
        for fact in self.indications.values():
            if fact.agency in ("EMA", "FDA"):
                for alteration in fact.alterations:
                    out[alteration].append(fact)
        return dict(out)

    @cached_property
    def decisions(self) -> dict[tuple[str, str | None], DecisionFact]:
        rows = run_named(self.runner, "hta_decisions", {"body": HtaBody.NYE_METODER.value})
        return _facts(rows, DecisionFact)

    @cached_property
    def medicines(self) -> list[MedicineRow]:
        return [MedicineRow(**r) for r in run_named(self.runner, "medicine_approvals")]

    @cached_property
    def arm_facts(self) -> dict[tuple[str, str | None], ArmFact]:
        return _facts(run_named(self.runner, "trial_arms"), ArmFact)

    @cached_property
    def arms(self) -> dict[str, ArmFact]:
        """Trial arms and registry cohorts by id (an arm gives one therapy)."""
        out: dict[str, ArmFact] = {}
        for arm in self.arm_facts.values():
            out.setdefault(arm.id, arm)
        return out

    @cached_property
    def arm_alterations(self) -> set[str]:
        return {a for arm in self.arms.values() for a in arm.alterations}

    @cached_property
    def therapy_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for fact in self._all_facts():
            if fact.therapy_id:
                names.setdefault(fact.therapy_id, fact.therapy or fact.therapy_id)
        return names

    def therapy_name(self, therapy_id: str) -> str:
        """A therapy's name from the facts, else from the predictive evidence (fetched only if
        asked for), else its id."""
        if therapy_id in self.therapy_names:
            return self.therapy_names[therapy_id]
        names = self.memo("predictive_therapy_names", lambda: {
            r.therapy_id: r.therapy for rows in self.predictive.values() for r in rows
            if r.therapy})  # fmt: skip
        return names.get(therapy_id, therapy_id)

    @cached_property
    def therapy_drugs(self) -> dict[str, set[str]]:
        drugs: dict[str, set[str]] = defaultdict(set)
        for fact in self._all_facts():
            if fact.therapy_id:
                drugs[fact.therapy_id] |= fact.drugs
        return dict(drugs)

    def _all_facts(self) -> Iterable[Fact]:
        yield from self.evidence.values()
        yield from self.indications.values()
        yield from self.decisions.values()
        yield from self.arm_facts.values()


PARTS = ("sources", "genes", "tumours", "drugs", "solid", "alteration_hierarchy", "known_variants",
         "tumour_hierarchy", "evidence", "predictive", "indications", "indications_by_alteration",
         "decisions", "medicines", "arm_facts", "arms", "arm_alterations", "therapy_names",
         "therapy_drugs")  # fmt: skip


def snapshot_of(graph: Snapshot | CypherRunner) -> Snapshot:
    """The snapshot itself, or a new one over a store."""
    return graph if isinstance(graph, Snapshot) else Snapshot(graph)
