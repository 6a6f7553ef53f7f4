"""Shared fixtures. Real price data lives in ../shared/data beside the repository and is
never committed; tests that need it skip cleanly when it is absent."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples every run (a red CI must mean a regression, not a new random
# draw); a developer's runs keep exploring fresh ones. .ci/run sets CI=1.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
    settings.load_profile("ci")

# The Discord test harness's fixtures (make_harness …) are available to every test module.
pytest_plugins = ("discord_harness", "store_engines")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BREAKOUT_SHARED_DATA", REPO.parent / "shared" / "data"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    """In CI a missing data folder fails the run at once, in one line: a third of the tests need
    the real prices, and a CI that skipped them would go green on what is left. On a developer's
    machine they skip."""
    if _in_ci() and not (SHARED_DATA / "IWM.csv").is_file():
        raise pytest.UsageError(f"CI needs the real price data: {SHARED_DATA / 'IWM.csv'} not found "
                                "(put the data folder there, or set BREAKOUT_SHARED_DATA)")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "IWM.csv").is_file():
        pytest.skip(f"real price data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def universe_dir(shared_data: Path) -> Path:
    d = shared_data / "universe"
    if not d.is_dir():
        pytest.skip("universe data not found")
    return d


@pytest.fixture(scope="session")
def load_daily(shared_data: Path):
    """load_daily("IWM") -> the full daily price frame from ../shared/data."""
    from bot.market.csvdir import read_price_csv

    cache: dict = {}

    def load(ticker: str):
        if ticker not in cache:
            cache[ticker] = read_price_csv(shared_data / f"{ticker}.csv")
        return cache[ticker].copy()

    return load


@pytest.fixture(autouse=True)
def _unfrozen_heap():
    """A bot started as ``python -m bot run`` starts it freezes its heap (bot.heap): give the
    test process's heap back to the garbage collector after each test."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
