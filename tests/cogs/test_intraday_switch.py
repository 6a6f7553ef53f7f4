"""``alerts intraday on|off`` through discord.py's real dispatch: Manage Server, stored, shown in
``alerts status``, slash and prefix."""

from __future__ import annotations

import pytest
from discord_harness import CHANNEL_ID, GUILD_ID
from scan_fakes import write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.guilds import GuildSettingsRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.announcer")


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "MDY", "SPY", "QQQ"])))


async def test_intraday_switch_needs_manage_server_and_is_stored(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    repo = GuildSettingsRepo(h.bot.services.db)
    (denied,) = visible(await h.prefix("!alerts intraday on", author=h.user))
    assert "Manage Server" in denied["content"]
    assert not (await repo.get(GUILD_ID)).intraday_enabled
    (reply,) = visible(await h.prefix("!alerts intraday on", author=h.admin))
    assert "Intraday notices are on" in reply["content"] and "alerts channel" in reply["content"]
    assert (await repo.get(GUILD_ID)).intraday_enabled
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    status = visible(await h.prefix("!alerts status", author=h.admin))[0]["content"]
    assert "Intraday: on" in status
    (reply,) = visible(await h.slash("alerts intraday", {"switch": "off"}, author=h.admin))
    assert reply["content"] == "Intraday notices are off: announcements come after the close only."
    assert not (await repo.get(GUILD_ID)).intraday_enabled
    status = visible(await h.prefix("!alerts status", author=h.admin))[0]["content"]
    assert "Intraday" not in status
    (bad,) = visible(await h.prefix("!alerts intraday maybe", author=h.admin))
    assert "`on` or `off`" in bad["content"]
    assert reply["allowed_mentions"] in (None, {"parse": []}) or "everyone" not in str(reply["allowed_mentions"])
