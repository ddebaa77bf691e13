"""The query catalog as Markdown (``docs/queries.md``; a test keeps the two equal).

Regenerate with ``python -m queries.describe > docs/queries.md``.
"""

from __future__ import annotations

from typing import Any

from queries.catalog import CypherRunner, catalog


def catalog_markdown() -> str:
    out = [
        "# Query catalog",
        "",
        "Generated from `queries/cypher/*.cypher` by `python -m queries.describe`; do not edit.",
        "Each statement runs unchanged on Neo4j and on the embedded store (a test compares the",
        'answers). Run one yourself with `oncograph cypher "$(cat queries/cypher/NAME.cypher)"',
        "--param k=v`. Statements with `{label}` / `{rel_type}` are templates filled from the",
        "ontology's enums by the typed functions in `queries/__init__.py`.",
        "",
    ]
    for name, q in catalog().items():
        out += [f"## `{name}`", "", q.description, ""]
        if q.params:
            out.append(f"- parameters: {q.params}")
        if q.returns:
            out.append(f"- returns: {q.returns}")
        if q.example:
            out.append("- example: " + " ".join(f"`--param {k}={v}`" for k, v in q.example.items()))
        out += ["", "```cypher", q.text, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(catalog_markdown(), end="")


def schema_description(runner: CypherRunner) -> dict[str, list[dict[str, Any]]]:
    """Every label and relationship type with its meaning, origin, properties (patterns) and its
    count in this store (``oncograph schema``)."""
    from ontology.metagraph import (
        LABEL_DEFINITIONS,
        PATTERNS,
        REL_DEFINITIONS,
        node_properties,
        rel_properties,
    )
    from ontology.vocab import Label, RelType
    from queries import graph_stats

    stats = graph_stats(runner)
    nodes = {r.name: r.count for r in stats.nodes}
    rels = {r.name: r.count for r in stats.relationships}
    labels = [{
        "label": label.value, "count": nodes.get(label.value, 0),
        "meaning": LABEL_DEFINITIONS[label].meaning, "from": LABEL_DEFINITIONS[label].origin,
        "properties": {p.name: p.type.value + ("" if not p.required else ", required")
                       for p in node_properties(label)},
    } for label in Label]  # fmt: skip
    types = [{
        "type": t.value, "count": rels.get(t.value, 0), "meaning": REL_DEFINITIONS[t].meaning,
        "from": REL_DEFINITIONS[t].origin,
        "patterns": [f"({a.value})-[:{t.value}]->({b.value})" for a, b in PATTERNS[t]],
        "properties": [p.name for p in rel_properties(t)],
    } for t in RelType]  # fmt: skip
    return {"labels": labels, "relationships": types}


def render_schema(schema: dict[str, list[dict[str, Any]]]) -> str:
    out = []
    for item in schema["labels"]:
        out.append(f"{item['label']} ({item['count']:,}): {item['meaning']}")
        out.append(f"  from: {item['from']}")
        out.append(
            "  properties: " + ", ".join(f"{k} ({v})" for k, v in item["properties"].items())
        )
    out.append("")
    for item in schema["relationships"]:
        out.append(f"{item['type']} ({item['count']:,}): {item['meaning']}")
        out.append(f"  from: {item['from']}; " + ", ".join(item["patterns"]))
    return "\n".join(out)
