"""Members' personal alerts posted by the announcer's real Discord poster (tests/discord_harness.py
records DMs): a breakout alert's DM is the announcement itself (levels, chart) led by one line;
a level alert's DM carries the close, the level, the base's levels, the evidence and the chart;
DMs closed: one mention of that member in the alerts channel, saying why; a crash between the
DM and its record; a member who left gets nothing and their alerts go."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from discord_harness import CHANNEL_ID, GUILD_ID, is_png
from scan_fakes import Crash, ScriptedEngine, write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.store.outbox import OutboxRepo
from bot.store.personal_alerts import PersonalAlertRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.personal", "cogs.announcer")
BREAKOUT_DAY = date(2026, 11, 18)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "MDY", "SPY", "QQQ"])))


async def started(make_harness, market, *, level: bool = False):
    """Alerts on in the harness channel with an empty watchlist: IWM is scanned only for the
    member's alerts. The member sets `breakout` (and a level that the 11-18 close crosses)."""
    h = await make_harness(market, extensions=EXTENSIONS)
    cog = h.bot.get_cog("Announcer")
    cog.scanner.engine = ScriptedEngine({("IWM", BREAKOUT_DAY): "breakout"})
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    await h.prefix("!watch remove IWM MDY SPY QQQ", author=h.admin)
    (reply,) = [m["content"] for m in await h.prefix("!alert add IWM breakout")]
    assert "Alert set" in reply and "now in the daily scan" in reply
    first = await cog.wake(now=utc(2026, 11, 17, 22))
    assert first.scan.tickers == 1 and first.flush.sent == 0
    if level:
        frames = await h.bot.services.market.histories(["IWM"], start=date(2026, 11, 1), end=BREAKOUT_DAY)
        c17, c18 = (float(x) for x in frames["IWM"]["Close"].iloc[-2:])
        kind = "above" if c18 > c17 else "below"
        await PersonalAlertRepo(h.bot.services.db).add(GUILD_ID, h.user.id, "IWM", kind, round((c17 + c18) / 2, 2))
    h.reset()
    return h, cog


async def test_breakout_and_level_alerts_are_dmed_with_levels_evidence_and_chart(make_harness, market):
    h, cog = await started(make_harness, market, level=True)
    report = await cog.wake(now=utc(2026, 11, 18, 21, 30))
    assert report.scan.personal == 2 and report.flush.sent == 2
    assert [m for m in h.sent if m["kind"] == "message" and m.get("dm_to") is None] == []  # nothing in the channel
    breakout, level = sorted(h.dms(h.user.id), key=lambda m: m["embeds"][0]["title"])
    assert breakout["content"] == "🔔 Your alert: IWM: a breakout."
    embed = breakout["embeds"][0]
    assert embed["title"].startswith("IWM breaks out of its")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert {"Resistance", "Close", "Breakout line", "Buy range", "Invalidation"} <= set(fields)
    assert f"IWM|IWM-B1@{h.user.id}|breakout|2026-11-18" in embed["footer"]["text"]
    for m in (breakout, level):
        (png,) = m["files"]
        assert is_png(png["bytes"]) and m["embeds"][0]["image"]["url"] == f"attachment://{png['name']}"
        assert m["allowed_mentions"] == {"parse": []}
    embed = level["embeds"][0]
    assert embed["title"].startswith("IWM closed ") and "your personal alert" in embed["footer"]["text"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert {"Close", "Level", "Breakout line", "Buy range", "Invalidation", "Evidence"} <= set(fields)
    # the level alert fired once and is gone; the breakout alert stays
    assert [a.kind for a in await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id)] == ["breakout"]


async def test_dms_closed_fall_back_to_one_mention_of_that_member(make_harness, market):
    h, cog = await started(make_harness, market)
    h.dm_closed.add(h.user.id)
    report = await cog.wake(now=utc(2026, 11, 18, 21, 30))
    assert report.flush.sent == 1 and report.flush.fallbacks == 1
    (msg,) = [m for m in h.sent if m["kind"] == "message"]
    assert msg["dm_to"] is None and msg["channel_id"] == CHANNEL_ID
    assert msg["content"].startswith(f"<@{h.user.id}> 🔔 Your alert: IWM: a breakout.")
    assert msg["content"].endswith("(I couldn't DM you — your DMs are closed — so it is here instead.)")
    assert msg["allowed_mentions"]["parse"] == [] and [int(u) for u in msg["allowed_mentions"]["users"]] == [h.user.id]
    again = await cog.wake(now=utc(2026, 11, 18, 23))
    assert again.flush.sent == 0 and len([m for m in h.sent if m["kind"] == "message"]) == 1


async def test_crash_between_the_dm_and_its_record_is_found_again(make_harness, market):
    h, cog = await started(make_harness, market)

    class DiesAfterPosting:
        async def post(self, channel_id, delivery):
            await cog.poster.post(channel_id, delivery)
            raise Crash("died before marking sent")

        async def find_personal(self, delivery):
            return await cog.poster.find_personal(delivery)

    cog.sender = Sender(h.bot.services.db, DiesAfterPosting())
    with pytest.raises(Crash):
        await cog.wake(now=utc(2026, 11, 18, 21, 30))
    assert len(h.dms(h.user.id)) == 1
    cog.sender = Sender(h.bot.services.db, cog.poster, claim_seconds=0.0)  # the restart
    report = await cog.wake(now=utc(2026, 11, 18, 23))
    assert report.flush.recovered == 1 and report.flush.sent == 0
    assert len(h.dms(h.user.id)) == 1
    (row,) = await OutboxRepo(h.bot.services.db).rows()
    assert row.sent_at is not None and row.message_id == int(h.dms(h.user.id)[0]["id"])


async def test_a_member_who_left_gets_nothing_and_their_alerts_go(make_harness, market):
    h, cog = await started(make_harness, market)
    h.departed.add(h.user.id)
    report = await cog.wake(now=utc(2026, 11, 18, 21, 30))
    assert report.flush.sent == 0 and report.flush.fallbacks == 0 and h.dms(h.user.id) == []
    assert [m for m in h.sent if m["kind"] == "message"] == []  # no mention in the channel either
    assert await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id) == []
