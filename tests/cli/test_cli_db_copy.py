"""``python -m bot db copy --to URL``: a SQLite store (servers, watchlists, engine states, outbox,
scan runs, ticker lists, price cache) copied to the other engine and back is the same, row for
row and id for id; a target that holds data is refused; counts are printed and verified."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date

import pytest
import sqlalchemy as sa
from fakes import FakeProvider, synthetic_daily
from store_engines import ENGINES, drop_store, make_store

from bot.market.cache import PriceCache
from bot.market.service import MarketData
from bot.store.db import Database
from bot.store.engine_states import StateRecord
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import NewMessage, OutboxRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.schema import DATA_TABLES
from bot.store.ticker_lists import TickerListRepo


async def run_cli(*argv, env=None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": "", "BREAKOUT_DB_SCHEMA": "", **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode, out.decode(), err.decode()


async def filled_sqlite_store(path) -> None:
    async with Database(path) as db:
        big = 1_180_000_000_000_000_001  # a real-sized snowflake
        for gid in (1, 2, big):
            await GuildSettingsRepo(db).set_channel(gid, gid + 1)
        await GuildSettingsRepo(db).set_ping_role(big, big + 5)
        await TickerListRepo(db).save(1, "tech", ["XLK", "SMH"])
        msgs = [NewMessage(g, g + 1, "IWM", "b1", "breakout", date(2023, 12, 14), {"close": 201.5}) for g in (1, big)]
        await OutboxRepo(db).commit_ticker(StateRecord("IWM", '{"phase": "breakout"}', date(2023, 12, 14),
                                                       "breakout", 200.0, 201.5), msgs)
        (first, _) = await OutboxRepo(db).rows()
        await OutboxRepo(db).begin_attempt(first.id)
        await OutboxRepo(db).mark_sent(first.id, 42)
        await ScanRunRepo(db).record(date(2023, 12, 14), started_at="2023-12-14T21:20:00+00:00", tickers=4,
                                     events=1, queued=2, failed_tickers=0)
        provider = FakeProvider({"IWM": synthetic_daily(), "SPY": synthetic_daily(seed=2)})
        await MarketData(provider, PriceCache(db)).histories(["IWM", "SPY"], start=date(2023, 6, 1))


async def contents(db: Database) -> dict[str, list[tuple]]:
    async with db.reading() as conn:
        return {t.name: [tuple(r) for r in (await conn.execute(
            sa.select(t).order_by(*t.primary_key.columns))).all()] for t in DATA_TABLES}


@pytest.mark.parametrize("engine", ENGINES)
async def test_copy_there_and_back_is_the_same_store(tmp_path, engine):
    source, back = tmp_path / "source.sqlite3", tmp_path / "back.sqlite3"
    await filled_sqlite_store(source)
    target = await make_store(engine, tmp_path / "target")  # SQLite: target/bot.sqlite3; PostgreSQL: a fresh schema
    try:
        schema = ["--to-schema", target.schema] if target.schema else []
        code, out, err = await run_cli("db", "copy", "--to", target.target, *schema,
                                       env={"BREAKOUT_DB_PATH": str(source)})
        assert (code, err) == (0, ""), err
        lines = out.splitlines()
        assert lines[0].startswith(f"Copied {source} -> ") and "every table's count verified" in lines[0]
        (bars,) = [line.split() for line in lines[1:] if line.split()[0] == "price_bars"]
        assert bars[2] == "->" and bars[1] == bars[3] and int(bars[1].replace(",", "")) > 200
        code, out, err = await run_cli("db", "copy", "--from", target.target, "--to", str(back),
                                       env={"BREAKOUT_DB_SCHEMA": target.schema or ""})
        assert code == 0, err
        async with Database(source) as a, Database(back) as b:
            want, got = await contents(a), await contents(b)
        assert all(want[t] for t in ("guild_settings", "watchlist", "engine_states", "outbox", "scan_runs",
                                     "ticker_lists", "price_meta", "price_bars"))
        assert got == want
        moved = await target.open()  # the moved bot queues a new row: its id follows the copied ones
        assert await OutboxRepo(moved).queue([NewMessage(2, 3, "SPY", "b9", "breakout", date(2023, 12, 15), {})]) == 1
        assert [r.id for r in await OutboxRepo(moved).rows()] == [1, 2, 3]
    finally:
        await drop_store(target)


async def test_a_target_with_data_is_refused_and_replace_empties_it(tmp_path):
    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    await filled_sqlite_store(source)
    async with Database(target) as db:
        await GuildSettingsRepo(db).set_channel(99, 100)
    code, out, err = await run_cli("db", "copy", "--from", str(source), "--to", str(target))
    assert code == 1 and out == "" and err.splitlines() == [
        f"error: The target {target} already holds data (guild_settings 1, watchlist 4 rows): copy into an empty "
        "database, or add --replace to empty it first."]
    code, out, err = await run_cli("db", "copy", "--from", str(source), "--to", str(target), "--replace")
    assert code == 0, err
    async with Database(target) as db:
        assert (await GuildSettingsRepo(db).get(99)).alerts_channel_id is None
        assert (await GuildSettingsRepo(db).get(1)).alerts_channel_id == 2


async def test_copying_a_store_onto_itself_is_refused(tmp_path):
    source = tmp_path / "a.sqlite3"
    await filled_sqlite_store(source)
    code, _, err = await run_cli("db", "copy", "--to", str(source), env={"BREAKOUT_DB_PATH": str(source)})
    assert code == 1 and err.strip() == f"error: The source and the target are the same store ({source})."


async def test_to_schema_that_does_not_exist_yet_is_created(tmp_path):
    from store_engines import _pg_execute, test_database_url

    url = test_database_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    await filled_sqlite_store(tmp_path / "bot.sqlite3")
    schema = f"t_new_{os.getpid()}_{tmp_path.name[-8:]}".lower().replace("-", "_")
    try:
        code, out, err = await run_cli("db", "copy", "--from", str(tmp_path / "bot.sqlite3"), "--to", url,
                                       "--to-schema", schema)
        assert code == 0, err
        async with Database(url, schema=schema) as copied, Database(tmp_path / "bot.sqlite3") as original:
            assert await contents(copied) == await contents(original)
    finally:
        await _pg_execute(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def test_an_unreachable_target_names_the_to_option(tmp_path):
    await filled_sqlite_store(tmp_path / "bot.sqlite3")
    code, out, err = await run_cli("db", "copy", "--from", str(tmp_path / "bot.sqlite3"), "--to",
                                   "postgresql://nobody@127.0.0.1:9/none")
    assert code == 1 and out == ""
    assert err.strip().endswith("start PostgreSQL or check --to.") and "DATABASE_URL" not in err
