"""Which Discord shard a server belongs to, and the shards one process serves.

Discord puts a server on shard ``(guild_id >> 22) % shard_count``; a process connected to some
shards delivers the announcements of exactly those shards' servers.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardSet:
    count: int
    ids: frozenset[int]

    def __post_init__(self):
        if self.count < 1 or not self.ids or not all(0 <= i < self.count for i in self.ids):
            raise ValueError(f"shard ids {sorted(self.ids)} must lie in 0..{self.count - 1}")

    @property
    def everything(self) -> bool:
        return len(self.ids) == self.count

    def holds(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

    def clause(self, guild_id_column) -> sa.ColumnElement[bool]:
        """``(guild_id >> 22) % count IN (ids)`` in SQL (the same on SQLite and PostgreSQL)."""
        if self.everything:
            return sa.true()
        # the shift count as a literal: PostgreSQL has bigint >> integer, not bigint >> bigint
        return (guild_id_column.op(">>")(sa.literal_column("22")) % self.count).in_(sorted(self.ids))

    def __str__(self) -> str:
        return f"shards {','.join(map(str, sorted(self.ids)))} of {self.count}"
