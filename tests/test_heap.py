"""freeze_long_lived: what is alive at the end of start-up leaves the collector's sight, and
only a long-running process (the bot) freezes its heap."""

from __future__ import annotations

import gc

import pytest

from bot.heap import freeze_long_lived
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services import composition
from bot.services.composition import Services


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the test process's heap goes back to the collector


def test_objects_alive_at_the_freeze_are_no_longer_walked(unfrozen):
    startup = [{"made": "at start-up"}]
    frozen = freeze_long_lived()
    later = [{"made": "afterwards"}]
    walked = gc.get_objects()
    assert frozen == gc.get_freeze_count() > 0
    assert not any(o is startup for o in walked)
    assert any(o is later for o in walked)


def test_a_frozen_object_is_still_freed_by_reference_counting(unfrozen):
    class Probe:
        pass

    freed = []
    probe = Probe()
    import weakref

    ref = weakref.ref(probe, lambda _r: freed.append(True))
    freeze_long_lived()
    del probe
    assert ref() is None and freed == [True]


@pytest.mark.parametrize("long_running", [True, False])
def test_only_a_long_running_process_freezes_after_start_up(monkeypatch, tmp_path, long_running):
    calls = []
    monkeypatch.setattr(composition, "freeze_long_lived", lambda: calls.append(1) or 0)
    services = Services(MarketData(CsvDirectoryProvider(tmp_path)), long_running=long_running, render_workers=0)
    services.started()
    assert calls == ([1] if long_running else [])
