"""``odds``: the base rates of past breakouts (the committed table, made by ``python -m bot
study``), and a ticker's own past breakouts measured the same way, next to its group's rates.

Which table a ticker uses: the ETFs' for the tickers of :data:`bot.market.universes.ETFS`, the
S&P 500 stocks' for every other (:func:`universe_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analysis.study.table import CHAIN, Odds, base_rates, odds_of_groups
from bot.errors import BadArgument, NotEnoughData
from bot.market.service import MarketData
from bot.scan.evidence import universe_of
from bot.services.history import LOOKBACK
from bot.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words import study as words

KIND_ALIASES = {"record": "record", "records": "record", "ath": "record", "major": "major", "nearest": "nearest",
                "near": "nearest"}
STUDY_FROM = date(2016, 1, 1)
BENCHMARK = "SPY"


def kind_of_word(word: str | None) -> str | None:
    """The kind a member typed ("record", "major", "nearest"), None for a ticker."""
    return KIND_ALIASES.get(word.strip().lower()) if word else None


@dataclass(frozen=True)
class OddsReport:
    headline: str
    text: str  # the table, for a code block
    notes: tuple[str, ...]
    footer: str
    png: bytes
    filename: str


def _chart(title: str, subtitle: str, rows, baseline_median) -> bytes:
    from bot.charts.odds_chart import render_odds_chart

    return render_odds_chart(title, subtitle, rows, baseline_median)


class OddsService:
    def __init__(self, market: MarketData, table: dict | None = None):
        self.market = market
        self._table = table

    @property
    def table(self) -> dict:
        return self._table if self._table is not None else base_rates()

    async def rates(self, kind: str | None = None) -> OddsReport:
        """The table's groups for both universes (``kind``: that kind's, by base length) and one
        picture of the stocks' outcome distribution."""
        if kind is not None and kind not in ("record", "major", "nearest"):
            raise BadArgument(words.UNKNOWN_KIND)
        parts = self.table["universes"]
        rows = []
        for name in ("sp500", "etfs"):
            part = parts.get(name)
            if part is None:
                continue
            keys = words.rate_keys(part, kind)
            rows += [(words.table_label(name, key), part["groups"][key]["all"]) for key in keys]
        if not rows:
            raise NotEnoughData(words.NO_TABLE)
        chart_part = parts.get("sp500") or next(iter(parts.values()))
        keys = words.rate_keys(chart_part, kind)
        chart_rows = [(words.group_row_label(k, chart_part["groups"][k]["all"]), chart_part["groups"][k]["all"])
                      for k in keys]
        png = await off_loop(_chart, words.odds_chart_title(chart_part, kind), words.odds_chart_subtitle(chart_part),
                             chart_rows, chart_part["baseline"]["all"]["median_r20"])
        return OddsReport(
            headline=words.rates_title(kind),
            text=words.rates_table(rows),
            notes=words.rates_notes(parts),
            footer=words.rates_footer(parts),
            png=png,
            filename="odds.png",
        )

    async def ticker(self, ticker: str) -> OddsReport:
        """The ticker's own breakouts since 2016 measured as the study measures them, summarised
        next to its universe's and its latest breakout's group's rates."""
        from bot.analysis.evidence.market_state import market_states
        from bot.analysis.evidence.relative_strength import rs_line_highs
        from bot.analysis.study.measure import measure_ticker
        from bot.analysis.study.stats import summarize

        ticker = normalize_ticker(ticker)
        fetch_from = STUDY_FROM - LOOKBACK
        daily = await self.market.history(ticker, start=fetch_from)
        bench = daily if ticker == BENCHMARK else await self.market.history(BENCHMARK, start=fetch_from)
        if daily is None or daily.empty:
            raise NotEnoughData(f"No price data for {ticker}.")

        def measure():
            rs = None if ticker == BENCHMARK or bench is None or bench.empty else rs_line_highs(daily["Close"], bench["Close"])
            states = market_states(bench) if bench is not None and not bench.empty else None
            return measure_ticker(ticker, daily, STUDY_FROM, None, rs_high=rs, market=states)

        cases = await off_loop(measure)
        universe = universe_of(ticker)
        part = self.table["universes"].get(universe)
        own = summarize(cases)
        rows = [(words.own_label(ticker), own)]
        chart_rows = [(words.own_label(ticker, len(cases)), own)]
        latest: Odds | None = None
        if part is not None:
            everyone = part["groups"]["all"]["all"]
            rows.append((words.table_label(universe, "all"), everyone))
            chart_rows.append((words.group_row_label("all", everyone), everyone))
            if cases:
                c = cases[-1]
                latest = odds_of_groups(universe, {d: c.group(d) for d in CHAIN}, table=self.table)
                if latest is not None and latest.pairs:
                    key = ",".join(f"{d}={v}" for d, v in latest.pairs)
                    rows.append((words.table_label(universe, key), latest.stats))
                    chart_rows.append((words.group_row_label(key, latest.stats), latest.stats))
        base_median = part["baseline"]["all"]["median_r20"] if part else None
        png = await off_loop(_chart, words.ticker_chart_title(ticker), words.ticker_chart_subtitle(ticker, universe),
                             chart_rows, base_median)
        return OddsReport(
            headline=words.ticker_title(ticker, cases),
            text=words.rates_table(rows),
            notes=words.ticker_notes(ticker, cases, latest),
            footer=words.ticker_footer(daily.index[-1].date()),
            png=png,
            filename=f"odds_{ticker.replace('.', '_')}.png",
        )
