"""``find_base``: the ticker's base (range it keeps failing to clear) and where price stands.

Structure (levels, tests, start, support) comes from weekly or daily bars via
:mod:`bot.analysis.base_scan`; the status (breakout / failed) is judged on daily closes,
like the event engine, so a breakout is seen on the day it happens even mid-week.
Only bars dated <= ``as_of`` are ever read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from bot.analysis.bars import BarArrays, atr_values, daily_arrays, day_to_date, to_weekly, weekly_arrays
from bot.analysis.base_params import BaseParams
from bot.analysis.base_scan import Structure, scan_structure
from bot.analysis.models import BaseResult, Level, Test
from bot.errors import BadArgument, NotEnoughData

__all__ = ["BaseParams", "find_base", "chart_window"]

# A breakout close clears the highs of the base's last weeks (all at or under the zone top),
# so only closes above the prior 25 days' highs (5 weeks, the minimum base) are candidates.
_PRIOR_HIGH_DAYS = 25


def _cut(daily: pd.DataFrame, as_of: date | None, keep: int) -> pd.DataFrame:
    """Bars dated <= as_of, of which only the last ``keep``."""
    end = len(daily)
    if as_of is not None:
        end = int(daily.index.searchsorted(pd.Timestamp(as_of), side="right"))
    return daily.iloc[max(0, end - keep) : end]


class _Analyzer:
    """Holds the arrays of one call and evaluates the base as of any day position."""

    def __init__(self, d: BarArrays, weekly: bool, p: BaseParams):
        self.d = d
        self.weekly = weekly
        self.p = p
        if weekly:
            self.bars, self.week_of_day = weekly_arrays(d.day, d.open, d.high, d.low, d.close, d.volume)
        else:
            self.bars, self.week_of_day = d, None
        self.atrv = atr_values(self.bars.high, self.bars.low, self.bars.close, p.atr_n)

    def structure_through(self, pos: int) -> tuple[Structure | str, BarArrays, np.ndarray]:
        """Base built from daily bars [0, pos] inclusive (or why there is none), plus the
        arrays its positions index."""
        if not self.weekly:
            return scan_structure(self.bars, self.atrv, pos + 1, self.p, False), self.bars, self.atrv
        k = int(self.week_of_day[pos])
        if pos == len(self.d) - 1 or self.week_of_day[pos + 1] != k:
            return scan_structure(self.bars, self.atrv, k + 1, self.p, True), self.bars, self.atrv
        # the week of ``pos`` is partial as of ``pos``: rebuild its bar from its first days
        first = int(np.searchsorted(self.week_of_day, k))
        d = self.d
        sl = slice(first, pos + 1)
        hh, ll = d.high[sl], d.low[sl]
        ih, il = int(np.argmax(hh)), int(np.argmin(ll))
        b = self.bars

        def cat(arr, val):
            out = np.empty(k + 1, dtype=arr.dtype)
            out[:k] = arr[:k]
            out[k] = val
            return out

        part = BarArrays(
            day=cat(b.day, d.day[pos]),
            open=cat(b.open, d.open[first]),
            high=cat(b.high, hh[ih]),
            low=cat(b.low, ll[il]),
            close=cat(b.close, d.close[pos]),
            volume=cat(b.volume, d.volume[sl].sum()),
            hi_day=cat(b.hi_day, d.day[first + ih]),
            lo_day=cat(b.lo_day, d.day[first + il]),
        )
        n_atr = self.p.atr_n
        if k >= n_atr:  # one Wilder step from the previous (complete) week
            prev_c = b.close[k - 1]
            tr = max(part.high[k], prev_c) - min(part.low[k], prev_c)
            atrv = cat(self.atrv, self.atrv[k - 1] + (tr - self.atrv[k - 1]) / n_atr)
        else:
            atrv = atr_values(part.high, part.low, part.close, n_atr)
        return scan_structure(part, atrv, k + 1, self.p, True), part, atrv


def _failure_pos(s: Structure, close: np.ndarray, j: int, n: int, p: BaseParams) -> int | None:
    """First daily position after breakout day j where the breakout failed, if any."""
    hits = []
    w_end = min(n, j + p.failure_window_days)
    back_inside = np.flatnonzero(close[j + 1 : w_end + 1] < s.zone_low - s.buffer)
    if len(back_inside):
        hits.append(j + 1 + int(back_inside[0]))
    r_end = min(n, j + p.breakout_recent_days)
    dropped = np.flatnonzero(close[j + 1 : r_end + 1] <= close[j] * (1 - p.failure_drop_pct / 100.0))
    if len(dropped):
        hits.append(j + 1 + int(dropped[0]))
    return min(hits) if hits else None


def _base_type(depth: float, p: BaseParams) -> str:
    if depth <= p.flat_max_depth_pct:
        return "flat"
    if depth <= p.consolidation_max_depth_pct:
        return "consolidation"
    return "loose"


def find_base(
    daily: pd.DataFrame,
    as_of: date | None = None,
    *,
    timeframe: str = "weekly",
    params: BaseParams | None = None,
) -> BaseResult:
    """Find the base of a daily OHLCV frame as of ``as_of`` (None = its last bar).

    ``timeframe="weekly"`` builds the structure from W-FRI weeks over ~3 years;
    ``"daily"`` from daily bars over ~1 year. Raises NotEnoughData on short histories and
    BadArgument on an unknown timeframe.
    """
    p = params or BaseParams()
    if timeframe not in ("weekly", "daily"):
        raise BadArgument(f"Unknown timeframe {timeframe!r}: use weekly or daily.")
    weekly = timeframe == "weekly"
    if weekly:
        keep = (p.lookback_weeks + p.vol_window_weekly // 4 + 2) * 5 + p.scan_days
        need = p.min_days_weekly
    else:
        keep = p.lookback_days + p.scan_days + p.vol_window_daily // 4
        need = p.min_days_daily
    df = _cut(daily, as_of, keep)
    if len(df) < need:
        raise NotEnoughData(
            f"Need at least {need} daily bars for a {timeframe} base, have {len(df)}"
            + (f" up to {as_of}." if as_of is not None else ".")
        )
    d = daily_arrays(df)
    an = _Analyzer(d, weekly, p)
    n = len(d) - 1
    close = d.close
    as_of_date = day_to_date(d.day[n]) if as_of is None else as_of

    # 1. recent breakouts, judged on daily closes against the base as of the day before
    event = None  # (status, breakout_pos, structure, bars)
    lo = max(_PRIOR_HIGH_DAYS, n - p.scan_days + 1)
    if lo <= n:
        prior = sliding_window_view(d.high[lo - _PRIOR_HIGH_DAYS : n], _PRIOR_HIGH_DAYS).max(axis=1)
        cands = lo + np.flatnonzero(close[lo : n + 1] > prior)
        skip_until = -1
        rearmed = None  # after a failed breakout the same base is re-armed (2nd attempt)
        attempt = 0
        for j in cands.tolist():
            if j <= skip_until:
                continue
            if rearmed is not None and close[j] > rearmed[0].breakout_line:
                s, bars = rearmed
                attempt += 1
            else:
                s, bars, _ = an.structure_through(j - 1)
                if not isinstance(s, Structure) or close[j] <= s.breakout_line:
                    continue
                attempt = 1
            f = _failure_pos(s, close, j, n, p)
            if f is None:
                event = ("breakout", j, s, bars, None, attempt) if n - j < p.breakout_recent_days else None
                break
            event = ("failed", j, s, bars, f, attempt) if n - f < p.failed_recent_days else None
            skip_until = f
            rearmed = (s, bars)

    if event is not None:
        status, j, s, bars, f, attempt = event
        res = _result(as_of_date, timeframe, status, d, n, s, bars, p, breakout_date=day_to_date(d.day[j]))
        return replace(res, attempt=attempt, failed_date=day_to_date(d.day[f]) if f is not None else None)

    s, bars, _ = an.structure_through(n)
    if not isinstance(s, Structure):
        reason = s
        return BaseResult(
            as_of=as_of_date,
            timeframe=timeframe,  # type: ignore[arg-type]
            status="no_base",
            last_close=float(close[n]),
            last_date=day_to_date(d.day[n]),
            reason=f"No base: {reason}.",
        )
    testing = bars.high[s.end - 1] >= min(s.zone_low, s.touch_line) and close[n] <= s.breakout_line
    return _result(as_of_date, timeframe, "testing" if testing else "in_base", d, n, s, bars, p)


def _result(as_of_date, timeframe, status, d: BarArrays, n: int, s: Structure, bars: BarArrays, p: BaseParams, breakout_date=None):
    p_tests = tuple(Test(date=day_to_date(bars.hi_day[i]), high=float(bars.high[i])) for i in s.tests.tolist())
    last_close = float(d.close[n])
    n_tests = len(p_tests)
    what = {
        "testing": f"testing resistance {s.level:.2f} (test #{n_tests})",
        "in_base": f"inside a base {s.sup_level:.2f}–{s.level:.2f}",
        "breakout": f"broke out above {s.top:.2f}",
        "failed": f"breakout above {s.top:.2f} failed",
    }[status]
    return BaseResult(
        as_of=as_of_date,
        timeframe=timeframe,
        status=status,
        last_close=last_close,
        last_date=day_to_date(d.day[n]),
        resistance=Level(level=s.level, zone_low=s.zone_low, zone_high=s.top),
        support=Level(level=s.sup_level, zone_low=s.sup_low, zone_high=s.sup_high),
        tests=p_tests,
        start=day_to_date(bars.day[s.start] if timeframe == "daily" else _week_first_day(d, bars, s.start)),
        weeks=s.weeks,
        depth_pct=s.depth_pct,
        distance_pct=(last_close / s.level - 1.0) * 100.0,
        base_type=_base_type(s.depth_pct, p),
        breakout_date=breakout_date,
        reason=f"{what}; {n_tests} tests since {day_to_date(bars.hi_day[s.tests[0]])}.",
    )


def _week_first_day(d: BarArrays, bars: BarArrays, k: int) -> int:
    """Day number of the first trading day of weekly bar k (the base starts with that week)."""
    end_day = bars.day[k]
    prev_end = bars.day[k - 1] if k > 0 else -(10**9)
    i = int(np.searchsorted(d.day, prev_end, side="right"))
    return int(d.day[min(i, len(d.day) - 1)]) if d.day[min(i, len(d.day) - 1)] <= end_day else int(end_day)


def chart_window(daily: pd.DataFrame, result: BaseResult, timeframe: str = "weekly") -> pd.DataFrame:
    """OHLCV bars a chart of ``result`` should show: from a little before the base start
    through ``result.as_of``. Weekly: 60–130 bars (more if the base is older), with
    ``HighDate``/``LowDate``; daily: 120–260 bars. Every test date lies inside the window.
    """
    if timeframe not in ("weekly", "daily"):
        raise BadArgument(f"Unknown timeframe {timeframe!r}: use weekly or daily.")
    upto = daily[daily.index <= pd.Timestamp(result.as_of)]
    bars = to_weekly(upto) if timeframe == "weekly" else upto[["Open", "High", "Low", "Close", "Volume"]]
    lo_n, hi_n, margin, default = (60, 130, 12, 80) if timeframe == "weekly" else (120, 260, 25, 180)
    want = default
    first = result.start
    if result.tests:
        first = min([t.date for t in result.tests] + ([first] if first else []))
    if first is not None:
        before = int(bars.index.searchsorted(pd.Timestamp(first), side="left"))
        need = len(bars) - before + margin
        want = max(lo_n, min(hi_n, need), len(bars) - before + 1)
    return bars.iloc[max(0, len(bars) - want) :]
