"""Hypothesis profiles for the fuzz suite.

``ci`` (the default): a fixed number of examples per reader, derandomised (every run tries the
same inputs, so a failure reproduces), no example database, no deadline (timing on a 2-core
machine flakes; the harness's own time limit catches a reader that does not return). The whole
suite stays well within three minutes on a 2-core machine (docs/fuzzing.md has the measured
time).

``deep`` (``ONCOGRAPH_FUZZ=deep``): many more examples, random (a new run tries new inputs), with
hypothesis's example database under ``.hypothesis/`` (ignored by git) so that a failure found is
tried first next time. ``ONCOGRAPH_FUZZ_EXAMPLES=N`` sets the examples per reader of either.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parents[2]  # the repository (.hypothesis/ is ignored by git)
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                HealthCheck.large_base_example]  # fmt: skip

settings.register_profile(
    "ci", max_examples=400, derandomize=True, database=None, deadline=None,
    suppress_health_check=SLOW_IS_FINE, print_blob=False,
)  # fmt: skip
settings.register_profile(
    "deep", max_examples=2000, derandomize=False, deadline=None,
    database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "fuzz")),
    suppress_health_check=SLOW_IS_FINE, print_blob=True,
)  # fmt: skip
PROFILE = os.environ.get("ONCOGRAPH_FUZZ", "ci")
settings.load_profile(PROFILE)
#: refused files loaded into a store per source (a store load is slow)
STORE_EXAMPLES = 25 if PROFILE == "deep" else 3


def examples(weight: float = 1.0) -> int:
    """The examples one reader gets: its weight times the profile's (or ONCOGRAPH_FUZZ_EXAMPLES)."""
    base = int(os.environ.get("ONCOGRAPH_FUZZ_EXAMPLES") or settings.default.max_examples)
    return max(1, round(base * weight))
