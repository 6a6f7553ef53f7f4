"""Posting the outbox: oldest first, each announcement once.

Delivery guarantee — exactly once, given the poster can see the channel's recent messages:

1. The unique key (guild, ticker, base id, kind, bar date) allows one row per server and event.
2. Before posting, the row's ``attempts`` is incremented and committed.
3. After a successful post the row is marked sent with the message id.

A crash between 2 and 3, or a post that raised (a timeout or a 5xx may still have created the
message), leaves a row with ``attempts > 0`` and no ``sent_at``: uncertain. Before posting
such a row again, the sender asks the poster whether the channel already shows it
(:meth:`Poster.find_posted` looks for the key in the footer of the bot's recent messages,
within ``CHECK_TIMEOUT`` seconds); if so the row is marked sent without a second post. The
check only looks back ``Poster``-defined N messages: a channel that moved on by more than that
between the crash and the restart could, in principle, get the announcement a second time.

A failed check is not a failed delivery. When the check itself fails (an error, a timeout, a
message the library cannot read), the row stays uncertain and is never posted while the first
copy may exist: it is checked again after a wait (the time since its first failed check,
between 1 and 30 minutes) for at most ``CHECK_GIVE_UP`` (6 hours). Then the bot gives up: one
operator log line, the row is dropped as *unconfirmed* (never posted again) and `alerts status`
shows the server which announcement of which day could not be confirmed.

A channel that is gone or where the bot may not post turns alerts off for that server (one
log line; its unsent rows are given up) and other servers keep receiving. Other errors of a
post are transient: the row stays, ``last_error`` says why, and it is retried (after the check)
on the next flush; after ``max_attempts`` posts it is given up, once the check has shown the
last one did not land.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from bot.analysis.events.followups import FollowUp
from bot.analysis.events.types import KIND_PRIORITY, Event
from bot.analysis.evidence import Evidence
from bot.analysis.study.table import Odds
from bot.scan.evidence import odds_of_payload
from bot.scan.scanner import DIGEST_KIND
from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.intraday_crossings import NOTICE_KIND, SETTLE_KIND, CrossingRepo
from bot.store.outbox import DEFAULT_CLAIM_SECONDS, OutboxRepo, OutboxRow
from bot.store.personal_alerts import PersonalAlertRepo
from bot.store.shards import ShardSet
from bot.words import personal as personal_words

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
CHECK_TIMEOUT = 30.0  # seconds for one check of a channel's history
CHECK_BACKOFF = (60.0, 1800.0)  # wait before the next check: the time since the first failed one, within these
CHECK_GIVE_UP = 6 * 3600.0  # checks failing for this long: the row is given up as unconfirmed
# an announcement's kind -> the intraday crossing it may have been seen as during the session
NOTICED = {"breakout": "up", "failed": "down", "faded": "down"}


class DeliveryError(Exception):
    """The poster could not deliver; the message says why (for logs and `alerts status`)."""


class ChannelGone(DeliveryError):
    """The channel (or the whole server) no longer exists for the bot."""


class ChannelForbidden(DeliveryError):
    """The bot may not see the channel, send messages, embed links or attach files there."""


class DmClosed(DeliveryError):
    """Discord refused a DM to the member (403: their DMs are closed to the bot)."""


class MemberGone(DeliveryError):
    """The member is no longer in the server: nothing is delivered (their alerts there are gone)."""


@dataclass(frozen=True)
class Personal:
    """A member's personal alert firing: whom it is for and where it goes (the payload's
    "personal" section). ``fallback``: their DMs are closed, so it goes to the alerts channel
    (``channel_id``) with a mention of them only."""

    alert_id: int
    user_id: int
    via: str  # "dm" or "channel"
    channel_id: int | None  # the server's alerts channel (None: it has none)
    text: str  # the alert in words ("IWM above 200.00")
    once: bool  # a level alert: removed once delivered
    alert_kind: str = ""
    fallback: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> Personal:
        return cls(alert_id=int(d["alert_id"]), user_id=int(d["user_id"]), via=d.get("via", "dm"),
                   channel_id=int(d["channel_id"]) if d.get("channel_id") else None, text=d.get("text", ""),
                   once=bool(d.get("once")), alert_kind=d.get("alert_kind", ""))

    @property
    def in_channel(self) -> bool:
        return self.channel_id is not None and (self.via == "channel" or self.fallback)


_T = TypeVar("_T")


def _needed(value: _T | None, what: str, key: str) -> _T:
    if value is None:
        raise ValueError(f"delivery {key} carries no {what}")
    return value


@dataclass(frozen=True)
class Delivery:
    """One announcement to post: the event (as queued), its idempotency key (shown in the
    message, so a post interrupted by a crash is found again) and the role to ping, if any.

    A daily digest has no event: ``digest`` is its session and ``guild_id`` the server whose
    watchlist it sums up (the poster builds it when it posts)."""

    event: Event | None
    key: str
    ping_role_id: int | None = None
    digest: date | None = None
    guild_id: int | None = None
    # what the scan saw beside the event, and a breakout's odds (rows queued by older versions have none)
    evidence: Evidence | None = None
    odds: Odds | None = None
    # a breakout announcement that opens a thread for its follow-ups (the server has them on)
    thread: bool = False
    # a follow-up (bot.scan.followup_delivery): what to say, and under which announcement
    followup: FollowUp | None = None
    parent_message_id: int | None = None
    thread_id: int | None = None
    # a member's personal alert: whom it is for; a level or move alert has no event, and
    # ``firing`` holds what the scan saw (the close, the level, the base)
    personal: Personal | None = None
    firing: dict[str, Any] | None = None
    # an intraday "crossing now" notice or the close's reply to it (bot.scan.intraday_delivery):
    # its payload; a reply also carries its notice's payload (``notice``: to rewrite its footer)
    # and the server's breakout announcement of that session when there is one (``linked``); an
    # announcement links the other way, to the session's notice of it (Sender._with_notice)
    intraday: dict[str, Any] | None = None
    notice: dict[str, Any] | None = None
    linked: tuple[int, int] | None = None  # (channel id, message id)

    # What a delivery of one kind carries (ValueError on a row of another kind: a bug, not an outage).
    def need_event(self) -> Event:
        return _needed(self.event, "an event", self.key)

    def need_followup(self) -> FollowUp:
        return _needed(self.followup, "a follow-up", self.key)

    def need_personal(self) -> Personal:
        return _needed(self.personal, "a member's alert", self.key)

    def need_firing(self) -> dict[str, Any]:
        return _needed(self.firing, "an alert's firing", self.key)

    def need_intraday(self) -> dict[str, Any]:
        return _needed(self.intraday, "an intraday notice or reply", self.key)

    def need_notice(self) -> dict[str, Any]:
        return _needed(self.notice, "the intraday notice it replies to", self.key)

    def need_parent(self) -> int:
        return _needed(self.parent_message_id, "the message it replies to", self.key)

    @classmethod
    def of(cls, row: OutboxRow) -> Delivery:
        if row.kind in (NOTICE_KIND, SETTLE_KIND):  # never pings: one line during the session, one at the close
            return cls(None, row.key, None, guild_id=row.guild_id, intraday=row.payload)
        if row.is_followup:
            return cls(None, row.key, None, guild_id=row.guild_id, followup=FollowUp.from_dict(row.payload["followup"]))
        if row.user_id is not None and "personal" in row.payload:
            p = row.payload
            ev = p.get("evidence")
            evidence = Evidence.from_dict(ev) if ev is not None else None
            personal = Personal.from_dict(p["personal"])
            if p.get("event") in KIND_PRIORITY:  # an event alert: the announcement's event
                return cls(Event.from_dict(p), row.key, None, guild_id=row.guild_id, evidence=evidence,
                           odds=odds_of_payload(p.get("odds")), personal=personal)
            return cls(None, row.key, None, guild_id=row.guild_id, evidence=evidence, personal=personal, firing=p)
        if row.kind == DIGEST_KIND:
            return cls(None, row.key, row.ping_role_id, digest=row.bar_date, guild_id=row.guild_id)
        ev = row.payload.get("evidence")
        return cls(Event.from_dict(row.payload), row.key, row.ping_role_id, guild_id=row.guild_id,
                   evidence=Evidence.from_dict(ev) if ev is not None else None,
                   odds=odds_of_payload(row.payload.get("odds")), thread=bool(row.payload.get("thread")))


@dataclass(frozen=True)
class Posted:
    """A post and the thread it opened or went into (None: none)."""

    message_id: int
    thread_id: int | None = None


def posted_ids(posted: int | Posted) -> tuple[int, int | None]:
    """(message id, thread id) of what a poster returned (a plain id: no thread)."""
    return (posted.message_id, posted.thread_id) if isinstance(posted, Posted) else (posted, None)


class Poster(Protocol):
    async def post(self, channel_id: int, delivery: Delivery) -> int | Posted:
        """Post one announcement; return the message id (with the thread it opened, if any)."""

    async def find_posted(self, channel_id: int, key: str) -> int | None:
        """The id of a recent message in the channel that carries ``key``, if any."""

    # personal alerts: post(channel_id, delivery) with delivery.personal is a DM to the member
    # (DmClosed when Discord refuses it), or with ``in_channel`` a post in the alerts channel
    # mentioning them.
    async def find_personal(self, delivery: Delivery) -> int | None:
        """The message carrying a personal alert's key in the member's DMs or the channel, if any."""


@dataclass
class FlushReport:
    sent: int = 0
    recovered: int = 0  # found already posted after an interrupted attempt
    retry_later: int = 0
    dropped: int = 0
    unsure: int = 0  # the check of the channel failed: kept, checked again later, never posted meanwhile
    unconfirmed: int = 0  # given up checking (maybe posted, never posted again)
    disabled_guilds: list[int] = field(default_factory=list)
    fallbacks: int = 0  # personal alerts posted in the alerts channel because the member's DMs are closed
    kept: int = 0  # personal alerts that could not be delivered at all (kept, the reason in `alert list`)


class Sender:
    def __init__(self, db: Database, poster: Poster, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 batch_size: int = 100, shards: ShardSet | None = None, holder: str | None = None,
                 claim_seconds: float = DEFAULT_CLAIM_SECONDS, check_timeout: float = CHECK_TIMEOUT,
                 check_give_up: float = CHECK_GIVE_UP, clock=time.time):
        self.db = db
        self.poster = poster
        self.shards = shards  # None: every server's rows (one process)
        self.holder = holder or db.holder
        self.claim_seconds = claim_seconds
        self.outbox = OutboxRepo(db)
        self.guilds = GuildSettingsRepo(db)
        self.personal = PersonalAlertRepo(db)
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.check_timeout = check_timeout
        self.check_give_up = check_give_up
        self.clock = clock  # Unix time (tests move it)
        self._lock = asyncio.Lock()
        self._notices: dict[date, dict[tuple[int, str, str], tuple[int, int]]] = {}  # (Sender._with_notice)

    async def flush(self) -> FlushReport:
        """Post every unsent row of this process's shards, oldest first, that no other live
        process has claimed. One flush at a time; the rows it left (blocked channels) are
        given back at the end."""
        async with self._lock:
            report = FlushReport()
            self._notices = {}  # the sessions' posted intraday notices, read once a flush
            blocked: set[int] = set()  # channels with a transient failure: keep their order, retry later
            after = 0
            await self.db.refresh_presence()
            await self.outbox.free_dead_claims(self.holder)  # a crashed process's rows: ours now
            while rows := await self.outbox.claim(self.holder, self.batch_size, after_id=after, shards=self.shards,
                                                  seconds=self.claim_seconds, checks_due_at=self.clock()):
                for row in rows:
                    after = row.id
                    if row.channel_id in blocked or row.guild_id in report.disabled_guilds:
                        continue
                    await self._deliver(row, report, blocked)
            await self.outbox.release(self.holder)
            return report

    async def _check(self, row: OutboxRow, report: FlushReport) -> bool:
        """For a row whose post may have landed: True when it may be posted (the channel does
        not show it); False when it was found (marked sent) or the check failed (kept)."""
        if not await self.outbox.hold(row.id, holder=self.holder, seconds=self.claim_seconds):
            return False  # another process took it over (our claim had expired)
        try:
            existing = await asyncio.wait_for(self.poster.find_posted(row.channel_id, row.key), self.check_timeout)
        except (ChannelGone, ChannelForbidden, asyncio.CancelledError):
            raise
        except Exception as exc:  # an error, a timeout, a message the library could not read
            await self._unsure(row, exc, report)
            return False
        if existing is not None:
            await self.outbox.mark_sent(row.id, existing)
            report.recovered += 1
            log.info("announcement %s was already posted in channel %d; marked sent", row.key, row.channel_id)
            return False
        if row.attempts >= self.max_attempts:  # the last post did not land either: give it up
            await self.outbox.record_error(row.id, row.last_error or "too many attempts", drop=True)
            report.dropped += 1
            log.error("gave up announcement %s for channel %d after %d attempts: %s", row.key, row.channel_id,
                      row.attempts, row.last_error)
            return False
        return True

    async def _unsure(self, row: OutboxRow, exc: BaseException, report: FlushReport) -> None:
        error = f"history check failed: {type(exc).__name__}: {exc}" if str(exc) else \
            f"history check failed: {type(exc).__name__}"
        since, gave_up = await self.outbox.check_failed(row.id, error, now=self.clock(), backoff=CHECK_BACKOFF,
                                                        give_up_after=self.check_give_up)
        if gave_up:
            report.unconfirmed += 1
            log.error("announcement %s to channel %d (server %d) not confirmed: the channel's history could not be "
                      "checked for %.1f h (%s); it may be there, it is not posted again", row.key, row.channel_id,
                      row.guild_id, (self.clock() - since) / 3600, error)
        else:
            report.unsure += 1
            first = row.unsure_since is None
            log.log(logging.WARNING if first else logging.DEBUG,
                    "announcement %s to channel %d may be posted already but the check of the channel failed (%s); "
                    "not posted again, checked later", row.key, row.channel_id, error)

    async def _deliver(self, row: OutboxRow, report: FlushReport, blocked: set[int]) -> None:
        if row.user_id is not None and "personal" in row.payload:
            await self._deliver_personal(row, report)
            return  # a member's alert is delivered there, never also as a server's announcement
        if row.is_followup:
            from bot.scan.followup_delivery import deliver_followup

            await deliver_followup(self, row, report, blocked)
            return
        if row.kind == SETTLE_KIND:
            from bot.scan.intraday_delivery import deliver_settlement

            await deliver_settlement(self, row, report)
            return
        attempts = row.attempts
        try:
            if row.attempts > 0 and not await self._check(row, report):
                return
            begun = await self.outbox.begin_attempt(row.id, holder=self.holder, seconds=self.claim_seconds)
            if begun is None:  # another process took it over (our claim had expired)
                return
            attempts = begun
            message_id = await self.poster.post(row.channel_id, await self._with_notice(row))
        except (ChannelGone, ChannelForbidden) as exc:
            reason = f"{'channel gone' if isinstance(exc, ChannelGone) else 'no permission'}: {exc}"
            await self.guilds.disable(row.guild_id, reason)
            report.disabled_guilds.append(row.guild_id)
            log.warning("alerts turned off for server %d: channel %d — %s", row.guild_id, row.channel_id, reason)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # transient: keep the row; the next flush checks the channel, then retries
            await self.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}")
            blocked.add(row.channel_id)
            report.retry_later += 1
            log.warning("announcement %s to channel %d failed (attempt %d), will check and retry: %s", row.key,
                        row.channel_id, attempts, exc)
            return
        message_id, thread_id = posted_ids(message_id)
        await self.outbox.mark_sent(row.id, message_id, thread_id=thread_id)
        report.sent += 1

    async def _with_notice(self, row: OutboxRow) -> Delivery:
        """The row's delivery; a server's breakout (or failure) announcement links the session's
        "crossing now" notice of it when the server was sent one (``linked``)."""
        delivery = Delivery.of(row)
        direction = NOTICED.get(row.kind)
        if direction is None or row.user_id is not None or row.bar_date is None:
            return delivery
        if row.bar_date not in self._notices:  # one read a session and flush, however many announcements
            self._notices[row.bar_date] = await CrossingRepo(self.db).posted_notices(row.bar_date)
        notice = self._notices[row.bar_date].get((row.guild_id, row.ticker, direction))
        return replace(delivery, linked=notice) if notice is not None else delivery

    async def _deliver_personal(self, row: OutboxRow, report: FlushReport) -> None:
        """A member's alert: by DM (or in the alerts channel when they chose it), exactly once
        like an announcement. DMs closed: once in the alerts channel with a mention of them and
        one line why; no alerts channel either: the row is given up and the alert kept, the
        reason shown in their `alert list`. A member's failure never turns the server's alerts off."""
        delivery = Delivery.of(row)
        p = delivery.need_personal()
        attempts = row.attempts
        try:
            begun = await self.outbox.begin_attempt(row.id, holder=self.holder, seconds=self.claim_seconds)
            if begun is None:
                return
            attempts = begun
            if row.attempts > 0:
                existing = await self.poster.find_personal(delivery)
                if existing is not None:
                    await self.outbox.mark_sent(row.id, existing, alert=(p.alert_id, p.once))
                    report.recovered += 1
                    log.info("personal alert %s was already delivered; marked sent", row.key)
                    return
            try:
                posted = await self.poster.post(row.channel_id, delivery)
            except DmClosed:
                if p.channel_id is None:
                    raise
                posted = await self.poster.post(p.channel_id, replace(delivery, personal=replace(p, fallback=True)))
                report.fallbacks += 1
        except MemberGone as exc:
            await self.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}", drop=True)
            log.info("personal alert %s not delivered: %s", row.key, exc)
            return
        except (DmClosed, ChannelGone, ChannelForbidden) as exc:
            await self.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}", drop=True)
            await self.personal.kept(p.alert_id, personal_words.undeliverable() if isinstance(exc, DmClosed)
                                     else personal_words.channel_unusable())
            report.kept += 1
            log.info("personal alert %s kept undelivered: %s", row.key, exc)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # transient: retried on the next flush
            give_up = attempts >= self.max_attempts
            await self.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}", drop=give_up)
            if give_up:
                await self.personal.kept(p.alert_id, personal_words.undeliverable_now())
                report.dropped += 1
            else:
                report.retry_later += 1
            log.warning("personal alert %s failed (attempt %d): %s", row.key, attempts, exc)
            return
        await self.outbox.mark_sent(row.id, posted_ids(posted)[0], alert=(p.alert_id, p.once))
        report.sent += 1
