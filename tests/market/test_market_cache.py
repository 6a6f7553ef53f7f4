from datetime import date, datetime, timezone

import pandas as pd
import pytest
from fakes import FakeProvider, synthetic_daily

from bot.errors import DataSourceError, UnknownTicker
from bot.market.cache import PriceCache, frame_of_rows
from bot.market.service import MarketData


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Saturday 2024-06-29 noon UTC: every bar through Friday 2024-06-28 is final.
SATURDAY = datetime(2024, 6, 29, 16, 0, tzinfo=timezone.utc)


# ``db``: tests/store_engines.py (each test runs on SQLite and on PostgreSQL: the cache is shared)


async def test_second_request_is_served_from_cache(db):
    provider = FakeProvider({"AAA": synthetic_daily(), "BBB": synthetic_daily(seed=2)})
    market = MarketData(provider, PriceCache(db, clock=Clock(SATURDAY)))
    first = await market.histories(["AAA", "BBB"], start=date(2023, 6, 1))
    assert len(provider.calls) == 1 and set(provider.calls[0][0]) == {"AAA", "BBB"}  # one batched call
    again = await market.histories(["AAA", "BBB"], start=date(2023, 6, 1))
    assert len(provider.calls) == 1  # nothing refetched
    pd.testing.assert_frame_equal(first["AAA"], again["AAA"], check_freq=False)
    # A narrower window inside what is cached needs no fetch either.
    await market.history("AAA", start=date(2024, 1, 2), end=date(2024, 3, 1))
    assert len(provider.calls) == 1


async def test_weekend_and_holiday_are_not_missing_data(db):
    data = synthetic_daily(end="2024-07-03")  # Thursday 2024-07-04 is a holiday
    provider = FakeProvider({"AAA": data})
    clock = Clock(datetime(2024, 7, 5, 12, 0, tzinfo=timezone.utc))  # Friday before the open
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2024, 1, 2))
    clock.now = datetime(2024, 7, 5, 13, 0, tzinfo=timezone.utc)  # still before the open
    await market.history("AAA", start=date(2024, 1, 2))
    assert len(provider.calls) == 1


async def test_new_session_fetches_only_the_tail(db):
    full = synthetic_daily(end="2024-06-28")
    provider = FakeProvider({"AAA": full[full.index <= "2024-06-27"]})
    clock = Clock(datetime(2024, 6, 28, 10, 0, tzinfo=timezone.utc))  # Friday morning
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2023, 6, 1))
    provider.frames["AAA"] = full
    clock.now = SATURDAY
    df = await market.history("AAA", start=date(2023, 6, 1))
    assert len(provider.calls) == 2
    tail_start = provider.calls[1][1]
    assert date(2024, 6, 10) <= tail_start < date(2024, 6, 27)  # overlaps the last cached bars
    assert df.index[-1] == pd.Timestamp("2024-06-28")
    pd.testing.assert_series_equal(df["Close"], clip_from(full, "2023-06-01")["Close"], check_freq=False)


def clip_from(df, start):
    return df[df.index >= start]


async def test_live_bar_is_refreshed(db):
    provider = FakeProvider({"AAA": synthetic_daily(end="2024-06-28")})
    clock = Clock(datetime(2024, 6, 28, 15, 0, tzinfo=timezone.utc))  # Friday, market open
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2024, 1, 2))
    await market.history("AAA", start=date(2024, 1, 2))
    assert len(provider.calls) == 1  # within the refresh interval
    clock.now = datetime(2024, 6, 28, 15, 30, tzinfo=timezone.utc)
    await market.history("AAA", start=date(2024, 1, 2))
    assert len(provider.calls) == 2  # today's bar refreshed


async def test_split_triggers_full_refetch(db):
    before = synthetic_daily(end="2024-06-21")
    provider = FakeProvider({"AAA": before})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2023, 6, 1))
    # A 2-for-1 split: the source now shows all history at half the price.
    after = synthetic_daily(end="2024-06-28")
    after[["Open", "High", "Low", "Close"]] = (after[["Open", "High", "Low", "Close"]] / 2).round(2)
    provider.frames["AAA"] = after
    clock.now = SATURDAY
    df = await market.history("AAA", start=date(2023, 6, 1))
    assert provider.calls[-1][1] == date(2023, 6, 1)  # whole history fetched again
    expected = after[after.index >= "2023-06-01"]["Close"]
    pd.testing.assert_series_equal(df["Close"], expected, check_freq=False)  # no pre-split bar left


