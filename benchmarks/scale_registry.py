"""A national-scale SYNTHETIC cohort registry and outcome file for ``benchmarks/bench_scale.py``.

    python benchmarks/scale_registry.py 100000 OUT_DIR [--seed 2030]

writes ``OUT_DIR/cohorts_<N>_SYNTHETIC.csv`` and ``OUT_DIR/outcomes_<N>_SYNTHETIC.csv`` in the
formats of docs/cohorts.md. Nothing here is real and nothing is downloaded: the cohorts, pseudonyms,
dates and outcomes are generated with a fixed seed (the same N and seed give the same files).

* The registry keeps the 8 bundled demo cohorts (trial IMPRESS-SYNTHETIC) and adds
  ``max(8, N // 1000)`` cohorts of trial IMPRESS-SCALE-SYNTHETIC, each a real biomarker, targeted
  therapy and OncoTree tumour type from :data:`TARGETS` (every pair has predictive evidence in the
  bundled CIViC/MOAlmanac data); every tenth is the pay-for-performance expansion of the one
  before it.
* The outcome file holds N patients: the 120 bundled ones as they are, and N - 120 generated ones
  (pseudonyms SCALE-0000001 ...) spread over the generated cohorts, each with the cohort's
  biomarker and 0-3 other alterations from :data:`CO_ALTERATIONS`, a treatment start in the
  cohort's open period, and a course that passes the loader's checks (graph_loader/outcomes.py:
  dates not before the start, follow-up not before the end of treatment, PFS <= OS).

Every row says synthetic=true and each file starts with a "# SYNTHETIC DATA" line.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_DIR = ROOT / "graph_loader" / "bundled" / "synthetic"
BUNDLED_COHORTS = BUNDLED_DIR / "impress_cohorts_SYNTHETIC.csv"
BUNDLED_OUTCOMES = BUNDLED_DIR / "impress_outcomes_SYNTHETIC.csv"
TRIAL = "IMPRESS-SCALE-SYNTHETIC"
TRIAL_TITLE = "Synthetic national-scale basket trial registry (benchmark)"
PROTOCOL = "IMPRESS-SCALE-SYNTHETIC protocol v1.0 (synthetic)"
CUTOFF = dt.date(2026, 10, 31)  # the data cut-off, as in the bundled files
LAST_START = CUTOFF - dt.timedelta(days=140)  # every patient has had the week-16 assessment
FIRST_OPENED = dt.date(2018, 1, 2)
MONTH_DAYS = 30.44

COHORT_COLUMNS = ["trial_id", "trial_title", "cohort_id", "cohort_name", "tumour", "alterations",
                  "therapy", "status", "stage", "planned_size", "opened", "closed", "synthetic",
                  "protocol", "expansion_of", "payment_model", "company_paid_weeks"]  # fmt: skip
OUTCOME_COLUMNS = ["pseudonym", "trial_id", "cohort_id", "tumour", "alterations",
                   "treatment_start", "best_response", "evaluable", "benefit_week16", "pfs_months",
                   "pfs_event", "os_months", "os_event", "synthetic", "week16_date",
                   "treatment_end", "stop_reason", "last_followup"]  # fmt: skip

#: (biomarker, therapy, OncoTree codes): real targeted-therapy pairs, each with predictive evidence
#: for the therapy in the bundled CIViC/MOAlmanac data (bench_scale.py checks this after the demo
#: load and reports any pair that no longer resolves)
TARGETS: list[tuple[str, str, tuple[str, ...]]] = [
    ("BRAF V600E", "dabrafenib + trametinib", ("NSCLC", "MEL", "THAP", "HGGNOS")),
    ("BRAF V600E", "encorafenib + cetuximab", ("COADREAD", "COAD")),
    ("BRAF V600E", "vemurafenib", ("MEL", "ECD", "HCL")),
    ("BRAF V600E", "encorafenib + binimetinib", ("MEL", "NSCLC")),
    ("BRAF V600K", "dabrafenib + trametinib", ("MEL",)),
    ("EGFR L858R", "osimertinib", ("NSCLC", "LUAD")),
    ("EGFR exon 19 deletion", "osimertinib", ("NSCLC", "LUAD")),
    ("EGFR exon 19 deletion", "afatinib", ("LUAD",)),
    ("EGFR T790M", "osimertinib", ("NSCLC",)),
    ("EGFR exon 20 insertion", "amivantamab", ("NSCLC",)),
    ("EGFR L858R", "erlotinib", ("NSCLC",)),
    ("ALK fusion", "alectinib", ("NSCLC",)),
    ("ALK fusion", "lorlatinib", ("NSCLC",)),
    ("ALK fusion", "crizotinib", ("ALCL", "IMT")),
    ("ALK fusion", "brigatinib", ("NSCLC",)),
    ("ROS1 fusion", "entrectinib", ("NSCLC",)),
    ("ROS1 fusion", "crizotinib", ("NSCLC",)),
    ("RET fusion", "selpercatinib", ("NSCLC", "THPA", "THYROID")),
    ("RET fusion", "pralsetinib", ("NSCLC", "THPA")),
    ("NTRK1 fusion", "larotrectinib", ("SARCNOS", "IFS", "THPA")),
    ("NTRK3 fusion", "entrectinib", ("SARCNOS", "MASC")),
    ("KRAS G12C", "sotorasib", ("NSCLC", "COADREAD", "PAAD")),
    ("KRAS G12C", "adagrasib", ("NSCLC", "COADREAD")),
    ("KRAS G12C", "divarasib", ("NSCLC",)),
    ("MET exon 14 skipping", "capmatinib", ("NSCLC",)),
    ("MET exon 14 skipping", "tepotinib", ("NSCLC",)),
    ("ERBB2 amplification", "trastuzumab + pertuzumab", ("COADREAD", "CHOL", "BLCA", "PAAD")),
    ("ERBB2 amplification", "trastuzumab", ("BRCA", "STAD")),
    ("ERBB2 amplification", "trastuzumab deruxtecan", ("BRCA", "STAD", "GEJ", "NSCLC")),
    ("ERBB2 amplification", "lapatinib", ("BRCA",)),
    ("ERBB2 exon 20 insertion", "trastuzumab deruxtecan", ("NSCLC",)),
    ("BRCA1 mutation", "olaparib", ("OVARY", "BRCA", "PAAD", "PRAD")),
    ("BRCA2 mutation", "olaparib", ("PRAD", "OVARY", "BRCA", "PAAD")),
    ("BRCA1 mutation", "rucaparib", ("OVARY",)),
    ("BRCA2 mutation", "rucaparib", ("OVARY",)),
    ("IDH1 R132H", "ivosidenib", ("CHOL", "AML")),
    ("IDH1 mutation", "ivosidenib", ("CHOL",)),
    ("FGFR3 mutation", "erdafitinib", ("BLCA",)),
    ("PIK3CA H1047R", "alpelisib", ("BRCA",)),
    ("PIK3CA mutation", "alpelisib + fulvestrant", ("BRCA",)),
    ("KIT exon 11 mutation", "imatinib", ("GIST",)),
    ("PDGFRA D842V", "crenolanib", ("GIST",)),
    ("KIT D816V", "midostaurin", ("SM",)),
    ("FLT3 internal tandem duplication", "gilteritinib", ("AML",)),
    ("ESR1 mutation", "elacestrant", ("BRCA",)),
    ("NRG1 fusion", "zenocutuzumab", ("NSCLC", "PAAD")),
    ("NF1 mutation", "selumetinib", ("NST",)),
    ("EZH2 activating mutation", "tazemetostat", ("FL",)),
]

#: the other alterations a patient may carry (0-3 of them): a bounded vocabulary of real names
CO_ALTERATIONS = [
    "TP53 R175H", "TP53 R273H", "TP53 R248Q", "TP53 mutation", "KRAS G12D", "KRAS G12V",
    "KRAS G13D", "NRAS Q61K", "NRAS Q61R", "PIK3CA E545K", "PIK3CA H1047R", "APC R1450*",
    "PTEN deletion", "CDKN2A deletion", "SMAD4 deletion", "ARID1A mutation", "STK11 mutation",
    "KEAP1 mutation", "ATM mutation", "CHEK2 mutation", "MYC amplification",
    "CCND1 amplification", "CDK4 amplification", "MDM2 amplification", "ESR1 D538G", "AKT1 E17K",
    "IDH1 R132H", "ERBB2 V777L", "FGFR1 amplification", "NF1 mutation", "RB1 deletion",
    "CTNNB1 S45F", "GNAS R201H", "SF3B1 K700E", "MET amplification", "EGFR amplification",
    "ERBB3 V104M", "FBXW7 R465C", "KMT2D mutation", "NOTCH1 mutation",
]  # fmt: skip

# status of a generated cohort (not an expansion), with its weight
STATUSES = (("recruiting", 55), ("active, not recruiting", 20), ("closed", 15), ("completed", 10))
# share of patients with disease control at week 16, per cohort: from cohorts closed in stage 1
# to clearly positive ones
BENEFIT_RATES = (0.03, 0.1, 0.2, 0.3, 0.45)
NOT_EVALUABLE = 0.05  # stopped before the first assessment (best response NE)


@dataclass(frozen=True)
class Cohort:
    """One registry row (docs/cohorts.md) and, for generated cohorts, how its patients fare."""

    trial_id: str
    cohort_id: str
    name: str
    tumour: str
    alterations: str
    therapy: str
    status: str
    stage: int | None = None
    planned_size: int | None = None
    opened: dt.date | None = None
    closed: dt.date | None = None
    expansion_of: str = ""
    payment_model: str = "trial"
    company_paid_weeks: int | None = None
    benefit_rate: float = 0.0
    weight: float = 0.0  # share of the generated patients (0: none; the bundled cohorts)

    @property
    def arm_id(self) -> str:
        return f"{self.trial_id}/{self.cohort_id}"

    @property
    def biomarker(self) -> str:
        """The first alteration the cohort accepts."""
        return self.alterations.split(";")[0].strip()

    def row(self) -> list[str]:
        values = [self.trial_id, TRIAL_TITLE, self.cohort_id, self.name, self.tumour,
                  self.alterations, self.therapy, self.status, self.stage, self.planned_size,
                  self.opened, self.closed, "true", PROTOCOL, self.expansion_of,
                  self.payment_model, self.company_paid_weeks]  # fmt: skip
        return ["" if v is None else str(v) for v in values]


@dataclass(frozen=True)
class Registry:
    """What :func:`write_registry` wrote."""

    cohorts_csv: Path
    outcomes_csv: Path
    cohorts: list[Cohort]  # the bundled ones first
    patients: int


def _data_rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def bundled_cohorts() -> list[Cohort]:
    """The 8 cohorts of the bundled demo registry."""
    return [
        Cohort(
            trial_id=r["trial_id"],
            cohort_id=r["cohort_id"],
            name=r["cohort_name"],
            tumour=r["tumour"],
            alterations=r["alterations"],
            therapy=r["therapy"],
            status=r["status"],
        )
        for r in _data_rows(BUNDLED_COHORTS)
    ]


def bundled_patients() -> int:
    return len(_data_rows(BUNDLED_OUTCOMES))


def generated_cohorts(n_patients: int, rng: random.Random) -> list[Cohort]:
    """``max(8, n_patients // 1000)`` cohorts of the scale trial (see the module doc)."""
    combos = [(alt, therapy, code) for alt, therapy, codes in TARGETS for code in codes]
    rng.shuffle(combos)
    statuses, weights = zip(*STATUSES, strict=True)
    out: list[Cohort] = []
    for i in range(max(8, n_patients // 1000)):
        cid = f"S{i + 1:04d}"
        if i % 10 == 9:  # the expansion of the cohort before, made likely positive
            base = out[-1]
            opened = min(base.opened + dt.timedelta(days=rng.randint(400, 700)), LAST_START)
            out[-1] = base = replace(base, benefit_rate=max(base.benefit_rate, 0.3))
            out.append(Cohort(
                trial_id=TRIAL, cohort_id=cid, name=f"{base.name}, expansion",
                tumour=base.tumour, alterations=base.alterations, therapy=base.therapy,
                status="recruiting", opened=opened, expansion_of=base.cohort_id,
                payment_model="pay-for-performance", company_paid_weeks=16,
                benefit_rate=base.benefit_rate, weight=rng.uniform(0.3, 1.7),
            ))  # fmt: skip
            continue
        alt, therapy, code = combos[i % len(combos)]
        status = rng.choices(statuses, weights)[0]
        stage = 2 if rng.random() < 0.6 else 1
        opened = FIRST_OPENED + dt.timedelta(days=rng.randrange((LAST_START - FIRST_OPENED).days
                                                                - 60))  # fmt: skip
        closed = None
        if status in ("closed", "completed"):
            closed = min(opened + dt.timedelta(days=rng.randint(300, 1500)), LAST_START)
        out.append(Cohort(
            trial_id=TRIAL, cohort_id=cid, name=f"{alt} {code}, {therapy}", tumour=code,
            alterations=alt, therapy=therapy, status=status, stage=stage,
            planned_size=24 if stage == 2 else 8, opened=opened, closed=closed,
            benefit_rate=rng.choice(BENEFIT_RATES), weight=rng.uniform(0.3, 1.7),
        ))  # fmt: skip
    return out


def patient_row(rng: random.Random, number: int, cohort: Cohort) -> list[str]:
    """One generated patient of ``cohort`` (columns :data:`OUTCOME_COLUMNS`)."""
    assert cohort.opened is not None
    last = cohort.closed or LAST_START
    start = cohort.opened + dt.timedelta(days=rng.randint(0, (last - cohort.opened).days))
    others = [a for a in rng.sample(CO_ALTERATIONS, rng.randint(0, 3)) if a != cohort.biomarker]
    head = [f"SCALE-{number:07d}", cohort.trial_id, cohort.cohort_id, cohort.tumour,
            "; ".join([cohort.biomarker, *others]), start.isoformat()]  # fmt: skip
    to_cutoff = (CUTOFF - start).days / MONTH_DAYS

    def day(months: float) -> dt.date:
        return min(start + dt.timedelta(days=round(months * MONTH_DAYS)), CUTOFF)

    if rng.random() < NOT_EVALUABLE:  # stopped for toxicity before the first scan
        end = start + dt.timedelta(days=rng.randint(7, 40))
        os_ = round(min(rng.uniform(1.5, 9.0), to_cutoff), 1)
        died = os_ < to_cutoff and rng.random() < 0.3
        return head + ["NE", "false", "", "", "", os_, str(died).lower(), "true", "",
                       end.isoformat(), "toxicity", max(end, day(os_)).isoformat()]  # fmt: skip
    good = rng.random() < cohort.benefit_rate
    response = rng.choice(("CR", "PR", "PR", "SD", "SD", "SD")) if good else "PD"
    pfs = rng.uniform(4.0, 30.0) if good else rng.uniform(0.8, 3.6)
    os_ = pfs + rng.uniform(1.0, 24.0)
    progressed = pfs <= to_cutoff  # else on treatment at the cut-off: censored
    died = os_ <= to_cutoff and rng.random() < 0.6
    pfs, os_ = round(min(pfs, to_cutoff), 1), round(min(os_, to_cutoff), 1)
    week16 = start + dt.timedelta(days=112 + rng.randint(-4, 6))
    end, reason = "", ""
    if progressed:
        toxicity = rng.random() < 0.1
        stopped = day(pfs * rng.uniform(0.4, 0.9) if toxicity else pfs)
        end, reason = stopped.isoformat(), "toxicity" if toxicity else "progression"
    followup = day(os_)
    if end:
        followup = max(followup, dt.date.fromisoformat(end))
    return head + [response, "true", str(good).lower(), pfs, str(progressed).lower(), os_,
                   str(died).lower(), "true", week16.isoformat(), end, reason,
                   followup.isoformat()]  # fmt: skip


def write_registry(n_patients: int, directory: Path, seed: int = 2030) -> Registry:
    """Write the registry and outcome files of ``n_patients`` patients into ``directory``."""
    kept = bundled_patients()
    if n_patients <= kept:
        raise ValueError(f"{n_patients} patients: give more than the {kept} bundled ones")
    rng = random.Random(seed)
    generated = generated_cohorts(n_patients, rng)
    banner = (f"# SYNTHETIC DATA, generated by benchmarks/scale_registry.py (seed {seed}, "
              f"{n_patients} patients): not real patients, cohorts or outcomes")  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    cohorts_csv = directory / f"cohorts_{n_patients}_SYNTHETIC.csv"
    with cohorts_csv.open("w", encoding="utf-8", newline="") as fh:
        fh.write(banner + "\n")
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COHORT_COLUMNS)
        out.writerows([r[c] for c in COHORT_COLUMNS] for r in _data_rows(BUNDLED_COHORTS))
        out.writerows(c.row() for c in generated)
    outcomes_csv = directory / f"outcomes_{n_patients}_SYNTHETIC.csv"
    weights = [c.weight for c in generated]
    with outcomes_csv.open("w", encoding="utf-8", newline="") as fh:
        fh.write(banner + "\n")
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(OUTCOME_COLUMNS)
        out.writerows([r[c] for c in OUTCOME_COLUMNS] for r in _data_rows(BUNDLED_OUTCOMES))
        for number, cohort in enumerate(rng.choices(generated, weights, k=n_patients - kept), 1):
            out.writerow(patient_row(rng, number, cohort))
    return Registry(cohorts_csv, outcomes_csv, bundled_cohorts() + generated, n_patients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patients", type=int)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=2030)
    args = parser.parse_args()
    registry = write_registry(args.patients, args.directory, args.seed)
    print(f"wrote {registry.cohorts_csv} ({len(registry.cohorts)} cohorts) and "
          f"{registry.outcomes_csv} ({registry.patients} patients)")  # fmt: skip


if __name__ == "__main__":
    main()
