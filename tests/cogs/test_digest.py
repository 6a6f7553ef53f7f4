"""``alerts digest on|off`` and the digest post, through discord.py's real dispatch and send path."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from discord_harness import CHANNEL_ID, GUILD_ID
from scan_fakes import ScriptedEngine, write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.setups import SetupsService
from bot.store.guilds import GuildSettingsRepo
from bot.store.watchlist import WatchlistRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.announcer")
BREAKOUT_DAY = date(2026, 11, 18)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "MDY", "SPY", "QQQ"])))


async def test_digest_switch_needs_manage_server_and_is_stored(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (denied,) = visible(await h.prefix("!alerts digest on", author=h.user))
    assert "Manage Server" in denied["content"]
    assert not (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).digest_enabled
    (reply,) = visible(await h.prefix("!alerts digest on", author=h.admin))
    assert "digest is on" in reply["content"] and "alerts channel" in reply["content"]  # alerts are still off
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).digest_enabled
    (reply,) = visible(await h.slash("alerts digest", {"switch": "off"}, author=h.admin))
    assert reply["content"] == "The daily digest is off."
    assert not (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).digest_enabled
    (bad,) = visible(await h.prefix("!alerts digest maybe", author=h.admin))
    assert "`on` or `off`" in bad["content"]


async def test_digest_is_posted_after_the_announcements_once(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    cog = h.bot.get_cog("Announcer")
    cog.scanner.engine = ScriptedEngine({("IWM", BREAKOUT_DAY): "breakout"})
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    await h.prefix("!alerts digest on", author=h.admin)
    status = visible(await h.prefix("!alerts status", author=h.admin))[0]["content"]
    assert "Daily digest: on" in status
    await cog.wake(now=utc(2026, 11, 17, 22))
    h.reset()
    report = await cog.wake(now=utc(2026, 11, 18, 21, 30))
    assert report.flush.sent == 2  # the breakout, then the digest
    posts = [m for m in h.sent if m["kind"] == "message" and m["embeds"]]
    digest = posts[-1]
    embed = digest["embeds"][0]
    assert embed["title"] == "Daily digest · 2026-11-18"
    assert "*|digest|digest|2026-11-18" in embed["footer"]["text"]
    tickers = await WatchlistRepo(h.bot.services.db).list(GUILD_ID)
    expected = await SetupsService(market, h.bot.services.db).digest(GUILD_ID, BREAKOUT_DAY)
    assert [(f["name"], f["value"]) for f in embed["fields"]] == expected.fields
    assert expected.setups.screened == len(tickers)
    if expected.png:
        (png,) = digest["files"]
        assert png["bytes"].startswith(b"\x89PNG") and embed["image"]["url"] == f"attachment://{png['name']}"
    assert digest["allowed_mentions"] == {"parse": []}
    again = await cog.wake(now=utc(2026, 11, 18, 23))
    assert again.flush.sent == 0 and len([m for m in h.sent if m["kind"] == "message" and m["embeds"]]) == 2


async def test_digest_words_on_the_seed_day(shared_data, tmp_path):
    from bot.store.db import Database

    async with Database(tmp_path / "bot.sqlite3") as db:
        await WatchlistRepo(db).add(GUILD_ID, ["IWM", "MDY", "SPY", "TLT"])
        digest = await SetupsService(MarketData(CsvDirectoryProvider(shared_data)), db).digest(GUILD_ID, "2023-12-15")
    fields = dict(digest.fields)
    assert "**IWM** 199.26 · -1.1% · 4th test" in fields["Testing resistance (1)"]
    assert "MDY" in fields["Breakouts (2)"] and "SPY" in fields["Breakouts (2)"]
    assert "TLT" in fields["Closest setups"]
    assert digest.png.startswith(b"\x89PNG") and digest.filename == "digest-2023-12-15.png"
