"""Nye Metoder decisions, from the official decision workbook's shape (``.xlsx`` or ``.csv``).

Columns (Norwegian, as published): ``ID-nr``, ``Virkestoff``, ``Handelsenavn``,
``Bruksområde (indikasjon)``, ``Metodetype``, ``Fagområde``, ``Dato siste beslutning``,
``Gjeldende beslutning Kortversjon``, ``Gjeldende beslutning (Hele)``; other columns are ignored.
The official workbook's real shape (``../shared/data/nyemetoder/README.md``) is read as it is:

* method ids without the ``ID`` prefix (``2021_147``) or with it (``ID2021_147``, as the website
  writes them), with a letter after a space (``2013_036 A``): all normalised to ``ID2021_147`` /
  ``ID2013_036A``;
* a decision is a method id *and* its indication: a method id repeated with another indication
  is another decision (node id ``ID…:<hash of the indication>``, ``method_id`` the plain id); the
  same id and indication twice is one decision whose decision texts are merged;
* every method type is kept: drugs (``Legemidler``) get their therapy; devices, diagnostics and
  procedures become decisions without a therapy (counted in the load report);
* dates are Excel serials in the workbook's own date system (1900 or 1904), ``0`` for none, or
  ISO / ``dd.mm.yyyy`` text; long multi-line texts are kept.

Each decision becomes an ``HtaDecision`` with its status as published; a status phrased outside the
known vocabulary is kept verbatim and flagged. Substances are written with Norwegian INN spellings
(kapmatinib, larotrektinib); they link to the drug the graph already knows under its English INN
(capmatinib), through the spelling-independent match key. The biomarkers and tumour types the
Norwegian indication text names are read (``graph_loader.norwegian``) and linked (REQUIRES,
FOR_TUMOUR), and each current decision is matched to the EMA indication it decides on (ASSESSES);
decisions nothing could be read from, or matched to, are listed in the load report.

Several snapshots of the workbook (a directory of them, oldest first by name) keep the history:
a decision (method id and indication) whose status or date changed keeps its earlier state with
``valid_to`` set.

Nye Metoder publishes no machine-readable list we could obtain: the project ships a small
hand-compiled sample in this shape; users load the current official workbook themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile, read_file
from graph_loader.framework import Source, SourceMeta, TransformResult
from graph_loader.indications import IndicationIndex, match_indications
from graph_loader.norwegian import read_norwegian
from graph_loader.regulatory import split_substances
from graph_loader.tables import checked_rows, parse_date, read_table
from ontology.errors import InputFileError
from ontology.matching import INFERRED, NOT_A_DRUG, NOT_STATED, READ_FROM_TEXT
from ontology.models import HtaDecision
from ontology.normalise import drug_match_key, normalise_drug_name
from ontology.vocab import HtaBody, Label, NyeMetoderStatus, RelType, TherapyType

META = SourceMeta(
    name="nyemetoder",
    licence="public decisions (no restriction known; load the official workbook yourself)",
    url="https://www.nyemetoder.no",
    citation="Nye Metoder, the national system for managed introduction of new health technologies",
)
DATE = "Dato siste beslutning"
COLUMNS = (
    "ID-nr", "Virkestoff", "Handelsenavn", "Bruksområde (indikasjon)", "Metodetype", "Fagområde",
    "Dato siste beslutning", "Gjeldende beslutning Kortversjon", "Gjeldende beslutning (Hele)",
)  # fmt: skip
# the workbook's "2021_147" / "2013_036 A" and the website's "ID2021_147"
METHOD_ID = re.compile(r"^(?:ID)?\s*(\d{4})_(\d{1,4})(?:\s*([A-Za-z]))?$", re.IGNORECASE)
DRUGS = "Legemidler"  # the Metodetype of drug methods; the others are devices, tests, procedures
MERGED = "repeated method and indication (one decision, decision texts merged)"
_STATUS = {" ".join(s.value.lower().split()): s.value for s in NyeMetoderStatus}

DrugIndex = dict[str, tuple[str, str]]  # match key -> (drug id, INN as the graph has it)


def normalise_method_id(text: Any) -> str | None:
    """``2021_147``, ``ID2021_147``, ``2013_036 A`` -> ``ID2021_147``, ``ID2013_036A``; None if
    the text is no method id."""
    m = METHOD_ID.match(" ".join(str(text or "").split()))
    return f"ID{m.group(1)}_{m.group(2)}{(m.group(3) or '').upper()}" if m else None


def indication_key(text: Any) -> str:
    """What identifies a decision's indication: its text with white space folded, case-folded."""
    return " ".join(str(text or "").split()).casefold()


