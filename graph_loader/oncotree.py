"""OncoTree tumour types and their ``IS_A`` hierarchy.

Reads the release files of cBioPortal/oncotree in three shapes:

* the nested tree JSON (``trees/oncotree_YYYY_MM_DD.json``; also the REST API's
  ``/api/tumorTypes/tree``): ``{"TISSUE": {"code", "name", ..., "children": {CODE: {...}}}}``;
* the flat list JSON of the REST API's ``/api/tumorTypes``: ``[{"code", "name", "parent", ...}]``;
* a flat TSV with at least ``code``, ``name`` and ``parent`` columns (``mainType``, ``tissue``,
  ``level``, ``color``, ``UMLS``, ``NCI`` used where present).

Licence: OncoTree is CC BY 4.0 (Memorial Sloan Kettering Cancer Center); attribute it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from graph_loader.files import BadRow, RawFile, one_file, read_tsv
from graph_loader.framework import Rejection, Source, SourceMeta, TransformResult
from ontology.errors import InputFileError
from ontology.models import Rel, TumourType
from ontology.vocab import Label, RelType

META = SourceMeta(
    name="oncotree",
    licence="CC BY 4.0",
    url="https://oncotree.mskcc.org",
    citation=(
        "Kundra R et al. OncoTree: A Cancer Classification System for Precision Oncology. "
        "JCO Clin Cancer Inform. 2021;5:221-230"
    ),
)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/\-]*$")
HAEMATOLOGICAL_TISSUES = {"Lymphoid", "Myeloid"}
ROOT = "TISSUE"


def version_from_name(file_name: str) -> str | None:
    """``oncotree_2025_10_03.json`` -> ``2025-10-03``; ``oncotree_development_2026-03-05`` ->
    ``development-2026-03-05``."""
    m = re.search(r"oncotree_(development_)?(\d{4})[_-](\d{2})[_-](\d{2})", file_name)
    if not m:
        return None
    date = f"{m.group(2)}-{m.group(3)}-{m.group(4)}"
    return f"development-{date}" if m.group(1) else date


def _line_of(text: str, code: str) -> int | None:
    """Best-effort line of a tumour type's record in a JSON file, for messages."""
    m = re.search(r'"code"\s*:\s*"' + re.escape(code) + '"', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _strs(value: Any) -> list[str]:
    """Identifiers given as one delimited string or a list of them; ValueError for anything else
    (an object, a list of lists), which the caller rejects with its record."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[|,;]", value) if v.strip()]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ValueError(f"{value!r} is not a list of identifiers")


class _Record:
    __slots__ = ("code", "fields", "line", "where")

    def __init__(
        self, code: Any, fields: dict[str, Any], line: int | None, where: str = ""
    ) -> None:
        self.code = code
        self.fields = fields
        self.line = line
        self.where = where  # which record, where there is no line (JSON): "item 3"


def _records_from_tree(raw: RawFile, text: str, doc: dict[str, Any]) -> list[_Record]:
    records: list[_Record] = []
    stack: list[tuple[Any, dict[str, Any], str | None]] = [
        (key, value, None) for key, value in doc.items()
    ]
    while stack:
        key, node, parent = stack.pop()
        if not isinstance(node, dict):
            raise InputFileError(
                raw.name,
                f"tumour type {key!r} is a {type(node).__name__}; expected an object",
                line=_line_of(text, str(key)),
            )
        code = node.get("code", key)
        fields = dict(node)
        fields.setdefault("parent", parent)
        where = f"key {key!r} under {parent}" if parent else f"key {key!r}"
        records.append(_Record(code, fields, _line_of(text, str(code)), where))
        children = node.get("children")
        if children is None:
            children = {}
        if not isinstance(children, dict):
            raise InputFileError(
                raw.name,
                f"children of {code!r} are a {type(children).__name__}; expected an object",
                line=_line_of(text, str(code)),
            )
        stack.extend((k, v, code) for k, v in reversed(list(children.items())))
    return records


def _records_from_list(raw: RawFile, text: str, doc: list[Any]) -> list[_Record]:
    records = []
    for index, item in enumerate(doc):
        if not isinstance(item, dict):
            raise InputFileError(
                raw.name, f"item {index} is a {type(item).__name__}; expected an object"
            )
        records.append(_Record(item.get("code"), item, _line_of(text, str(item.get("code"))),
                               f"item {index}"))  # fmt: skip
    return records


def _records_from_tsv(raw: RawFile, rejections: list[Rejection]) -> tuple[list[_Record], int]:
    _, rows = read_tsv(raw, required=("code", "name", "parent"))
    records: list[_Record] = []
    read = 0
    for row in rows:
        read += 1
        if isinstance(row, BadRow):
            rejections.append(Rejection(raw.name, row.line, "malformed row", row.reason))
            continue
        v = row.values
        fields = {
            "code": v["code"].strip(),
            "name": v["name"].strip(),
            "parent": v["parent"].strip() or None,
            "mainType": v.get("mainType", "").strip() or None,
            "tissue": v.get("tissue", "").strip() or None,
            "level": v.get("level", "").strip() or None,
            "color": v.get("color", "").strip() or None,
            "externalReferences": {
                "UMLS": _strs(v.get("UMLS")),
                "NCI": _strs(v.get("NCI")),
            },
        }
        records.append(_Record(fields["code"], fields, row.line))
    return records, read


def transform(
    raw: RawFile, version: str | None = None, retrieved_at: str | None = None
) -> TransformResult:
    """Parse and validate a whole OncoTree file into ``TumourType`` nodes and ``IS_A`` edges."""
    version = version or version_from_name(raw.base_name)
    if not version:
        raise InputFileError(
            raw.name,
            "cannot tell the OncoTree release from the file name (expected "
            "oncotree_YYYY_MM_DD...); give it with --source-version",
        )
    result = TransformResult(source=META.for_file(raw, version, retrieved_at))
    text = raw.text()
    stripped = text.lstrip()
    if not stripped:
        raise InputFileError(raw.name, "the file is empty; expected OncoTree JSON or TSV", line=1)
    if stripped[0] in "{[" or raw.base_name.lower().endswith(".json"):
        doc = raw.json("an OncoTree tree or list of tumour types")
        if isinstance(doc, dict):
            if not doc:
                raise InputFileError(raw.name, "empty JSON object; expected an OncoTree tree")
            records = _records_from_tree(raw, text, doc)
        elif isinstance(doc, list):
            records = _records_from_list(raw, text, doc)
        else:
            raise InputFileError(raw.name, "expected a JSON object (tree) or list of tumour types")
        result.rows_read = len(records)
    else:
        records, result.rows_read = _records_from_tsv(raw, result.rejections)

    _build(raw, records, result)
    return result


def _build(raw: RawFile, records: Iterable[_Record], result: TransformResult) -> None:
    version = result.source.version
    kept: dict[str, _Record] = {}
    records = list(records)
    seen = {r.code.strip() for r in records if isinstance(r.code, str)}
    for rec in records:
        code = rec.code
        if not isinstance(code, str) or not code.strip():
            result.rejections.append(Rejection(raw.name, rec.line, "missing code", rec.where))
            continue
        code = code.strip()
        if not CODE.match(code):
            result.rejections.append(
                Rejection(raw.name, rec.line, "malformed code", f"{code!r}", column="code")
            )
            continue
        name = rec.fields.get("name")
        if not isinstance(name, str) or not name.strip():
            result.rejections.append(
                Rejection(raw.name, rec.line, "missing name", code, column="name")
            )
            continue
        parent = rec.fields.get("parent")
        if parent is not None and not isinstance(parent, str):
            result.rejections.append(Rejection(raw.name, rec.line, "malformed parent",
                                               f"{code}: {parent!r}", "parent"))  # fmt: skip
            continue
        if code in kept:
            result.rejections.append(
                Rejection(
                    raw.name,
                    rec.line,
                    "duplicate code",
                    f"{code} (first at line {kept[code].line})",
                )
            )
            continue
        rec.code = code
        kept[code] = rec

    # Parents must be in the file and kept; children of rejected parents go too (they would
    # dangle), until nothing changes. Then the hierarchy must be a tree.
    removed = True
    while removed:
        removed = False
        for code, rec in list(kept.items()):
            parent = rec.fields.get("parent")
            if parent and parent not in kept:
                reason = "unknown parent" if parent not in seen else "parent rejected"
                result.rejections.append(
                    Rejection(raw.name, rec.line, reason, f"{code} -> {parent}")
                )
                del kept[code]
                removed = True
    _check_acyclic(raw, kept)

    for code, rec in kept.items():
        f = rec.fields
        refs = f.get("externalReferences") or {}
        try:
            if not isinstance(refs, dict):
                raise ValueError(f"externalReferences {refs!r} is not an object")
            umls, nci = _strs(refs.get("UMLS")), _strs(refs.get("NCI"))
            previous = sorted(set(_strs(f.get("history")) + _strs(f.get("precursors"))) - {code})
        except ValueError as exc:
            result.rejections.append(
                Rejection(raw.name, rec.line, "invalid value", f"{code}: {exc}")
            )
            continue
        tissue = f.get("tissue")
        level = f.get("level")
        try:
            level = int(level) if level not in (None, "") else None
        except (TypeError, ValueError, OverflowError):  # OverflowError: a level of Infinity
            result.rejections.append(
                Rejection(raw.name, rec.line, "malformed level", f"{code}: {level!r}", "level")
            )
            continue
        name = f["name"].strip()
        try:
            node = TumourType(
                id=code,
                source_record_id=code,
                code=code,
                name=name,
                main_type=f.get("mainType"),
                tissue=tissue,
                level=level,
                parent_code=f.get("parent"),
                color=f.get("color"),
                oncotree_release=version,
                umls_ids=umls,
                nci_ids=nci,
                xrefs=[f"UMLS:{u}" for u in umls] + [f"NCIT:{n}" for n in nci],
                previous_codes=previous,
                lookup_keys=sorted({code.lower(), name.lower(), *(p.lower() for p in previous)}),
                solid_tumour=None  # a tissue that is no text is refused by the model
                if code == ROOT or not tissue or not isinstance(tissue, str)
                else (tissue not in HAEMATOLOGICAL_TISSUES),
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            result.rejections.append(
                Rejection(
                    raw.name,
                    rec.line,
                    "invalid value",
                    f"{code}: {err['msg']}",
                    column=".".join(str(p) for p in err["loc"]),
                )
            )
            continue
        result.nodes.append(node)
        if f.get("parent"):
            result.rels.append(
                Rel(
                    type=RelType.IS_A,
                    from_label=Label.TUMOUR_TYPE,
                    from_id=code,
                    to_label=Label.TUMOUR_TYPE,
                    to_id=f["parent"],
                    source_record_id=code,
                )
            )


def _check_acyclic(raw: RawFile, kept: dict[str, _Record]) -> None:
    state: dict[str, int] = {}
    for start in kept:
        path = []
        code: str | None = start
        while code is not None and state.get(code) != 2:
            if state.get(code) == 1:
                cycle = path[path.index(code) :] + [code]
                raise InputFileError(
                    raw.name,
                    "the parent links form a cycle: " + " -> ".join(cycle),
                    line=kept[start].line,
                )
            state[code] = 1
            path.append(code)
            code = kept[code].fields.get("parent")
        for c in path:
            state[c] = 2


SOURCE = Source(
    name="oncotree",
    description=("OncoTree tumour types and hierarchy (tree JSON, API list JSON or flat TSV)"),
    meta=META,
    read=one_file,
    transform=transform,
    needs={},
)
