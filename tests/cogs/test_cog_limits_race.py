"""The same attack through the real dispatch (issue 20 part 2): many `universe save` and
`watch add` at once from Manage Server members, on both engines — the limits hold."""

from __future__ import annotations

import asyncio

from scan_fakes import write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.ticker_lists import MAX_LISTS, TickerListRepo
from bot.store.watchlist import MAX_WATCHLIST, WatchlistRepo

TICKERS = [f"T{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(MAX_WATCHLIST + 10)]


async def test_concurrent_saves_and_adds_through_discord_never_pass_the_limits(make_harness, store, tmp_path):
    market = MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", TICKERS)))
    h = await make_harness(market, extensions=("cogs.setups", "cogs.watch"), db=store.database())
    admins = [h.member(manage_guild=True) for _ in range(5)]
    saves = [h.prefix(f"!universe save list{i} {TICKERS[i]}", author=admins[i % 5]) for i in range(MAX_LISTS + 5)]
    adds = [h.prefix(f"!watch add {TICKERS[i]}", author=admins[i % 5]) for i in range(MAX_WATCHLIST + 10)]
    await asyncio.gather(*saves, *adds)
    db = h.bot.services.db
    guild = h.guild.id
    assert len(await TickerListRepo(db).names(guild)) == MAX_LISTS
    assert len(await WatchlistRepo(db).list(guild)) == MAX_WATCHLIST
    refusals = [m["content"] for m in h.messages() if "lists already" in (m["content"] or "")
                or "at most 50 tickers" in (m["content"] or "")]
    assert len(refusals) == 5 + 10
