"""The committed base-rate table (bot/analysis/study/base_rates.json): its ETF part is what
``study`` makes from ../shared/data today, to the byte (the stock part is checked by
``python -m bot study --check``, which .ci/run calls: too slow for the suite)."""

from __future__ import annotations

import pytest

from bot.analysis.study.table import CHAIN, MIN_CASES, base_rates, dump, odds_of_groups
from bot.services.study import check_table, command_line, run_study
from bot.words.study import odds_line


@pytest.fixture(scope="module")
def committed():
    base_rates.cache_clear()
    return base_rates()


def test_the_table_names_its_command_and_its_data(committed):
    for name, part in committed["universes"].items():
        assert part["command"].startswith(f"python -m bot study --universe {name} --from ")
        assert part["data"]["first"] < part["from"] <= part["to"] <= part["data"]["last"]
        assert part["groups"]["all"]["all"]["n"] == sum(
            g["all"]["n"] for k, g in part["groups"].items() if k.startswith("kind=") and "," not in k)


def test_the_etf_part_regenerates_identically(shared_data, committed):
    part = committed["universes"]["etfs"]
    study = run_study(shared_data, universe="etfs", command=command_line("etfs", None, None, None, None))
    assert study.table["command"] == part["command"]
    assert dump(study.table) == dump(part)
    # every breakout announced gets an odds line from the table, from a group of >= 30 cases
    for c in study.cases:
        odds = odds_of_groups("etfs", {d: c.group(d) for d in CHAIN})
        assert odds is not None and (odds.stats["n"] >= MIN_CASES or not odds.pairs)
        assert odds_line(odds).startswith("Past breakouts")


def test_check_skips_a_universe_without_data(tmp_path, committed):
    got = dict(check_table(tmp_path, universes=("etfs",)))
    assert got["etfs"].startswith("skipped")
