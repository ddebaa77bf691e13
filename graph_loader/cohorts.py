"""IMPRESS-Norway / DRUP-style cohort registries (format: docs/cohorts.md): one row per cohort:
trial, cohort id, tumour type, the alterations it accepts, the therapy, status, stage, planned
size, dates. Cohorts become ``TrialArm`` ``<trial>/<cohort>`` of ``Trial`` ``registry:<trial>``.
A cohort registry is a patient-study file: the privacy rules of :mod:`ontology.privacy` apply
before anything else.
"""

from __future__ import annotations

import re

from graph_loader.concepts import ConceptCollector, alterations_from_text
from graph_loader.files import RawFile, one_file
from graph_loader.framework import NORMALISE, Source, SourceMeta, TransformResult
from graph_loader.regulatory import split_substances
from graph_loader.tables import checked_rows, parse_date, parse_flag, patient_rows
from ontology.models import Trial, TrialArm
from ontology.normalise import GeneIndex, TumourIndex
from ontology.vocab import ArmStatus, Label, PaymentModel, RelType, TherapyType

META = SourceMeta(
    name="cohorts",
    licence="as the registry's owner states (synthetic demo files: CC0)",
    citation="IMPRESS-Norway / DRUP-style cohort registry",
)
COLUMNS = ("trial_id", "cohort_id", "tumour", "alterations", "therapy", "status")


def transform(
    raw: RawFile,
    version: str | None = None,
    genes: GeneIndex | None = None,
    tumours: TumourIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    rows = patient_rows(raw, COLUMNS, "cohort_id", "a cohort registry CSV (docs/cohorts.md)")
    result = TransformResult(source=META.for_file(raw, version or raw.sha256[:12],
                                                           retrieved_at))  # fmt: skip
    collect = ConceptCollector(result, genes)
    seen: dict[str, int] = {}
    expansions: dict[str, str] = {}
    for line, row, reject in checked_rows(raw.name, rows, result):
        trial, cohort = str(row["trial_id"]).strip(), str(row["cohort_id"]).strip()
        if not trial or not cohort:
            reject("missing trial or cohort id", "both trial_id and cohort_id are required")
            continue
        arm_id = f"{trial}/{cohort}"
        if arm_id in seen:
            reject("duplicate cohort", f"{arm_id} (first at row {seen[arm_id]})", "cohort_id")
            continue
        match = tumours.resolve(str(row["tumour"])) if tumours is not None else None
        if tumours is not None and match is None:
            reject("unknown tumour type", f"{row['tumour']!r} is not an OncoTree code or name",
                   "tumour")  # fmt: skip
            continue
        status_text = str(row["status"]).strip().lower()
        if status_text not in {s.value for s in ArmStatus}:
            reject("unknown status", f"{row['status']!r}; expected one of "
                   f"{', '.join(s.value for s in ArmStatus)}", "status")  # fmt: skip
            continue
        try:
            concepts = alterations_from_text(str(row["alterations"]), genes)
            stage = int(row["stage"]) if str(row.get("stage") or "").strip() else None
            planned = (
                int(row["planned_size"]) if str(row.get("planned_size") or "").strip() else None
            )
            opened = parse_date(row.get("opened"))
            closed = parse_date(row.get("closed"))
            synthetic = bool(parse_flag(row.get("synthetic")))
            expansion_of, payment, weeks = _payment(row, trial)
        except ValueError as exc:
            reject("bad value", str(exc))
            continue
        if opened and closed and closed < opened:
            reject("bad value", f"closed {closed} is before opened {opened}", "closed")
            continue
        seen[arm_id] = line
        if expansion_of:
            expansions[arm_id] = expansion_of
        collect.node(Trial(id=f"registry:{trial}", source_record_id=trial,
                           title=str(row.get("trial_title") or "").strip() or trial,
                           nct_id=trial if re.fullmatch(r"NCT\d{8}", trial) else None))  # fmt: skip
        collect.node(TrialArm(
            id=arm_id, source_record_id=arm_id, trial_id=f"registry:{trial}", cohort_id=cohort,
            name=str(row.get("cohort_name") or "").strip() or cohort, status=ArmStatus(status_text),
            stage=stage, planned_size=planned, biomarker_text=str(row["alterations"]).strip(),
            synthetic=synthetic, valid_from=opened, valid_to=closed,
            protocol=str(row.get("protocol") or "").strip() or None, expansion_of=expansion_of,
            payment_model=payment, company_paid_weeks=weeks,
        ))  # fmt: skip
        collect.rel(RelType.HAS_ARM, Label.TRIAL, f"registry:{trial}", Label.TRIAL_ARM, arm_id)
        for concept in concepts:
            collect.alteration(concept)
            collect.rel(RelType.REQUIRES, Label.TRIAL_ARM, arm_id, Label.ALTERATION, concept.id,
                        match_level="registry")  # fmt: skip
        if match:
            collect.rel(RelType.FOR_TUMOUR, Label.TRIAL_ARM, arm_id, Label.TUMOUR_TYPE, match.code)
        drugs = [collect.drug(n) for n in split_substances(str(row["therapy"]))]
        if drugs:
            kind = TherapyType.COMBINATION if len(drugs) > 1 else TherapyType.SINGLE
            collect.rel(RelType.GIVES, Label.TRIAL_ARM, arm_id, Label.THERAPY,
                        collect.therapy(drugs, kind))  # fmt: skip
    for arm_id, expanded in sorted(expansions.items()):
        if expanded not in seen:  # an earlier registry file may hold it: counted, not refused
            collect.miss("expanded cohort", f"{expanded} (expansion_of of {arm_id})")
    return result


#: IMPRESS-Norway's expansion cohorts: the company supplies the drug for the first 16 weeks
COMPANY_PAID_WEEKS = 16


def _payment(row: dict, trial: str) -> tuple[str | None, PaymentModel, int | None]:
    """The cohort's expansion_of (an arm id in the same trial), payment model and company-paid
    weeks. An expansion cohort is paid for performance unless the row says otherwise."""
    expands = str(row.get("expansion_of") or "").strip()
    expansion_of = (expands if "/" in expands else f"{trial}/{expands}") if expands else None
    text = str(row.get("payment_model") or "").strip().lower()
    if text and text not in {p.value for p in PaymentModel}:
        raise ValueError(f"payment_model {row['payment_model']!r}; expected "
                         f"{' or '.join(p.value for p in PaymentModel)}")  # fmt: skip
    payment = PaymentModel(text) if text else (
        PaymentModel.PAY_FOR_PERFORMANCE if expansion_of else PaymentModel.TRIAL)  # fmt: skip
    weeks_text = str(row.get("company_paid_weeks") or "").strip()
    if weeks_text and not (weeks_text.isdigit() and 0 < int(weeks_text) <= 520):
        raise ValueError(f"company_paid_weeks {weeks_text!r}; expected whole weeks (1-520)")
    weeks = int(weeks_text) if weeks_text else None
    if payment is PaymentModel.PAY_FOR_PERFORMANCE and weeks is None:
        weeks = COMPANY_PAID_WEEKS
    return expansion_of, payment, weeks


SOURCE = Source(
    name="cohorts",
    description=(
        "IMPRESS-Norway/DRUP-style cohort registry CSV (docs/cohorts.md): cohorts as trial arms"
    ),
    meta=META,
    read=one_file,
    transform=transform,
    needs=NORMALISE,
)
