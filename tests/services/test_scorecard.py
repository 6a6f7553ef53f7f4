"""``scorecard``'s service on a store holding a known set of delivered alerts (made by the real
scan over real IWM and QQQ bars and the real sender), both store engines: the record agrees with
the threads' closing summaries and with ``history``; it is forward-only (the finder is never run
again); only what was delivered counts; still-open stories, the period and bad input."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from scorecard_store import LAST, MUTED, deliver_alerts

from bot.analysis.events.outcomes import breakout_history
from bot.analysis.events.scorecard import PERIODS, parse_period, tally
from bot.analysis.study.table import base_rates
from bot.errors import BadArgument
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.scorecard import ScorecardService
from bot.store.outbox import OutboxRepo
from bot.store.schema import outbox
from bot.store.transaction import transaction
from bot.words import scorecard as words

GUILD, CHANNEL = 1, 100


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


@pytest.fixture
async def sent(db, shared_data):
    await deliver_alerts(db, shared_data, GUILD, CHANNEL)
    return db


async def test_the_record_is_the_delivered_alerts_scored_as_their_threads_and_history_say(sent, market, shared_data):
    db = sent
    report = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    delivered = await OutboxRepo(db).delivered(GUILD, "breakout")
    assert [(a.ticker, a.date) for a in report.alerts] == [(r.ticker, r.bar_date) for r in delivered] != []
    # the seed breakouts of issue 22: IWM's of 2023-12-26 failed (2024-01-03), its 2024-03-07 second attempt
    iwm = {a.date: a for a in report.alerts if a.ticker == "IWM"}
    assert iwm[date(2023, 12, 26)].outcome == "failed" and date(2024, 3, 7) in iwm
    # each alert's figures are its thread's closing summary, as posted
    rows = await OutboxRepo(db).rows(guild_id=GUILD)
    summaries = {(r.ticker, r.payload["followup"]["breakout"]): r.payload["followup"]["data"]
                 for r in rows if r.kind == "fu:summary" and r.sent_at}
    assert len(summaries) == len(report.alerts)
    for a in report.alerts:
        s = summaries[(a.ticker, a.date.isoformat())]
        assert a.from_thread and (a.outcome, a.move_10_pct, a.move_30_pct, a.best_gain_pct) == (
            s["outcome"], s["move_10_pct"], s["move_30_pct"], s["best_gain_pct"])
    # ... and the outcome and moves `history` shows for the same breakouts
    for ticker in {a.ticker for a in report.alerts}:
        daily = await market.history(ticker)
        past = {o.date: o for o in breakout_history(ticker, daily, date(2023, 6, 1), LAST)}
        for a in (a for a in report.alerts if a.ticker == ticker):
            o = past[a.date]
            assert a.outcome == o.outcome
            assert a.move_10_pct == pytest.approx(o.move_10_pct, abs=0.006)
            assert a.move_30_pct == pytest.approx(o.move_30_pct, abs=0.006)
    # the record: the counts add up, each group beside the table's rate for the ETFs
    everyone = report.record[0]
    assert everyone.dim == "all" and everyone.n == len(report.alerts)
    assert sum(everyone.outcomes.values()) == everyone.n
    for dim in ("kind", "volume", "market"):
        assert sum(t.n for t in report.record if t.dim == dim) <= everyone.n
    etfs = base_rates()["universes"]["etfs"]["groups"]
    assert everyone.base_held_pct == etfs["all"]["all"]["held"]["pct"]
    for t in report.record[1:]:
        assert t.base_held_pct == etfs[f"{t.dim}={t.value}"]["all"]["held"]["pct"]
    assert report.png[:8] == b"\x89PNG\r\n\x1a\n"


async def test_without_the_recorded_summaries_the_same_rules_give_the_same_figures(sent, market):
    """Servers with follow-ups off have no closing summary: the figures are worked out by the
    summary's own function on the recorded events and the bars, and come out the same."""
    db = sent
    before = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    async with transaction(db) as conn:
        await conn.execute(outbox.delete().where(outbox.c.kind == "fu:summary"))
    after = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    assert all(a.from_thread for a in before.alerts) and not any(a.from_thread for a in after.alerts)
    strip = [{**a.to_dict(), "from_thread": None} for a in before.alerts]
    assert [{**a.to_dict(), "from_thread": None} for a in after.alerts] == strip
    assert after.text == before.text


