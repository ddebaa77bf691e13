"""Reading raw source files: the only place loaders touch the file system.

A transform receives a :class:`RawFile` (name, bytes, checksum) and never opens files itself, so it
stays a pure function of its input and can be tested on bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ontology.errors import InputFileError

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class RawFile:
    name: str  # the path as the user gave it, for messages
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def base_name(self) -> str:
        return Path(self.name).name

    def text(self) -> str:
        """The file decoded as UTF-8 (a BOM is dropped); broken bytes give file, line and column."""
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (self.data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise InputFileError(
                self.name,
                f"not valid UTF-8 (byte 0x{self.data[exc.start]:02x}); expected UTF-8 text",
                line=line,
                column=column,
            ) from None
        return text.removeprefix("\ufeff")

    def lines(self) -> list[str]:
        """The file's lines as an editor numbers them: \\n, \\r\\n or \\r end a line (not the
        form feeds, \\x85 or \\u2028 that ``str.splitlines`` also breaks at, which shifted line
        numbers); like ``splitlines``, no empty line after the last line end."""
        lines = _LINE_END.split(self.text())
        return lines[:-1] if lines and not lines[-1] else lines

    def json(self, what: str = "") -> Any:
        """The file parsed as JSON; a syntax error gives file, line and column (and ``what`` was
        expected); so does JSON Python cannot hold (nested too deep, a 5,000-digit number)."""
        text = self.text()
        expected = f"; expected {what}" if what else ""
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                self.name, f"not valid JSON ({exc.msg}){expected}", exc.lineno, exc.colno
            ) from None
        except RecursionError:  # arrays or objects nested thousands deep
            raise InputFileError(self.name, f"JSON nested too deeply to read{expected}") from None
        except ValueError as exc:  # a number of more digits than Python converts
            raise InputFileError(self.name, f"unreadable JSON value ({exc}){expected}") from None


def read_file(path: str | Path) -> RawFile:
    """Read a file (transparently un-gzipping ``.gz``)."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(p, "no such file")
    if p.is_dir():
        raise InputFileError(p, "is a directory; expected a file")
    data = p.read_bytes()
    if p.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:  # a cut or damaged stream
            raise InputFileError(p, f"broken gzip data: {exc}") from None
    return RawFile(str(path), data)


def one_file(path: str | Path | RawFile) -> RawFile:
    """A source read from one file (or given as bytes)."""
    return path if isinstance(path, RawFile) else read_file(path)


def directory_of(name: str, read: Callable[[Path], Any]) -> Callable[[Any], Any]:
    """A source read from a release directory by ``read``; bytes cannot stand for a directory."""

    def reader(path: str | Path | RawFile) -> Any:
        if isinstance(path, RawFile):
            from ontology.errors import ConfigError

            raise ConfigError(f"{name} loads a directory, not one file")
        return read(Path(path))

    return reader


@dataclass(frozen=True)
class TsvRow:
    line: int  # 1-based line number in the file
    values: dict[str, str]


@dataclass(frozen=True)
class BadRow:
    """A row that could not be split into the header's columns: the caller rejects it with its
    line and goes on (the one value every table reader uses for this)."""

    line: int
    reason: str


def read_tsv(
    raw: RawFile, required: tuple[str, ...], delimiter: str = "\t"
) -> tuple[list[str], Iterator[TsvRow | BadRow]]:
    """Header and rows of a delimited file.

    The header must hold every ``required`` column (else :class:`InputFileError`). Each row is a
    :class:`TsvRow`, or a :class:`BadRow` for a row with the wrong number of fields, so that the
    caller rejects that row and goes on.
    """
    text = raw.text()
    if not text.strip():
        raise InputFileError(raw.name, "the file is empty; expected a header line", line=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputFileError(raw.name, f"unreadable header: {exc}", line=1) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(
            raw.name,
            f"missing column(s) {', '.join(missing)}; expected a header with {', '.join(required)}",
            line=1,
        )

    def rows() -> Iterator[TsvRow | BadRow]:
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRow(reader.line_num, f"unreadable row: {exc}")
                continue
            line = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != len(header):
                yield BadRow(
                    line, f"{len(fields)} fields, expected {len(header)} (as in the header)"
                )
                continue
            yield TsvRow(line, dict(zip(header, fields, strict=True)))

    return header, rows()
