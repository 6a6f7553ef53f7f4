"""The chart code's version: part of every cached chart's key, so a changed drawing is redrawn.

Derived from the drawing code itself (every module of :mod:`bot.charts`, the chart words)
and the versions of matplotlib and mplfinance, so nobody has to remember to bump it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import bot.words.charts as chart_words

_CHARTS_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def chart_code_version() -> str:
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(_CHARTS_DIR.glob("*.py")) + [Path(chart_words.__file__)]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for dist in ("matplotlib", "mplfinance"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?".encode())
    return h.hexdigest()