async def test_rounding_differences_are_not_a_split(db):
    data = synthetic_daily(end="2024-06-21")
    provider = FakeProvider({"AAA": data})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2023, 6, 1))
    nudged = synthetic_daily(end="2024-06-28")
    nudged["Close"] = nudged["Close"] + 0.01  # a cent of vendor rounding
    provider.frames["AAA"] = nudged
    clock.now = SATURDAY
    await market.history("AAA", start=date(2023, 6, 1))
    assert provider.calls[-1][1] > date(2024, 6, 1)  # only the tail


async def test_source_down_serves_cached_bars_marked_stale(db):
    provider = FakeProvider({"AAA": synthetic_daily(end="2024-06-21")})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2024, 1, 2))
    provider.error = DataSourceError("down")
    clock.now = SATURDAY
    df = await market.history("AAA", start=date(2024, 1, 2))
    assert df.attrs["stale"] is True
    assert df.index[-1] == pd.Timestamp("2024-06-21")
    with pytest.raises(DataSourceError):  # nothing cached for this one
        await market.history("BBB", start=date(2024, 1, 2))


async def test_source_down_for_an_uncached_ticker_says_so(db):
    provider = FakeProvider({"AAA": synthetic_daily(end="2024-06-21"), "BBB": synthetic_daily(seed=2)})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2024, 1, 2))
    provider.error = DataSourceError("down")
    clock.now = SATURDAY
    # AAA is served from the cache; BBB, fetched in the same failed batch, is not "unknown"
    got = await market.histories(["AAA", "BBB"], start=date(2024, 1, 2))
    assert set(got) == {"AAA"} and got["AAA"].attrs["stale"] is True
    with pytest.raises(DataSourceError, match="down") as err:
        await market.histories(["AAA", "BBB"], start=date(2024, 1, 2), strict=True)
    assert not isinstance(err.value, UnknownTicker)


async def test_unknown_ticker_is_a_domain_error(db):
    market = MarketData(FakeProvider({}), PriceCache(db, clock=Clock(SATURDAY)))
    with pytest.raises(UnknownTicker, match="ZZZZ"):
        await market.history("ZZZZ")


async def test_cache_survives_reopen(store):
    provider = FakeProvider({"AAA": synthetic_daily()})
    async with store.database() as db:
        await MarketData(provider, PriceCache(db, clock=Clock(SATURDAY))).history("AAA", start=date(2024, 1, 2))
    async with store.database() as db:
        df = await MarketData(provider, PriceCache(db, clock=Clock(SATURDAY))).history("AAA", start=date(2024, 1, 2))
    assert len(provider.calls) == 1 and len(df) > 100


async def test_a_moving_live_bar_is_not_mistaken_for_a_split(db):
    # The bar cached mid-session was live; the next refresh sees it 2% higher. Only the
    # bars that were final when cached can show a split or a revision.
    morning = synthetic_daily(end="2024-06-28")
    provider = FakeProvider({"AAA": morning})
    clock = Clock(datetime(2024, 6, 28, 15, 0, tzinfo=timezone.utc))  # Friday, market open
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2023, 6, 1))
    later = morning.copy()
    later.loc["2024-06-28", ["High", "Close"]] = (later.loc["2024-06-28", ["High", "Close"]] * 1.02).round(2)
    provider.frames["AAA"] = later
    clock.now = datetime(2024, 6, 28, 15, 30, tzinfo=timezone.utc)
    df = await market.history("AAA", start=date(2023, 6, 1))
    assert len(provider.calls) == 2  # one tail refresh, no whole-history refetch
    assert provider.calls[1][1] > date(2024, 6, 1)
    assert df["Close"].iloc[-1] == later["Close"].iloc[-1]


async def test_split_is_still_seen_when_the_cached_tail_was_live(db):
    before = synthetic_daily(end="2024-06-28")
    provider = FakeProvider({"AAA": before})
    clock = Clock(datetime(2024, 6, 28, 15, 0, tzinfo=timezone.utc))  # cached mid-session
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.history("AAA", start=date(2023, 6, 1))
    after = synthetic_daily(end="2024-07-01")
    after[["Open", "High", "Low", "Close"]] = (after[["Open", "High", "Low", "Close"]] / 2).round(2)
    provider.frames["AAA"] = after
    clock.now = datetime(2024, 7, 1, 21, 0, tzinfo=timezone.utc)
    df = await market.history("AAA", start=date(2023, 6, 1))
    assert provider.calls[-1][1] == date(2023, 6, 1)  # whole history fetched again
    pd.testing.assert_series_equal(df["Close"], after[after.index >= "2023-06-01"]["Close"], check_freq=False)


