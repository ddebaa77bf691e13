"""Rendering query rows as a table, JSON or CSV (for the CLI and for scripts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

FORMATS = ("table", "json", "csv")


# a cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, CR first
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def spreadsheet_safe(text: str) -> str:
    """A cell for a CSV/TSV/XLSX file that a spreadsheet shows as text, never runs: a value
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
    (OWASP's advice), unless it is a plain number (``-1.5``) or only dashes (``-`` for none)."""
    if text and _FORMULA.match(text) and not _NUMBER.match(text) and text.strip("-+ ") != "":
        return "'" + text
    return text


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # LadybugDB's sum() of integers is a 128-bit decimal
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)
    return str(_jsonable(value))


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        cols += [k for k in row if k not in cols]
    return cols


def render(rows: Sequence[dict[str, Any]], fmt: str = "table", max_width: int = 60) -> str:
    """Rows as text; ``table`` clips long cells to ``max_width``, ``json`` and ``csv`` do not."""
    if fmt == "json":
        return json.dumps([_jsonable(r) for r in rows], indent=2, ensure_ascii=False)
    cols = columns_of(rows)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([spreadsheet_safe(c) for c in cols])
        for row in rows:
            writer.writerow([spreadsheet_safe(_cell(row.get(c))) for c in cols])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not rows:
        return "(no rows)"

    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(_cell(row.get(c))) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def rows_to_graphml(rows: Sequence[dict[str, Any]]) -> str:
    """The raw graph in query rows as GraphML (Cytoscape, Gephi): every node value (a map with
    ``_label`` and ``id``) becomes a node; a path's relationships, and a row's single relationship
    between its two node columns, become edges."""
    import networkx as nx

    g = nx.MultiDiGraph()

    def add(node: dict[str, Any]) -> str:
        key = f"{node['_label']}:{node['id']}"
        g.add_node(key, **{k.lstrip("_"): _cell(v) for k, v in node.items() if v is not None})
        return key

    def is_node(v: Any) -> bool:
        return isinstance(v, dict) and "_label" in v and "id" in v

    for row in rows:
        nodes = [add(v) for v in row.values() if is_node(v)]
        rels = [v for v in row.values() if isinstance(v, dict) and "_type" in v]
        for v in row.values():
            if isinstance(v, dict) and "_path" in v:
                keys = [add(n) for n in v["_path"]]
                for (a, b), r in zip(itertools.pairwise(keys), v["_relationships"], strict=False):
                    g.add_edge(a, b, type=r.get("_type", ""))
        if len(nodes) == 2 and len(rels) == 1:
            g.add_edge(nodes[0], nodes[1], type=rels[0]["_type"])
    buf = io.BytesIO()
    nx.write_graphml(g, buf)
    return buf.getvalue().decode("utf-8").rstrip("\n")