Identity = tuple[str, str]  # (method id, indication key)


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
    downloads): the newest row of a decision (method id and indication) is its current state
    (node id = the method id, or ``ID…:<hash>`` when the method has several indications); an
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
    history: dict[Identity, list[tuple[dict[str, Any], dt.date | None]]] = {}
    dates: list[dt.date] = []
    for snapshot in snapshots:
        for identity, row, decided in _valid_rows(snapshot, result):
            states = history.setdefault(identity, [])
            state = (_status_text(row), decided)
            if not states or (_status_text(states[-1][0]), states[-1][1]) != state:
                states.append((row, decided))
            else:
                states[-1] = (row, decided)  # same decision: the newer wording of it
            if decided:
                dates.append(decided)
    keys_of: dict[str, set[str]] = {}
    for method_id, key in history:
        keys_of.setdefault(method_id, set()).add(key)
    for (method_id, key), states in history.items():
        base = method_id if len(keys_of[method_id]) == 1 else f"{method_id}:{_short_hash(key)}"
        newer_id = None
        for position in range(len(states) - 1, -1, -1):
            row, decided = states[position]
            current = position == len(states) - 1
            node_id = base if current else f"{base}@{decided or f'snapshot{position + 1}'}"
            valid_to = None if current else states[position + 1][1]
            _decision(collect, node_id, method_id, row, decided, current, valid_to, drugs,
                      indications, tumour_codes)  # fmt: skip
            if newer_id:
                collect.rel(RelType.SUPERSEDES, Label.HTA_DECISION, newer_id, Label.HTA_DECISION,
                            node_id)  # fmt: skip
            newer_id = node_id
            if current and not _is_drug(row):
                result.skipped["not a drug (device, test or procedure): a decision without a "
                               "therapy"] += 1  # fmt: skip
    if version is None:
        version = max(dates).isoformat() if dates else first.sha256[:12]
        result.source = META.for_file(first, version, retrieved_at)
    return result


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _is_drug(row: dict[str, Any]) -> bool:
    """A drug method (``Legemidler``); a row that states no method type is read as one (the
    sample and older exports)."""
    kind = " ".join(str(row.get("Metodetype") or "").split())
    return not kind or kind.casefold() == DRUGS.casefold()


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
    """((method id, indication key), row, decision date) of each decision in one workbook; the
    rows that are not valid become rejections. A repeated method id and indication is one
    decision: the later-dated row, with the other's decision text merged in."""
    kept: dict[Identity, tuple[int, dict[str, Any], dt.date | None]] = {}
    rows = read_table(raw, COLUMNS, "ID-nr", "the Nye Metoder decision workbook",
                      date_columns=(DATE,))  # fmt: skip
    for line, row, reject in checked_rows(raw.name, rows, result):
        method_id = normalise_method_id(row["ID-nr"])
        if method_id is None:
            given = str(row["ID-nr"]).strip()
            expected = "<year>_<number> (2021_147, 2013_036 A) or ID<year>_<number>"
            reject("malformed method id", f"{given!r}, expected {expected}", "ID-nr")
            continue
        try:
            decided = _decision_date(row[DATE])
        except ValueError as exc:
            reject("unparseable date", str(exc), DATE)
            continue
        identity = (method_id, indication_key(row["Bruksområde (indikasjon)"]))
        if identity in kept:
            result.skipped[MERGED] += 1
            kept[identity] = _merge(kept[identity], (line, row, decided))
            continue
        kept[identity] = (line, row, decided)
    for identity, (_, row, decided) in kept.items():
        yield identity, row, decided


