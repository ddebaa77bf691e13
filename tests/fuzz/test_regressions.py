"""One seed per bug the fuzzer found (corpus/regressions/<reader>/<bug>.*): each is now refused
with an InputFileError or read with its bad rows rejected, as the properties demand. The bugs
still open (in files this work may not change) keep a strict xfail on their seed (corpus/known/):
it fails the suite once the bug is fixed, so that the seed moves to regressions/."""

from __future__ import annotations

import pytest

from .harness import KNOWN, READERS, REGRESSIONS, check, known_bug

CASES = [(r, p) for r in READERS for p in r.regressions()]
OPEN = [(r, p) for r in READERS for p in r.regressions(KNOWN)]


def test_every_regression_folder_is_a_reader() -> None:
    folders = {r.folder for r in READERS}
    for root in (REGRESSIONS, KNOWN):
        assert {p.name for p in root.iterdir() if p.is_dir()} <= folders


@pytest.mark.parametrize(("reader", "path"), CASES, ids=[f"{r.id}:{p.name}" for r, p in CASES])
def test_a_bug_found_by_fuzzing_stays_fixed(reader, path) -> None:
    outcome = check(reader, reader.seed_name(path), reader.seed_bytes(path), known=False)
    assert outcome in ("refused", "read")


@pytest.mark.parametrize(("reader", "path"), OPEN, ids=[f"{r.id}:{p.name}" for r, p in OPEN])
def test_a_known_open_bug_is_still_there(reader, path) -> None:
    try:
        check(reader, reader.seed_name(path), reader.seed_bytes(path), known=False)
    except Exception as exc:
        bug = known_bug(reader, exc)
        assert bug is not None, f"{path.name} fails otherwise than its known bug: {exc!r}"
        pytest.xfail(f"known bug in {bug.where}: {bug.name}")
    pytest.fail(f"{path.name} no longer meets its known bug: move it to corpus/regressions/")
