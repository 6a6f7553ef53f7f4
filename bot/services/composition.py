"""The composition root: ONE place that builds the market data (provider + cache), opens the
store and makes the engine, and hands out the use cases.

``Services`` is what the faces hold: the CLI opens one per run (:func:`open_services`), the
Discord bot is given one (:func:`build_services`) and opens and closes it with itself.
Each use case is built on first use, so a command-line run imports only what it needs.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.heap import freeze_long_lived
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.settings import Settings
from bot.threads import off_loop

if TYPE_CHECKING:
    from bot.market.earnings import EarningsSource
    from bot.scan.scanner import Engine
    from bot.services.alerts import AlertsService
    from bot.services.base import BaseService
    from bot.services.chart import ChartService
    from bot.services.compare import CompareService
    from bot.services.history import HistoryService
    from bot.services.intraday import IntradayService
    from bot.services.market import MarketService
    from bot.services.odds import OddsService
    from bot.services.perf import PerfService
    from bot.services.personal import PersonalAlertsService
    from bot.services.render_pool import RenderPool
    from bot.services.scan import ScanService
    from bot.services.scorecard import ScorecardService
    from bot.services.setups import SetupsService
    from bot.services.source import SourceService
    from bot.services.watchlist import WatchlistService
    from bot.store.db import Database


def build_provider(data_dir: str | Path | None, settings: Settings):
    """The CSV-directory provider when a directory is given, else Yahoo."""
    if data_dir:
        return CsvDirectoryProvider(data_dir)
    from bot.market.yahoo import YahooProvider

    return YahooProvider(timeout=settings.data_timeout)


def build_market(settings: Settings, db, data_dir: str | Path | None = None) -> MarketData:
    """MarketData for the CLI and the bot: CSV files as they are, Yahoo behind the SQLite cache."""
    provider = build_provider(data_dir or settings.data_dir, settings)
    if isinstance(provider, CsvDirectoryProvider):
        return MarketData(provider)
    from bot.market.cache import PriceCache

    return MarketData(provider, PriceCache(db))


class Services:
    """The use cases over one market data, one database (None: price commands only) and one
    breakout engine (default: :class:`bot.analysis.events.EventEngine`). ``long_running`` (the
    bot): charts render in a pool of worker processes and the tracked tickers' charts are
    pre-rendered after each scan."""

    def __init__(self, market: MarketData, db: Database | None = None, *, engine: Engine | None = None,
                 long_running: bool = False, render_workers: int | None = None):
        self.market = market
        self.db = db
        self._engine = engine
        self.long_running = long_running
        self.render_workers = render_workers  # None: one per core; 0: no worker processes

    # ---- lifecycle (the bot's setup_hook / close) -----------------------------------------
    async def open(self) -> None:
        if self.db is not None:
            await self.db.open()
        if self.long_running:
            _ = self.base  # import the drawing stack at start-up, not in the first command's answer
            if self.render_pool is not None:
                self.render_pool.start_soon()  # worker processes start in the background
                provider = self.market.provider
                if isinstance(provider, CsvDirectoryProvider) and provider.reader is None:
                    provider.reader = self.render_pool.read_prices  # price files parsed there too
            # the trading calendar takes ~0.3 s to build: now, in the lane, rather than on the
            # event loop in the first scan cycle (the schedule asks it which session closed last)
            from bot.market.calendar import xnys

            await off_loop(xnys)

    def store_fault(self, exc: BaseException, *, where: str) -> bool:
        """Background work that failed: True when the store is away (then said once per outage by
        the store's tracker, ``bot.store.faults``: one WARNING when it goes, one INFO when it is
        back; the traceback only with -v); False for anything else (the caller logs it)."""
        if self.db is None:
            return False
        from bot.store.faults import is_store_fault

        return is_store_fault(exc) and self.db.outage.failed(exc, where=where)

    def started(self) -> None:
        """The face has finished starting (extensions loaded): in a long-running process, what
        exists now lives as long as it, so the garbage collector stops walking it."""
        if self.long_running:
            freeze_long_lived()

    async def close(self) -> None:
        try:
            if "scan" in self.__dict__:
                await self.scan.close()  # a pre-render under way
            if "render_pool" in self.__dict__ and self.render_pool is not None:
                await self.render_pool.close()
        finally:
            if self.db is not None:
                await self.db.close()

    @cached_property
    def render_pool(self) -> RenderPool | None:
        """Worker processes for analyses, renders and replays (started in the background by
        ``open``), or None: threads."""
        if not self.long_running or self.render_workers == 0:
            return None
        from bot.services.render_pool import RenderPool

        return RenderPool(self.render_workers)

    # ---- price use cases --------------------------------------------------------------
    @cached_property
    def base(self) -> BaseService:
        from bot.services.base import BaseService

        return BaseService(self.market, pool=self.render_pool, evidence=self.evidence_beside)

    async def evidence_beside(self, daily, ticker: str, day):
        """The evidence beside a ticker's base on ``day`` (SPY's market state: a command has no
        server's choice to go by)."""
        from bot.services.evidence import gather_evidence

        return await gather_evidence(self.market, daily, ticker, day, market_state=self.market_state,
                                     earnings=self.earnings)

    @cached_property
    def compare(self) -> CompareService:
        from bot.services.compare import CompareService

        return CompareService(self.market)

    @cached_property
    def perf(self) -> PerfService:
        from bot.services.perf import PerfService

        return PerfService(self.market)

    @cached_property
    def chart(self) -> ChartService:
        from bot.services.chart import ChartService

        return ChartService(self.market, cache=self.base.cache, pool=self.render_pool)  # one cache for all charts

    @cached_property
    def history(self) -> HistoryService:
        from bot.services.history import HistoryService

        return HistoryService(self.market, pool=self.render_pool)

    @cached_property
    def intraday(self) -> IntradayService:
        from bot.services.intraday import IntradayService

        return IntradayService(self.market)

    def intraday_watch(self, *, every: int | None = None, timeout: float = 20.0, source=None):
        """The intraday watch over the store (bot.services.intraday_watch): quotes from ``source``,
        else the ``<TICKER>.5m.csv`` files of a data folder, else Yahoo's batched 5-minute bars
        (time-bounded by ``timeout`` per request); the usual volumes from the market data."""
        from bot.market.intraday_file import IntradayFiles
        from bot.market.yahoo_intraday import YahooIntraday
        from bot.services.intraday_watch import IntradayWatch

        if source is None:  # a bot on a data folder reads <TICKER>.5m.csv beside the daily files
            directory = getattr(self.market.provider, "directory", None)
            source = IntradayFiles(directory) if directory is not None else YahooIntraday(timeout=timeout)
        return IntradayWatch(self._store(), source, daily=self.market, every=every)

    async def intraday_chart(self, payload: dict) -> bytes | None:
        """The chart of an intraday notice (drawn off the loop)."""
        from bot.services.intraday_watch import notice_chart

        return await notice_chart(payload)

    @cached_property
    def odds(self) -> OddsService:
        from bot.services.odds import OddsService

        return OddsService(self.market)

    @cached_property
    def source(self) -> SourceService:
        from bot.services.source import SourceService

        return SourceService(self.market)

    @cached_property
    def market_state(self) -> MarketService:
        from bot.services.market import MarketService

        return MarketService(self.market, cache=self.base.cache)  # one cache for all charts

    @cached_property
    def earnings(self) -> EarningsSource:
        """Next earnings dates: ``earnings.csv`` beside the price files, else Yahoo's calendar."""
        from bot.market.earnings import build_earnings

        return build_earnings(getattr(self.market.provider, "directory", None))

    @cached_property
    def setups(self) -> SetupsService:
        from bot.services.setups import SetupsService

        return SetupsService(self.market, self.db)  # the database only for a server's watchlist

    # ---- server use cases (need the database) ------------------------------------------
    @cached_property
    def watchlist(self) -> WatchlistService:
        from bot.services.watchlist import WatchlistService

        return WatchlistService(self._store(), self.market)

    @cached_property
    def alerts(self) -> AlertsService:
        from bot.services.alerts import AlertsService

        return AlertsService(self._store())

    @cached_property
    def personal(self) -> PersonalAlertsService:
        from bot.services.personal import PersonalAlertsService

        return PersonalAlertsService(self._store(), self.market, market_state=self.market_state)

    @cached_property
    def scorecard(self) -> ScorecardService:
        from bot.services.scorecard import ScorecardService

        return ScorecardService(self._store(), self.market)

    @cached_property
    def scan(self) -> ScanService:
        from bot.services.scan import ScanService

        background = {"base": self.base, "history": self.history} if self.long_running else {}
        return ScanService(self._store(), self.market, self.engine, earnings=self.earnings, **background)

    @cached_property
    def engine(self) -> Engine:
        if self._engine is not None:
            return self._engine
        from bot.analysis.events import EventEngine

        return EventEngine()

    def _store(self) -> Database:
        if self.db is None:
            raise RuntimeError("this use case needs the database; these services were built without one")
        return self.db


