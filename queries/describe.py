"""The query catalog as Markdown (``docs/queries.md``; a test keeps the two equal).

Regenerate with ``python -m queries.describe > docs/queries.md``.
"""

from __future__ import annotations

from queries.catalog import catalog


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
