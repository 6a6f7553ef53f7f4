"""Posting the close's reply to an intraday notice, and rewriting the notice's footer.

The same exactly-once protocol as announcements (:mod:`bot.scan.delivery`): the attempt is
counted before the post, the row marked sent after it, and a row with an attempt behind it is
first looked for in the channel (the reply carries its key in its footer). The footer of the
notice is rewritten with the outcome after the reply (the same text whenever it is done, so
doing it again after a crash changes nothing); a notice that cannot be edited any more
(deleted) costs one log line, never the reply.

The reply waits while its notice waits to be posted, and while the server's breakout
announcement of that session does (a confirmed crossing links to it); a reply whose notice was
never posted is dropped with one log line. A reply never turns a server's alerts off.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeGuard

import sqlalchemy as sa

from bot.scan.delivery import Delivery, FlushReport, posted_ids
from bot.scan.post_once import post_once
from bot.store.intraday_crossings import CrossingRepo
from bot.store.outbox import OutboxRow, _row
from bot.store.schema import outbox

if TYPE_CHECKING:
    from bot.scan.delivery import Sender

log = logging.getLogger(__name__)


class SettlementPoster(Protocol):
    async def post_settlement(self, channel_id: int, delivery: Delivery) -> int:
        """Reply to the notice ``delivery.parent_message_id`` with the close's outcome (linking
        ``delivery.linked`` when given) and rewrite the notice's footer; returns the reply's id."""

    async def settle_footer(self, channel_id: int, delivery: Delivery) -> None:
        """Rewrite the notice's footer with the outcome (after a reply found already posted)."""

    async def find_posted(self, channel_id: int, key: str) -> int | None: ...


def posts_settlements(poster: object) -> TypeGuard[SettlementPoster]:
    """Whether ``poster`` posts the close's replies (it has ``post_settlement``)."""
    return hasattr(poster, "post_settlement")


async def _announcement(sender: Sender, row: OutboxRow) -> OutboxRow | None:
    """The server's breakout (or failure) announcement of the ticker on the crossing's session."""
    o = outbox.c
    kinds = ("breakout",) if row.payload.get("direction") == "up" else ("failed", "faded")
    r = await sender.db.one(sa.select(outbox).where(
        o.guild_id == row.guild_id, o.ticker == row.ticker, o.kind.in_(kinds), o.bar_date == row.bar_date.isoformat(),
        o.user_id.is_(None)).order_by(o.id).limit(1))
    return _row(r) if r is not None else None


async def deliver_settlement(sender: Sender, row: OutboxRow, report: FlushReport) -> None:
    notice = await CrossingRepo(sender.db).notice(row.guild_id, row.ticker, row.base_id, row.bar_date)
    if notice is not None and notice.sent_at is None and notice.dropped_at is None:
        return  # its notice waits (another process, or a retry): after it, next flush
    if notice is None or notice.sent_at is None or notice.message_id is None:
        await sender.outbox.record_error(row.id, "the intraday notice was never posted", drop=True)
        report.dropped += 1
        log.info("intraday reply %s dropped: its notice was never posted in server %d", row.key, row.guild_id)
        return
    linked = None
    if row.payload.get("outcome") == "confirmed":
        ann = await _announcement(sender, row)
        if ann is not None and ann.sent_at is None and ann.dropped_at is None:
            return  # the day's announcement goes first, so the reply can link to it
        if ann is not None and ann.message_id is not None:
            linked = (ann.channel_id, ann.message_id)
    poster = sender.poster
    if not posts_settlements(poster):
        await sender.outbox.record_error(row.id, "this poster posts no intraday replies", drop=True)
        report.dropped += 1
        log.info("intraday reply %s dropped: the poster posts no intraday replies", row.key)
        return
    delivery = replace(Delivery.of(row), parent_message_id=notice.message_id, notice=notice.payload, linked=linked)

    async def find() -> int | None:
        existing = await poster.find_posted(row.channel_id, row.key)
        if existing is not None:
            await poster.settle_footer(row.channel_id, delivery)
        return existing

    posted = await post_once(sender, row, report, what="intraday reply", find=find,
                             post=lambda: poster.post_settlement(row.channel_id, delivery))
    if posted is None:
        return
    message_id, _ = posted_ids(posted)
    await sender.outbox.mark_sent(row.id, message_id)
    report.sent += 1
