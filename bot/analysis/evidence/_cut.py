"""Cutting a price series or frame at an ``as_of`` day (that day included, nothing after it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

import pandas as pd

Frameish = TypeVar("Frameish", pd.Series, pd.DataFrame)
# The day a series is cut at (None: not cut)
AsOf = date | datetime | str | pd.Timestamp | None


def cut(data: Frameish, as_of: AsOf) -> Frameish:
    """The rows dated on or before ``as_of`` (all rows when it is None)."""
    if as_of is None:
        return data
    end = pd.Timestamp(as_of)
    if end.tz is not None:
        end = end.tz_localize(None)
    return data.loc[data.index <= end]


def as_date(ts: date | datetime | str | pd.Timestamp) -> date:
    """A bar's index value as a plain date."""
    return pd.Timestamp(ts).date()
