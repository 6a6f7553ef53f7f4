"""One bad gateway event must not end the bot.

discord.py 2.7 turns each gateway DISPATCH into a model with the connection state's parser for
its type (``ConnectionState.parsers``, called by ``DiscordWebSocket.received_message``). An
exception in a parser is not caught on the way up: ``poll_event`` lets it through, a shard's
worker turns it into ``EventType.terminate`` (``AutoShardedClient.connect`` closes the client and
raises it), and ``Client.connect`` reconnects only on network errors. So one MESSAGE_CREATE whose
``member.roles`` held objects instead of ids ended the process with "unexpected TypeError".

Event handlers themselves already run as tasks whose errors go to ``on_error``; only the parse is
exposed. ``guard_parsers`` wraps every parser but READY's (without it the shard has no session
and must fail as the library decides): a parser that raises logs one line naming the event and
the error (the traceback at DEBUG, ``-v``) and the event is skipped; the connection, its sequence
number and every other event go on as if it had not come.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

UNGUARDED = frozenset({"READY"})


def _guarded(event: str, parser: Callable[[Any], None]) -> Callable[[Any], None]:
    def parse(data: Any) -> None:
        try:
            parser(data)
        except Exception as exc:
            log.error("skipped a %s event from Discord that could not be read (%s: %s)", event,
                      type(exc).__name__, exc)
            log.debug("the %s event that could not be read", event, exc_info=exc)

    parse.__wrapped__ = parser  # type: ignore[attr-defined]
    return parse


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Wrap the parsers in place (the gateway reads this very dict)."""
    for event, parser in list(parsers.items()):
        if event not in UNGUARDED and not hasattr(parser, "__wrapped__"):
            parsers[event] = _guarded(event, parser)
