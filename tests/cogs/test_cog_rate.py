"""One rate bucket per member for everything that renders or screens (issue 20 part 2), through
the real dispatch: the limit is shared across commands and paths, a typo gives its turn back,
and spam gets one "slow down" per window, then only a reaction."""

from __future__ import annotations

import pytest

from bot.app.rate import PER, RATE, RateBucket
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData

EXTENSIONS = ("cogs.charts", "cogs.setups", "cogs.watch")


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.fixture
async def h(make_harness, shared_data):
    return await make_harness(MarketData(CsvDirectoryProvider(shared_data)), extensions=EXTENSIONS)


def rendered(sent) -> bool:
    return any(m["files"] or m["embeds"] for m in visible(sent)) or any(
        (m["content"] or "").startswith("**") for m in visible(sent))


async def test_the_bucket_is_shared_across_every_rendering_command_and_both_paths(h):
    asks = [("prefix", "!base IWM"), ("slash", "compare", {"t1": "IWM", "t2": "SPY"}), ("prefix", "!perf"),
            ("prefix", "!chart SPY"), ("slash", "history", {"ticker": "IWM"}), ("prefix", "!setups etfs")]
    results = []
    for ask in asks:
        sent = await (h.prefix(ask[1]) if ask[0] == "prefix" else h.slash(ask[1], ask[2]))
        results.append(rendered(sent))
    assert results == [True] * RATE + [False] * (len(asks) - RATE)
    other = h.member()  # another member has a bucket of their own
    assert rendered(await h.prefix("!perf", author=other))


async def test_spam_gets_one_slow_down_then_only_reactions(h):
    sent = [await h.prefix("!perf") for _ in range(20)]
    assert all(rendered(s) for s in sent[:RATE])
    texts = [m["content"] for s in sent[RATE:] for m in visible(s)]
    assert len(texts) == 1 and "Slow down" in texts[0]
    reactions = [m for s in sent[RATE:] for m in s if m["kind"] == "reaction"]
    assert len(reactions) == 20 - RATE - 1 and all(r["payload"]["emoji"] == "⏳" for r in reactions)
    assert len([m for s in sent for m in visible(s)]) <= 20  # never more noise than the spam


async def test_slash_refusals_stay_private(h):
    for _ in range(RATE):
        await h.slash("perf", {})
    for _ in range(3):
        (reply,) = visible(await h.slash("perf", {}))
        assert reply["ephemeral"] and "Slow down" in reply["content"]


async def test_a_typo_gives_its_turn_back(h):
    for _ in range(6):
        assert "not a ticker" in visible(await h.prefix("!base ???"))[0]["content"]
    for _ in range(RATE):
        assert rendered(await h.prefix("!perf"))
    assert not rendered(await h.prefix("!perf"))


async def test_a_chart_button_takes_a_turn_too(h):
    (chart,) = visible(await h.prefix("!base IWM"))
    await h.prefix("!perf")
    await h.prefix("!perf")
    sent = await h.click("base:timeframe:daily", chart)
    assert [m["kind"] for m in sent] == ["response"] and sent[0]["ephemeral"] and "Slow down" in sent[0]["content"]


def test_the_window_slides():
    now = [0.0]
    bucket = RateBucket(clock=lambda: now[0])
    assert [bucket.take(1) for _ in range(RATE)] == [0.0] * RATE
    assert bucket.take(1) == pytest.approx(PER)
    now[0] = PER - 1
    assert bucket.take(1) == pytest.approx(1.0)
    assert bucket.should_say(1, 1.0) and not bucket.should_say(1, 1.0)
    now[0] = PER
    assert bucket.take(1) == 0.0 and bucket.should_say(1, 1.0)
