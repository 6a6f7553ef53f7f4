"""One rate bucket per member for everything that renders or screens.

Each command that draws a chart or screens a universe (``base``, ``compare``, ``chart``, ``perf``,
``history``, ``setups``, the Daily/Weekly buttons) takes a turn from the same bucket:
:data:`RATE` turns per :data:`PER` seconds per member, whichever command it is (the README's
"3 requests per user per 30 seconds"). A command that takes a turn and is then refused for bad
input gives the turn back (a typo costs nothing; it renders nothing either).

A new command joins the bucket with one decorator::

    @commands.hybrid_command(...)
    @renders()
    async def odds(self, ctx, ...): ...

Too fast: the first refusal in a window is one "slow down" line (private on slash); after that
the bot only reacts ⏳ to the member's message (prefix) until the window has passed — never more
noise than the spam itself (:meth:`RateBucket.should_say`).
"""

from __future__ import annotations

import time
from collections import deque

from discord.ext import commands

RATE = 3  # renders or screens per member …
PER = 30.0  # … per this many seconds
SLOW_DOWN_REACTION = "⏳"


class RateBucket:
    """A sliding window per member: at most ``rate`` turns in any ``per`` seconds."""

    def __init__(self, rate: int = RATE, per: float = PER, *, clock=time.monotonic):
        self.rate, self.per, self.clock = rate, per, clock
        self._turns: dict[int, deque[float]] = {}
        self._told_until: dict[int, float] = {}

    def _window(self, member: int, now: float) -> deque[float]:
        turns = self._turns.setdefault(member, deque())
        while turns and turns[0] <= now - self.per:
            turns.popleft()
        return turns

    def take(self, member: int) -> float:
        """Take a turn: 0.0 when granted, else the seconds until the next one frees up."""
        now = self.clock()
        turns = self._window(member, now)
        if len(turns) >= self.rate:
            return turns[0] + self.per - now
        turns.append(now)
        self._forget_idle(now)
        return 0.0

    def give_back(self, member: int) -> None:
        """The last turn was not used (bad input, refused before any work)."""
        turns = self._turns.get(member)
        if turns:
            turns.pop()

    def should_say(self, member: int, retry_after: float) -> bool:
        """True for the first refusal in a window (say "slow down"); False for the rest (react or
        stay silent) until that window has passed."""
        now = self.clock()
        if self._told_until.get(member, 0.0) > now:
            return False
        self._told_until[member] = now + retry_after
        return True

    def _forget_idle(self, now: float) -> None:
        if len(self._turns) > 10_000:  # members who stopped asking long ago
            for member in [m for m, t in self._turns.items() if not t or t[-1] <= now - self.per]:
                self._turns.pop(member, None)
                self._told_until.pop(member, None)


def bucket_of(bot) -> RateBucket:
    bucket = getattr(bot, "render_bucket", None)
    if bucket is None:
        bucket = bot.render_bucket = RateBucket()
    return bucket


# the attribute a command's context carries once it took a render turn
RENDER_TURN = "render_turn"


def took_render_turn(ctx: commands.Context) -> bool:
    """Whether the command took a turn from the member's bucket (``renders``)."""
    return bool(getattr(ctx, RENDER_TURN, False))


def renders():
    """The command renders or screens: it takes a turn from the member's one bucket (a check, so
    it runs on prefix and slash before the arguments are read)."""

    async def predicate(ctx: commands.Context) -> bool:
        bucket = bucket_of(ctx.bot)
        retry_after = bucket.take(ctx.author.id)
        if retry_after > 0:
            raise commands.CommandOnCooldown(commands.Cooldown(bucket.rate, bucket.per), retry_after,
                                             commands.BucketType.user)
        setattr(ctx, RENDER_TURN, True)  # given back if the input is refused (bot.app.error_handler)
        return True

    return commands.check(predicate)
