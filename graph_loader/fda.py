"""FDA's "Compilation of CDER New Molecular Entity (NME) Drug and New Biologic Approvals" (CSV):
one ``Approval`` per cancer medicine's first approval.

Each row whose indication names a cancer becomes ``Approval`` ``fda:NDA208065`` with
``scope="medicine"``: proprietary name, application, the approved use as FDA words it, the first
approval date, accelerated approval (``approval_type="accelerated"``; "Yes (indication [B] only)"
counts) and orphan designation. Per-indication FDA approvals with biomarkers come from MOAlmanac;
this adds every new cancer drug since 1985 with its pathway flags.

Licence: U.S. Government work, public domain.
"""

from __future__ import annotations

import datetime as dt

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, one_file
from graph_loader.framework import Source, SourceMeta, TransformResult
from graph_loader.regulatory import ONCOLOGY, therapy_of, version_from_name
from graph_loader.tables import checked_rows, parse_date, read_table
from ontology.models import Approval
from ontology.vocab import Agency, ApprovalType, Label, RelType

META = SourceMeta(
    name="fda",
    licence="public domain (U.S. Government work)",
    url="https://www.fda.gov/drugs/drug-approvals-and-databases/compilation-cder-new-molecular-entity-nme-drug-and-new-biologic-approvals",
    citation="U.S. FDA CDER, Compilation of CDER NME Drug and New Biologic Approvals",
)
NAME, INGREDIENT, KIND = "Proprietary  Name", "Active Ingredient/Moiety", "NDA/BLA"
NUMBER, DATE = "Application Number(1)", "FDA Approval Date"
COLUMNS = (
    NAME, INGREDIENT, KIND, NUMBER, DATE, "Abbreviated Indication(s)", "Approved Use(s)",
    "Orphan Drug Designation", "Accelerated Approval",
)  # fmt: skip


def transform(
    raw: RawFile, version: str | None = None, retrieved_at: str | None = None
) -> TransformResult:
    # the published header has stray spaces (" Application Number(1)"); read_table strips them
    rows = read_table(raw, COLUMNS, INGREDIENT, "FDA's NME and new biologic approvals compilation")
    result = TransformResult(source=META.for_file(raw, version or "unversioned", retrieved_at))
    collect = ConceptCollector(result)
    seen: dict[str, int] = {}
    dates: list[dt.date] = []
    for line, row, reject in checked_rows(raw.name, rows, result):
        use = " ".join(f"{row['Abbreviated Indication(s)']} {row['Approved Use(s)']}".split())
        if not ONCOLOGY.search(use):
            result.skipped["not a cancer medicine"] += 1
            continue
        number = str(row[NUMBER]).strip()
        if not number.isdigit():
            reject("malformed application number", f"{number!r}, expected digits", NUMBER)
            continue
        try:
            approved = parse_date(row[DATE], order="mdy")
        except ValueError as exc:
            reject("unparseable date", str(exc), DATE)
            continue
        aid = f"fda:{str(row[KIND]).strip()}{number}"
        if aid in seen:
            reject("duplicate application", f"{aid} (first at row {seen[aid]})", NUMBER)
            continue
        seen[aid] = line
        accelerated = str(row["Accelerated Approval"] or "").strip().lower().startswith("yes")
        collect.node(Approval(
            id=aid, source_record_id=aid.removeprefix("fda:"), agency=Agency.FDA, scope="medicine",
            product=str(row[NAME]).strip() or None, application_number=number,
            indication_text=" ".join(str(row["Approved Use(s)"] or "").split()) or use,
            approval_type=ApprovalType.FDA_ACCELERATED if accelerated else ApprovalType.FDA_REGULAR,
            first_approval_date=approved, valid_from=approved,
            orphan=str(row["Orphan Drug Designation"]).strip().lower().startswith("yes"),
        ))  # fmt: skip
        therapy = therapy_of(collect, str(row[INGREDIENT] or ""))
        if therapy:
            collect.rel(RelType.APPROVES, Label.APPROVAL, aid, Label.THERAPY, therapy)
        if approved:
            dates.append(approved)
    if version is None:  # the compilation is named by its span: its latest approval dates it
        latest = max(dates).isoformat() if dates else version_from_name(raw) or raw.sha256[:12]
        result.source = META.for_file(raw, latest, retrieved_at)
    return result


SOURCE = Source(
    name="fda",
    description=(
        "FDA compilation of NME and new biologic approvals (CSV): first approvals of cancer "
        "medicines with accelerated-approval and orphan flags"
    ),
    meta=META,
    read=one_file,
    transform=transform,
    needs={},
)
