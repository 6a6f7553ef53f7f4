"""Posting a follow-up: into its breakout announcement's thread, else as a reply to it.

The same exactly-once protocol as announcements (:mod:`bot.scan.delivery`): the attempt is
counted before the post, the row marked sent after it, and a row with an attempt behind it is
first looked for in the thread and the channel (:meth:`FollowUpPoster.find_followup`).

A follow-up never blocks delivery and never turns alerts off: a thread that is gone, archived
and locked, or where the bot may not post falls back to a reply to the announcement (the
poster's job); a follow-up that cannot be posted at all (:class:`FollowUpUndeliverable`), or
whose announcement was never posted, is dropped with one log line. Other errors are transient
and retried, up to the sender's ``max_attempts``; they hold back neither the channel's
announcements nor the other follow-ups.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeGuard

from bot.scan.delivery import ChannelForbidden, ChannelGone, Delivery, DeliveryError, FlushReport, Posted, posted_ids
from bot.scan.post_once import post_once
from bot.store.outbox import OutboxRow

if TYPE_CHECKING:
    from bot.scan.delivery import Sender

log = logging.getLogger(__name__)


class FollowUpUndeliverable(DeliveryError):
    """Neither the thread nor a reply in the channel can take the follow-up."""


class FollowUpPoster(Protocol):
    async def post_followup(self, channel_id: int, delivery: Delivery) -> int | Posted:
        """Post ``delivery.followup`` in the thread ``delivery.thread_id`` (or open one under
        ``delivery.parent_message_id``), else as a reply to that message; the summary archives
        the thread. Raises :class:`FollowUpUndeliverable` when nothing can take it."""

    async def find_followup(self, channel_id: int, thread_id: int | None, key: str) -> int | None:
        """The id of a recent message carrying ``key`` in the thread or the channel, if any."""


def posts_followups(poster: object) -> TypeGuard[FollowUpPoster]:
    """Whether ``poster`` posts follow-ups (it has ``post_followup``)."""
    return hasattr(poster, "post_followup")


async def deliver_followup(sender: Sender, row: OutboxRow, report: FlushReport, blocked: set[int]) -> None:
    delivery = Delivery.of(row)
    f = delivery.need_followup()
    parent = await sender.outbox.announcement(row.guild_id, row.ticker, f.base_id, f.breakout)
    if parent is not None and parent.sent_at is None and parent.dropped_at is None:
        return  # its announcement waits (another process, or a retry): after it, next flush
    if parent is None or parent.sent_at is None or parent.message_id is None:
        await sender.outbox.record_error(row.id, "the breakout announcement was never posted", drop=True)
        report.dropped += 1
        log.info("follow-up %s dropped: its announcement was never posted in server %d", row.key, row.guild_id)
        return
    poster = sender.poster
    if not posts_followups(poster):  # a poster that knows no threads (an older face)
        await sender.outbox.record_error(row.id, "this poster posts no follow-ups", drop=True)
        report.dropped += 1
        log.info("follow-up %s dropped: the poster posts no follow-ups", row.key)
        return
    posted = await post_once(
        sender, row, report, what="follow-up",
        find=lambda: poster.find_followup(row.channel_id, parent.thread_id, row.key),
        post=lambda: poster.post_followup(
            row.channel_id, replace(delivery, parent_message_id=parent.message_id, thread_id=parent.thread_id)),
        permanent=(FollowUpUndeliverable, ChannelGone, ChannelForbidden))
    if posted is None:
        return
    message_id, thread_id = posted_ids(posted)
    if thread_id is not None and thread_id != parent.thread_id:
        await sender.outbox.set_thread(parent.id, thread_id)  # a thread opened now: the next ones go there
    await sender.outbox.mark_sent(row.id, message_id)
    report.sent += 1
