"""HGNC genes: approved symbols with their aliases and previous symbols, for gene normalisation.

Reads the HGNC complete set (``hgnc_complete_set.txt``, tab-separated, optionally gzipped).
Withdrawn entries are left out (counted in the report). Licence: HGNC data are free to use (CC0);
cite HGNC.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import ValidationError

from graph_loader.files import BadRow, RawFile, one_file, read_tsv
from graph_loader.framework import Rejection, Source, SourceMeta, TransformResult
from ontology.errors import InputFileError
from ontology.models import Gene

META = SourceMeta(
    name="hgnc",
    licence="CC0 1.0",
    url="https://www.genenames.org",
    citation="HGNC Database, HUGO Gene Nomenclature Committee (HGNC), www.genenames.org",
)
REQUIRED = ("hgnc_id", "symbol", "name", "status", "alias_symbol", "prev_symbol")
HGNC_ID = re.compile(r"^HGNC:\d+$")
SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@._\-#/]*$")


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.strip('"').split("|") if v.strip()]


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value.strip())


def transform(
    raw: RawFile, version: str | None = None, retrieved_at: str | None = None
) -> TransformResult:
    """Parse and validate a whole HGNC complete-set file into ``Gene`` nodes."""
    _, rows = read_tsv(raw, required=REQUIRED)
    genes: list[Gene] = []
    rejections: list[Rejection] = []
    skipped: dict[str, int] = {}
    seen: dict[str, int] = {}
    read = 0
    newest: dt.date | None = None
    for row in rows:
        read += 1
        if isinstance(row, BadRow):
            rejections.append(Rejection(raw.name, row.line, "malformed row", row.reason))
            continue
        v = row.values
        hgnc_id, symbol = v["hgnc_id"].strip(), v["symbol"].strip()
        if not hgnc_id:
            rejections.append(Rejection(raw.name, row.line, "missing hgnc_id", column="hgnc_id"))
            continue
        if not HGNC_ID.match(hgnc_id):
            rejections.append(
                Rejection(
                    raw.name,
                    row.line,
                    "malformed hgnc_id",
                    f"{hgnc_id!r}, expected HGNC:<digits>",
                    column="hgnc_id",
                )
            )
            continue
        if v["status"].strip() == "Entry Withdrawn":
            skipped["withdrawn entry"] = skipped.get("withdrawn entry", 0) + 1
            continue
        if not symbol or not SYMBOL.match(symbol):
            rejections.append(
                Rejection(raw.name, row.line, "malformed symbol", f"{symbol!r}", column="symbol")
            )
            continue
        if hgnc_id in seen:
            rejections.append(
                Rejection(
                    raw.name,
                    row.line,
                    "duplicate hgnc_id",
                    f"{hgnc_id} (first at line {seen[hgnc_id]})",
                )
            )
            continue
        try:
            modified = _date(v.get("date_modified"))
        except ValueError:
            rejections.append(
                Rejection(
                    raw.name,
                    row.line,
                    "malformed date",
                    f"{v.get('date_modified')!r}",
                    column="date_modified",
                )
            )
            continue
        if modified and (newest is None or modified > newest):
            newest = modified
        aliases, previous = _split(v.get("alias_symbol")), _split(v.get("prev_symbol"))
        try:
            gene = Gene(
                id=hgnc_id,
                source_record_id=hgnc_id,
                symbol=symbol,
                name=v["name"].strip() or None,
                locus_group=(v.get("locus_group") or "").strip() or None,
                locus_type=(v.get("locus_type") or "").strip() or None,
                status=v["status"].strip() or None,
                location=(v.get("location") or "").strip() or None,
                aliases=aliases,
                previous_symbols=previous,
                entrez_id=(v.get("entrez_id") or "").strip() or None,
                ensembl_gene_id=(v.get("ensembl_gene_id") or "").strip() or None,
                uniprot_ids=_split(v.get("uniprot_ids")),
                date_modified=modified,
                lookup_keys=sorted({symbol.upper(), *(a.upper() for a in aliases + previous)}),
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            rejections.append(
                Rejection(raw.name, row.line, "invalid value", f"{hgnc_id}: {err['msg']}")
            )
            continue
        seen[hgnc_id] = row.line
        genes.append(gene)

    version = version or (newest.isoformat() if newest else None)
    if not version:
        raise InputFileError(
            raw.name, "cannot tell the HGNC release (no date_modified); give --source-version"
        )
    source = META.for_file(raw, version, retrieved_at)
    result = TransformResult(
        source=source, nodes=list(genes), rows_read=read, rejections=rejections
    )
    result.skipped.update(skipped)
    return result


SOURCE = Source(
    name="hgnc",
    description=("HGNC genes with aliases and previous symbols (complete-set TSV, .gz ok)"),
    meta=META,
    read=one_file,
    transform=transform,
    needs={},
)
