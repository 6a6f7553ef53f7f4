"""``setups [universe] [status] [timeframe]``: screen a universe for bases and say what is setting
up — a ranked table and one grid picture of the closest setups.

One batched price request for the whole universe; tickers the source has nothing for are left
out and named (``SetupsReport.missing``), never an error. The screen itself is pure: the
``find_base`` of each ticker, then a filter and a sort.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.analysis.base import chart_window, find_base
from bot.analysis.models import BaseResult
from bot.charts.setups_grid import GridTile, render_setups_grid
from bot.dates import TIMEFRAMES, parse_date, parse_timeframe
from bot.errors import BadArgument, BreakoutError, StoreUnavailable, echo
from bot.market.bounds import not_in_future
from bot.market.service import MarketData
from bot.market.universes import SP500_AS_OF, UNIVERSES
from bot.services.base import LOOKBACK_DAYS
from bot.services.common import is_stale, lookback_start, safe_filename
from bot.store.faults import patient
from bot.store.watchlist import DEFAULT_WATCHLIST
from bot.threads import off_loop
from bot.tickers import normalize_ticker, normalize_tickers
from bot.words.reports import ends_earlier
from bot.words.setups import (
    digest_fields,
    digest_footer,
    digest_title,
    grid_as_of,
    grid_title,
    missing_note,
    no_prices_footer,
    nothing_matches,
    page_label,
    pending_note,
    plain_row,
    setup_row,
    setups_footer,
    setups_headline,
    tile_detail,
    tile_subtitle,
    tile_title,
)

log = logging.getLogger(__name__)

UNIVERSE_NAMES = ("watchlist", *UNIVERSES)  # watchlist: the server's (the default)
STATUS_FILTERS = ("testing", "pressing", "breakout", "failed", "near")
SORTS = ("distance", "length", "tests")
NEAR_PCT = 3.0  # "near": the last close within this many percent of resistance
GRID_MAX = 12  # tiles in the picture; the table lists the rest
PAGE_ROWS = 12  # table rows per embed page
FETCH_CHUNK = 50  # tickers per batched price request when a budget applies
RESOLVE_SAMPLE = 20  # tickers asked for the newest bar date when no as-of date is given

# What each status filter keeps (a BaseResult.status); "near" is a distance, not a status.
_STATUSES = {"testing": ("testing", "pressing"), "pressing": ("pressing",), "breakout": ("breakout",),
             "failed": ("failed", "faded")}
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%?")
_ALIASES = {"test": "testing", "breakouts": "breakout", "fail": "failed", "failing": "failed",
            "etf": "etfs", "spx": "sp500", "s&p500": "sp500", "watch": "watchlist"}


@dataclass(frozen=True)
class SetupsRequest:
    universe: str = "watchlist"
    status: str | None = None
    timeframe: str = "weekly"
    sort: str = "distance"
    near: float = NEAR_PCT


def parse_request(words: Sequence[str | None] = (), *, sort: str | None = None,
                  near: float | None = None, saved: Sequence[str] = ()) -> SetupsRequest:
    """The words of ``!setups etfs testing daily`` in any order (or the slash options) -> a request.

    Each word is a universe, a status filter, a timeframe or a sort key; anything else is
    BadArgument naming what is accepted.
    """
    found: dict[str, str] = {}
    for raw in words:
        if raw is None or not str(raw).strip():
            continue
        word = str(raw).strip().lower()
        word = _ALIASES.get(word, word)
        number = _PERCENT.fullmatch(word)
        if number:  # '5%' or '5': what "near" means (and it implies the near filter)
            if near is None:
                near = float(number.group(1))
            found.setdefault("status", "near")
            continue
        if word in UNIVERSE_NAMES or word in saved:
            kind = "universe"
        elif word in STATUS_FILTERS:
            kind = "status"
        elif word in SORTS:
            kind = "sort"
        else:
            try:
                word, kind = parse_timeframe(word), "timeframe"
            except BadArgument:
                raise BadArgument(
                    f"`{echo(raw)}` is not a universe ({', '.join(UNIVERSE_NAMES)}), a status "
                    f"({', '.join(STATUS_FILTERS)}), a timeframe ({', '.join(TIMEFRAMES)}) or a sort "
                    f"({', '.join(SORTS)}).") from None
        if kind in found and found[kind] != word:
            raise BadArgument(f"Give one {kind}: `{echo(found[kind])}` or `{echo(word)}`.")
        found[kind] = word
    if sort is not None:
        if sort not in SORTS:
            raise BadArgument(f"Sort by {', '.join(SORTS)}.")
        found["sort"] = sort
    if near is not None and found.get("status") is None:
        found["status"] = "near"
    if near is not None and not 0 < near <= 50:
        raise BadArgument("`near` is a percent between 0 and 50.")
    return SetupsRequest(universe=found.get("universe", "watchlist"), status=found.get("status"),
                         timeframe=found.get("timeframe", "weekly"), sort=found.get("sort", "distance"),
                         near=NEAR_PCT if near is None else float(near))


@dataclass(frozen=True)
class Setup:
    ticker: str
    result: BaseResult

    def to_dict(self) -> dict:
        r = self.result
        return {"ticker": self.ticker, "status": r.status, "scale": r.scale,
                "resistance": r.resistance.to_dict() if r.resistance else None,
                "support": r.support.to_dict() if r.support else None,
                "tests": len(r.tests), "distance_pct": None if r.distance_pct is None else round(r.distance_pct, 2),
                "weeks": None if r.weeks is None else round(r.weeks, 1), "last_close": round(r.last_close, 2)}


# ---------------------------------------------------------------- the pure screen
def screen(frames: Mapping[str, pd.DataFrame], as_of: date, timeframe: str) -> tuple[list[Setup], list[str]]:
    """Every ticker's base as of ``as_of``; a ticker the analysis cannot read (too little
    history, say) goes to the second list instead of failing the screen."""
    found, failed = [], []
    for ticker, daily in frames.items():
        try:
            found.append(Setup(ticker, find_base(daily, as_of, timeframe=timeframe)))
        except BreakoutError as exc:
            log.debug("setups: %s skipped: %s", ticker, exc)
            failed.append(ticker)
    return found, failed


def matches(result: BaseResult, status: str | None, near: float) -> bool:
    if not result.has_base or result.status == "no_base":
        return False
    if status is None:
        return True
    if status == "near":
        return result.distance_pct is not None and abs(result.distance_pct) <= near
    return result.status in _STATUSES[status]


def _sort_key(sort: str):
    if sort == "length":
        return lambda s: (-(s.result.weeks or 0.0), s.ticker)
    if sort == "tests":
        return lambda s: (-len(s.result.tests), abs(s.result.distance_pct or 0.0), s.ticker)
    return lambda s: (abs(s.result.distance_pct if s.result.distance_pct is not None else 1e9), s.ticker)


def select(setups: Sequence[Setup], request: SetupsRequest) -> list[Setup]:
    """The setups the request's filter keeps, in its order."""
    kept = [s for s in setups if matches(s.result, request.status, request.near)]
    return sorted(kept, key=_sort_key(request.sort))


