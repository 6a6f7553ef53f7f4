"""`history TICKER`: past breakouts and their fate (real data; skips without ../shared/data)."""

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.history import make_history_report


async def test_iwm_december_2023_breakout_is_listed_as_failed(shared_data):
    report = await make_history_report(MarketData(CsvDirectoryProvider(shared_data)), "iwm", years=1,
                                       as_of="2024-06-28")
    assert report.ticker == "IWM" and report.title.startswith("IWM: ")
    december = [line for line in report.lines if line.startswith("**2023-12-")]
    assert len(december) == 1 and "failed 2024-01-" in december[0]
    assert "2024-06-28" in report.footer


async def test_history_command_answers_anyone_and_rejects_bad_input(make_harness, shared_data):
    h = await make_harness(MarketData(CsvDirectoryProvider(shared_data)), extensions=("cogs.watch",))
    replies = [m for m in await h.slash("history", {"ticker": "IWM", "years": 10}) if m["kind"] == "followup"]
    assert len(replies) == 1 and replies[0]["content"].startswith("**IWM: ")
    assert replies[0]["allowed_mentions"] == {"parse": []}
    (bad,) = [m for m in await h.prefix("!history IWM 40") if m["kind"] == "message"]
    assert "1 to 10 years" in bad["content"]
