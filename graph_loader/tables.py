"""Spreadsheet-shaped sources (``.xlsx``, ``.csv``, ``.tsv``): rows with their line numbers, and
the date formats regulators and HTA bodies publish.

Used by the Nye Metoder, EMA, FDA, cohort, outcome and cBioPortal loaders and the MAF reader. A
table's header may follow title rows (EMA's export puts it on row 9; the Nye Metoder workbook may
have a title), so the header is the first row holding the ``key`` column, and it must hold every
required column. ``comments=True`` passes over lines starting with ``#`` (a MAF's ``#version``,
cBioPortal's attribute lines, a synthetic file's banner) anywhere in a text table; every row keeps
the line number it has in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graph_loader.files import BadRow, RawFile
from graph_loader.framework import Rejection, TransformResult
from ontology.errors import InputFileError
from ontology.privacy import check_header, check_rows

EXCEL_EPOCH = dt.date(1899, 12, 30)

Row = tuple[int, dict[str, Any]]  # (line or spreadsheet row number, {column: value})
Reject = Callable[..., None]  # reject(reason, detail="", column=None): a rejection at the row


def checked_rows(
    file: str, rows: Iterable[Row | BadRow], result: TransformResult
) -> Iterator[tuple[int, dict[str, Any], Reject]]:
    """Each well-formed row with its line and a ``reject`` that records a rejection of that row;
    counts every row read and rejects malformed ones (wrong number of fields) itself."""
    for item in rows:
        result.rows_read += 1
        if isinstance(item, BadRow):
            result.rejections.append(Rejection(file, item.line, "malformed row", item.reason))
            continue
        line, row = item

        def reject(
            reason: str, detail: str = "", column: str | None = None, at: int = line
        ) -> None:
            result.rejections.append(Rejection(file, at, reason, detail, column))

        yield line, row, reject


def good_rows(rows: list[Row | BadRow]) -> list[Row]:
    """The rows that split into the header's columns."""
    return [r for r in rows if not isinstance(r, BadRow)]


TRUE_WORDS = {"true", "yes", "1", "ja", "y"}
FALSE_WORDS = {"false", "no", "0", "nei", "n"}