def tiles(frames: Mapping[str, pd.DataFrame], chosen: Sequence[Setup], timeframe: str) -> list[GridTile]:
    return [GridTile(chart_window(frames[s.ticker], s.result, timeframe), s.result, tile_title(s.ticker, s.result),
                     tile_subtitle(s.result), tile_detail(s.result)) for s in chosen]


def screen_and_draw(frames: Mapping[str, pd.DataFrame], as_of: date, request: SetupsRequest, *,
                    render: bool = True, given: Sequence[str] = ()) -> tuple[list[Setup], list[str], bytes]:
    """The whole blocking part of a screen (one thread hop): analyse, filter, sort, draw
    (``given``: the tickers asked for one by one, which name the screen instead of its universe)."""
    found, failed = screen(frames, as_of, request.timeframe)
    chosen = select(found, request)
    png = b""
    if render and chosen:
        png = render_setups_grid(tiles(frames, chosen[:GRID_MAX], request.timeframe),
                                 title=grid_title(request.universe, request.timeframe, request.status, request.near,
                                                  given),
                                 subtitle=grid_as_of(as_of))
    return chosen, failed, png


# ---------------------------------------------------------------- the report
@dataclass(frozen=True)
class SetupsReport:
    request: SetupsRequest
    as_of: date
    setups: tuple[Setup, ...]
    screened: int
    missing: tuple[str, ...]
    png: bytes = field(repr=False)
    source: str
    stale: bool
    pending: tuple[str, ...] = ()  # not fetched within the budget: loading in the background
    given: tuple[str, ...] = ()  # the tickers asked for one by one (they name the screen), else ()
    ends: tuple[tuple[str, date], ...] = ()  # each screened ticker's last bar

    @property
    def data_date(self) -> date:
        return self.as_of

    @property
    def filename(self) -> str:
        return safe_filename("setups", self.request.universe, self.request.timeframe)

    @property
    def headline(self) -> str:
        r = self.request
        return setups_headline(r.universe, r.status, r.near, len(self.setups), self.screened, self.given)

    @property
    def rows(self) -> list[str]:
        return [setup_row(k, s.ticker, s.result) for k, s in enumerate(self.setups, start=1)]

    @property
    def empty(self) -> str:
        """What to say when nothing matches ('' when something does)."""
        r = self.request
        return "" if self.setups else nothing_matches(r.universe, r.status, r.near, self.screened, self.given)

    @property
    def missing_note(self) -> str:
        notes = (missing_note(self.missing), pending_note(self.pending), ends_earlier(dict(self.ends)))
        return " ".join(x for x in notes if x)

    @property
    def footer(self) -> str:
        if not self.ends:  # nothing was read: no day to name
            return no_prices_footer(self.source)
        return setups_footer(self.as_of, self.source, self.request.sort, self.stale)

    def pages(self, rows: int | None = None) -> list[str]:
        """The table cut into pages of ``rows`` lines (one page saying why when it is empty)."""
        rows = rows or PAGE_ROWS
        lines = self.rows
        if not lines:
            return [self.empty]
        chunks = [lines[i:i + rows] for i in range(0, len(lines), rows)]
        if len(chunks) == 1:
            return ["\n".join(chunks[0])]
        return ["\n".join(c) + f"\n{page_label(k, len(chunks))}" for k, c in enumerate(chunks)]

    @property
    def summary(self) -> str:
        parts = [self.headline, *(plain_row(line) for line in self.rows)]
        if self.empty:
            parts.append(self.empty)
        if self.missing_note:
            parts.append(self.missing_note)
        parts.append(self.footer)
        return "\n".join(parts)

    def to_dict(self) -> dict:
        r = self.request
        doc = {"universe": "tickers" if self.given else r.universe, "status": r.status, "timeframe": r.timeframe, "sort": r.sort,
               "near_pct": r.near, "as_of": self.as_of.isoformat(), "screened": self.screened,
               "missing": list(self.missing), "pending": list(self.pending), "setups": [s.to_dict() for s in self.setups],
               "source": self.source, "stale": self.stale}
        if self.given:
            doc["tickers"] = list(self.given)
        elif r.universe == "sp500":
            doc["universe_as_of"] = SP500_AS_OF
        return doc


