"""One attempt at a message that follows another (a breakout's follow-up, an intraday notice's
reply): the exactly-once protocol of :mod:`bot.scan.delivery`, for messages that never turn a
server's alerts off.

The attempt is counted before the post; a row with an attempt behind it is first looked for
(``find``) and, when found, marked sent without a second post. A message that cannot be posted
there (``permanent``: the channel is gone or closed to the bot) is dropped with one log line;
any other error is transient: the row is kept for the next flush, and given up after the
sender's ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.scan.delivery import ChannelForbidden, ChannelGone, FlushReport
from bot.store.outbox import OutboxRow

if TYPE_CHECKING:
    from bot.scan.delivery import Sender

log = logging.getLogger(__name__)

P = TypeVar("P")


async def post_once(sender: Sender, row: OutboxRow, report: FlushReport, *, what: str,
                    find: Callable[[], Awaitable[int | None]], post: Callable[[], Awaitable[P]],
                    permanent: tuple[type[Exception], ...] = (ChannelGone, ChannelForbidden)) -> P | None:
    """``post()``'s result, for the caller to mark the row sent; None when there is nothing more
    to do: another process holds the row, an earlier attempt was found posted (marked sent
    here), or the post failed (the row dropped or kept for a retry, as above)."""
    attempts = row.attempts
    try:
        begun = await sender.outbox.begin_attempt(row.id, holder=sender.holder, seconds=sender.claim_seconds)
        if begun is None:  # another process took it over
            return None
        attempts = begun
        if row.attempts > 0:
            existing = await find()
            if existing is not None:
                await sender.outbox.mark_sent(row.id, existing)
                report.recovered += 1
                log.info("%s %s was already posted; marked sent", what, row.key)
                return None
        return await post()
    except permanent as exc:
        await sender.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}", drop=True)
        report.dropped += 1
        log.warning("%s %s dropped: %s", what, row.key, exc)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # transient: keep the row, retry on the next flush (announcements go on)
        give_up = attempts >= sender.max_attempts
        await sender.outbox.record_error(row.id, f"{type(exc).__name__}: {exc}", drop=give_up)
        if give_up:
            report.dropped += 1
            log.error("gave up %s %s after %d attempts: %s", what, row.key, attempts, exc)
        else:
            report.retry_later += 1
            log.warning("%s %s failed (attempt %d), will retry: %s", what, row.key, attempts, exc)
    return None
