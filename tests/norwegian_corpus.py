"""Scoring the Norwegian indication reader against the corpus of real phrasings
(tests/fixtures/norwegian_corpus): precision and recall of required biomarkers, excluded
biomarkers and tumour types, over (phrasing, concept) pairs.

    python -m tests.norwegian_corpus          # print the scores and every miss
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from graph_loader.norwegian import read_norwegian

CORPUS = Path(__file__).parent / "fixtures" / "norwegian_corpus" / "norwegian_indications.tsv"

#: the corpus's vocabulary -> the reader's concept names, where they differ (the germline or
#: somatic origin of a BRCA mutation stays in the text; the reader's concept is the mutation)
CORPUS_TO_READER = {
    "TMB-high": "TMB-H",
    "HRD-positive": "HRD",
    "BCR-ABL1 fusion": "BCR::ABL1",
    "BRCA1 germline mutation": "BRCA1 mutation",
    "BRCA2 germline mutation": "BRCA2 mutation",
    "BRCA1 somatic mutation": "BRCA1 mutation",
    "BRCA2 somatic mutation": "BRCA2 mutation",
}


#: rows whose text carries the corpus compiler's own remark in parentheses ("... står ikke i
#: utdraget": the biomarker is not in the excerpt); not indication text, left out of the scores
COMPILER_REMARKS = {"NO020", "NO028", "NO045", "NO046"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, row_id: str, want: set[str], got: set[str]) -> None:
        self.tp += len(want & got)
        self.fp += len(got - want)
        self.fn += len(want - got)
        if want != got:
            self.misses.append(
                f"{row_id}: missing {sorted(want - got)}, extra {sorted(got - want)}"
            )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class CorpusResult:
    rows: int
    required: Score
    excluded: Score
    tumours: Score
    inverted: list[str]  # an exclusion read as a requirement or the other way round


def _terms(cell: str) -> set[str]:
    return {CORPUS_TO_READER.get(t.strip(), t.strip()) for t in cell.split(";") if t.strip()}


def rows() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def score() -> CorpusResult:
    required, excluded, tumours = Score(), Score(), Score()
    inverted = []
    data = [r for r in rows() if r["id"] not in COMPILER_REMARKS]
    for r in data:
        read = read_norwegian(r["text"])
        got_req = {c.name for c in read.alterations}
        got_exc = {c.name for c in read.excluded}
        want_req, want_exc = _terms(r["biomarkers"]), _terms(r["excluded"])
        required.add(r["id"], want_req, got_req)
        excluded.add(r["id"], want_exc, got_exc)
        tumours.add(r["id"], _terms(r["tumours"]), set(read.tumours))
        if (want_exc & got_req) or (want_req & got_exc):
            inverted.append(f"{r['id']}: {sorted(want_exc & got_req)} {sorted(want_req & got_exc)}")
    return CorpusResult(len(data), required, excluded, tumours, inverted)


def main() -> None:
    result = score()
    print(f"{result.rows} phrasings")
    for name in ("required", "excluded", "tumours"):
        s = getattr(result, name)
        print(f"{name:9} precision {s.precision:.3f} recall {s.recall:.3f} "
              f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")  # fmt: skip
    print(f"inverted (exclusion read as requirement or back): {len(result.inverted)}")
    for name in ("required", "excluded", "tumours"):
        print(f"\n-- {name} misses")
        for m in getattr(result, name).misses:
            print("  " + m)


if __name__ == "__main__":
    main()
