"""Outcome statistics for cohorts: exact (Clopper-Pearson) confidence intervals of a proportion
and Kaplan-Meier survival with pointwise confidence bands and the median with its interval.

Kaplan-Meier comes from lifelines (docs/decisions.md 11): the product-limit estimate, Greenwood's
variance on the log(-log) scale for the bands (lifelines' default, the usual choice for small
groups: the band stays inside [0, 1]), and the median's interval read where the bands cross 0.5
(Brookmeyer-Crowley style). The median itself is read from lifelines' curve under the convention
of R's ``survival`` and SAS ``LIFETEST``: the first time the estimate is below 0.5, and where the
curve lies exactly on 0.5 over an interval, that interval's midpoint. lifelines' own
``median_survival_time_`` compares in floating point, so a curve exactly at 0.5 gives the plateau's
start or its end depending on rounding (1.1, 2.2, ... with one censoring: 0.5000000000000001 at
3.3, so 5.5; four events at 1-4: exactly 0.5 at 2, so 2). The exact interval of a proportion
is scipy's ``binomtest`` (``method="exact"``: Clopper-Pearson). Both libraries are imported only
when a function here runs: a CLI call that computes no survival does not pay for them.

Every caller (``oncograph cohorts``, the dossier, the web pages) uses these functions, so the
numbers agree everywhere.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

LEVEL = 0.95


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` with its exact two-sided interval (None when n is 0)."""

    k: int
    n: int
    estimate: float | None
    low: float | None
    high: float | None


def proportion(k: int, n: int, level: float = LEVEL) -> Proportion:
    """``k`` of ``n`` with the Clopper-Pearson interval: the exact binomial one, never narrower
    than its nominal level (for 0 of n the lower bound is 0, for n of n the upper is 1)."""
    if not 0 <= k <= n:
        raise ValueError(f"{k} of {n} is not a proportion")
    if n == 0:
        return Proportion(k, n, None, None, None)
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return Proportion(k, n, k / n, float(ci.low), float(ci.high))


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier estimate. ``times``/``survival``/``low``/``high`` are the step function from
    time 0 (the estimate holds from each time until the next); ``median`` and its interval are None
    when the curve (or band) never falls to 0.5."""

    n: int
    events: int
    times: list[float] = field(default_factory=list)
    survival: list[float] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    median: float | None = None
    median_low: float | None = None
    median_high: float | None = None
    level: float = LEVEL
    durations: tuple[float, ...] = ()  # the patients' times, sorted

    def at_risk(self, t: float) -> int:
        """Patients still at risk just before ``t`` (no event or censoring before it)."""
        return len(self.durations) - bisect.bisect_left(self.durations, t)

    def at(self, t: float) -> float:
        """The estimate at ``t`` (the step holding at that time)."""
        i = bisect.bisect_right(self.times, t) - 1
        return self.survival[i] if i >= 0 else 1.0


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def kaplan_meier(
    times: Sequence[float], events: Sequence[bool], level: float = LEVEL
) -> KaplanMeier | None:
    """The Kaplan-Meier estimate of ``times`` (months) with ``events`` (True: the event was
    observed, False: censored); None for no patients."""
    pairs = [(float(t), bool(e)) for t, e in zip(times, events, strict=True) if t is not None]
    if not pairs:
        return None
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    fit = KaplanMeierFitter(alpha=1 - level).fit(
        [t for t, _ in pairs], [e for _, e in pairs], label="KM"
    )
    sf = fit.survival_function_["KM"]
    band = fit.confidence_interval_
    low_col, high_col = band.columns[0], band.columns[1]
    median_band = median_survival_times(band)
    return KaplanMeier(
        n=len(pairs),
        events=sum(e for _, e in pairs),
        times=[float(t) for t in sf.index],
        survival=[float(s) for s in sf.values],
        low=[float(x) for x in band[low_col].values],
        high=[float(x) for x in band[high_col].values],
        median=_median_of(sf.index, sf.values),
        median_low=_finite(median_band.iloc[0, 0]),
        median_high=_finite(median_band.iloc[0, 1]),
        level=level,
        durations=tuple(sorted(t for t, _ in pairs)),
    )


TOLERANCE = 1e-9  # a survival estimate this close to 0.5 is 0.5


def _median_of(index: Sequence[float], survival: Sequence[float]) -> float | None:
    """The median of a step function (see the module doc): None when it is not reached."""
    at_or_below = next((float(t) for t, s in zip(index, survival, strict=True)
                        if s <= 0.5 + TOLERANCE), None)  # fmt: skip
    below = next((float(t) for t, s in zip(index, survival, strict=True)
                  if s < 0.5 - TOLERANCE), None)  # fmt: skip
    if at_or_below is None or below is None:  # never at 0.5, or it stays there to the end
        return None
    return (at_or_below + below) / 2


def median(times: Sequence[float], events: Sequence[bool]) -> float | None:
    """The Kaplan-Meier median (the first time the estimate is at or below 0.5), or None."""
    km = kaplan_meier(times, events)
    return km.median if km else None