async def test_the_record_is_forward_only_no_finder_no_engine(sent, market, monkeypatch):
    """Scoring reads what was recorded and the bars: a finder or engine that would now answer
    differently (here: one that cannot answer at all) changes nothing."""
    db = sent
    before = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    async with transaction(db) as conn:  # and without the summaries, the path that works figures out
        await conn.execute(outbox.delete().where(outbox.c.kind == "fu:summary"))

    def changed_rules(*a, **k):
        raise AssertionError("the scorecard ran the finder or the engine again")

    import bot.analysis.base.finder as finder
    import bot.analysis.events.engine as engine

    monkeypatch.setattr(finder, "find_base", changed_rules)
    monkeypatch.setattr(engine, "find_base", changed_rules)
    monkeypatch.setattr(engine.EventEngine, "step", changed_rules)
    monkeypatch.setattr(engine.EventEngine, "first_step", changed_rules)
    after = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    assert [(a.ticker, a.date, a.outcome, a.move_30_pct) for a in after.alerts] == [
        (a.ticker, a.date, a.outcome, a.move_30_pct) for a in before.alerts]


async def test_only_what_was_delivered_counts(sent, market):
    db = sent
    rows = await OutboxRepo(db).rows(guild_id=MUTED)
    assert any(r.kind == "breakout" and r.sent_at is None for r in rows)  # queued, never posted
    report = await ScorecardService(db, market).scorecard(MUTED, "all", today=LAST)
    assert report.empty and report.headline == words.empty_line("all")
    assert (await ScorecardService(db, market).scorecard(999, None)).empty  # a server never set up


async def test_a_story_still_open_is_still_open(db, shared_data, market):
    """Scanned only to 2024-03-20: the 2024-03-07 breakout has 9 sessions behind it."""
    await deliver_alerts(db, shared_data, GUILD, CHANNEL, last=date(2024, 3, 20), step=2)
    report = await ScorecardService(db, market).scorecard(GUILD, "all", today=date(2024, 3, 20))
    (open_one,) = [a for a in report.alerts if a.ticker == "IWM" and a.date == date(2024, 3, 7)]
    assert open_one.outcome == "pending" and open_one.sessions == 9 and not open_one.from_thread
    assert open_one.move_10_pct is None and open_one.move_30_pct is None and open_one.best_gain_pct is not None
    assert report.record[0].outcomes["pending"] >= 1
    assert words.outcome_word("pending") in report.counts and "after 9 sessions" in "\n".join(report.lines)


async def test_the_period_counts_back_by_the_alerts_own_day(sent, market):
    db = sent
    service = ScorecardService(db, market)
    every = (await service.scorecard(GUILD, "all", today=LAST)).alerts
    for word in ("30d", "90d", "1y"):
        cut = (await service.scorecard(GUILD, word, today=LAST)).alerts
        since = date.fromordinal(LAST.toordinal() - PERIODS[word])
        assert [a.date for a in cut] == [a.date for a in every if a.date >= since]
    assert (await service.scorecard(GUILD, "30d", today=LAST)).empty  # nothing after 2024-03-31
    assert len((await service.scorecard(GUILD, "90d", today=LAST)).alerts) < len(every)
    with pytest.raises(BadArgument, match="30d, 90d, 1y, all"):
        await service.scorecard(GUILD, "2w")


def test_period_words():
    assert parse_period(None) == parse_period("") == "90d"
    assert [parse_period(w) for w in ("30d", " 90D ", "1Y", "ALL")] == ["30d", "90d", "1y", "all"]
    assert [parse_period(w) for w in ("2w", "30", "d30", "1y1", "al")] == [None] * 5
    assert tally([]) == []


async def test_a_row_of_an_older_shape_is_left_out_not_fatal(sent, market):
    db = sent
    async with transaction(db) as conn:
        first = (await conn.execute(sa.select(sa.func.min(outbox.c.id)).where(
            outbox.c.guild_id == GUILD, outbox.c.kind == "breakout"))).scalar()
        await conn.execute(outbox.update().where(outbox.c.id == first).values(payload='{"event": "breakout"}'))
    before = len(await OutboxRepo(db).delivered(GUILD, "breakout"))
    report = await ScorecardService(db, market).scorecard(GUILD, "all", today=LAST)
    assert len(report.alerts) == before - 1
