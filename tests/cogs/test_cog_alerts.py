"""`alerts` commands through discord.py's real dispatch (tests/discord_harness.py)."""

import discord
import pytest
from discord_harness import CHANNEL_ID, GUILD_ID, MANAGER_ROLE_ID
from scan_fakes import write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.watchlist import DEFAULT_WATCHLIST, WatchlistRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts")


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "SPY"])))


def texts(sent):
    return [m["content"] for m in sent if m["kind"] in ("message", "response", "followup")]


async def test_channel_needs_manage_server(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = texts(await h.prefix(f"!alerts channel <#{CHANNEL_ID}>"))
    assert "Manage Server" in reply
    assert not (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).alerts_enabled
    for cmd in ("!alerts off", "!alerts role none"):
        (reply,) = texts(await h.prefix(cmd))
        assert "Manage Server" in reply
    (reply,) = texts(await h.slash("alerts off", {}))
    assert "Manage Server" in reply


async def test_channel_on_status_role_off_round_trip(make_harness, market, tmp_path):
    path = tmp_path / "bot.sqlite3"
    h = await make_harness(market, extensions=EXTENSIONS, db=Database(path))
    (reply,) = texts(await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin))
    assert f"<#{CHANNEL_ID}>" in reply and "IWM, MDY, SPY, QQQ" in reply
    assert set(await WatchlistRepo(h.bot.services.db).list(GUILD_ID)) == set(DEFAULT_WATCHLIST)
    (reply,) = texts(await h.prefix(f"!alerts role <@&{MANAGER_ROLE_ID}>", author=h.admin))
    assert f"<@&{MANAGER_ROLE_ID}>" in reply
    await h.close()

    h = await make_harness(market, extensions=EXTENSIONS, db=Database(path))
    (status,) = texts(await h.slash("alerts status", {}, author=h.admin))
    assert "**on**" in status and f"<#{CHANNEL_ID}>" in status and f"<@&{MANAGER_ROLE_ID}>" in status
    assert "Tracked tickers: 4 (" in status and "Next scan:" in status
    (reply,) = texts(await h.prefix("!alerts role none", author=h.admin))
    assert "ping nobody" in reply
    (reply,) = texts(await h.prefix("!alerts role nosuchrole", author=h.admin))
    assert "not a role" in reply
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).ping_role_id is None
    (reply,) = texts(await h.prefix("!alerts off", author=h.admin))
    assert "Alerts are off" in reply
    (reply,) = texts(await h.prefix("!alerts off", author=h.admin))
    assert "already off" in reply
    (status,) = texts(await h.prefix("!alerts", author=h.admin))
    assert "**off**" in status
    # turning alerts on again does not re-add the default list
    await h.prefix("!watch remove IWM MDY SPY QQQ", author=h.admin)
    (reply,) = texts(await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin))
    assert "started a watchlist" not in reply
    assert await WatchlistRepo(h.bot.services.db).list(GUILD_ID) == []


async def test_refuses_everyone_role_and_channel_without_permissions(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = texts(await h.prefix(f"!alerts role <@&{GUILD_ID}>", author=h.admin))
    assert "@everyone" in reply
    # take Embed Links away from the bot in the channel
    everyone = h.guild.default_role
    h.channel._overwrites = [discord.abc._Overwrites({"id": str(everyone.id), "type": 0, "allow": "0",
                                                      "deny": str(discord.Permissions(embed_links=True).value)})]
    (reply,) = texts(await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin))
    assert "Embed Links" in reply and "Nothing was changed" in reply
    assert not (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).alerts_enabled


async def test_unknown_channel_is_a_friendly_error(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = texts(await h.prefix("!alerts channel #nowhere", author=h.admin))
    assert reply.startswith("⚠️") and "nowhere" in reply


async def test_watch_before_alerts_says_the_defaults_are_not_added(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = texts(await h.prefix("!watch list", author=h.admin))
    assert "tracks no tickers yet" in reply and "to start with IWM, MDY, SPY, QQQ" in reply
    (reply,) = texts(await h.prefix("!watch add SPY", author=h.admin))
    assert "Now tracking SPY" in reply and "Alerts are off, so nothing is announced yet" in reply
    assert "The default list (IWM, MDY, SPY, QQQ) is only added to an empty watchlist" in reply
    (reply,) = texts(await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin))
    assert "cover this server's 1 tracked tickers: SPY." in reply
    assert "was not added because you had chosen tickers already" in reply
    assert await WatchlistRepo(h.bot.services.db).list(GUILD_ID) == ["SPY"]
    (reply,) = texts(await h.prefix("!watch add IWM", author=h.admin))
    assert reply.endswith("Announcements cover exactly these tickers.")
    (reply,) = texts(await h.slash("watch remove", {"tickers": "SPY IWM"}, author=h.admin))
    assert "0/50 tickers tracked" in reply
    (reply,) = texts(await h.prefix("!watch list", author=h.admin))
    assert reply.endswith("`!watch add IWM SPY`.")  # the defaults were offered once already


async def test_status_shows_only_scans_of_tickers_made_since_alerts_were_on(make_harness, market):
    from datetime import date

    from bot.store.scan_runs import ScanRunRepo

    h = await make_harness(market, extensions=EXTENSIONS)
    runs = ScanRunRepo(h.bot.services.db)
    await runs.record(date(2026, 11, 20), started_at="x", tickers=0, events=0, queued=0, failed_tickers=0)
    from bot.store.schema import scan_runs

    async with h.bot.services.db.transaction() as conn:  # a scan for other servers, long before this one turned alerts on
        await conn.execute(scan_runs.insert().values(session_date="2020-01-02", started_at="x",
                                                     finished_at="2020-01-02T21:30:00+00:00", tickers=7, events=0,
                                                     queued=0, failed_tickers=0))
    (status,) = texts(await h.prefix("!alerts status", author=h.admin))
    assert "**off**" in status and "Last scan" not in status

    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    (status,) = texts(await h.prefix("!alerts status", author=h.admin))
    assert "Last scan: none yet since alerts were turned on." in status

    await runs.record(date(2026, 11, 27), started_at="x", tickers=4, events=1, queued=1, failed_tickers=1)
    await runs.record(date(2026, 11, 28), started_at="x", tickers=0, events=0, queued=0, failed_tickers=0)
    (status,) = texts(await h.prefix("!alerts status", author=h.admin))
    assert "Last scan: session 2026-11-27 (4 tickers, 1 failed)." in status
