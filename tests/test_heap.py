"""freeze_long_lived: what is alive at the end of start-up leaves the collector's sight and is
still freed by reference counting."""

from __future__ import annotations

import gc
import weakref

import pytest

from bot.heap import freeze_long_lived


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
    ref = weakref.ref(probe, lambda _r: freed.append(True))
    freeze_long_lived()
    del probe
    assert ref() is None and freed == [True]
