"""The background announcer: after each US close, scan tracked tickers and post the outbox.

A ``tasks.loop`` wakes at 13:20 and 16:20 New York time (after a half-day close and after a
regular close; DST handled by the zone). Each wake-up checks the trading calendar: it scans
only when a session's scan is due and not done, then sends unsent announcements. On start
(once the gateway is ready) the same wake-up runs as a catch-up: a missed scan is run and
rows left unsent by a crash or an outage are posted.

:class:`DiscordPoster` implements :class:`bot.scan.delivery.Poster` with discord.py. The scan,
the outbox and the charts come from the services (``bot.services.scan``, ``bot.services.base``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import date
from typing import Literal

import discord
from discord.ext import commands, tasks

from bot.app.announce_embeds import (
    announcement_message,
    carries_key,
    digest_message,
    event_marker,
    firing_marker,
    followup_message,
    personal_message,
)
from bot.app.client import BreakoutBot
from bot.app.error_handler import permission_names
from bot.app.intraday_embeds import notice_message, settled_notice_embed, settlement_message
from bot.services.market_index import DEFAULT_INDEX
from bot.services.scan import (
    WAKE_TIMES,
    ChannelForbidden,
    ChannelGone,
    CycleReport,
    Delivery,
    DmClosed,
    FollowUpUndeliverable,
    MemberGone,
    Posted,
)
from bot.words.followups import thread_name

log = logging.getLogger(__name__)

NEEDED = ("view_channel", "send_messages", "embed_links", "attach_files")
THREAD_NEEDED = ("create_public_threads", "send_messages_in_threads")  # else follow-ups go as replies
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week without a post hides the thread (a post brings it back)
HISTORY_LOOKBACK = 50  # recent messages searched for an announcement before re-posting it
# the channels announcements go to (the alerts channel is a text channel; a thread or a voice
# channel's chat would take them too)
Postable = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel


def _parent(delivery: Delivery) -> int:
    """The announcement a follow-up goes under (the sender sets it)."""
    if delivery.parent_message_id is None:
        raise FollowUpUndeliverable(f"follow-up {delivery.key} has no announcement to go under")
    return delivery.parent_message_id


def _message_url(channel, message: tuple[int, int] | None) -> str | None:
    """The jump link of ``message`` (channel id, message id) in ``channel``'s server, if any."""
    if message is None:
        return None
    guild = getattr(channel, "guild", None)
    return f"https://discord.com/channels/{guild.id if guild else '@me'}/{message[0]}/{message[1]}"


