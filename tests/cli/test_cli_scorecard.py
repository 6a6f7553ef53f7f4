"""``python -m bot scorecard --guild ID [--period]``: the command's offline twin reads the store
(``DATABASE_URL``, else the SQLite file), both engines, as a real process: the same record as the
service, JSON, the empty record's line, bad input as one line."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from scorecard_store import LAST, MUTED, deliver_alerts

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.scorecard import ScorecardService
from bot.words import scorecard as words

GUILD, CHANNEL = 1, 100


async def run_cli(*argv, env) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "BREAKOUT_DATA_DIR": "", **env})
    out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
    return proc.returncode, out.decode(), err.decode()


async def test_the_cli_twin_reads_the_store(store, shared_data, tmp_path):
    async with store.database() as db:
        await deliver_alerts(db, shared_data, GUILD, CHANNEL)
        report = await ScorecardService(db, MarketData(CsvDirectoryProvider(shared_data))).scorecard(
            GUILD, "all", today=LAST)
    data = ("--data-dir", str(shared_data))
    png = tmp_path / "card.png"
    code, out, err = await run_cli("scorecard", "--guild", str(GUILD), "--period", "all", "--out", str(png), *data,
                                   env=store.env)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == report.headline and lines[1] == report.counts
    assert report.text in out and "IWM 2023-12-26 · failed" in out and "**" not in out
    assert png.read_bytes()[:4] == b"\x89PNG"

    code, out, err = await run_cli("scorecard", "--guild", str(GUILD), "--period", "all", "--json", *data,
                                   env=store.env)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["alerts"] == [a.to_dict() for a in report.alerts]
    assert doc["record"][0]["n"] == len(report.alerts)

    # the period counts back from --as-of; a server with nothing delivered gets one line
    code, out, _ = await run_cli("scorecard", "--guild", str(GUILD), "--period", "30d", "--as-of", str(LAST), *data,
                                 env=store.env)
    assert code == 0 and out.strip() == words.empty_line("30d")
    code, out, _ = await run_cli("scorecard", "--guild", str(MUTED), *data, env=store.env)
    assert code == 0 and out.strip() == words.empty_line("90d")

    # bad input: one line on stderr, no traceback
    code, out, err = await run_cli("scorecard", "--guild", str(GUILD), "--period", "2w", *data, env=store.env)
    assert code == 1 and err.strip() == f"error: {words.BAD_PERIOD}" and "Traceback" not in err
    code, _, err = await run_cli("scorecard", "--guild", "abc", *data, env=store.env)
    assert code == 2 and len(err.strip().splitlines()) == 1
