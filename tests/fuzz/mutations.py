"""Mutation strategies: a seed file in, a damaged file out.

Every strategy starts from the bytes of a real seed and applies one to three mutations drawn by
hypothesis, so that the inputs stay close to what a reader really meets (a real file with a
defect) while still reaching far corners (wrong encodings, NUL bytes, huge fields, a zip that is
not a workbook). Byte-level mutations apply to every format; structure-aware ones to the format
the seed is in:

* delimited text (TSV/CSV, MAF, cBioPortal): cells replaced by hostile values, columns swapped,
  dropped or added, the header dropped or repeated, rows cut short or made long, stray quotes,
  the whole table turned into an .xlsx workbook;
* JSON: a value replaced by one of another type, keys dropped or renamed, deep nesting, numbers
  beyond what Python converts, NaN, duplicate keys;
* XML: element text replaced by hostile values, elements dropped, repeated or renamed, entity
  declarations and references, a wrong or unknown encoding declaration, deep nesting;
* .xlsx: cells of strange types (dates, times, booleans, huge and negative numbers, formulas,
  error values), a missing or extra column, title rows above the header, an empty first sheet,
  the 1904 date system, a damaged worksheet inside a valid zip, a zip that is not a workbook.

Sizes are bounded (:data:`MAX_BYTES`) so that every example stays fast on a 2-core machine.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

MAX_BYTES = 600_000  # after mutation; the largest single insertion is 200 kB

# Values a cell, a JSON string or an XML text may hold that a reader must survive
# ("01819010001" passes the Norwegian identity-number check: a synthetic test number, month + 80)
HOSTILE_TEXT = (
    "", " ", "\t", "NA", "nan", "NaN", "null", "None", "0", "-1", "-0", "1e309", "9" * 40,
    "=HYPERLINK(\"http://example.org\",\"click\")", "=1+1", "@SUM(A1:A9)", "+1", "-1+1",
    "2025-02-30", "2025-13-01", "31/02/2019", "2/30/2019", "0000-00-00", "9999-12-31",
    "1899-12-30", "32.01.2020", "29.02.2023", "12/31/99999", "June 31, 2020", "February 2025",
    "A" * 5000, "ü" * 1000, "\u202e", "\ufeff", "\x00", "\x0b", "\x0c", "\x85", "\u2028",
    "🧬" * 10, "<b>x</b>", "&amp;", "'", '"', '""', "\\", "|", ";", ",", "::", "-", "p.",
    "p.V600E", "V600E", "HGNC:", "HGNC:99999999999999999999", "NCT", "NCT0000000", "ID2021_",
    "2021_147 A", "Yes", "no", "true", "[]", "{}", "EMEA/H/C/", "L01", "(", ")", "((((", "))",
    "BRAF", "BRAF V600E", "EML4::ALK", "MSI-H", "Subprotocol A (BRAF V600E mutation)",
    "12345678901", "01819010001", "name", "fødselsdato", "#comment", "TREATMENT",
)  # fmt: skip
SPECIAL_BYTES = (
    b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe2\x80", b"\r", b"\n", b"\r\n", b"\t", b",", b";",
    b'"', b"'", b"<", b">", b"&", b"{", b"}", b"[", b"]", b":", b"#", b"\\", b"PK\x03\x04",
    b"\x1f\x8b", b"\xef\xbb\xbf", b"\x85", b"\x0c",
)  # fmt: skip
HUGE_SIZES = (1_000, 40_000, 140_000, 200_000)  # 140 kB passes csv's default field limit
MAX_COLUMNS = 1_000  # of a table turned into a workbook (a sheet holds 16,384 at most)

Op = Callable[[st.DrawFn, bytes], bytes]


def _pos(draw: st.DrawFn, data: bytes, end: bool = True) -> int:
    return draw(st.integers(0, len(data) if end else max(len(data) - 1, 0)))


# -- byte level ----------------------------------------------------------------------------------


def flip_bits(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = _pos(draw, data, end=False)
        out[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(out)


def insert_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = _pos(draw, data)
    chunk = draw(st.one_of(st.sampled_from(SPECIAL_BYTES), st.binary(min_size=1, max_size=16)))
    return data[:at] + chunk * draw(st.integers(1, 4)) + data[at:]


def delete_span(draw: st.DrawFn, data: bytes) -> bytes:
    at = _pos(draw, data)
    return data[:at] + data[at + draw(st.integers(1, 256)) :]


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: _pos(draw, data)]


def nul_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = _pos(draw, data)
    return data[:at] + b"\x00" * draw(st.integers(1, 64)) + data[at:]


def huge_field(draw: st.DrawFn, data: bytes) -> bytes:
    at = _pos(draw, data)
    filler = draw(st.sampled_from((b"A", b"9", b" ", b"\xc3\xa9", b'"', b"\t")))
    return data[:at] + filler * (draw(st.sampled_from(HUGE_SIZES)) // len(filler)) + data[at:]


def _split_lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def duplicate_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _split_lines(data)
    at = draw(st.integers(0, len(lines) - 1))
    to = draw(st.integers(0, len(lines)))
    lines.insert(to, lines[at])
    return b"\n".join(lines)


def delete_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _split_lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


def swap_lines(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _split_lines(data)
    a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def line_endings(draw: st.DrawFn, data: bytes) -> bytes:
    ending = draw(st.sampled_from((b"\r\n", b"\r", b"\n\n", b"\x85", b"\x0c\n")))
    return data.replace(b"\r\n", b"\n").replace(b"\n", ending)


ENCODINGS = ("latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig",
             "utf-7", "shift_jis")  # fmt: skip


def re_encode(draw: st.DrawFn, data: bytes) -> bytes:
    """The same text in another encoding (lossy where the encoding lacks a character), or with
    one or two byte-order marks."""
    text = data.decode("utf-8", errors="replace")
    if draw(st.booleans()):
        text = text.replace("a", "æ", draw(st.integers(1, 3))).replace("o", "ø", 1)
    encoding = draw(st.sampled_from(ENCODINGS))
    out = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        out = draw(st.sampled_from((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))) + out
    return out


def gzip_wrap(draw: st.DrawFn, data: bytes) -> bytes:
    """Gzip the file, whole or with a damaged or cut stream."""
    packed = gzip.compress(data, mtime=0)
    how = draw(st.sampled_from(("whole", "cut", "flip", "header")))
    if how == "cut":
        return packed[: draw(st.integers(2, max(2, len(packed) - 1)))]
    if how == "flip":
        return packed[:10] + flip_bits(draw, packed[10:])
    if how == "header":
        return b"\x1f\x8b" + data
    return packed


BYTE_OPS: tuple[Op, ...] = (flip_bits, insert_bytes, delete_span, truncate, nul_bytes,
                            huge_field, duplicate_line, delete_line, swap_lines, line_endings,
                            re_encode, gzip_wrap)  # fmt: skip


# -- delimited text ------------------------------------------------------------------------------


def _table(data: bytes) -> tuple[list[list[str]], str] | None:
    """The rows of a delimited file (None if it is not UTF-8 text, not CSV or has no cells)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.splitlines()
    head = next((ln for ln in lines if ln and not ln.startswith("#")), "")
    delimiter = max(("\t", ",", ";"), key=head.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None
    return (rows, delimiter) if any(rows) else None


def _untable(rows: list[list[str]], delimiter: str) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _header_index(rows: list[list[str]]) -> int:
    return next((i for i, r in enumerate(rows) if r and not r[0].startswith("#")), 0)


def hostile_cell(draw: st.DrawFn, data: bytes) -> bytes:
    table = _table(data)
    if table is None:
        return insert_bytes(draw, data)
    rows, delimiter = table
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        if not rows[r]:
            continue
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(st.sampled_from(HOSTILE_TEXT))
    return _untable(rows, delimiter)


def swap_columns(draw: st.DrawFn, data: bytes) -> bytes:
    table = _table(data)
    if table is None:
        return swap_lines(draw, data)
    rows, delimiter = table
    width = max(len(r) for r in rows)
    a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
    only_header = draw(st.booleans())
    h = _header_index(rows)
    for i, row in enumerate(rows):
        if (only_header and i != h) or max(a, b) >= len(row):
            continue
        row[a], row[b] = row[b], row[a]
    return _untable(rows, delimiter)


def drop_column(draw: st.DrawFn, data: bytes) -> bytes:
    table = _table(data)
    if table is None:
        return delete_span(draw, data)
    rows, delimiter = table
    width = max(len(r) for r in rows)
    c = draw(st.integers(0, width - 1))
    where = draw(st.sampled_from(("all", "header", "body")))
    h = _header_index(rows)
    for i, row in enumerate(rows):
        if c < len(row) and (where == "all" or (where == "header") == (i == h)):
            del row[c]
    return _untable(rows, delimiter)


def add_column(draw: st.DrawFn, data: bytes) -> bytes:
    table = _table(data)
    if table is None:
        return insert_bytes(draw, data)
    rows, delimiter = table
    h = _header_index(rows)
    name = draw(st.sampled_from(("extra", "ID-nr", "code", "Patient ID", "name", "", "symbol")))
    at = draw(st.integers(0, len(rows[h])))
    for i, row in enumerate(rows):
        row.insert(min(at, len(row)), name if i == h else draw(st.sampled_from(HOSTILE_TEXT)))
    return _untable(rows, delimiter)


def header_games(draw: st.DrawFn, data: bytes) -> bytes:
    """Drop the header, repeat it among the rows, or put title lines above it."""
    table = _table(data)
    if table is None:
        return delete_line(draw, data)
    rows, delimiter = table
    h = _header_index(rows)
    how = draw(st.sampled_from(("drop", "repeat", "title", "only")))
    if how == "drop":
        del rows[h]
    elif how == "repeat":
        rows.insert(draw(st.integers(h + 1, len(rows))), list(rows[h]))
    elif how == "title":
        rows[h:h] = [["Title of the export"], [], ["generated", "2025-02-12"]]
    else:
        rows = rows[: h + 1]
    return _untable(rows, delimiter)


def row_width(draw: st.DrawFn, data: bytes) -> bytes:
    table = _table(data)
    if table is None:
        return truncate(draw, data)
    rows, delimiter = table
    r = draw(st.integers(0, len(rows) - 1))
    if draw(st.booleans()) and rows[r]:
        rows[r] = rows[r][: draw(st.integers(0, len(rows[r]) - 1))]
    else:
        rows[r] = rows[r] + [draw(st.sampled_from(HOSTILE_TEXT))] * draw(st.integers(1, 3))
    return _untable(rows, delimiter)


def quote_error(draw: st.DrawFn, data: bytes) -> bytes:
    """A stray or unbalanced double quote somewhere in a cell (raw bytes, not re-quoted)."""
    lines = _split_lines(data)
    at = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    cut = draw(st.integers(0, len(line)))
    quote = draw(st.sampled_from((b'"', b'""', b'"a"b', b'x"', b'"\n', b'"""')))
    lines[at] = line[:cut] + quote + line[cut:]
    return b"\n".join(lines)


def as_workbook(draw: st.DrawFn, data: bytes) -> bytes:
    """The table as an .xlsx workbook (every table reader also reads workbooks)."""
    table = _table(data)
    if table is None:
        return data
    return workbook_bytes([list(r) for r in table[0]])


TABLE_OPS: tuple[Op, ...] = (hostile_cell, hostile_cell, swap_columns, drop_column, add_column,
                             header_games, row_width, quote_error, as_workbook)  # fmt: skip


# -- JSON ----------------------------------------------------------------------------------------

HUGE_NUMBER = "__HUGE_NUMBER__"
HOSTILE_JSON: tuple[Any, ...] = (
    None, True, False, 0, -1, 1.5, 1e308, -1e308, 2**63, "", "x", [], {}, [None], [1, "a"],
    {"id": None}, {"": ""}, "A" * 10_000, HUGE_NUMBER,
) + tuple(t for t in HOSTILE_TEXT if len(t) < 100)  # fmt: skip


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _dump(doc: Any) -> bytes:
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    return text.replace(f'"{HUGE_NUMBER}"', "9" * 5000).encode("utf-8")


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def json_value(draw: st.DrawFn, data: bytes) -> bytes:
    """Values at a few paths replaced by values of other types (or hostile strings)."""
    doc = _json(data)
    if doc is None:
        return insert_bytes(draw, data)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        doc = _set(doc, path, copy.deepcopy(draw(st.sampled_from(HOSTILE_JSON))))
    return _dump(doc)


def json_keys(draw: st.DrawFn, data: bytes) -> bytes:
    """A key dropped or renamed, or an item of a list dropped or repeated."""
    doc = _json(data)
    if doc is None:
        return delete_span(draw, data)
    containers = [p for p in _paths(doc) if isinstance(_get(doc, p), dict | list) and _get(doc, p)]
    if not containers:
        return _dump(doc)
    node = _get(doc, containers[draw(st.integers(0, len(containers) - 1))])
    if isinstance(node, dict):
        key = draw(st.sampled_from(sorted(node, key=str)))
        value = node.pop(key)
        if draw(st.booleans()):
            renamed = ("", "ID", "Id", key.upper(), f"{key} ", "children")
            node[draw(st.sampled_from(renamed))] = value
    else:
        i = draw(st.integers(0, len(node) - 1))
        if draw(st.booleans()):
            del node[i]
        else:
            node.insert(draw(st.integers(0, len(node))), node[i])
    return _dump(doc)


def json_nesting(draw: st.DrawFn, data: bytes) -> bytes:
    """The document, or one value, inside very deep arrays or objects."""
    depth = draw(st.sampled_from((50, 900, 5_000, 100_000)))
    doc = _json(data)
    if doc is None or draw(st.booleans()):
        opener, closer = draw(st.sampled_from(((b"[", b"]"), (b'{"a":', b"}"))))
        return opener * depth + data + closer * depth
    paths = _paths(doc)
    path = paths[draw(st.integers(0, len(paths) - 1))]
    marker = "__DEEP__"
    text = _dump(_set(doc, path, marker))
    return text.replace(f'"{marker}"'.encode(), b"[" * depth + b"1" + b"]" * depth)


def json_literals(draw: st.DrawFn, data: bytes) -> bytes:
    """JSON that Python accepts but that is not plain: NaN, Infinity, duplicate keys."""
    text = data.decode("utf-8", errors="replace")
    how = draw(st.sampled_from(("nan", "infinity", "duplicate", "scalar")))
    if how == "scalar":
        return draw(st.sampled_from((b"null", b"1", b'"text"', b"[]", b"{}", b"true", b"1e999")))
    colon = text.find(":", _pos(draw, data) if data else 0)
    if colon < 0:
        return data
    value = {"nan": "NaN", "infinity": "-Infinity"}.get(how)
    if value is not None:
        end = min((i for i in (text.find(",", colon), text.find("}", colon)) if i > 0),
                  default=len(text))  # fmt: skip
        return (text[: colon + 1] + value + text[end:]).encode("utf-8")
    start = text.rfind("{", 0, colon)
    if start < 0:
        return data
    return (text[: start + 1] + '"id": 1, "id": "2", ' + text[start + 1 :]).encode("utf-8")


JSON_OPS: tuple[Op, ...] = (json_value, json_value, json_keys, json_nesting, json_literals)


# -- XML -----------------------------------------------------------------------------------------


def _xml(data: bytes) -> ET.Element | None:
    try:
        return ET.fromstring(data)
    except (ET.ParseError, LookupError, ValueError):
        return None


def _elements(root: ET.Element) -> list[tuple[ET.Element | None, ET.Element]]:
    out: list[tuple[ET.Element | None, ET.Element]] = [(None, root)]
    for parent in root.iter():
        out += [(parent, child) for child in parent]
    return out


def xml_tree(draw: st.DrawFn, data: bytes) -> bytes:
    """Element text replaced by hostile values; elements dropped, repeated, renamed or nested."""
    root = _xml(data)
    if root is None:
        return insert_bytes(draw, data)
    for _ in range(draw(st.integers(1, 4))):
        elements = _elements(root)
        parent, element = elements[draw(st.integers(0, len(elements) - 1))]
        how = draw(st.sampled_from(("text", "text", "drop", "repeat", "rename", "nest")))
        if how == "text":
            element.text = draw(st.sampled_from(HOSTILE_TEXT)).replace("\x00", "").replace(
                "\x0b", "").replace("\x0c", "")  # fmt: skip
        elif how == "drop" and parent is not None:
            parent.remove(element)
        elif how == "repeat" and parent is not None:
            parent.append(element)
        elif how == "rename":
            element.tag = draw(st.sampled_from(("x", "arm_group", "condition", "nct_id",
                                                "clinical_study", "id_info")))  # fmt: skip
        elif how == "nest":
            inner = element
            for _ in range(draw(st.sampled_from((10, 500)))):
                wrap = ET.Element(element.tag)
                wrap.append(inner)
                inner = wrap
            if parent is not None:
                parent.remove(element)
                parent.append(inner)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def xml_prolog(draw: st.DrawFn, data: bytes) -> bytes:
    """A declaration with a wrong or unknown encoding, a DOCTYPE with entities (nested ones too),
    an undefined or invalid entity reference, or a second root element."""
    body = data.partition(b"?>")[2] if data.startswith(b"<?xml") else data
    how = draw(st.sampled_from(("encoding", "entities", "reference", "second root")))
    if how == "encoding":
        name = draw(st.sampled_from((b"UTF-16", b"ISO-8859-1", b"bogus", b"ascii", b"", b"UTF-7")))
        return b'<?xml version="1.0" encoding="' + name + b'"?>' + body
    if how == "entities":
        laughs = b"".join(
            b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10 if i else b"lol")
            for i in range(draw(st.integers(1, 12)))
        )
        doctype = b"<!DOCTYPE clinical_study [" + laughs + b"]>"
        at = body.find(b"<brief_title>")
        ref = b"&l%d;" % (laughs.count(b"<!ENTITY") - 1)
        if at > 0:
            body = body[: at + 13] + ref + body[at + 13 :]
        return doctype + body
    if how == "reference":
        ref = draw(st.sampled_from((b"&undefined;", b"&#0;", b"&#xD800;", b"&#1114112;", b"&")))
        at = body.find(b">", _pos(draw, body))
        return body[: at + 1] + ref + body[at + 1 :] if at >= 0 else body + ref
    return data + b"<clinical_study/>"


