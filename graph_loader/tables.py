"""Spreadsheet-shaped sources (``.xlsx``, ``.csv``, ``.tsv``): rows with their line numbers, and
the date formats regulators and HTA bodies publish.

Used by the Nye Metoder, EMA and FDA loaders. A table's header may follow title rows (EMA's
export puts it on row 9; the Nye Metoder workbook may have a title), so the header is the first
row holding the ``key`` column, and it must hold every required column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

from graph_loader.files import RawFile
from graph_loader.framework import Rejection, TransformResult
from ontology.errors import InputFileError

EXCEL_EPOCH = dt.date(1899, 12, 30)
MALFORMED = "__malformed__"  # key of a row that could not be split into the header's columns

Row = tuple[int, dict[str, Any]]  # (line or spreadsheet row number, {column: value})
Reject = Callable[..., None]  # reject(reason, detail="", column=None): a rejection at the row


def checked_rows(
    file: str, rows: list[Row], result: TransformResult
) -> Iterator[tuple[int, dict[str, Any], Reject]]:
    """Each well-formed row with its line and a ``reject`` that records a rejection of that row;
    counts every row read and rejects malformed ones (wrong number of fields) itself."""
    for line, row in rows:
        result.rows_read += 1

        def reject(
            reason: str, detail: str = "", column: str | None = None, at: int = line
        ) -> None:
            result.rejections.append(Rejection(file, at, reason, detail, column))

        if MALFORMED in row:
            reject("malformed row", row[MALFORMED])
            continue
        yield line, row, reject


def read_table(raw: RawFile, required: tuple[str, ...], key: str, what: str) -> list[Row]:
    """Every non-empty data row of the first sheet (xlsx) or of a delimited text file.

    A row with the wrong number of fields comes back as ``{MALFORMED: reason}`` so that the caller
    rejects it with its line and goes on. No header holding ``key`` and every ``required`` column
    raises :class:`InputFileError` naming what was expected (``what``).
    """
    if raw.data[:2] == b"PK":  # an .xlsx (zip) workbook
        return _xlsx_rows(raw, required, key, what)
    text = raw.text()
    if not text.strip():
        raise InputFileError(raw.name, f"the file is empty; expected {what}", 1)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines[:50]) if key in line), 0)
    delimiter = max((",", ";", "\t"), key=lines[start].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for _ in range(start):
        next(reader)
    header = [h.strip() for h in next(reader)]
    _check_header(raw, header, reader.line_num, required, what)
    out: list[Row] = []
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            reason = f"{len(fields)} fields, expected {len(header)} (as in the header)"
            out.append((reader.line_num, {MALFORMED: reason}))
            continue
        out.append((reader.line_num, dict(zip(header, fields, strict=True))))
    return out


def _xlsx_rows(raw: RawFile, required: tuple[str, ...], key: str, what: str) -> list[Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
    except Exception as exc:  # zip or XML damage
        raise InputFileError(raw.name, f"not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    header: list[str] | None = None
    out: list[Row] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if header is None:
            if any(str(c).strip() == key for c in cells):
                header = [str(c).strip() for c in cells]
                _check_header(raw, header, number, required, what)
            continue
        if not any(str(c).strip() for c in cells):
            continue
        out.append((number, dict(zip(header, cells, strict=False))))
    if header is None:
        reason = f"no header row with {key} in the first sheet; expected {what}"
        raise InputFileError(raw.name, reason)
    return out


def _check_header(
    raw: RawFile, header: list[str], line: int, required: tuple[str, ...], what: str
) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(
            raw.name, f"missing column(s) {', '.join(missing)}; expected {what} with the columns "
            f"{', '.join(required)}", line=line,
        )  # fmt: skip


def parse_date(value: Any, order: str = "dmy") -> dt.date | None:
    """A published date: ISO ``YYYY-MM-DD``; ``dd.mm.yyyy`` / ``dd/mm/yyyy`` (``order="dmy"``,
    Norway and EMA) or ``m/d/yyyy`` (``order="mdy"``, FDA); an Excel serial number; or a date
    cell. Empty gives None; anything else raises ValueError saying what was expected.
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
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return dt.date.fromisoformat(text)
            if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text):
                a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
                return dt.date(year, b, a) if order == "dmy" else dt.date(year, a, b)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a calendar date ({exc})") from None
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            shape = "DD.MM.YYYY, DD/MM/YYYY" if order == "dmy" else "M/D/YYYY"
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, {shape} or an Excel "
                             "serial number)")  # fmt: skip
        serial = float(text)
    if not 1 <= serial < 2958466:
        raise ValueError(f"{value!r} is out of range for an Excel serial date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))
