"""The intraday watch through the live path (watch -> store -> outbox -> sender, then the daily
scan settling at the close), on synthetic sessions built from the real daily bars (both store
engines; real data, skipped without ../shared/data):

* IWM 2023-12-26 crosses its breakout line 203.00 and the close confirms it (the breakout
  announcement goes out as today and the reply links to it);
* IWM 2024-03-04 pokes through 206.52 and closes back inside: withdrawn;
* IWM 2021-11-26, a half day (13:00 close), falls through its invalidation and the close
  confirms the failure; no round runs after 13:00;
* a ticker with no intraday data is skipped without a word;
* a restart mid-session reposts nothing; a crash after the notice reached the channel and
  before it was recorded as sent doubles nothing, and the close still settles it;
* a member's level alert crossed during the session is sent once, by DM, and the close does
  not fire it a second time.

Each notice is compared with what the offline twin (``python -m bot intraday``, i.e.
:func:`bot.services.intraday.replay_day`) says the watch posts that day.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from intraday_fakes import SyntheticIntraday, session_of
from scan_fakes import Crash, RecordingPoster, sessions

from bot.analysis.events import EventEngine
from bot.analysis.intraday.session import round_times
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.services.intraday import replay_day
from bot.services.intraday_watch import IntradayWatch
from bot.store.guilds import GuildSettingsRepo
from bot.store.intraday_crossings import CrossingRepo
from bot.store.outbox import OutboxRepo
from bot.store.personal_alerts import PersonalAlertRepo
from bot.store.watchlist import WatchlistRepo

ON, OFF = (1, 100), (2, 200)  # (server, alerts channel): intraday notices on / off


async def _servers(db, tickers=("IWM",)):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in (ON, OFF):
        await guilds.set_channel(gid, cid)
        await watch.remove(gid, [t for t in ("IWM", "MDY", "SPY", "QQQ") if t not in tickers])
    await guilds.set_intraday(ON[0], True)


def _notices(poster, channel):
    return [p for p in poster.posts(channel) if p.get("intraday") == "intraday"]


def _replies(poster, channel):
    return [p for p in poster.posts(channel) if p.get("intraday") == "intraday:settle"]


class Bot:
    """One process's watch, sender and scanner over the store (a restart makes a new one)."""

    def __init__(self, db, shared_data, source, poster):
        self.market = MarketData(CsvDirectoryProvider(shared_data))
        self.watch = IntradayWatch(db, source, daily=self.market, holder="p1")
        self.sender = Sender(db, poster)
        self.scanner = Scanner(db, self.market, EventEngine())
        self.source = source

    async def rounds(self, day, *, after=None, until=None):
        start, end = session_of(day)
        for t in round_times(start, end):
            if (after is not None and t <= after) or (until is not None and t > until):
                continue
            self.source.now = t
            await self.watch.round(t.tz_convert("UTC").to_pydatetime())
            await self.sender.flush()


def _twin(load_daily, ticker, day):
    return replay_day(ticker, load_daily(ticker), day, None).watch


async def test_iwm_crosses_on_2023_12_26_and_the_close_confirms_it(shared_data, load_daily, db):
    await _servers(db)
    daily = load_daily("IWM")
    source, poster = SyntheticIntraday({"IWM": daily}), RecordingPoster()
    bot = Bot(db, shared_data, source, poster)
    await bot.scanner.run(as_of=date(2023, 12, 22))
    await bot.sender.flush()
    before = len(poster.posts(ON[1]))
    await bot.rounds(date(2023, 12, 26))

    twin = _twin(load_daily, "IWM", date(2023, 12, 26))
    (notice,) = _notices(poster, ON[1])
    assert notice["ticker"] == "IWM" and notice["line"] == pytest.approx(twin.line)
    assert notice["price"] == pytest.approx(twin.crossing.price)
    assert pd.Timestamp(notice["quote_at"]) == twin.crossing.quote_at  # the quote's own time
    assert notice["pace"] == pytest.approx(twin.crossing.pace)
    assert not poster.posts(OFF[1])  # that server did not opt in
    assert len(poster.posts(ON[1])) == before + 1

    await bot.scanner.run(as_of=date(2023, 12, 26))  # the close
    await bot.sender.flush()
    (announcement,) = [p for p in poster.posts(ON[1]) if p.get("event") == "breakout"]
    (reply,) = _replies(poster, ON[1])
    close = float(daily.loc["2023-12-26", "Close"])
    assert (reply["outcome"], reply["close"]) == ("confirmed", pytest.approx(close))
    assert reply["close"] == pytest.approx(twin.settlement.close)
    assert reply["reply_to"] == notice["id"] and reply["linked"] == (ON[1], announcement["id"])
    assert notice["footer"] == "confirmed"  # the notice's footer now says it
    (crossing,) = await CrossingRepo(db).unsettled(date(2030, 1, 1)) or [None]  # all settled
    assert crossing is None

    await bot.scanner.run(as_of=date(2023, 12, 26))  # a re-run settles nothing twice
    assert (await bot.sender.flush()).sent == 0
    assert len(_replies(poster, ON[1])) == 1