@dataclass(frozen=True)
class DigestReport:
    """The daily digest of one server: its watchlist screened as of the session."""

    session: date
    setups: SetupsReport

    @property
    def title(self) -> str:
        return digest_title(self.session)

    @property
    def fields(self) -> list[tuple[str, str]]:
        return digest_fields([(s.ticker, s.result) for s in self.setups.setups], self.session)

    @property
    def png(self) -> bytes:
        return self.setups.png

    @property
    def filename(self) -> str:
        return safe_filename("digest", self.session.isoformat())

    def footer(self, key: str) -> str:
        return digest_footer(key, self.setups.screened, self.setups.missing)


@dataclass(frozen=True)
class SavedList:
    name: str
    tickers: tuple[str, ...]
    replaced: bool


_LIST_NAME = re.compile(r"[a-z][a-z0-9_-]{1,19}")


def check_list_name(name: str) -> str:
    """A saved list's name: 2-20 letters, digits, - or _, starting with a letter, and not a word
    ``setups`` already reads (a universe, status, sort or timeframe)."""
    word = (name or "").strip().lower()
    if not _LIST_NAME.fullmatch(word):
        raise BadArgument(f"`{echo(name)}` can't name a list: use 2-20 letters, digits, - or _, "
                          "starting with a letter (like `tech` or `my-banks`).")
    taken = (*UNIVERSE_NAMES, *STATUS_FILTERS, *SORTS, *_ALIASES)
    try:
        parse_timeframe(word)
        taken = (*taken, word)
    except BadArgument:
        pass
    if word in taken:
        raise BadArgument(f"`{echo(word)}` already means something to `setups`: pick another name.")
    return word


