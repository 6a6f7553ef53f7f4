"""Reading one price file, validated.

A file is ``Date,Open,High,Low,Close,Volume[,Adj Close]`` text, optionally gzipped. Whatever
is wrong with a file becomes :class:`BadPriceFile`, one line naming the file and the
problem. Bad rows are skipped or repaired where that is safe, and each kind of repair is
reported as a note (one line each) so nothing is dropped silently:

- a row whose date is unreadable, or outside 1900..2100, is skipped;
- a row whose Close is not a finite positive price is skipped;
- an Open/High/Low that is missing or not a finite positive price is rebuilt from the
  bar's other prices (as :func:`bot.market.frames.to_price_frame` does);
- a Volume that is not a finite non-negative number becomes unknown (NaN);
- a repeated date keeps its last row; rows out of order are sorted.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Hashable
from pathlib import Path

import numpy as np
import pandas as pd

from bot.errors import DataSourceError
from bot.market.frames import OHLCV
from bot.words.errors import price_data_unreadable

REQUIRED = ("Date", *OHLCV)
OPTIONAL = ("Adj Close",)
PRICES = ("Open", "High", "Low", "Close")
EARLIEST_DAY = pd.Timestamp("1900-01-01")
LATEST_DAY = pd.Timestamp("2100-12-31")
MAX_PRICE = 1e12  # finite, and far from float overflow in returns and ATR
_GZIP_MAGIC = b"\x1f\x8b"


class BadPriceFile(DataSourceError):
    """A price file that cannot be read; the message names the file and the problem (for the
    operator: the CLI, the log); ``public`` is what a member is shown (no path)."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem
        self.ticker = self.path.name.split(".")[0].upper()
        self.public = price_data_unreadable(self.ticker)

    def __reduce__(self):
        return type(self), (self.path, self.problem)  # crosses back from a worker process whole


def _fail(path: Path, problem: str) -> BadPriceFile:
    return BadPriceFile(path, problem)


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or type(exc).__name__}).") from None
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except EOFError:
            raise _fail(path, "the gzip data is truncated (the file was cut short).") from None
        except (OSError, zlib.error) as exc:
            raise _fail(path, f"the gzip data is corrupt ({exc}).") from None
    elif path.name.lower().endswith(".gz"):
        raise _fail(path, "is not a gzip file, though its name ends in .gz.")
    if not raw.strip():
        raise _fail(path, "is empty.")
    if b"\x00" in raw:
        raise _fail(path, "is binary data, not CSV text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not UTF-8 text (byte {exc.start}).") from None


