"""The Discord harness's ids (tests/discord_harness.py): two bot processes posting to one
"Discord" in the same millisecond must not get the same message id, since a thread's id is its
message's and two servers' threads would merge (the shard tests once saw 15 follow-up threads of 16)."""

from __future__ import annotations

from datetime import datetime, timezone

import discord_harness
from discord.utils import snowflake_time
from discord_harness import DiscordHarness


def _harness(worker: int) -> DiscordHarness:
    h = DiscordHarness.__new__(DiscordHarness)  # only the id counter: no bot behind it
    h.worker = worker
    h._ids = iter(range(1, 10_000))
    return h

def test_two_processes_in_the_same_millisecond_get_different_ids(monkeypatch):
    moment = datetime(2026, 11, 19, 21, 30, 0, 123000, tzinfo=timezone.utc)
    monkeypatch.setattr(discord_harness, "utcnow", lambda: moment)
    a, b = _harness(1), _harness(3)
    ids_a = [a._snowflake() for _ in range(50)]
    ids_b = [b._snowflake() for _ in range(50)]
    assert len(set(ids_a) | set(ids_b)) == 100
    assert all(snowflake_time(i) == moment for i in ids_a + ids_b)  # still Discord's layout: the time reads back
    assert ids_a == sorted(ids_a)  # one process's ids grow