class SetupsService:
    """Screens a universe: the named ones, a server's watchlist or one of its saved lists."""

    def __init__(self, market: MarketData, db=None):
        self.market = market
        self.db = db
        self._tasks: set[asyncio.Task] = set()  # background fetches (kept referenced)

    def _lists(self):
        from bot.store.ticker_lists import TickerListRepo

        if self.db is None:
            raise RuntimeError("saved lists need the database")
        return TickerListRepo(self.db)

    async def list_names(self, guild_id: int | None) -> list[str]:
        if self.db is None or guild_id is None:
            return []
        return await self._lists().names(guild_id)

    async def request(self, words: Sequence[str | None], *, guild_id: int | None = None,
                      near: float | None = None) -> SetupsRequest:
        """:func:`parse_request` knowing the server's saved list names."""
        return parse_request(words, near=near, saved=await self.list_names(guild_id))

    async def save_list(self, guild_id: int, name: str, text: str | None) -> SavedList:
        from bot.services.watchlist import check_known
        from bot.store.ticker_lists import MAX_LIST_TICKERS

        name = check_list_name(name)
        words = [w for w in re.split(r"[\s,]+", text or "") if w]
        if not words:
            raise BadArgument("Give the list's tickers, like `universe save tech AAPL MSFT NVDA`.")
        tickers = normalize_tickers(words, minimum=1, maximum=MAX_LIST_TICKERS)
        await check_known(self.market, tickers, nothing="saved")  # as `watch add` does
        replaced = await self._lists().save(guild_id, name, tickers)  # the limit is checked as it writes
        return SavedList(name, tuple(tickers), replaced)

    async def delete_list(self, guild_id: int, name: str) -> bool:
        return await self._lists().delete(guild_id, (name or "").strip().lower())

    async def saved_lists(self, guild_id: int) -> list[SavedList]:
        repo = self._lists()
        return [SavedList(n, tuple(await repo.get(guild_id, n) or ()), False) for n in await repo.names(guild_id)]

    async def universe(self, name: str, guild_id: int | None = None) -> list[str]:
        if name in UNIVERSES:
            return list(UNIVERSES[name])
        if name != "watchlist":
            saved = await self._lists().get(guild_id, name) if self.db is not None and guild_id is not None else None
            if saved:
                return saved
            raise BadArgument(f"Unknown universe `{echo(name)}`: use {', '.join(UNIVERSE_NAMES)}.")
        tickers: list[str] = []
        if self.db is not None and guild_id is not None:
            from bot.store.watchlist import WatchlistRepo

            tickers = await WatchlistRepo(self.db).list(guild_id)
        return tickers or list(DEFAULT_WATCHLIST)

    async def report(self, request: SetupsRequest | None = None, *, guild_id: int | None = None,
                     tickers: Sequence[str] | None = None, as_of: date | str | None = None,
                     render: bool = True, fetch_budget: float | None = None) -> SetupsReport:
        """Screen ``request.universe`` (or ``tickers``) as of ``as_of`` (default: the newest bar).

        ``fetch_budget``: seconds for the prices; what is not in by then is screened later (the
        report names it ``pending``) while the fetch completes in the background."""
        request = request or SetupsRequest()
        names = [normalize_ticker(t) for t in tickers] if tickers else await self.universe(request.universe, guild_id)
        wanted = parse_date(as_of)
        if wanted is None:
            wanted = await self.market.resolve_as_of(names[:RESOLVE_SAMPLE], None)
        else:
            not_in_future(wanted, self.market.today())
        start = lookback_start(wanted, LOOKBACK_DAYS[request.timeframe])
        frames, pending = await self._fetch(names, start, wanted, fetch_budget)
        given = tuple(dict.fromkeys(names)) if tickers else ()
        chosen, failed, png = await off_loop(screen_and_draw, frames, wanted, request, render=render, given=given)
        missing = tuple(t for t in names if (t not in frames or t in failed) and t not in pending)
        ends = tuple((t, df.index[-1].date()) for t, df in frames.items() if t not in failed and not df.empty)
        # the screen is as of the newest bar it read (never a day no data supports; with no data, the day asked)
        data_date = max((d for _t, d in ends), default=wanted)
        source = next((str(df.attrs.get("source")) for df in frames.values() if df.attrs.get("source")),
                      self.market.source_name)
        return SetupsReport(request=request, as_of=min(wanted, data_date), setups=tuple(chosen),
                            screened=len(frames) - len(failed), missing=missing, png=png, source=source,
                            stale=is_stale(*frames.values()), pending=pending, given=given, ends=ends)

    async def _fetch(self, names: list[str], start: date, end: date,
                     budget: float | None) -> tuple[dict[str, pd.DataFrame], tuple[str, ...]]:
        """The prices, one batched request per chunk of ``FETCH_CHUNK``. With a ``budget``
        (seconds) the chunks not fetched in time are returned as pending and fetched in the
        background (through the cache: the next screen finds them)."""
        if budget is None:
            return await self.market.histories(names, start=start, end=end), ()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        frames: dict[str, pd.DataFrame] = {}
        chunks = [names[i:i + FETCH_CHUNK] for i in range(0, len(names), FETCH_CHUNK)]
        for k, chunk in enumerate(chunks):
            left = deadline - loop.time()
            try:
                if left <= 0:
                    raise TimeoutError
                # shielded: a chunk cut off by the budget finishes in the background (and is cached)
                task = asyncio.ensure_future(self.market.histories(chunk, start=start, end=end))
                frames.update(await asyncio.wait_for(asyncio.shield(task), left))
            except TimeoutError:
                rest = [t for c in chunks[k:] for t in c]
                log.info("setups: %d of %d tickers still loading after %.1f s; fetching them in the background",
                         len(rest), len(names), budget)
                if left > 0:  # the cut-off chunk is still coming in; then the ones not asked for yet
                    self._background(task, chunks[k + 1:], start, end)
                else:
                    self._background(None, chunks[k:], start, end)
                return frames, tuple(rest)
        return frames, ()

    def _background(self, current, chunks: list[list[str]], start: date, end: date) -> None:
        async def finish() -> None:
            try:
                if current is not None:
                    await current
                with patient():  # nobody waits for these: the store's longer limits, as a scan's
                    for chunk in chunks:
                        await self.market.histories(chunk, start=start, end=end)
            except StoreUnavailable:  # the store's outage line says it; the next screen tries again
                log.debug("setups: background fetch stopped: the store is unavailable")
            except Exception:  # a background warm-up: the next screen tries again
                log.warning("setups: background fetch failed", exc_info=True)

        task = asyncio.get_running_loop().create_task(finish(), name="setups-background-fetch")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def digest(self, guild_id: int, session: date | str) -> DigestReport:
        """The server's watchlist as of ``session``: every base, the grid of the closest."""
        session = parse_date(session)
        report = await self.report(SetupsRequest(universe="watchlist"), guild_id=guild_id, as_of=session)
        return DigestReport(session, report)
