"""`watch` commands through discord.py's real dispatch (tests/discord_harness.py)."""

import pytest
from discord_harness import GUILD_ID
from scan_fakes import write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.db import Database
from bot.store.watchlist import WatchlistRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts")
KNOWN = ["IWM", "MDY", "SPY", "QQQ", "TLT", "XLK"] + [f"TK{i}" for i in range(50)]


@pytest.fixture(scope="module")
def market_dir(tmp_path_factory):
    return write_csv_dir(tmp_path_factory.mktemp("prices"), KNOWN)


@pytest.fixture
def market(market_dir):
    return MarketData(CsvDirectoryProvider(market_dir))


def texts(sent):
    return [m["content"] for m in sent if m["kind"] in ("message", "response", "followup")]


async def test_member_without_manage_server_is_refused_once(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    for sent in (await h.prefix("!watch add TLT"), await h.slash("watch add", {"tickers": "TLT"})):
        replies = texts(sent)
        assert len(replies) == 1 and "Manage Server" in replies[0]
    assert [m["ephemeral"] for m in h.sent if m["kind"] == "response"] == [True]
    assert await WatchlistRepo(h.bot.services.db).list(GUILD_ID) == []
    listing = texts(await h.prefix("!watch list"))  # anyone may list
    assert len(listing) == 1 and "tracks no tickers" in listing[0]


async def test_add_remove_list_survive_a_restart(make_harness, market, tmp_path):
    path = tmp_path / "bot.sqlite3"
    h = await make_harness(market, extensions=EXTENSIONS, db=Database(path))
    (reply,) = texts(await h.prefix("!watch add tlt, $xlk", author=h.admin))
    assert "Now tracking TLT, XLK" in reply and "2/50" in reply
    (reply,) = texts(await h.slash("watch add", {"tickers": "XLK IWM"}, author=h.admin))
    assert "Now tracking IWM" in reply and "Already tracked: XLK" in reply
    (reply,) = texts(await h.prefix("!watch remove TLT SPY", author=h.admin))
    assert "Stopped tracking TLT" in reply and "Not tracked: SPY" in reply and "2/50" in reply
    await h.close()

    h2 = await make_harness(market, extensions=EXTENSIONS, db=Database(path))  # new bot, same file
    (listing,) = texts(await h2.slash("watch list", {}))
    assert "Tracked tickers (2/50)" in listing
    assert "**XLK**" in listing and "**IWM**" in listing and "TLT" not in listing
    assert "not scanned yet" in listing or "waiting for the first scan" in listing


async def test_limit_of_fifty_with_a_clear_message(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    await h.prefix("!watch add " + " ".join(f"TK{i}" for i in range(48)), author=h.admin)
    (reply,) = texts(await h.prefix("!watch add IWM MDY TLT", author=h.admin))
    assert "at most 50" in reply and "2 more fit" in reply
    assert len(await WatchlistRepo(h.bot.services.db).list(GUILD_ID)) == 48  # nothing half-added
    (reply,) = texts(await h.prefix("!watch add IWM MDY", author=h.admin))
    assert "50/50" in reply


async def test_bad_and_unknown_tickers_add_nothing(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = texts(await h.prefix("!watch add IWM ???", author=h.admin))
    assert "not a ticker symbol" in reply
    (reply,) = texts(await h.prefix("!watch add IWM ZZZZ", author=h.admin))
    assert "No price data for `ZZZZ`" in reply and "nothing was added" in reply
    (reply,) = texts(await h.prefix("!watch add", author=h.admin))
    assert "Missing `tickers`" in reply
    assert await WatchlistRepo(h.bot.services.db).list(GUILD_ID) == []
