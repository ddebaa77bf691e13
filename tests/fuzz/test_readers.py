"""Every reader, fed mutated seeds: a damaged file is refused with InputFileError (file, reason,
line) or read with its bad rows rejected (line, reason); nothing else escapes."""

from __future__ import annotations

import gzip
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_loader.files import RawFile
from graph_loader.framework import TransformResult

from .harness import CORPUS, READERS, Reader, check, content
from .mutations import mutated
from .profiles import examples


def _kind(reader: Reader, data: bytes) -> str:
    return "xlsx" if data[:2] == b"PK" else reader.kind


def _inputs(reader: Reader) -> st.SearchStrategy[tuple[str, bytes]]:
    """A seed of the reader, mutated; a gzipped seed is mutated inside its gzip as well."""
    choices = []
    for path in reader.seed_paths():
        data, name = reader.seed_bytes(path), reader.seed_name(path)
        unpacked = content(data) if data[:2] == b"\x1f\x8b" else None
        if unpacked is not None:  # mutate what is inside the gzip, and the gzip itself
            inner = mutated(unpacked, "table").map(lambda d: gzip.compress(d, mtime=0))
            choices.append(st.tuples(st.just(name), st.one_of(inner, mutated(data, "lines"))))
        else:
            choices.append(st.tuples(st.just(name), mutated(data, _kind(reader, data))))
    return st.one_of(choices)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.id)
def test_a_mutated_file_is_refused_or_read_and_nothing_else_escapes(reader: Reader) -> None:
    outcomes: Counter[str] = Counter()

    @settings(max_examples=examples(reader.weight))
    @given(_inputs(reader))
    def fuzz(case: tuple[str, bytes]) -> None:
        name, data = case
        outcomes[check(reader, name, data)] += 1

    fuzz()
    # mutations that only ever broke the file (or never did) would test one path of the reader
    assert outcomes["refused"] and outcomes["read"], dict(outcomes)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.id)
def test_every_seed_is_read_cleanly(reader: Reader) -> None:
    # a seed must be a good file: mutations start from something the reader accepts whole
    for seed in reader.seeds:
        path = CORPUS / seed
        assert check(reader, str(path), path.read_bytes(), known=False) == "read", seed
        out = reader.read(RawFile(str(path), path.read_bytes()))
        if isinstance(out, TransformResult):
            assert not out.rejections, out.rejections[:3]
            assert out.nodes, f"{seed}: nothing read"
        else:
            assert out, f"{seed}: no alteration read"
