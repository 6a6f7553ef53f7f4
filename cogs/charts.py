"""Chart commands: ``base``, ``compare``, ``perf``, ``chart`` (prefix and slash, one body each).

Thin adapter: sort the words, check them before deferring (so bad input gets a private
answer on slash), call the service, lay it out. Errors go to the bot's one error handler.
"""

from __future__ import annotations

from typing import Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.arguments import split_tickers_and_period, split_timeframe_and_period
from bot.app.autocomplete import ticker_autocomplete
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.hybrid import hybrid_command
from bot.app.rate import renders
from bot.app.replies import send_reply, working
from bot.app.views import TimeframeView
from bot.dates import PERIODS, parse_timeframe
from bot.services.compare import MAX_COMPARE
from bot.services.composition import Services
from bot.services.perf import DEFAULT_TICKERS, MAX_PERF
from bot.tickers import normalize_ticker

TIMEFRAME_CHOICES = [app_commands.Choice(name="Weekly", value="weekly"),
                     app_commands.Choice(name="Daily", value="daily")]
PERIOD_CHOICES = [app_commands.Choice(name=p.upper(), value=p) for p in PERIODS]
_TICKER_HELP = "Ticker symbol, e.g. IWM, SPY, BRK.B"


class Charts(commands.Cog):
    """Bases, relative performance and plain charts."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    async def _bounded(self, work):
        """The report, or DataTimeout when the source hangs past the command's deadline."""
        return await within(work, deadline_for(self.bot.settings))

    # ---- base -------------------------------------------------------------------------
    @hybrid_command(
        name="base",
        description="Chart a ticker's base: resistance, support, tests, where price stands now",
        extras={"examples": ["base IWM", "base SPY daily"]},
    )
    @app_commands.describe(ticker=_TICKER_HELP, timeframe="Bars to analyse: weekly (default) or daily")
    @app_commands.choices(timeframe=TIMEFRAME_CHOICES)
    @app_commands.autocomplete(ticker=ticker_autocomplete)
    @renders()
    async def base(self, ctx: commands.Context, ticker: str, timeframe: Optional[str] = None) -> None:
        ticker = normalize_ticker(ticker)
        timeframe = parse_timeframe(timeframe)
        async with working(ctx):
            report = await self._bounded(self.services.base.report(ticker, timeframe=timeframe))

        async def remake(new_timeframe: str):
            return await self._bounded(self.services.base.report(ticker, timeframe=new_timeframe))

        view = TimeframeView(remake, timeframe=timeframe, owner_id=ctx.author.id, ticker=ticker)
        view.message = await send_reply(
            ctx, embed=embeds.base_embed(report), file=embeds.chart_file(report), view=view)

    # ---- compare ----------------------------------------------------------------------
    @hybrid_command(
        name="compare",
        description="Relative performance of 2-6 tickers over a period, with the first/second ratio",
        extras={"examples": ["compare IWM SPY", "compare IWM SPY QQQ 3m", "compare IWM SPY period=1y"]},
        ignore_extra=False,
    )
    @app_commands.describe(
        t1="First ticker (the ratio is first / second)", t2="Second ticker",
        t3="Optional third ticker", t4="Optional fourth ticker", t5="Optional fifth ticker",
        t6="Optional sixth ticker", period="Period: YTD (default), 1M, 3M, 6M, 1Y, 2Y, 5Y",
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.autocomplete(t1=ticker_autocomplete, t2=ticker_autocomplete, t3=ticker_autocomplete,
                               t4=ticker_autocomplete, t5=ticker_autocomplete, t6=ticker_autocomplete)
    @renders()
    async def compare(
        self, ctx: commands.Context, t1: str, t2: str, t3: Optional[str] = None, t4: Optional[str] = None,
        t5: Optional[str] = None, t6: Optional[str] = None, period: Optional[str] = None,
    ) -> None:
        tickers, period = split_tickers_and_period(
            [t1, t2, t3, t4, t5, t6, period], minimum=2, maximum=MAX_COMPARE)
        async with working(ctx):
            report = await self._bounded(self.services.compare.report(tickers, period=period))
        await send_reply(ctx, embed=embeds.compare_embed(report), file=embeds.chart_file(report))

    # ---- perf -------------------------------------------------------------------------
    @hybrid_command(
        name="perf",
        description="Period returns of several tickers as a table (default SPY QQQ IWM MDY, YTD)",
        extras={"examples": ["perf", "perf 3m", "perf XLK XLF XLE 1y"]},
    )
    @app_commands.describe(
        period="Period: YTD (default), 1M, 3M, 6M, 1Y, 2Y, 5Y",
        tickers="Up to 12 tickers separated by spaces (default SPY QQQ IWM MDY)",
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    @renders()
    async def perf(self, ctx: commands.Context, period: Optional[str] = None, *, tickers: Optional[str] = None) -> None:
        names, period = split_tickers_and_period(
            [period, tickers], minimum=1, maximum=MAX_PERF, default_tickers=DEFAULT_TICKERS)
        async with working(ctx):
            report = await self._bounded(self.services.perf.report(names, period=period))
        await send_reply(ctx, embed=embeds.perf_embed(report))

    # ---- chart ------------------------------------------------------------------------
    @hybrid_command(
        name="chart",
        description="Plain candles with volume and the 50/200-bar moving averages",
        extras={"examples": ["chart IWM", "chart QQQ weekly 2y", "chart SPY 6m"]},
    )
    @app_commands.describe(ticker=_TICKER_HELP, timeframe="Bars: daily (default) or weekly",
                           period="How far back: 1Y (default), YTD, 1M, 3M, 6M, 2Y, 5Y")
    @app_commands.choices(timeframe=TIMEFRAME_CHOICES, period=PERIOD_CHOICES)
    @app_commands.autocomplete(ticker=ticker_autocomplete)
    @renders()
    async def chart(self, ctx: commands.Context, ticker: str, timeframe: Optional[str] = None,
                    period: Optional[str] = None) -> None:
        ticker = normalize_ticker(ticker)
        timeframe, period = split_timeframe_and_period([timeframe, period])
        async with working(ctx):
            report = await self._bounded(
                self.services.chart.report(ticker, timeframe=timeframe, period=period))
        await send_reply(ctx, embed=embeds.price_embed(report), file=embeds.chart_file(report))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Charts(bot))
