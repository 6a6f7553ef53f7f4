"""The intraday watch through discord.py's real send path (tests/discord_harness.py): the real
cogs (announcer and intraday watcher), the real store and scan, the real IWM bars; the quotes are
the synthetic session of 2023-12-26 built from IWM's real daily bar. The notice is posted once,
without pings, with the levels and the day's chart; the close replies "confirmed" linking the
day's announcement and rewrites the notice's footer."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
from discord_harness import CHANNEL_ID, GUILD_ID, is_png
from intraday_fakes import SyntheticIntraday, session_of

from bot.analysis.intraday.session import round_times
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.intraday import replay_day
from bot.store.personal_alerts import PersonalAlertRepo
from bot.store.watchlist import WatchlistRepo
from bot.words.intraday import crossing_notice, noticed_line

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.announcer", "cogs.intraday")
DAY = date(2023, 12, 26)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def _intraday(h, word):
    return [m for m in h.sent if m["kind"] == "message" and m["embeds"]
            and f"|{word}|" in (m["embeds"][0].get("footer") or {}).get("text", "")]


async def test_crossing_notice_then_the_close_confirms_it(make_harness, shared_data, load_daily):
    h = await make_harness(MarketData(CsvDirectoryProvider(shared_data)), extensions=EXTENSIONS)
    announcer, watcher = h.bot.get_cog("Announcer"), h.bot.get_cog("IntradayWatcher")
    source = SyntheticIntraday({t: load_daily(t) for t in ("IWM",)})
    watcher.watch.prices = source
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    await WatchlistRepo(h.bot.services.db).remove(GUILD_ID, ["MDY", "SPY", "QQQ"])
    await h.prefix("!alerts intraday on", author=h.admin)
    await announcer.wake(now=utc(2023, 12, 22, 22))  # the 12-22 close: the engine's state
    await PersonalAlertRepo(h.bot.services.db).add(GUILD_ID, h.user.id, "IWM", "above", 202.5)
    h.reset()

    start, end = session_of(DAY)
    for t in round_times(start, end):
        source.now = t
        await watcher.round(t.tz_convert("UTC").to_pydatetime())
    (notice,) = _intraday(h, "intraday")
    twin = replay_day("IWM", load_daily("IWM"), DAY, None).watch
    embed = notice["embeds"][0]
    assert embed["title"] == "IWM crossing 203.00 now"
    assert embed["description"].startswith(crossing_notice("IWM", twin.line, twin.crossing.price,
                                                           twin.crossing.quote_at, twin.crossing.pace, True))
    assert "12:50 ET" in embed["description"]  # the quote's own time
    assert [f["name"] for f in embed["fields"]] == ["Breakout line", "Buy range", "Invalidation"]
    assert notice["allowed_mentions"] == {"parse": []} and not notice["content"]
    assert is_png(notice["files"][0]["bytes"]) and embed["image"]["url"].startswith("attachment://")
    assert len([m for m in h.sent if m["kind"] == "message" and m["dm_to"] is None]) == 1  # nothing else there
    (dm,) = h.dms(h.user.id)  # the member's level alert, crossed during the session: by DM, once
    title = dm["embeds"][0]["title"]
    assert title.startswith("IWM traded above 202.50 at ") and title.endswith(" ET)")
    assert "Intraday, 2023-12-26" in dm["embeds"][0]["footer"]["text"]

    await announcer.wake(now=utc(2023, 12, 26, 22))  # the close: the scan and the settlement
    (announcement,) = [m for m in h.sent if m["kind"] == "message" and m["embeds"]
                       and "|breakout|" in m["embeds"][0]["footer"]["text"]]
    (reply,) = _intraday(h, "intraday:settle")
    close = float(load_daily("IWM").loc[pd.Timestamp(DAY), "Close"])
    text = reply["embeds"][0]["description"]
    assert text.startswith(f"confirmed: closed at {close:.2f}")
    assert f"/{CHANNEL_ID}/{announcement['id']}" in text  # linked to the day's announcement
    described = announcement["embeds"][0]["description"]  # and the announcement back to the notice
    assert described.endswith(noticed_line(f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{notice['id']}"))
    assert int(reply["payload"]["message_reference"]["message_id"]) == notice["id"]
    assert reply["allowed_mentions"]["replied_user"] is False
    (edit,) = [m for m in h.sent if m["kind"] == "edit" and m["message_id"] == notice["id"]]
    assert edit["embeds"][0]["footer"]["text"].startswith(f"Confirmed at the close of 2023-12-26: {close:.2f}")
    assert edit["embeds"][0]["title"] == embed["title"]
    assert len(h.dms(h.user.id)) == 1  # the close (above 202.50 too) does not fire it again
