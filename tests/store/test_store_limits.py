"""Limits hold under concurrent writers, on both engines (issue 20 part 2): the count and the
write share one transaction and the writers of one server take turns (bot.store.limits).
Several Database objects on one store stand for several processes of the bot."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.errors import BadArgument, TooManyTickers
from bot.store import limits
from bot.store import ticker_lists as ticker_lists_module
from bot.store.guilds import GuildSettingsRepo
from bot.store.schema import ticker_lists
from bot.store.ticker_lists import MAX_LISTS, TickerListRepo
from bot.store.watchlist import DEFAULT_WATCHLIST, MAX_WATCHLIST, WatchlistRepo

PROCESSES = 3


async def processes(store):
    return [await store.open() for _ in range(PROCESSES)]


async def race(calls):
    """Run every call at once; (successes, the errors raised)."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    return len(results) - len(errors), errors


async def test_concurrent_list_saves_never_pass_the_limit(store):
    dbs = await processes(store)
    calls = [TickerListRepo(dbs[i % PROCESSES]).save(7, f"list{i}", ["IWM", "SPY"]) for i in range(MAX_LISTS + 5)]
    saved, errors = await race(calls)
    assert saved == MAX_LISTS and len(errors) == 5
    assert all(isinstance(e, BadArgument) and "25 lists already" in str(e) for e in errors)
    names = await TickerListRepo(dbs[0]).names(7)
    assert len(names) == MAX_LISTS
    # replacing an existing list at the limit is not a new one (whichever lists won the race)
    assert await TickerListRepo(dbs[1]).save(7, names[0], ["QQQ"]) is True
    assert len(await TickerListRepo(dbs[2]).names(8)) == 0  # another server is not held up or counted


async def test_concurrent_watch_adds_never_pass_the_limit(store):
    dbs = await processes(store)
    await WatchlistRepo(dbs[0]).add(3, [f"T{i}" for i in range(MAX_WATCHLIST - 10)])
    calls = [WatchlistRepo(dbs[i % PROCESSES]).add(3, [f"N{i}A", f"N{i}B"]) for i in range(12)]  # 24 wanted, 10 fit
    added, errors = await race(calls)
    assert added == 5 and all(isinstance(e, TooManyTickers) for e in errors)
    assert len(await WatchlistRepo(dbs[1]).list(3)) == MAX_WATCHLIST


async def test_the_default_watchlist_and_concurrent_adds_share_the_limit(store):
    dbs = await processes(store)
    await WatchlistRepo(dbs[0]).add(4, [f"T{i}" for i in range(MAX_WATCHLIST - len(DEFAULT_WATCHLIST) - 1)])
    await WatchlistRepo(dbs[0]).remove(4, [f"T{i}" for i in range(MAX_WATCHLIST - len(DEFAULT_WATCHLIST) - 1)])
    calls = [GuildSettingsRepo(dbs[0]).set_channel(4, 40),
             *(WatchlistRepo(dbs[1 + i % 2]).add(4, [f"X{i}{j}" for j in range(10)]) for i in range(6))]
    await race(calls)
    assert len(await WatchlistRepo(dbs[0]).list(4)) <= MAX_WATCHLIST


async def test_without_the_turns_the_race_passes_the_limit(store, monkeypatch):
    """The test above can fail: with the turn-taking switched off, PostgreSQL's concurrent
    writers each count before the others write (SQLite's BEGIN IMMEDIATE still serialises them)."""
    if not store.is_postgres:
        pytest.skip("SQLite's writers take turns by BEGIN IMMEDIATE alone")

    async def no_turns(db, conn, name, owner):
        await conn.execute(sa.text("SELECT pg_sleep(0.05)"))  # widen the window as a busy server would

    monkeypatch.setattr(limits, "hold", no_turns)
    monkeypatch.setattr(ticker_lists_module, "hold", no_turns)
    dbs = await processes(store)
    calls = [TickerListRepo(dbs[i % PROCESSES]).save(9, f"list{i}", ["IWM"]) for i in range(MAX_LISTS + 5)]
    await race(calls)
    count = await dbs[0].scalar(sa.select(sa.func.count()).select_from(ticker_lists).where(ticker_lists.c.guild_id == 9))
    assert count > MAX_LISTS