def build_services(settings: Settings, *, data_dir: str | Path | None = None, db: Database | None = None,
                   engine: Engine | None = None) -> Services:
    """Services for the long-running bot: the store of ``settings`` (``DATABASE_URL`` or the file
    at ``settings.db_path``, opened by ``Services.open``), prices from ``data_dir`` (or ``BREAKOUT_DATA_DIR``) else Yahoo behind
    the cache."""
    if db is None:
        from bot.store.db import Database

        db = Database(settings.store_target, schema=settings.db_schema, timeout=settings.db_timeout)
    return Services(build_market(settings, db, data_dir), db, engine=engine, long_running=True,
                    render_workers=settings.render_workers)


def database_problem(settings: Settings, exc: BaseException) -> str | None:
    """One line saying why the store (``DATABASE_URL`` or the file at ``settings.db_path``) cannot
    be used and what to do; None when ``exc`` is not a database error."""
    from bot.store.db import is_database_error, unusable
    from bot.store.urls import is_postgres, shown

    if not is_database_error(exc):
        return None
    return unusable(shown(settings.store_target), exc, postgres=is_postgres(str(settings.store_target)))


def store_name(settings: Settings) -> str:
    """The store as logs may name it (a path, or a URL without its password)."""
    from bot.store.urls import shown

    return shown(settings.store_target)


@asynccontextmanager
async def open_services(settings: Settings, data_dir: str | Path | None = None, *, store: bool = False):
    """Services for one command-line run; the database is opened when prices come from Yahoo
    (the price cache) or when the command reads the store (``store``: ``scorecard``)."""
    data_dir = data_dir or settings.data_dir
    if data_dir and not store:
        yield Services(build_market(settings, None, data_dir))
        return
    from bot.store.db import Database

    async with Database(settings.store_target, schema=settings.db_schema, timeout=settings.db_timeout) as db:
        yield Services(build_market(settings, None if data_dir else db, data_dir), db)