XML_OPS: tuple[Op, ...] = (xml_tree, xml_tree, xml_prolog)


# -- xlsx ----------------------------------------------------------------------------------------

HOSTILE_CELLS: tuple[Any, ...] = (
    None, 0, -1, 1.5, 1e308, -1e308, 2958466, 2958465.99, 10**20, True, False,
    dt.datetime(2025, 2, 12, 16, 0), dt.date(1900, 2, 28), dt.time(12, 30),
    dt.timedelta(days=3), "=HYPERLINK(\"http://example.org\",\"x\")", "=1/0", "#N/A", "#DIV/0!",
    "X" * 32_767,
) + tuple(t for t in HOSTILE_TEXT if len(t) < 100 and "\x00" not in t)  # fmt: skip


def _sheet_rows(data: bytes) -> list[list[Any]] | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return None
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    except Exception:
        return None
    finally:
        book.close()


def workbook_bytes(
    rows: list[list[Any]], *, empty_first_sheet: bool = False, epoch_1904: bool = False
) -> bytes:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    if empty_first_sheet:
        sheet.title = "Info"
        sheet = book.create_sheet("Data")
    for row in rows:
        cells = []
        for value in row[:MAX_COLUMNS]:
            if isinstance(value, str):  # what openpyxl refuses to write (control characters)
                value = "".join(c for c in value if c >= " " or c in "\t\n\r")
            cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as z:
        members = {n: z.read(n) for n in z.namelist()}
    core = members.get("docProps/core.xml", b"")  # openpyxl stamps the time of saving
    members["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                                          b"2025-02-12T16:00:00Z", core)  # fmt: skip
    return zip_bytes(members)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip of the members, stamped with a fixed time (the same input gives the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 2, 12, 16, 0, 0))
            z.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_cells(draw: st.DrawFn, data: bytes) -> bytes:
    """Cells of strange types, a column dropped or added, title rows above the header, an empty
    first sheet, the 1904 date system."""
    rows = _sheet_rows(data)
    if not rows:
        return flip_bits(draw, data)
    header = next((i for i, r in enumerate(rows) if any(v is not None for v in r)), 0)
    for _ in range(draw(st.integers(1, 4))):
        if not any(rows) or header >= len(rows):
            break
        how = draw(st.sampled_from(("cell", "cell", "cell", "drop", "add", "title", "short")))
        if how == "cell":
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                c = draw(st.integers(0, len(rows[r]) - 1))
                rows[r][c] = draw(st.sampled_from(HOSTILE_CELLS))
        elif how == "drop":
            c = draw(st.integers(0, max(len(r) for r in rows) - 1))
            for row in rows if draw(st.booleans()) else rows[header : header + 1]:
                if c < len(row):
                    del row[c]
        elif how == "add":
            rows[header].append(draw(st.sampled_from(("extra", "ID-nr", None, 7))))
        elif how == "title":
            rows[:0] = [["Output automatically generated"], []]
            header += 2
        elif rows[header:]:
            rows = rows[: draw(st.integers(0, len(rows)))]
    return workbook_bytes(rows, empty_first_sheet=draw(st.booleans()) and draw(st.booleans()),
                          epoch_1904=draw(st.booleans()))  # fmt: skip


