"""EMA's medicines list (the "Medicines output" EPAR export, ``.xlsx`` with its header on row 9,
or the same rows as TSV/CSV): one ``Approval`` per cancer medicine's marketing authorisation.

Each human medicine that holds or held a marketing authorisation in the EU (a marketing
authorisation date) and is a cancer medicine (ATC L01/L02, or a cancer term in its therapeutic
area or indication) becomes ``Approval`` ``ema:EMEA/H/C/004124`` with ``scope="medicine"``: the
product, INN, ATC code, the whole therapeutic indication as EMA words it, conditional or
exceptional approval, orphan status, the authorisation date (``valid_from``) and the withdrawal,
expiry, revocation or lapse date (``valid_to``). Per-indication EMA approvals with biomarkers come
from MOAlmanac; this list adds the medicine's regulatory status and flags.

Licence: EMA website content may be reproduced with the source acknowledged (EMA legal notice).
"""

from __future__ import annotations

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, one_file
from graph_loader.framework import Source, SourceMeta, TransformResult
from graph_loader.regulatory import ONCOLOGY, therapy_of, version_from_name
from graph_loader.tables import checked_rows, parse_date, read_table
from ontology.models import Approval
from ontology.vocab import Agency, ApprovalType, Label, RelType

META = SourceMeta(
    name="ema",
    licence="EMA content, reproduction authorised with the source acknowledged (EMA legal notice)",
    url="https://www.ema.europa.eu/en/medicines/download-medicine-data",
    citation="European Medicines Agency, European public assessment reports (EPAR) medicines list",
)
NAME, NUMBER, INN = (
    "Name of medicine",
    "EMA product number",
    ("International non-proprietary name (INN) / common name"),
)
MA_DATE = "Marketing authorisation date"
END_DATE = "Withdrawal / expiry / revocation / lapse of marketing authorisation date"
COLUMNS = (
    "Category", NAME, NUMBER, "Medicine status", INN, "Therapeutic area (MeSH)",
    "ATC code (human)", "Therapeutic indication", "Conditional approval",
    "Exceptional circumstances", "Orphan medicine", MA_DATE, END_DATE, "Medicine URL",
)  # fmt: skip


def _yes(value: object) -> bool | None:
    text = str(value or "").strip().lower()
    return True if text == "yes" else False if text == "no" else None


def transform(
    raw: RawFile, version: str | None = None, retrieved_at: str | None = None
) -> TransformResult:
    rows = read_table(raw, COLUMNS, NUMBER, "EMA's medicines list (EPAR export)")
    version = version or version_from_name(raw) or raw.sha256[:12]
    result = TransformResult(source=META.for_file(raw, version, retrieved_at))
    collect = ConceptCollector(result)
    seen: dict[str, int] = {}
    for line, row, reject in checked_rows(raw.name, rows, result):
        if str(row["Category"]).strip() != "Human":
            result.skipped["veterinary medicine"] += 1
            continue
        number = str(row[NUMBER]).strip()
        if not number:
            reject("missing product number", "expected e.g. EMEA/H/C/004124", NUMBER)
            continue
        try:
            authorised = parse_date(row[MA_DATE])
            ended = parse_date(row[END_DATE])
        except ValueError as exc:
            reject("unparseable date", str(exc), MA_DATE)
            continue
        if authorised is None:
            result.skipped[
                "no marketing authorisation (refused, withdrawn application, opinion)"
            ] += 1
            continue
        atc = str(row["ATC code (human)"] or "").strip()
        area = f"{row['Therapeutic area (MeSH)']} {row['Therapeutic indication']}"
        if not (atc.startswith(("L01", "L02")) or ONCOLOGY.search(area)):
            result.skipped["not a cancer medicine"] += 1
            continue
        if number in seen:
            reject("duplicate product number", f"{number} (first at row {seen[number]})", NUMBER)
            continue
        seen[number] = line
        if _yes(row["Conditional approval"]):
            kind = ApprovalType.EMA_CONDITIONAL
        elif _yes(row["Exceptional circumstances"]):
            kind = ApprovalType.EMA_EXCEPTIONAL
        else:
            kind = ApprovalType.EMA_FULL
        aid = f"ema:{number}"
        collect.node(Approval(
            id=aid, source_record_id=number, agency=Agency.EMA, scope="medicine",
            product=str(row[NAME]).strip() or None, application_number=number,
            indication_text=" ".join(str(row["Therapeutic indication"] or "").split()) or number,
            approval_type=kind, first_approval_date=authorised,
            url=str(row["Medicine URL"] or "").strip() or None,
            status=str(row["Medicine status"] or "").strip() or None,
            orphan=_yes(row["Orphan medicine"]), atc_code=atc or None,
            valid_from=authorised, valid_to=ended,
        ))  # fmt: skip
        therapy = therapy_of(collect, str(row[INN] or ""))
        if therapy:
            collect.rel(RelType.APPROVES, Label.APPROVAL, aid, Label.THERAPY, therapy)
        else:
            collect.miss("medicine without INN", number)
    return result


SOURCE = Source(
    name="ema",
    description=(
        "EMA medicines list (EPAR export .xlsx, or its rows as TSV/CSV): marketing authorisations"
        " of cancer medicines with conditional/orphan flags and dates"
    ),
    meta=META,
    read=one_file,
    transform=transform,
    needs={},
)