async def test_a_poke_through_is_withdrawn_at_the_close(shared_data, load_daily, db):
    await _servers(db)
    day = date(2024, 3, 4)
    daily = load_daily("IWM")
    source, poster = SyntheticIntraday({"IWM": daily}), RecordingPoster()
    bot = Bot(db, shared_data, source, poster)
    await bot.scanner.run(as_of=date(2024, 3, 1))
    await bot.sender.flush()
    await bot.rounds(day)
    twin = _twin(load_daily, "IWM", day)
    (notice,) = _notices(poster, ON[1])
    assert notice["price"] == pytest.approx(twin.crossing.price) and notice["price"] > notice["line"]
    await bot.scanner.run(as_of=day)
    await bot.sender.flush()
    (reply,) = _replies(poster, ON[1])
    close = float(daily.loc[pd.Timestamp(day), "Close"])
    assert close < notice["line"]  # back inside
    assert (reply["outcome"], reply["reason"], reply["close"]) == ("withdrawn", "inside", pytest.approx(close))
    assert twin.settlement.outcome == "withdrawn"
    assert reply["linked"] is None and not [p for p in poster.posts(ON[1]) if p.get("event") == "breakout"]


async def test_a_half_day_failure_is_watched_until_its_13_00_close(shared_data, load_daily, db):
    await _servers(db)
    day = date(2021, 11, 26)
    start, end = session_of(day)
    assert (end - start) == pd.Timedelta(hours=3, minutes=30)  # exchange_calendars: a half day
    daily = load_daily("IWM")
    source, poster = SyntheticIntraday({"IWM": daily}), RecordingPoster()
    bot = Bot(db, shared_data, source, poster)
    for d in sessions(date(2021, 11, 2), date(2021, 11, 24)):  # the 11-03 breakout, then its days
        await bot.scanner.run(as_of=d)
    await bot.sender.flush()
    await bot.rounds(day)
    twin = _twin(load_daily, "IWM", day)
    (notice,) = _notices(poster, ON[1])
    assert notice["price"] == pytest.approx(twin.crossing.price) and notice["price"] < notice["line"]
    assert pd.Timestamp(notice["quote_at"]) <= end
    later = end + pd.Timedelta(minutes=30)  # after the early close: no round
    assert await bot.watch.round(later.tz_convert("UTC").to_pydatetime()) is None
    await bot.scanner.run(as_of=day)
    await bot.sender.flush()
    (reply,) = _replies(poster, ON[1])
    assert reply["outcome"] == twin.settlement.outcome == "confirmed"
    assert any(p.get("event") in ("failed", "faded") and p["date"] == day.isoformat() for p in poster.posts(ON[1]))


async def test_a_ticker_without_intraday_data_is_skipped_without_a_word(shared_data, load_daily, db):
    await _servers(db)
    source, poster = SyntheticIntraday({"IWM": load_daily("IWM")}, missing={"IWM"}), RecordingPoster()
    bot = Bot(db, shared_data, source, poster)
    await bot.scanner.run(as_of=date(2023, 12, 22))
    await bot.sender.flush()
    before = poster.posts()
    await bot.rounds(date(2023, 12, 26))
    assert source.fetches and all(f == ["IWM"] for f in source.fetches)  # watched, asked for, nothing came
    assert poster.posts() == before
    assert not await CrossingRepo(db).of_session(date(2023, 12, 26))
    await bot.scanner.run(as_of=date(2023, 12, 26))
    await bot.sender.flush()
    assert not _replies(poster, ON[1]) and not _notices(poster, ON[1])


