"""Follow-ups through discord.py's real send path (tests/discord_harness.py): the thread opened on
the breakout announcement, the follow-ups inside it with no pings, the reply fallback without
thread permissions, a deleted thread, the summary archiving the thread, and `alerts followups`."""

from __future__ import annotations

from datetime import date, datetime, timezone

import discord
import pytest
from discord_harness import CHANNEL_ID, GUILD_ID, MANAGER_ROLE_ID
from scan_fakes import ScriptedEngine, write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.announcer")
BREAKOUT_DAY = date(2026, 10, 1)
THREAD_PERMS = discord.Permissions(create_public_threads=True, send_messages_in_threads=True)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "MDY", "SPY", "QQQ"])))


async def started(make_harness, market, *, threads: bool = True):
    h = await make_harness(market, extensions=EXTENSIONS)
    if threads:
        role = h.guild.default_role
        role._permissions = role._permissions | THREAD_PERMS.value
    cog = h.bot.get_cog("Announcer")
    cog.scanner.engine = ScriptedEngine({("IWM", BREAKOUT_DAY): "breakout"})
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    await h.prefix(f"!alerts role <@&{MANAGER_ROLE_ID}>", author=h.admin)  # announcements ping; follow-ups never
    await cog.wake(now=utc(2026, 9, 30, 22))  # cold start: nothing to say
    h.reset()
    return h, cog


def _followups(h, where=None):
    return [m for m in h.sent if m["kind"] == "message" and m["embeds"] and "|fu:" in m["embeds"][0]["footer"]["text"]
            and (where is None or m["channel_id"] == where)]


async def test_breakout_opens_a_thread_and_its_follow_ups_go_inside_without_pings(make_harness, market):
    h, cog = await started(make_harness, market)
    await cog.wake(now=utc(2026, 10, 1, 21, 30))
    (announcement,) = [m for m in h.sent if m["kind"] == "message"]
    (thread,) = [m for m in h.sent if m["kind"] == "thread"]
    assert thread["id"] == announcement["id"] and thread["channel_id"] == CHANNEL_ID
    assert thread["payload"]["name"] == f"IWM breakout {BREAKOUT_DAY}"
    assert announcement["content"] == f"<@&{MANAGER_ROLE_ID}>"  # the announcement pings as before
    (row,) = [r for r in await OutboxRepo(h.bot.services.db).rows() if r.kind == "breakout"]
    assert row.thread_id == thread["id"]

    await cog.wake(now=utc(2026, 10, 2, 21, 30))  # day 1
    inside = _followups(h, thread["id"])
    assert inside and inside[0]["embeds"][0]["title"].startswith("IWM day 1")
    assert all(m["allowed_mentions"] == {"parse": []} and not m["content"] for m in inside)
    assert not _followups(h, CHANNEL_ID)


async def test_the_summary_archives_the_thread(make_harness, market):
    h, cog = await started(make_harness, market)
    await cog.wake(now=utc(2026, 10, 1, 21, 30))
    (thread,) = [m for m in h.sent if m["kind"] == "thread"]
    for day in range(2, 32):  # 30 sessions later the summary closes the story
        await cog.wake(now=utc(2026, 10 + (day > 31), day if day <= 31 else day - 31, 21, 30))
    await cog.wake(now=utc(2026, 11, 13, 22, 30))
    summary = [m for m in _followups(h, thread["id"]) if "|fu:summary|" in m["embeds"][0]["footer"]["text"]]
    assert len(summary) == 1 and "This thread is closed." in summary[0]["embeds"][0]["description"]
    edits = [m for m in h.sent if m["kind"] == "thread_edit"]
    assert [(e["id"], e["payload"].get("archived")) for e in edits] == [(thread["id"], True)]


async def test_without_thread_permission_follow_ups_reply_to_the_announcement(make_harness, market):
    h, cog = await started(make_harness, market, threads=False)
    await cog.wake(now=utc(2026, 10, 1, 21, 30))
    assert not [m for m in h.sent if m["kind"] == "thread"]
    (announcement,) = [m for m in h.sent if m["kind"] == "message"]
    await cog.wake(now=utc(2026, 10, 2, 21, 30))
    replies = _followups(h, CHANNEL_ID)
    assert replies
    for m in replies:
        assert int(m["payload"]["message_reference"]["message_id"]) == announcement["id"]
        assert m["allowed_mentions"]["parse"] == [] and m["allowed_mentions"].get("replied_user") is False


async def test_a_deleted_thread_falls_back_to_a_reply(make_harness, market):
    h, cog = await started(make_harness, market)
    await cog.wake(now=utc(2026, 10, 1, 21, 30))
    (thread,) = [m for m in h.sent if m["kind"] == "thread"]
    h.delete_thread(thread["id"])
    report = await cog.wake(now=utc(2026, 10, 2, 21, 30))
    assert report.flush.dropped == 0 and report.flush.disabled_guilds == []
    replies = _followups(h, CHANNEL_ID)
    assert replies and all(int(m["payload"]["message_reference"]["message_id"]) == thread["id"] for m in replies)
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).alerts_enabled


async def test_followups_off_opens_no_thread_and_posts_none(make_harness, market):
    h, cog = await started(make_harness, market)
    sent = await h.prefix("!alerts followups off", author=h.admin)
    assert "Follow-ups are off" in sent[-1]["content"]
    await cog.wake(now=utc(2026, 10, 1, 21, 30))
    await cog.wake(now=utc(2026, 10, 2, 21, 30))
    assert [m for m in h.sent if m["kind"] == "message" and m["embeds"]]  # the announcement still goes
    assert not [m for m in h.sent if m["kind"] == "thread"] and not _followups(h)
    assert not [r for r in await OutboxRepo(h.bot.services.db).rows() if r.is_followup]
    status = await h.prefix("!alerts status", author=h.admin)
    assert "Follow-ups: off" in status[-1]["content"]
    on = await h.prefix("!alerts followups on", author=h.admin)
    assert "Follow-ups are on" in on[-1]["content"]


async def test_followups_switch_needs_manage_server(make_harness, market):
    h, _ = await started(make_harness, market)
    await h.prefix("!alerts followups off", author=h.user)
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).followups_enabled
    await h.slash("alerts followups", {"switch": "off"}, author=h.admin)
    assert not (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).followups_enabled


async def test_a_thread_discord_refuses_leaves_the_announcement_sent_and_follow_ups_reply(make_harness, market):
    from types import SimpleNamespace

    h, cog = await started(make_harness, market)

    async def refuse(*args, **kwargs):
        raise discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"),
                                {"code": 50013, "message": "Missing Permissions"})

    h.bot.http.start_thread_with_message = refuse
    report = await cog.wake(now=utc(2026, 10, 1, 21, 30))
    assert report.flush.sent == 1 and report.flush.retry_later == 0
    (row,) = [r for r in await OutboxRepo(h.bot.services.db).rows() if r.kind == "breakout"]
    assert row.sent_at is not None and row.thread_id is None
    await cog.wake(now=utc(2026, 10, 2, 21, 30))
    replies = _followups(h, CHANNEL_ID)
    assert replies and all(int(m["payload"]["message_reference"]["message_id"]) == row.message_id for m in replies)
