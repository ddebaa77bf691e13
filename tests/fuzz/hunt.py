"""Hunt for reader bugs without stopping at the first: every distinct failure (exception type and
the innermost project frame) is counted, and its smallest input kept in a folder to look at.

    python -m tests.fuzz.hunt [--examples N] [--out DIR] [READER_ID_PREFIX ...]

The pytest suite (``tests/fuzz/test_readers.py``) checks the same properties; this is the tool for
a long search, between fixes. Inputs are random (not derandomised): each run looks elsewhere.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings

from .harness import READERS, Reader, check
from .profiles import SLOW_IS_FINE
from .test_readers import _inputs


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/graph_loader/" in f.filename or "/ontology/" in f.filename]
    where = ours[-1] if ours else frames[-1]
    message = str(exc).splitlines()[0][:90] if isinstance(exc, AssertionError) else ""
    return f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno} {message}".strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--out", type=Path, default=Path("/tmp/oncograph-fuzz-hunt"))
    parser.add_argument("readers", nargs="*")
    args = parser.parse_args()
    chosen = [r for r in READERS if not args.readers or r.id.startswith(tuple(args.readers))]
    total: Counter[str] = Counter()
    for reader in chosen:
        _hunt(reader, args, total)
    print(f"{len(total)} distinct failure(s)")
    sys.exit(1 if total else 0)


@dataclass
class Found:
    """One distinct failure: how often, and its smallest input (with the seed it came from)."""

    count: int
    data: bytes
    seed: str
    trace: str


def _hunt(reader: Reader, args: argparse.Namespace, total: Counter[str]) -> None:
    found: dict[str, Found] = {}
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=SLOW_IS_FINE)  # fmt: skip
    @given(_inputs(reader))
    def hunt(case: tuple[str, bytes]) -> None:
        seed, data = case
        try:
            outcomes[check(reader, seed, data)] += 1
        except Exception as exc:  # what is hunted
            outcomes["BUG"] += 1
            sig = _signature(exc)
            old = found.get(sig)
            if old is None or len(data) < len(old.data):
                trace = "".join(traceback.format_exception(exc)[-6:])
                found[sig] = Found((old.count if old else 0) + 1, data, seed, trace)
            else:
                old.count += 1

    hunt()
    print(f"{reader.id}: {dict(outcomes)} in {time.perf_counter() - started:.1f} s", flush=True)
    folder = args.out / reader.folder
    for n, (sig, f) in enumerate(sorted(found.items())):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n}.bin").write_bytes(f.data)
        (folder / f"{n}.txt").write_text(f"{sig}\nseed {f.seed}\n\n{f.trace}", encoding="utf-8")
        print(f"   {f.count:5d} x {sig}  [{folder / f'{n}.bin'}, {len(f.data)} bytes]")
        total[sig] += f.count


if __name__ == "__main__":
    main()