async def test_a_restart_mid_session_reposts_nothing(shared_data, load_daily, db, store):
    await _servers(db)
    daily = load_daily("IWM")
    channels: dict = {}
    source = SyntheticIntraday({"IWM": daily})
    bot = Bot(db, shared_data, source, RecordingPoster(channels))
    await bot.scanner.run(as_of=date(2023, 12, 22))
    await bot.sender.flush()
    noon = session_of(date(2023, 12, 26))[0] + pd.Timedelta(hours=4)  # after the 12:50 crossing
    await bot.rounds(date(2023, 12, 26), until=noon)
    assert len(_notices(RecordingPoster(channels), ON[1])) == 1
    await db.close()  # the process stops
    again = Bot(await store.open(), shared_data, source, RecordingPoster(channels))  # a new process
    await again.rounds(date(2023, 12, 26), after=noon)
    await again.scanner.run(as_of=date(2023, 12, 26))
    await again.sender.flush()
    assert len(_notices(again.sender.poster, ON[1])) == 1
    assert len(_replies(again.sender.poster, ON[1])) == 1


async def test_a_crash_after_the_notice_was_posted_doubles_nothing_and_is_settled(shared_data, load_daily, db, store):
    await _servers(db)
    channels: dict = {}
    source = SyntheticIntraday({"IWM": load_daily("IWM")})
    bot = Bot(db, shared_data, source, RecordingPoster(channels))
    await bot.scanner.run(as_of=date(2023, 12, 22))
    await bot.sender.flush()
    start, end = session_of(date(2023, 12, 26))
    for t in round_times(start, end):  # rounds until the crossing is queued
        source.now = t
        report = await bot.watch.round(t.tz_convert("UTC").to_pydatetime())
        if report.crossings:
            break
    bot.sender.poster.crash_after_post = True
    with pytest.raises(Crash):
        await bot.sender.flush()  # posted, then the process died before recording it
    assert len(_notices(RecordingPoster(channels), ON[1])) == 1
    (row,) = [r for r in await OutboxRepo(db).rows() if r.kind == "intraday"]
    assert row.sent_at is None and row.attempts == 1
    await db.close()  # the process is gone

    db = await store.open()
    again = Bot(db, shared_data, source, RecordingPoster(channels))
    await again.rounds(date(2023, 12, 26), after=t)
    await again.scanner.run(as_of=date(2023, 12, 26))
    await again.sender.flush()
    poster = again.sender.poster
    (notice,) = _notices(poster, ON[1])
    (reply,) = _replies(poster, ON[1])
    assert reply["reply_to"] == notice["id"] and reply["outcome"] == "confirmed"
    (row,) = [r for r in await OutboxRepo(db).rows() if r.kind == "intraday"]
    assert row.sent_at is not None and row.message_id == notice["id"]


async def test_a_members_level_alert_fires_intraday_once_and_not_again_at_the_close(shared_data, load_daily, db):
    await _servers(db)
    member = 4242
    source, poster = SyntheticIntraday({"IWM": load_daily("IWM")}), RecordingPoster()
    bot = Bot(db, shared_data, source, poster)
    await bot.scanner.run(as_of=date(2023, 12, 22))
    await bot.sender.flush()
    await PersonalAlertRepo(db).add(ON[0], member, "IWM", "above", 202.5)
    await bot.rounds(date(2023, 12, 26))
    (dm,) = poster.dms[member]
    assert dm["event"] == "above" and dm["close"] > 202.5 and dm["date"] == "2023-12-26"
    assert await PersonalAlertRepo(db).list(ON[0], member) == []  # a level alert fires once, then is gone
    await bot.scanner.run(as_of=date(2023, 12, 26))  # the close (204.10) is above 202.5 too
    await bot.sender.flush()
    assert len(poster.dms[member]) == 1
