"""Nye Metoder decisions, from the official decision workbook's shape (``.xlsx`` or ``.csv``).

Columns (Norwegian, as published): ``ID-nr``, ``Virkestoff``, ``Handelsenavn``,
``Bruksområde (indikasjon)``, ``Metodetype``, ``Fagområde``, ``Dato siste beslutning``,
``Gjeldende beslutning Kortversjon``, ``Gjeldende beslutning (Hele)``; other columns are ignored.
Dates may be ISO, Norwegian ``dd.mm.yyyy`` or Excel serial numbers. Each method id becomes an
``HtaDecision`` (``ID2021_147``) with its status as published; a status phrased outside the
known vocabulary is kept verbatim and flagged. Substances are written with Norwegian INN spellings
(kapmatinib, larotrektinib); they link to the drug the graph already knows under its English INN
(capmatinib), through the spelling-independent match key. The biomarkers and tumour types the
Norwegian indication text names are read (``graph_loader.indications``) and linked (REQUIRES,
FOR_TUMOUR), and each current decision is matched to the EMA indication it decides on (ASSESSES);
decisions nothing could be read from, or matched to, are listed in the load report.

Several snapshots of the workbook (a directory of them, oldest first by name) keep the history:
a method whose status or date changed keeps its earlier decision with ``valid_to`` set.

Nye Metoder publishes no machine-readable list we could obtain: the project ships a small
hand-compiled sample in this shape; users load the current official workbook themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, read_file
from graph_loader.framework import Source, SourceMeta, TransformResult
from graph_loader.indications import IndicationIndex, match_indications, read_norwegian
from graph_loader.regulatory import split_substances
from graph_loader.tables import checked_rows, parse_date, read_table
from ontology.errors import InputFileError
from ontology.models import HtaDecision
from ontology.normalise import drug_match_key, normalise_drug_name
from ontology.vocab import HtaBody, Label, NyeMetoderStatus, RelType, TherapyType

META = SourceMeta(
    name="nyemetoder",
    licence="public decisions (no restriction known; load the official workbook yourself)",
    url="https://www.nyemetoder.no",
    citation="Nye Metoder, the national system for managed introduction of new health technologies",
)
COLUMNS = (
    "ID-nr", "Virkestoff", "Handelsenavn", "Bruksområde (indikasjon)", "Metodetype", "Fagområde",
    "Dato siste beslutning", "Gjeldende beslutning Kortversjon", "Gjeldende beslutning (Hele)",
)  # fmt: skip
METHOD_ID = re.compile(r"^ID\d{4}_\d{1,4}[A-Za-z]?$")
_STATUS = {" ".join(s.value.lower().split()): s.value for s in NyeMetoderStatus}

DrugIndex = dict[str, tuple[str, str]]  # match key -> (drug id, INN as the graph has it)


def transform(
    raw: RawFile | list[RawFile],
    version: str | None = None,
    drugs: DrugIndex | None = None,
    retrieved_at: str | None = None,
    indications: IndicationIndex | None = None,
    tumour_codes: set[str] | None = None,
) -> TransformResult:
    """Parse and validate decision workbooks into ``HtaDecision`` nodes and their links.

    ``raw`` is one workbook or several snapshots of it (oldest first, e.g. the 2020 and 2024
    downloads): the newest row of a method id is its current decision (node id = method id); an
    earlier row with another status or date is kept as history (``ID2019_029@2020-01-27``,
    ``current=false``, ``valid_to`` = the next decision's date) that the newer one SUPERSEDES.
    ``indications`` (the EMA indications in the graph) links each decision to the indication it
    decides on (ASSESSES); ``tumour_codes`` (the loaded OncoTree codes) limits the tumour types
    read from the text to known ones.
    """
    snapshots = raw if isinstance(raw, list) else [raw]
    first = snapshots[-1]
    result = TransformResult(source=META.for_file(first, version or "unversioned", retrieved_at))
    collect = ConceptCollector(result)
    history: dict[str, list[tuple[dict[str, Any], dt.date | None]]] = {}
    dates: list[dt.date] = []
    for snapshot in snapshots:
        for method_id, row, decided in _valid_rows(snapshot, result):
            states = history.setdefault(method_id, [])
            state = (_status_text(row), decided)
            if not states or (_status_text(states[-1][0]), states[-1][1]) != state:
                states.append((row, decided))
            else:
                states[-1] = (row, decided)  # same decision: the newer wording of it
            if decided:
                dates.append(decided)
    for method_id, states in history.items():
        newer_id = None
        for position in range(len(states) - 1, -1, -1):
            row, decided = states[position]
            current = position == len(states) - 1
            node_id = (
                method_id if current else f"{method_id}@{decided or f'snapshot{position + 1}'}"
            )
            valid_to = None if current else states[position + 1][1]
            _decision(collect, node_id, method_id, row, decided, current, valid_to, drugs,
                      indications, tumour_codes)  # fmt: skip
            if newer_id:
                collect.rel(RelType.SUPERSEDES, Label.HTA_DECISION, newer_id, Label.HTA_DECISION,
                            node_id)  # fmt: skip
            newer_id = node_id
    if version is None:
        version = max(dates).isoformat() if dates else first.sha256[:12]
        result.source = META.for_file(first, version, retrieved_at)
    return result


def read_snapshots(path: str | Path | RawFile) -> list[RawFile]:
    """One workbook, or a directory of dated snapshots of it (oldest first by file name)."""
    if isinstance(path, RawFile):
        return [path]
    if Path(path).is_dir():
        files = sorted(p for p in Path(path).iterdir()
                       if p.suffix.lower() in (".csv", ".xlsx", ".tsv"))  # fmt: skip
        if not files:
            raise InputFileError(path, "no .xlsx, .csv or .tsv workbook in the directory")
        return [read_file(p) for p in files]
    return [read_file(path)]


def _status_text(row: dict[str, Any]) -> str:
    return " ".join(str(row["Gjeldende beslutning Kortversjon"] or "").lower().split())


def _valid_rows(raw: RawFile, result: TransformResult):  # type: ignore[no-untyped-def]
    """(method id, row, decision date) of each valid row; the others become rejections."""
    seen: dict[str, int] = {}
    rows = read_table(raw, COLUMNS, "ID-nr", "the Nye Metoder decision workbook")
    for line, row, reject in checked_rows(raw.name, rows, result):
        method_id = str(row["ID-nr"]).strip()
        if not METHOD_ID.match(method_id):
            reject("malformed method id", f"{method_id!r}, expected ID<year>_<number>", "ID-nr")
            continue
        if method_id in seen:
            reject("duplicate method id", f"{method_id} (first at row {seen[method_id]})", "ID-nr")
            continue
        try:
            decided = parse_date(row["Dato siste beslutning"])
        except ValueError as exc:
            reject("unparseable date", str(exc), "Dato siste beslutning")
            continue
        seen[method_id] = line
        yield method_id, row, decided


def _decision(
    collect: ConceptCollector,
    node_id: str,
    method_id: str,
    row: dict[str, Any],
    decided: dt.date | None,
    current: bool,
    valid_to: dt.date | None,
    drugs: DrugIndex | None,
    indications: IndicationIndex | None,
    tumour_codes: set[str] | None,
) -> None:
    short = str(row["Gjeldende beslutning Kortversjon"] or "").strip()
    status = _STATUS.get(" ".join(short.lower().split())) if short else None
    if short and status is None:
        collect.miss("decision status", f"{method_id}: {short!r}")
    substance = str(row["Virkestoff"] or "").strip()
    text = " ".join(str(row["Bruksområde (indikasjon)"] or "").split())
    collect.node(HtaDecision(
        id=node_id, source_record_id=method_id, body=HtaBody.NYE_METODER,
        method_id=method_id, substance=substance or None,
        brand_names=[b.strip() for b in re.split(r"[,/]", str(row["Handelsenavn"] or ""))
                     if b.strip()],
        indication_text=text or None,
        method_type=str(row["Metodetype"] or "").strip() or None,
        specialty=str(row["Fagområde"] or "").strip() or None,
        status=status or short or None, decision_date=decided,
        decision_short=short or None,
        decision_full=str(row["Gjeldende beslutning (Hele)"] or "").strip() or None,
        current=current, valid_from=decided, valid_to=valid_to,
        normalised=not (short and status is None),
    ))  # fmt: skip
    drug_ids: list[str] = []
    if substance:
        therapy, drug_ids = _therapy(collect, substance, drugs)
        collect.rel(RelType.FOR_THERAPY, Label.HTA_DECISION, node_id, Label.THERAPY, therapy)
    read = read_norwegian(text)
    for concept in read.alterations:
        collect.alteration(concept)
        collect.rel(RelType.REQUIRES, Label.HTA_DECISION, node_id, Label.ALTERATION, concept.id,
                    match_level="read from the indication text")  # fmt: skip
    for code in read.tumours:
        if tumour_codes is None or code in tumour_codes:
            collect.rel(RelType.FOR_TUMOUR, Label.HTA_DECISION, node_id, Label.TUMOUR_TYPE, code)
    if read.empty and current:
        collect.miss("indication text (no biomarker or tumour type read)", f"{method_id}: {text}")
    if indications is not None:
        matched, how = match_indications(indications, drug_ids, read, text)
        for approval_id in matched:
            collect.rel(RelType.ASSESSES, Label.HTA_DECISION, node_id, Label.APPROVAL, approval_id,
                        match_level=how)  # fmt: skip
        if not matched and current:
            collect.miss("EMA indication (no match by substance and indication)", method_id)


def _therapy(
    collect: ConceptCollector, substance: str, drugs: DrugIndex | None
) -> tuple[str, list[str]]:
    """The therapy of the substance(s) (``a + b``, ``a, b``, ``a og b`` is a combination) and
    its drug ids."""
    names = split_substances(substance)
    members = []
    for name in names:
        known = (drugs or {}).get(drug_match_key(name))
        if known:
            members.append(known)  # the graph's node, under its English INN
        else:
            members.append(collect.drug(name))
            collect.miss("drug (no English INN in the graph)", normalise_drug_name(name))
    kind = TherapyType.COMBINATION if len(members) > 1 else TherapyType.SINGLE
    return collect.therapy(members, kind), [d for d, _ in members]


SOURCE = Source(
    name="nyemetoder",
    description=(
        "Nye Metoder decision workbook (.xlsx or .csv, Norwegian columns), or a directory of "
        "snapshots of it for the history; load MOAlmanac first so that decisions meet their EMA "
        "indications and Norwegian INN spellings the English ones"
    ),
    meta=META,
    read=read_snapshots,
    transform=transform,
    needs={
        "drugs": lambda g: g.drugs,
        "indications": IndicationIndex.from_snapshot,
        "tumour_codes": lambda g: set(g.tumours.codes()),
    },
)