class FailSecondCall(FakeProvider):
    """Answers the first fetch after a reset, then fails."""

    def __init__(self, frames):
        super().__init__(frames)
        self.answers_left = 1

    async def fetch(self, tickers, start=None, end=None):
        if self.answers_left <= 0:
            self.calls.append((tuple(tickers), start, end))
            raise DataSourceError("down")
        self.answers_left -= 1
        return await super().fetch(tickers, start, end)


async def test_split_refetch_failing_serves_cached_bars_marked_stale(db):
    before = synthetic_daily(end="2024-06-21")
    provider = FailSecondCall({"AAA": before, "BBB": synthetic_daily(end="2024-06-21", seed=2)})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.histories(["AAA", "BBB"], start=date(2023, 6, 1))
    after = synthetic_daily(end="2024-06-28")
    after[["Open", "High", "Low", "Close"]] = (after[["Open", "High", "Low", "Close"]] / 2).round(2)
    provider.frames = {"AAA": after, "BBB": synthetic_daily(end="2024-06-28", seed=2)}
    provider.answers_left = 1  # the tail answers, the whole-history refetch of AAA fails
    clock.now = SATURDAY
    got = await market.histories(["AAA", "BBB"], start=date(2023, 6, 1))
    assert provider.calls[-1][1] == date(2023, 6, 1)  # the refetch was tried
    assert got["AAA"].attrs["stale"] is True
    pd.testing.assert_series_equal(got["AAA"]["Close"], before[before.index >= "2023-06-01"]["Close"],
                                   check_freq=False)  # consistent pre-split history, no mix
    assert got["BBB"].attrs["stale"] is False and got["BBB"].index[-1] == pd.Timestamp("2024-06-28")


async def test_cached_ticker_missing_from_the_answer_is_stale(db):
    provider = FakeProvider({"AAA": synthetic_daily(end="2024-06-21"), "BBB": synthetic_daily(end="2024-06-21")})
    clock = Clock(datetime(2024, 6, 22, 16, 0, tzinfo=timezone.utc))
    market = MarketData(provider, PriceCache(db, clock=clock))
    await market.histories(["AAA", "BBB"], start=date(2024, 1, 2))
    provider.frames = {"AAA": synthetic_daily(end="2024-06-28")}  # BBB left out of the batch answer
    clock.now = SATURDAY
    got = await market.histories(["AAA", "BBB"], start=date(2024, 1, 2))
    assert got["AAA"].attrs["stale"] is False and got["AAA"].index[-1] == pd.Timestamp("2024-06-28")
    assert got["BBB"].attrs["stale"] is True and got["BBB"].index[-1] == pd.Timestamp("2024-06-21")


def _frame_the_pandas_way(rows) -> pd.DataFrame:
    """What the cache built before frame_of_rows (the oracle): a frame of the rows, the dates
    parsed by pandas, floats, Adj Close dropped when no bar has one."""
    df = pd.DataFrame(rows, columns=["Date", "Open", "High", "Low", "Close", "Volume", "Adj Close"])
    df.index = pd.DatetimeIndex(pd.to_datetime(df.pop("Date")), name="Date")
    df = df.astype(float)
    return df.drop(columns="Adj Close") if df["Adj Close"].isna().all() else df


@pytest.mark.parametrize("adj", [None, 1.5])
def test_frame_of_rows_is_the_frame_pandas_builds(adj):
    rows = [("2024-06-26", 10.0, 11.0, 9.5, 10.5, 1000.0, adj), ("2024-06-27", None, 11.2, 9.9, 11.0, None, adj),
            ("2024-06-28", 11.0, 11.5, 10.75, 11.25, 1500.0, None)]
    got = frame_of_rows(rows)
    pd.testing.assert_frame_equal(got, _frame_the_pandas_way(rows), check_exact=True)
    assert list(got.columns) == ["Open", "High", "Low", "Close", "Volume"] + (["Adj Close"] if adj else [])
    assert got.index.dtype == "datetime64[us]" and got.index.name == "Date"
    assert frame_of_rows([]).empty


async def test_real_bars_come_back_from_the_cache_as_they_went_in(db, load_daily):
    daily = load_daily("IWM").iloc[-800:]
    provider = FakeProvider({"IWM": daily})
    cache = PriceCache(db, clock=Clock(datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc)))
    await MarketData(provider, cache).history("IWM", start=daily.index[0].date())
    back = await cache.load("IWM")
    pd.testing.assert_frame_equal(back[["Open", "High", "Low", "Close", "Volume"]],
                                  daily[["Open", "High", "Low", "Close", "Volume"]], check_exact=True, check_freq=False)
    rows = await cache.prices.bars("IWM", "1970-01-01", "2099-12-31")
    pd.testing.assert_frame_equal(back, _frame_the_pandas_way([tuple(r) for r in rows]), check_exact=True)
