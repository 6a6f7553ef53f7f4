"""Small pieces every report shares: fetch windows, staleness, file names."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd


def lookback_start(as_of: date, days: int) -> date:
    """First calendar day to fetch so that ``days`` of history precede ``as_of``."""
    return as_of - timedelta(days=days)


def is_stale(*frames: pd.DataFrame) -> bool:
    return any(bool(f.attrs.get("stale")) for f in frames)


def source_of(frame: pd.DataFrame, default: str) -> str:
    return str(frame.attrs.get("source") or default)


def safe_filename(*parts: str) -> str:
    """``("BRK.B", "base", "weekly")`` -> ``BRK-B-base-weekly.png`` (Discord-safe)."""
    stem = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-") for p in parts if p)
    return f"{stem}.png"