def _table(path: Path, text: str, notes: list[str]) -> pd.DataFrame:
    # Dates stay text (parsed strictly below); a number column holding text comes back as
    # text and is coerced, cell by cell, in _numbers.
    dtype = {"Date": str, "date": str}
    try:
        return pd.read_csv(io.StringIO(text), dtype=dtype, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise _fail(path, "has no header row.") from None
    except pd.errors.ParserError as exc:
        reason = str(exc).strip().split("C error: ")[-1].strip()
        if "EOF inside string" in reason:  # an unclosed quote swallows the rest of the file
            raise _fail(path, f"is not a CSV table (an unclosed quote: {reason}).") from None
        # otherwise ragged rows: read again, skipping (and counting) the rows that do not fit
    ragged: list[int] = []

    def skip(line: list[str]) -> None:
        ragged.append(len(line))
        return None

    try:
        table = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=skip, dtype=dtype, skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _fail(path, f"is not a CSV table ({first}).") from None
    if ragged:
        notes.append(f"skipped {_rows(len(ragged))} with the wrong number of fields")
    return table


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def _columns(path: Path, table: pd.DataFrame) -> pd.DataFrame:
    wanted = {name.lower().replace("_", " "): name for name in REQUIRED + OPTIONAL}
    renamed: dict[Hashable, str] = {}
    for col in table.columns:
        key = " ".join(str(col).strip().lower().replace("_", " ").split())
        if key in wanted and wanted[key] not in renamed.values():
            renamed[col] = wanted[key]
    missing = [c for c in REQUIRED if c not in renamed.values()]
    if missing:
        shown = ", ".join(str(c)[:20] for c in list(table.columns)[:8])
        raise _fail(path, f"lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"(header: {shown}); expected Date,Open,High,Low,Close,Volume[,Adj Close].")
    return table[list(renamed)].rename(columns=renamed)


def _dates(path: Path, table: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    text = table["Date"].fillna("").astype(str)
    days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")  # the common case, fast
    if days.isna().any():
        # YYYY-MM-DD followed by a time (and offset) that does not move the day
        text = text.str.strip()
        iso = text.str.slice(10, 11).isin(["", " ", "T"])
        days = pd.to_datetime(text.str.slice(0, 10).where(iso), format="%Y-%m-%d", errors="coerce")
    unreadable = days.isna()
    if unreadable.all():
        first = text.iloc[0][:20] if len(text) else ""
        raise _fail(path, f"has no readable dates (Date must be YYYY-MM-DD; first value: '{first}').")
    if unreadable.any():
        notes.append(f"skipped {_rows(int(unreadable.sum()))} with an unreadable date "
                     f"(first: '{text[unreadable].iloc[0][:20]}')")
    outside = ~unreadable & ((days < EARLIEST_DAY) | (days > LATEST_DAY))
    if outside.any():
        notes.append(f"skipped {_rows(int(outside.sum()))} dated outside 1900-2100 "
                     f"(first: {days[outside].iloc[0].date()})")
    keep = ~(unreadable | outside)
    if not keep.any():
        raise _fail(path, "has no rows dated between 1900 and 2100.")
    out = table[keep].drop(columns="Date")
    out.index = pd.DatetimeIndex(days[keep], name="Date")
    return out


def _numeric(col: pd.Series) -> pd.Series:
    if col.dtype.kind in "fiub":
        return col
    return pd.to_numeric(col.astype(str).str.strip(), errors="coerce")


def _numbers(table: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: _numeric(table[c]) for c in table.columns}, index=table.index).astype(float)
    prices = [c for c in PRICES + OPTIONAL if c in out.columns]
    values = out[prices].to_numpy()
    with np.errstate(invalid="ignore"):
        usable = np.isfinite(values) & (values > 0) & (values <= MAX_PRICE)
    out[prices] = np.where(usable, values, np.nan)
    bad_close = out["Close"].isna()
    if bad_close.any():
        notes.append(f"skipped {_rows(int(bad_close.sum()))} whose Close is not a price "
                     f"(first: {out.index[bad_close][0].date()})")
        out = out[~bad_close]
    rebuilt = out[["Open", "High", "Low"]].isna().any(axis=1)
    if rebuilt.any():
        notes.append(f"rebuilt Open/High/Low of {_rows(int(rebuilt.sum()))} from the bar's other prices "
                     f"(first: {out.index[rebuilt][0].date()})")
    volume = out["Volume"]
    bad_volume = volume.notna() & (~np.isfinite(volume) | (volume < 0))
    if bad_volume.any():
        notes.append(f"treated {_rows(int(bad_volume.sum()))} with an impossible Volume as unknown volume")
        out["Volume"] = volume.mask(bad_volume)
    return out


def _repeats(table: pd.DataFrame, notes: list[str]) -> None:
    earlier = table.index.duplicated(keep="last")
    if earlier.any():
        notes.append(f"skipped {_rows(int(earlier.sum()))} whose date appears again later "
                     f"(first: {table.index[earlier][0].date()}); the last row of a date is kept")


def read_price_file(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The file's price frame and the notes on what was skipped or repaired.

    Raises :class:`BadPriceFile` when nothing usable can be read.
    """
    table, notes = checked_table(path)
    return price_frame_of_checked(table), notes


def checked_table(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The file's rows, checked and repaired as the module's docstring says (not yet a price
    frame: :func:`price_frame_of_checked` makes one), and the notes; raises BadPriceFile."""
    path = Path(path)
    notes: list[str] = []
    table = _table(path, _text(path), notes)
    table = _columns(path, table)
    if table.empty:
        raise _fail(path, "has a header but no rows.")
    table = _dates(path, table, notes)
    table = _numbers(table, notes)
    if table.empty:
        why = f" ({'; '.join(notes)})" if notes else ""
        raise _fail(path, f"has no row with a usable Close price{why}.")
    _repeats(table, notes)
    return table, notes


def price_frame_of_checked(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`bot.market.frames.to_price_frame` of a table this module has checked, without
    checking again what it already holds: float columns, dates at midnight without a time zone,
    prices finite and positive or NaN, a Close on every row, a Volume that is a volume or NaN.
    What is left: the columns in order, Open/High/Low rebuilt, repeated dates, order (a test
    checks the two frames are equal on every file of the data folder and on repaired rows)."""
    out = table[[c for c in (*OHLCV, *OPTIONAL) if c in table.columns]].copy()
    out.index = pd.DatetimeIndex(out.index).normalize()  # (the dates are at midnight; this sets the frequency as there)
    out.index.name = "Date"
    if out[["Open", "High", "Low"]].isna().to_numpy().any():
        out["Open"] = out["Open"].fillna(out["Close"])
        out["High"] = out["High"].fillna(out[["Open", "Close"]].max(axis=1))
        out["Low"] = out["Low"].fillna(out[["Open", "Close"]].min(axis=1))
    return out[~out.index.duplicated(keep="last")].sort_index()
