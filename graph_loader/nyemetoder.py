"""Nye Metoder decisions, from the official decision workbook's shape (``.xlsx`` or ``.csv``).

Columns (Norwegian, as published): ``ID-nr``, ``Virkestoff``, ``Handelsenavn``,
``Bruksområde (indikasjon)``, ``Metodetype``, ``Fagområde``, ``Dato siste beslutning``,
``Gjeldende beslutning Kortversjon``, ``Gjeldende beslutning (Hele)``; other columns are ignored.
Dates may be ISO, Norwegian ``dd.mm.yyyy`` or Excel serial numbers. Each method id becomes an
``HtaDecision`` (``ID2021_147``) with its status as published; a status phrased outside the
known vocabulary is kept verbatim and flagged. Substances are written with Norwegian INN spellings
(kapmatinib, larotrektinib); they link to the drug the graph already knows under its English INN
(capmatinib), through the spelling-independent match key.

Nye Metoder publishes no machine-readable list we could obtain: the project ships a small
hand-compiled sample in this shape; users load the current official workbook themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile
from graph_loader.framework import Rejection, SourceMeta, TransformResult
from ontology.errors import InputFileError
from ontology.models import HtaDecision
from ontology.normalise import drug_match_key, normalise_drug_name
from ontology.vocab import HtaBody, Label, NyeMetoderStatus, RelType, TherapyType

META = SourceMeta(
    name="nyemetoder",
    licence="public decisions (no restriction known; load the official workbook yourself)",
    url="https://www.nyemetoder.no",
    citation="Nye Metoder, the national system for managed introduction of new health technologies",
)
COLUMNS = (
    "ID-nr", "Virkestoff", "Handelsenavn", "Bruksområde (indikasjon)", "Metodetype", "Fagområde",
    "Dato siste beslutning", "Gjeldende beslutning Kortversjon", "Gjeldende beslutning (Hele)",
)  # fmt: skip
METHOD_ID = re.compile(r"^ID\d{4}_\d{1,4}[A-Za-z]?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
_STATUS = {" ".join(s.value.lower().split()): s.value for s in NyeMetoderStatus}

DrugIndex = dict[str, tuple[str, str]]  # match key -> (drug id, INN as the graph has it)


def parse_date(value: Any) -> dt.date | None:
    """ISO, ``dd.mm.yyyy``, an Excel serial number, or a date cell; empty -> None.

    Raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
    else:
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, DD.MM.YYYY or an "
                             "Excel serial number)")  # fmt: skip
        serial = float(text)
    if not 1 <= serial < 2958466:
        raise ValueError(f"{value!r} is out of range for an Excel serial date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _rows(raw: RawFile) -> list[tuple[int, dict[str, Any]]]:
    """(line or spreadsheet row, {column: value}) for every data row; the header must hold
    every required column."""
    if raw.data[:2] == b"PK":  # an .xlsx (zip) workbook
        return _xlsx_rows(raw)
    text = raw.text()
    if not text.strip():
        raise InputFileError(raw.name, "the file is empty; expected the decision workbook", 1)
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    _check_header(raw, header, 1)
    out = []
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            out.append((reader.line_num, {"__malformed__": f"{len(fields)} fields, expected "
                                                           f"{len(header)}"}))  # fmt: skip
            continue
        out.append((reader.line_num, dict(zip(header, fields, strict=True))))
    return out


def _xlsx_rows(raw: RawFile) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
    except Exception as exc:  # zip or XML damage
        raise InputFileError(raw.name, f"not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    out = []
    for number, values in enumerate(rows, start=1):
        cells = ["" if v is None else v for v in values]
        if header is None:
            if any(str(c).strip() == "ID-nr" for c in cells):  # the header may follow a title
                header = [str(c).strip() for c in cells]
                _check_header(raw, header, number)
            continue
        if not any(str(c).strip() for c in cells):
            continue
        out.append((number, dict(zip(header, cells, strict=False))))
    if header is None:
        raise InputFileError(raw.name, "no header row with ID-nr in the first sheet")
    return out


def _check_header(raw: RawFile, header: list[str], line: int) -> None:
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputFileError(
            raw.name, f"missing column(s) {', '.join(missing)}; expected the Nye Metoder "
            f"decision workbook's columns ({', '.join(COLUMNS)})", line=line,
        )  # fmt: skip


def transform(
    raw: RawFile,
    version: str | None = None,
    drugs: DrugIndex | None = None,
    retrieved_at: str | None = None,
) -> TransformResult:
    """Parse and validate a whole decision workbook into ``HtaDecision`` nodes and therapies."""
    rows = _rows(raw)
    dates: list[dt.date] = []
    result = TransformResult(source=META.for_file(raw, version or "unversioned", retrieved_at))
    collect = ConceptCollector(result)
    seen: dict[str, int] = {}
    for line, row in rows:
        result.rows_read += 1

        def reject(reason: str, detail: str = "", column: str | None = None, at: int = line):  # type: ignore[no-untyped-def]
            result.rejections.append(Rejection(raw.name, at, reason, detail, column))

        if "__malformed__" in row:
            reject("malformed row", row["__malformed__"])
            continue
        method_id = str(row["ID-nr"]).strip()
        if not METHOD_ID.match(method_id):
            reject("malformed method id", f"{method_id!r}, expected ID<year>_<number>", "ID-nr")
            continue
        if method_id in seen:
            reject("duplicate method id", f"{method_id} (first at row {seen[method_id]})", "ID-nr")
            continue
        try:
            decided = parse_date(row["Dato siste beslutning"])
        except ValueError as exc:
            reject("unparseable date", str(exc), "Dato siste beslutning")
            continue
        seen[method_id] = line
        short = str(row["Gjeldende beslutning Kortversjon"] or "").strip()
        status = _STATUS.get(" ".join(short.lower().split())) if short else None
        if short and status is None:
            collect.miss("decision status", f"{method_id}: {short!r}")
        substance = str(row["Virkestoff"] or "").strip()
        if decided:
            dates.append(decided)
        collect.node(
            HtaDecision(
                id=method_id, source_record_id=method_id, body=HtaBody.NYE_METODER,
                method_id=method_id, substance=substance or None,
                brand_names=[b.strip() for b in re.split(r"[,/]", str(row["Handelsenavn"] or ""))
                             if b.strip()],
                indication_text=str(row["Bruksområde (indikasjon)"] or "").strip() or None,
                method_type=str(row["Metodetype"] or "").strip() or None,
                specialty=str(row["Fagområde"] or "").strip() or None,
                status=status or short or None, decision_date=decided,
                decision_short=short or None,
                decision_full=str(row["Gjeldende beslutning (Hele)"] or "").strip() or None,
                valid_from=decided, normalised=not (short and status is None),
            )
        )  # fmt: skip
        if substance:
            therapy = _therapy(collect, substance, drugs)
            collect.rel(RelType.FOR_THERAPY, Label.HTA_DECISION, method_id, Label.THERAPY, therapy)
    if version is None:
        result.source = META.for_file(
            raw, max(dates).isoformat() if dates else raw.sha256[:12], retrieved_at
        )
    return result


def _therapy(collect: ConceptCollector, substance: str, drugs: DrugIndex | None) -> str:
    """The therapy of the substance(s): ``a + b`` or ``a, b`` is a combination."""
    names = [n for n in re.split(r"\s*(?:\+|,| og )\s*", substance) if n.strip()]
    members = []
    for name in names:
        known = (drugs or {}).get(drug_match_key(name))
        if known:
            members.append(known)  # the graph's node, under its English INN
        else:
            members.append(collect.drug(name))
            collect.miss("drug (no English INN in the graph)", normalise_drug_name(name))
    kind = TherapyType.COMBINATION if len(members) > 1 else TherapyType.SINGLE
    return collect.therapy(members, kind)
