"""Price packs (price_packs: a ticker's bars packed by calendar year) stay in step with the bars
(price_bars) through every kind of write, on both engines: a read of the packs equals a read of
the rows, exactly, for any range; bars stored before the packs are read from the rows until the
ticker's next write packs them whole."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from bot.store.price_pack import arrays_of_rows, by_year, joined, merged, pack, unpack
from bot.store.prices import PriceRepo
from bot.store.schema import price_packs

# ``db``: tests/store_engines.py (each test runs on SQLite and on PostgreSQL)


def _rows(days, seed=0, adj=True):
    rng = np.random.default_rng(seed)
    out = []
    for k, d in enumerate(days):
        c = 100 + float(rng.normal())
        out.append((str(d), c - 0.5, c + 1, c - 1, c, None if k % 7 == 3 else 1000.0 + k, c if adj else None))
    return out


def _sessions(first: str, last: str) -> list:
    return list(np.arange(np.datetime64(first), np.datetime64(last) + 1)[
        np.is_busday(np.arange(np.datetime64(first), np.datetime64(last) + 1))])


def _same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a, b, equal_nan=True)  # bit for bit, NaN where a value is missing


async def _both_reads(repo: PriceRepo, first: str, last: str):
    return await repo.packed("T", first, last), arrays_of_rows(await repo.bars("T", first, last))


RANGES = [("1970-01-01", "9999-12-31"), ("2023-12-20", "2024-01-10"), ("2024-02-01", "2024-02-29"),
          ("2022-06-30", "2022-07-01"), ("2024-01-01", "2024-01-01")]


async def test_every_write_keeps_the_packs_equal_to_the_rows(db):
    repo = PriceRepo(db)
    history = _rows(_sessions("2021-03-01", "2024-01-05"))
    await repo.store("T", history, first_day="2021-03-01", last_day="2024-01-05", fetched_at="x", replace=True)
    # a tail across the new year: a revised overlap (upserted over the old bars), then new days
    tail = _rows(_sessions("2023-12-27", "2024-03-01"), seed=1, adj=False)
    await repo.store("T", tail, first_day="2021-03-01", last_day="2024-03-01", fetched_at="y", replace=False)
    for first, last in RANGES:
        packed, rows = await _both_reads(repo, first, last)
        if rows.shape[1]:
            _same(packed, rows)
        else:
            assert packed is None or packed.shape[1] == 0
    whole, _ = await _both_reads(repo, "1970-01-01", "9999-12-31")
    assert np.isnan(whole[6][-10:]).all() and not np.isnan(whole[6][:10]).any()  # the tail had no adj close
    # a split: the whole history replaced, shorter than before
    await repo.store("T", tail, first_day="2023-12-27", last_day="2024-03-01", fetched_at="z", replace=True)
    packed, rows = await _both_reads(repo, "1970-01-01", "9999-12-31")
    _same(packed, rows)
    async with db.reading() as conn:
        years = (await conn.execute(sa.select(price_packs.c.year).where(price_packs.c.ticker == "T"))).scalars().all()
    assert sorted(years) == [2023, 2024]  # the replaced years' packs are gone


async def test_bars_stored_before_the_packs_are_packed_whole_at_their_next_write(db):
    repo = PriceRepo(db)
    await repo.store("T", _rows(_sessions("2019-01-02", "2020-06-30")), first_day="2019-01-02",
                     last_day="2020-06-30", fetched_at="x", replace=True)
    async with db.transaction() as conn:  # as a store upgraded from before the packs has them
        await conn.execute(price_packs.delete())
    assert await repo.packed("T", "1970-01-01", "9999-12-31") is None  # the rows answer
    await repo.store("T", _rows(_sessions("2020-06-25", "2020-07-10"), seed=3), first_day="2019-01-02",
                     last_day="2020-07-10", fetched_at="y", replace=False)
    packed, rows = await _both_reads(repo, "1970-01-01", "9999-12-31")
    _same(packed, rows)
    assert rows[0][0] == np.datetime64("2019-01-02").astype(np.int64)  # the old years too


def test_a_pack_round_trips_and_a_wrong_length_is_refused():
    a = arrays_of_rows(_rows(_sessions("2024-01-02", "2024-01-31")))
    _same(unpack(pack(a), a.shape[1]), a)
    with pytest.raises(ValueError):
        unpack(pack(a), a.shape[1] + 1)


def test_merge_by_year_and_join_are_an_upsert_and_a_range_read():
    old = arrays_of_rows(_rows(_sessions("2023-12-01", "2024-01-15")))
    new = arrays_of_rows(_rows(_sessions("2024-01-10", "2024-01-20"), seed=5))
    years = by_year(merged(old, new))
    assert sorted(years) == [2023, 2024]
    got = joined([years[2023], years[2024]], int(old[0][3]), int(new[0][-2]))
    expected_days = np.union1d(old[0], new[0])
    expected_days = expected_days[(expected_days >= old[0][3]) & (expected_days <= new[0][-2])]
    assert np.array_equal(got[0], expected_days)
    on_new = np.isin(got[0], new[0])
    assert np.array_equal(got[4][on_new], new[4][np.isin(new[0], got[0])])  # the new values win
    assert got.flags.writeable


async def test_a_day_written_twice_in_one_write_keeps_the_later_row_in_both(db):
    repo = PriceRepo(db)
    rows = _rows(_sessions("2024-01-02", "2024-01-10"))
    twice = [*rows[:3], (rows[1][0], 1.0, 2.0, 0.5, 1.5, 7.0, None), *rows[3:]]
    await repo.store("T", twice, first_day="2024-01-02", last_day="2024-01-10", fetched_at="x", replace=True)
    packed, stored = await _both_reads(repo, "1970-01-01", "9999-12-31")
    _same(packed, stored)
    assert packed.shape[1] == len(rows) and packed[4][1] == 1.5