Kept = tuple[int, dict[str, Any], "dt.date | None"]


def _merge(first: Kept, second: Kept) -> Kept:
    """Two rows of one decision: the later-dated one (the later row on a tie), with both decision
    texts."""
    newer, older = (second, first) if (second[2] or dt.date.min) >= (first[2] or dt.date.min) \
        else (first, second)  # fmt: skip
    full = "Gjeldende beslutning (Hele)"
    texts = dict.fromkeys(t for t in (str(r[1][full] or "").strip() for r in (newer, older)) if t)
    row = dict(newer[1]) | {full: "\n\n---\n\n".join(texts)}
    return (first[0], row, newer[2])


def _decision_date(value: Any) -> dt.date | None:
    """``Dato siste beslutning``: a date (a workbook serial, already converted by the table
    reader), ISO or ``dd.mm.yyyy`` text, an Excel serial in text (1900 system), or 0 / empty for
    none."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*0+(?:\.0+)?\s*", value):
        return None
    return parse_date(value)


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
    drug = _is_drug(row)
    read = read_norwegian(text) if drug else None
    drug_ids: list[str] = []
    if drug and split_substances(substance):  # "+" or "/" alone names no substance
        therapy, drug_ids = _therapy(collect, substance, drugs)
        collect.rel(RelType.FOR_THERAPY, Label.HTA_DECISION, node_id, Label.THERAPY, therapy)
    matched, how = [], ""
    if read is not None and indications is not None:
        matched, how = match_indications(indications, drug_ids, read, text)
    inferred: set[str] = set()
    if read is not None and not read.alterations and len(matched) == 1:
        # nothing read: the biomarker of the one EMA indication the decision decides on
        inferred = set(indications.by_id[matched[0]].alterations)  # type: ignore[union-attr]
    if read is None:
        basis = NOT_A_DRUG
    elif read.alterations:
        basis = READ_FROM_TEXT
    elif inferred:
        basis = f"{INFERRED} {matched[0]}"
    else:
        basis = NOT_STATED
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
        normalised=not (short and status is None), biomarker_basis=basis,
        excluded_alterations=sorted(c.id for c in (read.excluded if read else ())),
    ))  # fmt: skip
    if read is None:
        return  # a device, test or procedure: the decision, without a therapy or biomarker
    for concept in (*read.alterations, *read.excluded):
        collect.alteration(concept)
    for concept in read.alterations:
        collect.rel(RelType.REQUIRES, Label.HTA_DECISION, node_id, Label.ALTERATION, concept.id,
                    match_level=READ_FROM_TEXT)  # fmt: skip
    for alteration_id in sorted(inferred):
        collect.rel(RelType.REQUIRES, Label.HTA_DECISION, node_id, Label.ALTERATION, alteration_id,
                    match_level=f"{INFERRED} {matched[0]}")  # fmt: skip
    for code in read.tumours:
        if tumour_codes is None or code in tumour_codes:
            collect.rel(RelType.FOR_TUMOUR, Label.HTA_DECISION, node_id, Label.TUMOUR_TYPE, code)
    if read.empty and current:
        collect.miss("indication text (no biomarker or tumour type read)", f"{method_id}: {text}")
    if current and basis == NOT_STATED:
        collect.miss("biomarker (not stated in the text, none inferred)", f"{method_id}: {text}")
    for approval_id in matched:
        collect.rel(RelType.ASSESSES, Label.HTA_DECISION, node_id, Label.APPROVAL, approval_id,
                    match_level=how)  # fmt: skip
    if indications is not None and not matched and current:
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
