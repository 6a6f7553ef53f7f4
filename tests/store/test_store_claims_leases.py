"""Several processes on one store (each Database here stands for one process): outbox claims
by shard, the scan lease, and what happens when a holder dies. Both engines."""

import asyncio
import time
from datetime import date

import pytest

from bot.store.engine_states import StateRecord
from bot.store.guilds import GuildSettingsRepo
from bot.store.leases import LeaseRepo, held
from bot.store.outbox import NewMessage, OutboxRepo
from bot.store.shards import ShardSet, shard_of

# guild ids spread over 4 shards: (id >> 22) % 4
GUILDS = [(n << 22) + 7 for n in range(12)]


async def queue(db, guilds=GUILDS) -> None:
    for g in guilds:
        await GuildSettingsRepo(db).set_channel(g, g + 1)
    msgs = [NewMessage(g, g + 1, "IWM", "b1", "breakout", date(2023, 12, 14), {"g": g}) for g in guilds]
    assert await OutboxRepo(db).commit_ticker(StateRecord("IWM", "{}", date(2023, 12, 14)), msgs) == len(guilds)


def test_shard_of_is_discords_formula():
    assert [shard_of(g, 4) for g in GUILDS[:5]] == [0, 1, 2, 3, 0]
    assert ShardSet(4, frozenset({1, 3})).holds(GUILDS[1]) and not ShardSet(4, frozenset({1, 3})).holds(GUILDS[2])
    with pytest.raises(ValueError):
        ShardSet(2, frozenset({2}))


async def test_a_process_claims_only_its_own_shards(db):
    await queue(db)
    mine = ShardSet(4, frozenset({1, 3}))
    rows = await OutboxRepo(db).claim(db.holder, shards=mine)
    assert [r.guild_id for r in rows] == [g for g in GUILDS if shard_of(g, 4) in (1, 3)]
    assert [r.guild_id for r in await OutboxRepo(db).pending(shards=ShardSet(4, frozenset({0})))] == GUILDS[::4]


async def test_two_processes_claiming_at_once_never_share_a_row(store):
    a, b = await store.open(), await store.open()
    await queue(a)
    got_a, got_b = await asyncio.gather(OutboxRepo(a).claim(a.holder, limit=5), OutboxRepo(b).claim(b.holder, limit=5))
    ids_a, ids_b = {r.id for r in got_a}, {r.id for r in got_b}
    assert not ids_a & ids_b and len(ids_a) + len(ids_b) == 10
    rest = await OutboxRepo(a).claim(a.holder, limit=100)  # a's own claims, and the two b left
    assert {r.id for r in rest} == {r.id for r in await OutboxRepo(a).rows()} - ids_b


async def test_a_live_holders_claim_is_kept_until_released_or_expired(store):
    a, b = await store.open(), await store.open()
    await queue(a, GUILDS[:2])
    (first, second) = await OutboxRepo(a).claim(a.holder)
    assert await OutboxRepo(b).claim(b.holder) == []
    assert await OutboxRepo(b).begin_attempt(first.id, holder=b.holder) is None  # not b's to post
    assert await OutboxRepo(a).begin_attempt(first.id, holder=a.holder) == 1
    await OutboxRepo(a).mark_sent(first.id, 99)
    await OutboxRepo(a).release(a.holder)
    assert [r.id for r in await OutboxRepo(b).claim(b.holder)] == [second.id]
    assert await OutboxRepo(a).claim(a.holder) == []
    expired = await OutboxRepo(b).claim(b.holder, seconds=-1)  # b's claim lapses at once
    assert [r.id for r in expired] == [second.id] and [r.id for r in await OutboxRepo(a).claim(a.holder)] == [second.id]


async def test_the_claims_of_a_process_that_is_gone_are_freed(store):
    crashed, replacement = await store.open(), await store.open()
    await queue(crashed, GUILDS[:3])
    assert len(await OutboxRepo(crashed).claim(crashed.holder)) == 3
    assert await OutboxRepo(replacement).free_dead_claims(replacement.holder) == 0  # alive: kept
    await crashed.close()
    assert await OutboxRepo(replacement).free_dead_claims(replacement.holder) == 1
    assert len(await OutboxRepo(replacement).claim(replacement.holder)) == 3


async def test_the_scan_lease_has_one_holder_and_passes_on_when_it_dies(store):
    a, b = await store.open(), await store.open()
    assert await LeaseRepo(a).acquire("scan", a.holder, 60)
    assert await LeaseRepo(a).acquire("scan", a.holder, 60)  # renewing is taking it again
    assert not await LeaseRepo(b).acquire("scan", b.holder, 60)
    assert await LeaseRepo(b).holder("scan") == a.holder
    await a.close()  # the holder is gone: no need to wait for the expiry
    assert await LeaseRepo(b).acquire("scan", b.holder, 60)


async def test_an_expired_lease_is_taken_over(store):
    a, b = await store.open(), await store.open()
    assert await LeaseRepo(a, clock=lambda: time.time() - 120).acquire("scan", a.holder, 60)  # expired a minute ago
    assert await LeaseRepo(b).acquire("scan", b.holder, 60)


async def test_held_renews_and_releases(store):
    import sqlalchemy as sa

    from bot.store.schema import leases

    a, b = await store.open(), await store.open()

    async def expiry():
        return await a.scalar(sa.select(leases.c.expires_at).where(leases.c.name == "scan"))

    async with held(a, "scan", a.holder, seconds=0.6) as mine:
        assert mine
        first = await expiry()
        for _ in range(200):  # the heartbeat renews every 0.2 s; wait for one beat, however slow the machine
            await asyncio.sleep(0.05)
            if await expiry() > first:
                break
        assert await expiry() > first
        async with held(b, "scan", b.holder) as theirs:
            assert not theirs
    assert await LeaseRepo(b).holder("scan") is None


async def test_on_postgresql_a_process_on_another_machine_is_alive_while_connected(store):
    """Another host's pid means nothing here: its session advisory lock (pg_locks) tells."""
    from bot.store.presence import alive

    if not store.is_postgres:
        pytest.skip("the session lock is PostgreSQL's")
    remote = store.database()
    remote.holder = "another-host:4242:abcdef01"
    await remote.open()
    here = await store.open()
    assert await alive(here, remote.holder)
    await queue(remote, GUILDS[:2])
    assert len(await OutboxRepo(remote).claim(remote.holder)) == 2
    assert await OutboxRepo(here).free_dead_claims(here.holder) == 0
    await remote.close()  # the connection ends: the server drops its lock, as on a kill -9
    assert not await alive(here, remote.holder)
    assert await OutboxRepo(here).free_dead_claims(here.holder) == 1
