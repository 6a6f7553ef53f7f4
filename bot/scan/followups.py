"""The daily scan's follow-up pass: what each recent breakout's thread receives on the new bars.

A breakout's story is read back from the outbox (its announcement rows, one per server, and the
engine's failed/faded/busted rows of the ticker, queued by earlier scans), plus the events of
this scan. :func:`bot.analysis.events.followups.follow_ups` derives the follow-ups from the
ticker's bars; those dated on the bars this scan processed become outbox rows, written in the
same transaction as the ticker's new engine state (so each is queued exactly once: a scan that
dies redoes the chunk, and the outbox's unique key ignores a row it holds).

Only servers that were sent (or still wait for) the breakout announcement, still track the
ticker with alerts on, and have follow-ups on (``alerts followups``) get them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from bot.analysis.events.followups import ENGINE_KINDS, WINDOW, FollowUp, follow_ups
from bot.analysis.events.types import Event
from bot.scan.evidence import universe_of
from bot.store.outbox import FOLLOWUP_PREFIX, NewMessage, OutboxRepo, event_key, followup_base
from bot.store.watchlist import Subscription
from bot.threads import taking_turns

# Calendar days back to look for breakouts still in their story (30 sessions, with holidays).
STORY_DAYS = WINDOW * 7 // 5 + 20


@dataclass
class Story:
    """A ticker's recent breakouts (event, the servers it was queued for) and engine events."""

    breakouts: dict[tuple, tuple[Event, set[int]]] = field(default_factory=dict)
    events: dict[tuple, Event] = field(default_factory=dict)


async def load_stories(outbox: OutboxRepo, tickers: Sequence[str], as_of: date | None) -> dict[str, Story]:
    """ticker -> its story, for the tickers with a breakout queued within :data:`STORY_DAYS`."""
    since = (as_of or date.today()) - timedelta(days=STORY_DAYS)
    stories: dict[str, Story] = {}
    for row in await outbox.stories(tickers, since):
        try:
            event = Event.from_dict(row.payload)
        except (KeyError, TypeError, ValueError):
            continue  # a row of an older shape: no follow-ups for it
        story = stories.setdefault(row.ticker, Story())
        if row.kind == "breakout":
            if row.dropped_at is not None:
                continue  # never posted for that server: nothing to follow up
            _, guilds = story.breakouts.setdefault(event.key, (event, set()))
            guilds.add(row.guild_id)
        else:
            story.events.setdefault(event.key, event)
    return {t: s for t, s in stories.items() if s.breakouts}


def followup_payload(f: FollowUp) -> dict:
    return {"followup": f.to_dict(), "key": followup_key(f)}


def followup_key(f: FollowUp) -> str:
    return event_key(f.ticker, followup_base(f.base_id, f.breakout), FOLLOWUP_PREFIX + f.kind, f.date)


def new_follow_ups(ticker: str, story: Story, daily: pd.DataFrame, events: Sequence[Event], after: date | None,
                   last_bar: date) -> list[tuple[FollowUp, set[int]]]:
    """The follow-ups of the story's breakouts dated on the new bars (after ``after``, or on
    ``last_bar`` alone when the ticker starts over), each with the servers it goes to."""
    known = list(story.events.values()) + [e for e in events if e.kind in ENGINE_KINDS]
    universe = universe_of(ticker)
    out = []
    for breakout, guilds in story.breakouts.values():
        for f in follow_ups(breakout, daily, known, universe=universe):
            if (f.date > after) if after is not None else (f.date == last_bar):
                out.append((f, guilds))
    return out


def followup_messages(found: Sequence[tuple[FollowUp, set[int]]], subs: Sequence[Subscription]) -> list[NewMessage]:
    """One outbox row per (follow-up, server that got the breakout and still wants them)."""
    wanted = {s.guild_id: s for s in subs if s.followups}
    return [NewMessage(s.guild_id, s.channel_id, f.ticker, followup_base(f.base_id, f.breakout),
                       FOLLOWUP_PREFIX + f.kind, f.date, followup_payload(f))
            for f, guilds in found for g in sorted(guilds) if (s := wanted.get(g)) is not None]


def chunk_follow_ups(chunk: Sequence[str], results: Sequence, frames: Mapping[str, pd.DataFrame], stored: Mapping,
                     stories: Mapping[str, Story]) -> dict[str, list[tuple[FollowUp, set[int]]]]:
    """Per ticker of a scanned chunk with a story and new bars: its new follow-ups (CPU work, for the lane)."""
    out = {}
    for ticker, result in taking_turns(zip(chunk, results)):
        story = stories.get(ticker)
        if story is None or not isinstance(result, tuple):
            continue
        record, events = result
        prior = stored.get(ticker)
        after = prior.last_date if prior is not None and prior.last_date is not None else None
        if after is not None and record.last_date is not None and after >= record.last_date:
            continue
        found = new_follow_ups(ticker, story, frames[ticker], events, after, record.last_date)
        if found:
            out[ticker] = found
    return out
