"""Privacy rules for patient-level files: pseudonyms only.

A patient-level loader calls :func:`check_rows` on the whole file before transforming it. A file
is refused, whole, if

* any cell holds something that looks like a Norwegian national identity number: 11 digits (a
  space or dash after the sixth allowed) that pass the fødselsnummer check digits and whose first
  six digits are a date, a D-number (day + 40) or an H-number/test number (month + 40 or + 80);
* a column is named like a person's name or an exact birth date (``name``, ``navn``,
  ``fornavn``, ``etternavn``, ``birth_date``, ``fødselsdato``, ``date_of_birth``, ``dob``, ...).

The error names the file, the row and the column, never the value. Aggregate outputs meant for
sharing show counts between 1 and 4 as ``<5`` (:func:`suppress`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ontology.errors import InputFileError

_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ -]?(\d{5})(?!\d)")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_NAME_COLUMNS = re.compile(
    r"^(?:(?:first|last|given|family|full|patient|middle|sur)[ _-]?name|name|navn|fornavn|"
    r"etternavn|mellomnavn|pasientnavn|surname)$",
    re.IGNORECASE,
)
_BIRTH_COLUMNS = re.compile(
    r"^(?:birth[ _-]?date|date[ _-]?of[ _-]?birth|dob|f(?:ø|o|oe)dselsdato|f(?:ø|o|oe)dt|"
    r"birthday|f(?:ø|o|oe)dselsnummer|fnr|personnummer|national[ _-]?id|ssn)$",
    re.IGNORECASE,
)
SMALL = "<5"
MIN_SHARED = 5  # the smallest count shared; a median or curve needs as many patients


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if rest == 11:
        return 0
    return None if rest == 10 else rest


def is_national_id(text: str) -> bool:
    """True if ``text`` is 11 digits that pass the fødselsnummer / D-number check digits and
    start with a plausible date (a D-number adds 40 to the day, an H- or test number 40 or 80 to
    the month)."""
    digits = [int(c) for c in re.sub(r"[ -]", "", text)]
    if len(digits) != 11:
        return False
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    if day > 40:
        day -= 40  # D-number
    if month > 80:
        month -= 80  # synthetic test numbers (Skatteetaten)
    elif month > 40:
        month -= 40  # H-number
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    k1 = _check_digit(digits[:9], _W1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _check_digit(digits[:10], _W2)
    return k2 is not None and k2 == digits[10]


def find_national_id(value: Any) -> bool:
    if value is None:
        return False
    return any(is_national_id(m.group(1) + m.group(2)) for m in _CANDIDATE.finditer(str(value)))


def check_header(file: str, header: Iterable[str], line: int = 1) -> None:
    for column in header:
        name = str(column).strip()
        if _NAME_COLUMNS.match(name):
            raise InputFileError(
                file, f"column {name!r} looks like a person's name; patient files hold "
                "pseudonyms only (remove the column)", line=line,
            )  # fmt: skip
        if _BIRTH_COLUMNS.match(name):
            raise InputFileError(
                file, f"column {name!r} looks like a birth date or identity number; patient files "
                "hold pseudonyms only (give age groups or months from treatment start instead)",
                line=line,
            )  # fmt: skip


def check_rows(file: str, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """Refuse the file if any cell looks like a national identity number (the value is never
    echoed)."""
    for line, row in rows:
        # one scan of the whole row first (cells joined by a character no number spans); the
        # cells are looked at one by one only to name the column of a hit
        if not find_national_id("\x00".join(str(v) for v in row.values() if v is not None)):
            continue
        for column, value in row.items():
            if find_national_id(value):
                raise InputFileError(
                    file, f"column {column!r} holds what looks like a Norwegian national identity "
                    "number (11 digits with valid check digits); the file is refused and nothing "
                    "from it is loaded (the value is not shown)", line=line,
                )  # fmt: skip


def suppress(count: int | None) -> int | str | None:
    """A count for sharing: 1-4 become ``"<5"`` (small-cell suppression); 0 and >= 5 stay."""
    if count is None or count == 0 or count >= MIN_SHARED:
        return count
    return SMALL