def parse_flag(value: Any) -> bool | None:
    text = str(value or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    if text in ("", "na", "nan", "unknown"):
        return None
    raise ValueError(f"{value!r} is not a yes/no value (true/false, yes/no, 1/0)")


def parse_number(value: Any) -> float | None:
    text = str(value or "").strip()
    if text in ("", "NA", "nan"):
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def parse_int(value: Any) -> int | None:
    number = parse_number(value)
    if number is not None and number != int(number):
        raise ValueError(f"{value!r} is not a whole number")
    return None if number is None else int(number)


def patient_rows(
    raw: RawFile, required: tuple[str, ...], key: str, what: str
) -> list[Row | BadRow]:
    """A patient-level table's rows after the privacy checks of :mod:`ontology.privacy` (header
    and every cell; ``#`` banner and attribute lines passed over, line numbers kept): a file with a
    national identity number, a name or a birth-date column is refused whole."""
    return list(iter_patient_rows(raw, required, key, what))


def iter_patient_rows(
    raw: RawFile, required: tuple[str, ...], key: str, what: str
) -> Iterator[Row | BadRow]:
    """The rows of :func:`patient_rows` one at a time, each checked before it is handed on (a
    loader reads the whole file once before it writes, so a refusal still refuses the file)."""
    first = True
    for item in iter_table(raw, required, key, what, comments=True):
        if not isinstance(item, BadRow):
            if first:
                check_header(raw.name, list(item[1]))
                first = False
            check_rows(raw.name, [item])
        yield item


def read_table(
    raw: RawFile,
    required: tuple[str, ...],
    key: str,
    what: str,
    *,
    comments: bool = False,
    date_columns: tuple[str, ...] = (),
) -> list[Row | BadRow]:
    """Every non-empty data row of the first sheet (xlsx) or of a delimited text file.

    A row with the wrong number of fields comes back as a :class:`BadRow` so that the caller
    rejects it with its line and goes on. No header holding ``key`` and every ``required`` column
    raises :class:`InputFileError` naming what was expected (``what``). With ``comments``, text
    lines starting with ``#`` are passed over; line numbers stay the file's own.
    """
    return list(iter_table(raw, required, key, what, comments=comments, date_columns=date_columns))


def iter_table(
    raw: RawFile,
    required: tuple[str, ...],
    key: str,
    what: str,
    *,
    comments: bool = False,
    date_columns: tuple[str, ...] = (),
) -> Iterator[Row | BadRow]:
    """The rows of :func:`read_table`, one at a time (a large file is never all in memory as
    rows; errors of the header raise on the first row asked for)."""
    if raw.data[:2] == b"PK":  # an .xlsx (zip) workbook
        yield from _xlsx_rows(raw, required, key, what, date_columns)
        return
    text = raw.text()
    if not text.strip():
        raise InputFileError(raw.name, f"the file is empty; expected {what}", 1)
    lines = re.split(r"(?<=\n)", text)  # each line with its ending, as csv counts them

    def comment(line: str) -> bool:
        return comments and line.startswith("#")

    start = next((i for i, line in enumerate(lines[:50]) if key in line and not comment(line)),
                 next((i for i, line in enumerate(lines) if not comment(line) and line.strip()),
                      None))  # fmt: skip
    if start is None:  # only comment lines
        raise InputFileError(raw.name, f"no header line (only # lines); expected {what}", 1)
    delimiter = max((",", ";", "\t"), key=lines[start].count)
    reader = csv.reader(io.StringIO("".join(lines[start:]), newline=""), delimiter=delimiter)
    del text, lines  # the reader holds its own copy; rows are made one at a time
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:  # a header cell past csv's field size limit
        raise InputFileError(raw.name, f"unreadable header: {exc}", start + 1) from None
    _check_header(raw, header, start + reader.line_num, required, what)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field past csv's size limit: that row, not the file
            yield BadRow(start + reader.line_num, f"unreadable row: {exc}")
            continue
        line = start + reader.line_num
        if not any(f.strip() for f in fields) or (comments and fields[0].startswith("#")):
            continue
        if len(fields) != len(header):
            reason = f"{len(fields)} fields, expected {len(header)} (as in the header)"
            yield BadRow(line, reason)
            continue
        yield line, dict(zip(header, fields, strict=True))


def _xlsx_rows(
    raw: RawFile, required: tuple[str, ...], key: str, what: str, date_columns: tuple[str, ...]
) -> list[Row | BadRow]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
    except Exception as exc:  # zip or XML damage
        raise InputFileError(raw.name, f"not a readable .xlsx workbook ({exc})") from None
    try:
        return _sheet_rows(raw, book, required, key, what, date_columns)
    finally:
        book.close()


def _sheet_rows(
    raw: RawFile,
    book: Any,
    required: tuple[str, ...],
    key: str,
    what: str,
    date_columns: tuple[str, ...],
) -> list[Row | BadRow]:
    if not book.worksheets:  # a workbook of chart sheets only
        raise InputFileError(raw.name, f"not a readable .xlsx workbook (no worksheet); "
                             f"expected {what}")  # fmt: skip
    sheet = book.worksheets[0]
    epoch = book.epoch.date() if isinstance(book.epoch, dt.datetime) else EXCEL_EPOCH
    header: list[str] | None = None
    out: list[Row | BadRow] = []
    values_of = sheet.iter_rows(values_only=True)  # read lazily: damage can show mid-sheet
    number = 0
    while True:
        try:
            values = next(values_of)
        except StopIteration:
            break
        except Exception as exc:  # the worksheet's XML (or its zip member) is damaged
            raise InputFileError(raw.name, f"not a readable .xlsx workbook (the first sheet "
                                 f"after row {number}: {exc})", number + 1) from None  # fmt: skip
        number += 1
        cells = ["" if v is None else v for v in values]
        if header is None:
            if any(str(c).strip() == key for c in cells):
                header = [str(c).strip() for c in cells]
                _check_header(raw, header, number, required, what)
            continue
        if not any(str(c).strip() for c in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        for column in date_columns:
            value = row.get(column)
            if isinstance(value, int | float) and not isinstance(value, bool):
                row[column] = _serial_date(value, epoch)
        out.append((number, row))
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


def _serial_date(value: float, epoch: dt.date) -> dt.date | str:
    """An Excel serial in a workbook whose day 0 is ``epoch``; 0 is no date (empty)."""
    if value == 0:
        return ""
    if not 0 < value < 2958466:
        return str(value)  # left for the caller's date parser to reject, with its row
    return epoch + dt.timedelta(days=int(value))


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
