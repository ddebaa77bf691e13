"""One root exception for the project, with specific subclasses.

The CLI turns any :class:`OncographError` into a one-line message and a non-zero exit code; the
traceback is shown only with ``--debug``. Lives in ``ontology`` because every layer raises these and
``ontology`` is the one package every other imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class OncographError(Exception):
    """Root of every error the project raises on purpose."""

    exit_code = 1


class ConfigError(OncographError):
    """The configuration is unusable (e.g. a password inside a URI, a store that does not exist)."""

    exit_code = 2


class InputFileError(OncographError):
    """An input file cannot be read as the expected format; nothing from it was written."""

    exit_code = 3

    def __init__(
        self,
        path: str | Path,
        reason: str,
        line: int | None = None,
        column: int | str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = reason
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}")


class RejectedRowsError(OncographError):
    """``--strict``: a load rejected rows, so nothing was written."""

    exit_code = 3


class StoreError(OncographError):
    """The graph store failed or cannot be reached."""

    exit_code = 4


class SchemaMissingError(StoreError):
    """The store has no oncograph schema yet."""


class ReadOnlyError(StoreError):
    """A write, schema or admin statement was sent through a read-only handle."""

    exit_code = 5


class QueryError(OncographError):
    """A Cypher statement is invalid or refers to names the schema does not have."""

    exit_code = 6


class QueryTimeoutError(QueryError):
    """A statement ran past its time limit (``--timeout``) and was stopped by the engine."""

    exit_code = 9


class MissingParameterError(QueryError):
    """A query uses ``$name`` parameters that were not given."""


class LoadError(OncographError):
    """Writing a load to the store failed; nothing already in the graph was removed."""

    exit_code = 7


class ShrinkError(LoadError):
    """A load would remove more of a source's facts than the shrink guard allows."""


class UnknownConceptError(OncographError):
    """A gene, tumour type, drug ... is not known; carries the nearest known ones."""

    exit_code = 8

    def __init__(self, kind: str, value: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.value = value
        self.suggestions = list(suggestions)
        message = f"unknown {kind} {value!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(self.suggestions) + "?"
        super().__init__(message)