def xlsx_members(draw: st.DrawFn, data: bytes) -> bytes:
    """A valid zip whose members are damaged, dropped or replaced: the workbook's XML cut or
    flipped, the shared strings missing, a zip of something else entirely."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {n: z.read(n) for n in z.namelist()}
    except Exception:  # a damaged zip: zipfile raises BadZipFile, ValueError, EOFError, ...
        members = {}
    how = draw(st.sampled_from(("damage", "damage", "drop", "foreign", "empty")))
    if how == "foreign" or not members:
        members = {"readme.txt": b"not a workbook", "data.csv": b"a,b\n1,2\n"}
    elif how == "empty":
        members = {}
    else:
        name = draw(st.sampled_from(sorted(members)))
        if how == "drop":
            del members[name]
        else:
            op = draw(st.sampled_from((flip_bits, truncate, insert_bytes, delete_span, huge_field)))
            members[name] = op(draw, members[name])
    return zip_bytes(members)


XLSX_OPS: tuple[Op, ...] = (xlsx_cells, xlsx_cells, xlsx_members, flip_bits, truncate)

# -- putting them together ----------------------------------------------------------------------

OPS: dict[str, tuple[Op, ...]] = {
    "table": TABLE_OPS + BYTE_OPS,
    "lines": BYTE_OPS + (quote_error,),
    "json": JSON_OPS + BYTE_OPS,
    "xml": XML_OPS + BYTE_OPS,
    "xlsx": XLSX_OPS + (insert_bytes, delete_span),
}


def mutated(seed: bytes, kind: str) -> st.SearchStrategy[bytes]:
    """The seed after one to three mutations of its kind (``table``, ``lines``, ``json``, ``xml``
    or ``xlsx``); a workbook made from a table is mutated as a workbook from then on."""

    @st.composite
    def strategy(draw: st.DrawFn) -> bytes:
        data = seed
        for _ in range(draw(st.integers(1, 3))):
            ops = OPS["xlsx"] if data[:2] == b"PK" and kind != "xlsx" else OPS[kind]
            op = draw(st.sampled_from(ops))
            data = op(draw, data)[:MAX_BYTES]
        return data

    return strategy()