class DiscordPoster:
    """Posts announcements into Discord channels; maps Discord failures to delivery errors."""

    def __init__(self, bot: BreakoutBot, *, history_limit: int = HISTORY_LOOKBACK):
        self.bot = bot
        self.history_limit = history_limit

    async def _channel(self, channel_id: int) -> Postable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.NotFound as exc:
                raise ChannelGone(f"channel {channel_id} does not exist any more") from exc
            except discord.Forbidden as exc:
                raise ChannelForbidden(f"I can't see channel {channel_id}") from exc
        if not isinstance(channel, Postable):
            raise ChannelForbidden(f"channel {channel_id} takes no messages (a {type(channel).__name__})")
        guild = getattr(channel, "guild", None)
        me = guild.me if guild is not None else None
        if me is not None:
            perms = channel.permissions_for(me)
            missing = [p for p in NEEDED if not getattr(perms, p)]
            if missing:
                raise ChannelForbidden(f"missing {permission_names(missing)} in #{getattr(channel, 'name', channel_id)}")
        return channel

    async def _chart(self, delivery: Delivery) -> bytes | None:
        """The event's base chart, or None; rendered once per event (the base service keeps recent ones)."""
        e = delivery.need_event()
        return await self.bot.services.base.event_chart(delivery.key, e.ticker, e.date, markers=[event_marker(e)])

    async def post(self, channel_id: int, delivery: Delivery) -> int | Posted:
        if delivery.personal is not None:
            return await self._post_personal(delivery)
        channel = await self._channel(channel_id)
        if delivery.intraday is not None:  # a "crossing now" notice, with the day's chart so far
            message = notice_message(delivery, await self.bot.services.intraday_chart(delivery.intraday))
        elif delivery.digest is not None and delivery.guild_id is not None:  # (a digest names its server)
            report = await self.bot.services.setups.digest(delivery.guild_id, delivery.digest)
            message = digest_message(report, delivery)
        else:  # linked: the session's "crossing now" notice of this event, when one was posted
            message = announcement_message(delivery, await self._chart(delivery), _message_url(channel, delivery.linked))
        try:
            sent = await channel.send(**message.send_kwargs())
        except discord.NotFound as exc:
            raise ChannelGone(f"channel {channel_id} does not exist any more") from exc
        except discord.Forbidden as exc:
            raise ChannelForbidden(f"Discord refused the post: {exc.text or exc}") from exc
        if delivery.thread and delivery.event is not None:
            thread = await self._open_thread(channel, sent, delivery.event.ticker, delivery.event.date)
            return Posted(sent.id, thread.id if thread is not None else None)
        return sent.id

    def _may_thread(self, channel) -> bool:
        guild = getattr(channel, "guild", None)
        me = guild.me if guild is not None else None
        if me is None or not isinstance(channel, discord.TextChannel):
            return False
        perms = channel.permissions_for(me)
        return all(getattr(perms, p) for p in THREAD_NEEDED)

    async def _open_thread(self, channel, message: discord.abc.Snowflake, ticker: str, day) -> discord.Thread | None:
        """A thread under the announcement, or None (no permission, or Discord refused: the
        follow-ups then go as replies; logged)."""
        if not self._may_thread(channel):
            return None
        partial = message if isinstance(message, discord.PartialMessage) else channel.get_partial_message(message.id)
        try:
            return await partial.create_thread(name=thread_name(ticker, day), auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except (discord.HTTPException, discord.ClientException, ValueError) as exc:
            # the announcement is out: a thread that could not be opened never makes it fail
            log.info("no thread under message %d in channel %d (%s); follow-ups go as replies", message.id,
                     channel.id, exc)
            return None

    async def post_followup(self, channel_id: int, delivery: Delivery) -> Posted:
        """Into the announcement's thread (opened now if it has none and the bot may), else a
        reply to the announcement; the summary archives the thread."""
        message = followup_message(delivery)
        thread_id = delivery.thread_id
        if thread_id is None:
            try:
                channel = await self._channel(channel_id)
            except (ChannelGone, ChannelForbidden) as exc:
                raise FollowUpUndeliverable(str(exc)) from exc
            f = delivery.need_followup()
            thread = await self._open_thread(channel, channel.get_partial_message(_parent(delivery)),
                                             f.ticker, f.breakout)
            thread_id = thread.id if thread is not None else None
        if thread_id is not None:
            target = self.bot.get_partial_messageable(thread_id, type=discord.ChannelType.public_thread)
            try:
                sent = await target.send(**message.send_kwargs())
            except discord.HTTPException as exc:  # deleted, locked, or no permission there: a reply instead
                log.info("thread %d refused follow-up %s (%s); replying to the announcement", thread_id,
                         delivery.key, exc)
            else:
                if delivery.need_followup().kind == "summary":
                    await self._archive(thread_id)
                return Posted(sent.id, thread_id)
        return Posted(await self._reply(channel_id, delivery, message), None)

    async def _reply(self, channel_id: int, delivery: Delivery, message) -> int:
        try:
            channel = await self._channel(channel_id)
        except (ChannelGone, ChannelForbidden) as exc:
            raise FollowUpUndeliverable(str(exc)) from exc
        ref = discord.MessageReference(message_id=_parent(delivery), channel_id=channel_id,
                                       fail_if_not_exists=False)
        try:
            sent = await channel.send(**message.send_kwargs(), reference=ref, mention_author=False)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise FollowUpUndeliverable(f"no reply possible in channel {channel_id}: {exc.text or exc}") from exc
        return sent.id

    async def post_settlement(self, channel_id: int, delivery: Delivery) -> int:
        """The close's reply to an intraday notice (linking the day's announcement when there is
        one), then the notice's footer rewritten with the outcome."""
        channel = await self._channel(channel_id)
        url = _message_url(channel, delivery.linked)
        ref = discord.MessageReference(message_id=delivery.need_parent(), channel_id=channel_id,
                                       fail_if_not_exists=False)
        try:
            sent = await channel.send(**settlement_message(delivery, url).send_kwargs(), reference=ref,
                                      mention_author=False)
        except discord.NotFound as exc:
            raise ChannelGone(f"channel {channel_id} does not exist any more") from exc
        except discord.Forbidden as exc:
            raise ChannelForbidden(f"Discord refused the reply: {exc.text or exc}") from exc
        await self.settle_footer(channel_id, delivery)
        return sent.id

    async def settle_footer(self, channel_id: int, delivery: Delivery) -> None:
        """Rewrite the notice's footer with the close's outcome (the same text whenever it is done)."""
        partial = self.bot.get_partial_messageable(channel_id).get_partial_message(delivery.need_parent())
        try:
            await partial.edit(embed=settled_notice_embed(delivery))
        except discord.HTTPException as exc:  # deleted, or no longer ours to edit: the reply says it anyway
            log.info("could not rewrite the footer of intraday notice %d: %s", delivery.parent_message_id, exc)

    async def _archive(self, thread_id: int) -> None:
        try:
            thread = await self.bot.fetch_channel(thread_id)
            if isinstance(thread, discord.Thread):
                await thread.edit(archived=True)
        except discord.HTTPException as exc:
            log.info("could not archive thread %d after its summary: %s", thread_id, exc)

    async def find_followup(self, channel_id: int, thread_id: int | None, key: str) -> int | None:
        """A follow-up posted before a crash: in the thread, else among the channel's replies."""
        me = self.bot.user
        if thread_id is not None:
            thread = self.bot.get_partial_messageable(thread_id, type=discord.ChannelType.public_thread)
            try:
                async for message in thread.history(limit=self.history_limit):
                    if me is not None and message.author.id == me.id and carries_key(message, key):
                        return message.id
            except discord.HTTPException:
                log.info("cannot read thread %d to look for %s", thread_id, key)
        try:
            return await self.find_posted(channel_id, key)
        except (ChannelGone, ChannelForbidden):
            return None

    async def _post_personal(self, delivery: Delivery) -> int:
        """A member's alert: by DM (DmClosed when Discord refuses it: 403), or in the alerts
        channel mentioning that member only. A member who left the server gets nothing, and
        their alerts there go (without the members intent this is where a departure shows)."""
        p = delivery.need_personal()
        guild = self.bot.get_guild(delivery.guild_id) if delivery.guild_id else None
        if guild is not None and guild.get_member(p.user_id) is None:
            try:
                await guild.fetch_member(p.user_id)
            except discord.NotFound as exc:
                await self.bot.services.personal.member_left(guild.id, p.user_id)
                raise MemberGone(f"member {p.user_id} left server {guild.id}") from exc
        e = delivery.event
        if e is not None:
            ticker, day = e.ticker, e.date
        else:
            firing = delivery.need_firing()
            ticker, day = firing["ticker"], firing["date"]
            # a level or move alert fired by the daily close: its evidence beside its chart (one
            # fired during the session, "at" a quote's time, has no close yet to show evidence on)
            if delivery.evidence is None and "at" not in firing:
                evidence = await self.bot.services.personal.firing_evidence(
                    ticker, date.fromisoformat(day), (firing.get("personal") or {}).get("market_index") or DEFAULT_INDEX)
                delivery = replace(delivery, evidence=evidence)
        # members alerted on one ticker and day share one render (the base service keeps recent ones)
        png = await self.bot.services.base.event_chart(delivery.key, ticker, day, markers=[firing_marker(delivery)])
        message = personal_message(delivery, png)
        if p.in_channel and p.channel_id is not None:  # (in_channel: it has one)
            channel = await self._channel(p.channel_id)
            try:
                return (await channel.send(**message.send_kwargs())).id
            except discord.NotFound as exc:
                raise ChannelGone(f"channel {p.channel_id} does not exist any more") from exc
            except discord.Forbidden as exc:
                raise ChannelForbidden(f"Discord refused the post: {exc.text or exc}") from exc
        try:
            user = self.bot.get_user(p.user_id) or await self.bot.fetch_user(p.user_id)
            return (await user.send(**message.send_kwargs())).id
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DmClosed(f"Discord refused a DM to member {p.user_id}: {getattr(exc, 'text', '') or exc}") from exc

    async def find_personal(self, delivery: Delivery) -> int | None:
        """The message carrying the firing's key in the member's DMs, or in the alerts channel."""
        p = delivery.need_personal()
        me = self.bot.user
        places: list[discord.abc.Messageable] = []
        try:
            user = self.bot.get_user(p.user_id) or await self.bot.fetch_user(p.user_id)
            places.append(user.dm_channel or await user.create_dm())
        except discord.HTTPException:
            log.warning("cannot open the DM of member %d to check for %s", p.user_id, delivery.key)
        if p.channel_id is not None:
            try:
                places.append(await self._channel(p.channel_id))
            except (ChannelGone, ChannelForbidden) as exc:  # nothing there to find; the post reports it
                log.info("alerts channel %d not searched for %s: %s", p.channel_id, delivery.key, exc)
        for place in places:
            try:
                async for message in place.history(limit=self.history_limit):
                    if me is not None and message.author.id == me.id and carries_key(message, delivery.key):
                        return message.id
            except discord.HTTPException:
                log.warning("cannot read history to check for %s; it may be delivered twice", delivery.key)
        return None

    async def find_posted(self, channel_id: int, key: str) -> int | None:
        channel = await self._channel(channel_id)
        me = self.bot.user
        try:
            async for message in channel.history(limit=self.history_limit):
                if me is not None and message.author.id == me.id and carries_key(message, key):
                    return message.id
        except discord.Forbidden:
            # Without Read Message History we cannot check; posting again is the lesser evil.
            log.warning("cannot read history of channel %d to check for %s; it may be posted twice", channel_id, key)
        return None


class Announcer(commands.Cog):
    """Runs the daily scan and posts announcements."""

    def __init__(self, bot: BreakoutBot, *, poster=None):
        self.bot = bot
        self.poster = poster or DiscordPoster(bot)
        self.scanner = bot.services.scan.scanner
        settings = bot.settings
        # a sharded process posts for its own shards' servers only; another process posts the rest
        shard_ids = settings.shard_ids if settings.shard_ids is not None else range(settings.shard_count or 0)
        self.sender = bot.services.scan.sender(self.poster, shard_count=settings.shard_count, shard_ids=shard_ids,
                                               claim_seconds=settings.claim_seconds)
        self._failures = 0  # wake-ups failed in a row (the store or the source away): back off
        self._waking = asyncio.Lock()  # the timer, the poll and the catch-up take turns
        self._startup: asyncio.Task | None = None
        self.last_cycle: CycleReport | None = None

    async def cog_load(self) -> None:
        self.daily.start()
        self.poll.change_interval(seconds=self.bot.settings.delivery_poll)
        self.poll.start()
        self._startup = asyncio.create_task(self._catch_up_when_ready(), name="announcer-catch-up")

    async def cog_unload(self) -> None:
        self.daily.cancel()
        self.poll.cancel()
        if self._startup is not None:
            self._startup.cancel()

    async def wake(self, now=None) -> CycleReport | None:
        """One wake-up: scan if due, then post. Never raises (a loop that raises stops)."""
        try:
            scan = self.bot.services.scan
            async with self._waking:
                self.last_cycle = await scan.cycle(self.sender, now=now or discord.utils.utcnow(), scanner=self.scanner)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failures += 1
            if not self.bot.services.store_fault(exc, where="announcer wake-up"):
                log.exception("announcer wake-up failed; the next one retries")
            return None
        self._failures = 0
        return self.last_cycle

    @tasks.loop(time=list(WAKE_TIMES))
    async def daily(self) -> None:
        await self.wake()

    @tasks.loop(seconds=60)
    async def poll(self) -> None:
        """Every BREAKOUT_DELIVERY_POLL seconds: post what another process's scan queued, and
        retry a failed scan; after failures in a row, wait longer (doubling, at most 30 min)."""
        await self.wake()
        base = self.bot.settings.delivery_poll
        self.poll.change_interval(seconds=min(base * 2 ** min(self._failures, 10), max(base, 1800.0)))

    @poll.before_loop
    async def _poll_when_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def _catch_up_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        await self.wake()


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Announcer(bot))
