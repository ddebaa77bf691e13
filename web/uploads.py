"""Uploaded patient files, read in memory and never kept (docs/decisions.md 10).

The app raises Starlette's multipart spool to the upload limit (web/app.py), so a file part stays
in memory instead of a temporary file; FastAPI stops any body at the limit as it arrives. The
bytes are read here, capped at the size limit while reading, un-gzipped with the same cap (a gzip
bomb stops at the limit; every member of a bgzip file is read) and handed to the readers as a
:class:`RawFile`. Nothing from a patient is written by oncograph or logged: log lines carry the
method, the path without its query and the status (web/app.py).
"""

from __future__ import annotations

import re
import zlib
from pathlib import PurePath

from starlette.datastructures import UploadFile

from graph_loader.files import RawFile
from web.errors import ApiError

CHUNK = 1 << 16


def safe_name(name: str | None, default: str = "upload") -> str:
    """The upload's base name as messages and origins show it (no directories, no control
    characters, at most 120 characters)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.+-]+", "_", base)[:120].strip("._")
    return base or default


async def read_upload(upload: UploadFile, limit: int, field: str = "file") -> RawFile:
    """The upload as a :class:`RawFile`; over ``limit`` bytes (packed or unpacked): 413."""
    chunks, size = [], 0
    while block := await upload.read(CHUNK):
        size += len(block)
        if size > limit:
            raise _too_large(field, limit)
        chunks.append(block)
    await upload.close()
    return raw_file(safe_name(upload.filename), b"".join(chunks), limit, field)


def raw_file(name: str, data: bytes, limit: int, field: str = "file") -> RawFile:
    if len(data) > limit:
        raise _too_large(field, limit)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(name, data, limit, field)
        name = name.removesuffix(".gz")
    return RawFile(name, data)


def _gunzip(name: str, data: bytes, limit: int, field: str) -> bytes:
    """Every gzip member in turn (bgzip, which writes .vcf.gz and .maf.gz, makes many members of
    at most 64 KiB), never more than ``limit`` bytes unpacked."""
    out = bytearray()
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            out += d.decompress(rest, limit + 1 - len(out))
            while d.unconsumed_tail and len(out) <= limit:
                out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
            if len(out) > limit:
                raise _too_large(field, limit, "unpacked")
            if not d.eof:
                raise zlib.error("the stream is cut short")
            rest = d.unused_data
            if rest and rest[:2] != b"\x1f\x8b":
                if rest.strip(b"\x00"):  # padding after the last member is allowed
                    raise zlib.error("data after the last gzip member")
                rest = b""
    except zlib.error as exc:
        raise ApiError(422, "bad_file", f"{name}: broken gzip data: {exc}", field=field,
                       file=name) from None  # fmt: skip
    return bytes(out)


def _too_large(field: str, limit: int, what: str = "") -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"{field}: the file is over the limit of "
        f"{limit / 1_000_000:g} MB{' ' + what if what else ''}",
        field=field,
    )
