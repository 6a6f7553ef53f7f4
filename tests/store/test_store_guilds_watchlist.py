from datetime import date

import pytest

from bot.errors import TooManyTickers
from bot.store.engine_states import StateRecord
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import NewMessage, OutboxRepo
from bot.store.watchlist import DEFAULT_WATCHLIST, MAX_WATCHLIST, Subscription, WatchlistRepo

# ``db`` and ``store``: tests/store_engines.py (each test runs on SQLite and on PostgreSQL)


async def test_first_channel_adds_default_watchlist_once(db):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    first = await guilds.set_channel(1, 100)
    assert first.defaults_added == DEFAULT_WATCHLIST
    assert first.settings.alerts_enabled and first.settings.alerts_channel_id == 100
    assert sorted(await watch.list(1)) == sorted(DEFAULT_WATCHLIST)
    await watch.remove(1, list(DEFAULT_WATCHLIST))
    again = await guilds.set_channel(1, 200)
    assert again.defaults_added == ()
    assert await watch.list(1) == []


async def test_server_with_own_list_gets_no_defaults(db):
    watch = WatchlistRepo(db)
    await watch.add(2, ["TLT"])
    result = await GuildSettingsRepo(db).set_channel(2, 100)
    assert result.defaults_added == ()
    assert await watch.list(2) == ["TLT"]


async def test_add_remove_and_limit(db):
    watch = WatchlistRepo(db)
    r = await watch.add(1, ["IWM", "SPY"])
    assert r.added == ("IWM", "SPY") and r.total == 2
    r = await watch.add(1, ["SPY", "QQQ"])
    assert r.added == ("QQQ",) and r.already == ("SPY",) and r.total == 3
    filler = [f"T{i}" for i in range(MAX_WATCHLIST - 3)]
    assert (await watch.add(1, filler)).total == MAX_WATCHLIST
    with pytest.raises(TooManyTickers, match="at most 50"):
        await watch.add(1, ["XLK"])
    assert len(await watch.list(1)) == MAX_WATCHLIST  # nothing half-added
    r = await watch.remove(1, ["IWM", "NOPE"])
    assert r.removed == ("IWM",) and r.missing == ("NOPE",) and r.total == MAX_WATCHLIST - 1
    assert await watch.list(2) == []  # other servers untouched


async def test_subscriptions_only_for_servers_with_alerts_on(db):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    await guilds.set_channel(1, 100)
    await guilds.set_channel(2, 200)
    await watch.add(2, ["TLT"])
    await watch.add(3, ["GLD"])  # no channel: not subscribed
    subs = await watch.subscriptions()
    assert subs["IWM"] == [Subscription(1, 100), Subscription(2, 200)]
    assert subs["TLT"] == [Subscription(2, 200)]
    assert "GLD" not in subs
    await guilds.disable(2)
    subs = await watch.subscriptions()
    assert subs["IWM"] == [Subscription(1, 100)] and "TLT" not in subs


async def test_disable_gives_up_pending_rows_and_records_reason(db):
    guilds, outbox = GuildSettingsRepo(db), OutboxRepo(db)
    await guilds.set_channel(1, 100)
    await guilds.set_channel(2, 200)
    state = StateRecord("IWM", "{}", date(2023, 12, 14))
    msgs = [NewMessage(g, c, "IWM", "b1", "breakout", date(2023, 12, 14), {"x": 1}) for g, c in ((1, 100), (2, 200))]
    assert await outbox.commit_ticker(state, msgs) == 2
    assert await guilds.disable(1, "channel gone: 404") is True
    assert [r.guild_id for r in await outbox.pending()] == [2]
    s = await guilds.get(1)
    assert not s.alerts_enabled and s.disabled_reason == "channel gone: 404" and s.alerts_channel_id == 100
    assert await guilds.disable(1) is False  # already off
    assert (await guilds.set_channel(1, 300)).settings.disabled_reason is None


async def test_ping_role_set_and_cleared(db):
    guilds = GuildSettingsRepo(db)
    assert (await guilds.get(5)).ping_role_id is None
    assert (await guilds.set_ping_role(5, 777)).ping_role_id == 777
    assert (await guilds.set_ping_role(5, None)).ping_role_id is None


async def test_settings_survive_reopen(store):
    async with store.database() as db:
        await GuildSettingsRepo(db).set_channel(9, 900)
        await GuildSettingsRepo(db).set_ping_role(9, 5)
    async with store.database() as db:
        s = await GuildSettingsRepo(db).get(9)
        assert (s.alerts_channel_id, s.alerts_enabled, s.ping_role_id) == (900, True, 5)
        assert set(await WatchlistRepo(db).list(9)) == set(DEFAULT_WATCHLIST)


async def test_discord_sized_ids_round_trip(db):
    """Snowflakes need 64 bits: PostgreSQL's BIGINT, SQLite's INTEGER."""
    guild, channel, role = 1_180_000_000_000_000_001, 1_180_000_000_000_000_002, 1_180_000_000_000_000_003
    await GuildSettingsRepo(db).set_channel(guild, channel)
    s = await GuildSettingsRepo(db).set_ping_role(guild, role)
    assert (s.guild_id, s.alerts_channel_id, s.ping_role_id) == (guild, channel, role)
    assert (await WatchlistRepo(db).subscriptions())["IWM"] == [Subscription(guild, channel)]


async def test_ticker_lists_save_replace_delete(db):
    from bot.store.ticker_lists import TickerListRepo

    lists = TickerListRepo(db)
    assert await lists.save(1, "tech", ["XLK", "QQQ"]) is False
    assert await lists.save(1, "tech", ["SMH"]) is True
    await lists.save(1, "banks", ["KBE"])
    assert await lists.names(1) == ["banks", "tech"] and await lists.get(1, "tech") == ["SMH"]
    assert await lists.count(1) == 2 and await lists.get(2, "tech") is None
    assert await lists.delete(1, "tech") is True and await lists.delete(1, "tech") is False


async def test_market_index_is_stored_per_server(db):
    guilds = GuildSettingsRepo(db)
    assert (await guilds.get(5)).market_index == "SPY"
    assert (await guilds.set_market_index(5, "QQQ")).market_index == "QQQ"
    assert (await guilds.get(6)).market_index == "SPY"
    await guilds.set_channel(5, 100)
    assert (await guilds.get(5)).market_index == "QQQ"  # other settings keep it
    assert (await guilds.set_market_index(5, "SPY")).market_index == "SPY"
