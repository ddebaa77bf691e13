"""The query catalog: every Cypher statement of the project in its own ``.cypher`` file, shipped as
package data and loaded through ``importlib.resources``.

Each file starts with a header of ``// key: value`` lines:

* ``name`` (the file's stem), ``description`` (a plain-language question or purpose);
* ``params``: the ``$parameters`` it takes; ``returns``: its columns;
* ``example``: ``k=v`` pairs for a run on the demo data (used by the cross-backend test and docs).

Statements are written in the Cypher subset both backends run the same way.
Statements with ``{label}`` / ``{rel_type}`` placeholders are filled only from the ontology's enums.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Protocol

from ontology.errors import QueryError
from ontology.vocab import Label, RelType


class CypherRunner(Protocol):
    """What the query layer needs of a store: run a statement, get rows as dicts."""

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class CatalogQuery:
    name: str
    description: str
    text: str
    question: str = ""  # the plain-language question it answers (the cookbook's heading)
    params: str = ""
    returns: str = ""
    example: dict[str, Any] | None = None
    placeholders: tuple[str, ...] = field(default_factory=tuple)

    def render(self, label: Label | None = None, rel_type: RelType | None = None) -> str:
        """The statement with its enum placeholders filled (labels come only from the enums)."""
        text = self.text
        if "{label}" in text:
            if label is None:
                raise QueryError(f"query {self.name} needs a label")
            text = text.replace("{label}", Label(label).value)
        if "{rel_type}" in text:
            if rel_type is None:
                raise QueryError(f"query {self.name} needs a relationship type")
            text = text.replace("{rel_type}", RelType(rel_type).value)
        return text


def parse_param_value(text: str) -> Any:
    """``--param k=v`` values: JSON where it parses (numbers, booleans, lists, null), else text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_params(pairs: list[str] | tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"parameter {pair!r} is not name=value")
        out[name.strip()] = parse_param_value(value)
    return out


def _parse(name: str, source: str) -> CatalogQuery:
    header: dict[str, str] = {}
    body: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") and not body:
            key, sep, value = stripped[2:].strip().partition(":")
            if sep:
                header[key.strip()] = value.strip()
            continue
        body.append(line)
    text = "\n".join(body).strip()
    if header.get("name") != name:
        raise QueryError(f"catalog file {name}.cypher names itself {header.get('name')!r}")
    if not header.get("description"):
        raise QueryError(f"catalog file {name}.cypher has no description")
    example = None
    if "example" in header:
        # name=value pairs; a value may be a quoted string or a JSON list with spaces inside
        pairs = re.findall(r'\w+=(?:"[^"]*"|\[[^\]]*\]|\S+)', header["example"])
        example = parse_params(pairs) if header["example"] else {}
    placeholders = tuple(p for p in ("{label}", "{rel_type}") if p in text)
    return CatalogQuery(
        name=name,
        description=header["description"],
        text=text,
        question=header.get("question", ""),
        params=header.get("params", ""),
        returns=header.get("returns", ""),
        example=example,
        placeholders=placeholders,
    )


@cache
def catalog() -> dict[str, CatalogQuery]:
    """Every catalog query by name."""
    out = {}
    for entry in resources.files("queries").joinpath("cypher").iterdir():
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(out.items()))


def get(name: str) -> CatalogQuery:
    try:
        return catalog()[name]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(name, catalog(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise QueryError(f"no catalog query named {name!r}{hint}") from None


def run_named(runner: CypherRunner, name: str, params: dict[str, Any] | None = None) -> list[dict]:
    query = get(name)
    if query.placeholders:
        raise QueryError(f"query {name} is a template; use the typed function for it")
    return runner.read(query.text, params or {})
