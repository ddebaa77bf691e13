"""The data model as Markdown, generated from the ontology.

``docs/data-model.md`` is this output, and a test keeps the two equal. Regenerate with
``python -m ontology.describe > docs/data-model.md``.
"""

from __future__ import annotations

from ontology.metagraph import (
    INDEXED_PROPERTIES,
    LABEL_DEFINITIONS,
    PATTERNS,
    REL_DEFINITIONS,
    SHARED_LABELS,
    node_properties,
    rel_properties,
)
from ontology.vocab import Label


def data_model_markdown() -> str:
    out = [
        "# Data model",
        "",
        "Generated from `ontology/` by `python -m ontology.describe`; do not edit by hand.",
        "Every node has a unique `id`; every node and relationship carries its provenance",
        "(`source`, `source_version`, `run_id`; nodes also `licence`, `source_record_id`,",
        "`retrieved_at`, `curation_status`, `normalised`).",
        "",
        "Shared concepts ("
        + ", ".join(f"`{label.value}`" for label in sorted(SHARED_LABELS))
        + ") belong to no source: their `source` is `oncograph`, each source that states one",
        "links it with its own `FROM_SOURCE` edge, and a concept no source states any more is",
        "removed after a successful load. `Gene` belongs to HGNC, `TumourType` to OncoTree, and",
        "every fact to the source that states it (its own facts have no `FROM_SOURCE` edge: their",
        "`source` and `source_version` name the `Source` release).",
        "",
        "## Node labels",
        "",
        "| Label | Meaning | Comes from |",
        "|---|---|---|",
    ]
    for label in Label:
        d = LABEL_DEFINITIONS[label]
        out.append(f"| `{label.value}` | {d.meaning} | {d.origin} |")
    out += [
        "",
        "## Relationship types",
        "",
        "| Type | Patterns | Meaning | Comes from |",
        "|---|---|---|---|",
    ]
    for rel_type, pairs in PATTERNS.items():
        d = REL_DEFINITIONS[rel_type]
        if len(pairs) > 4:
            shown = f"(any fact)→({pairs[0][1].value})"
        else:
            shown = "<br>".join(f"({a.value})→({b.value})" for a, b in pairs)
        out.append(f"| `{rel_type.value}` | {shown} | {d.meaning} | {d.origin} |")
    out += [
        "",
        "## Properties",
        "",
        "Types: STRING, INT64, DOUBLE, BOOLEAN, DATE, STRING[] (lists of strings).",
        "Required properties are marked with *; indexed ones (besides `id`) with (i).",
        "",
    ]
    for label in Label:
        indexed = set(INDEXED_PROPERTIES.get(label, ()))
        props = ", ".join(
            f"`{s.name}`{'*' if s.required else ''}{' (i)' if s.name in indexed else ''} "
            f"{s.type.value}"
            for s in node_properties(label)
        )
        out.append(f"- **{label.value}**: {props}")
    out += ["", "Relationship properties:", ""]
    for rel_type in PATTERNS:
        props = ", ".join(f"`{s.name}` {s.type.value}" for s in rel_properties(rel_type))
        out.append(f"- **{rel_type.value}**: {props}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(data_model_markdown(), end="")
