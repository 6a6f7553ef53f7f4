"""Evidence gathered for a ticker on a day, from the price source, the market service and the
earnings twin; a part whose source fails is left out, the rest stays."""

from datetime import date

from fakes import FakeProvider

from bot.analysis.evidence import Evidence, evidence_at, market_state, rs_ranks_at, rs_score
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.earnings import CsvEarnings as Earnings
from bot.market.service import MarketData
from bot.services.evidence import gather_evidence
from bot.services.market import MarketService

SEED = date(2023, 12, 26)


async def test_the_seed_breakout_evidence(shared_data, load_daily, tmp_path):
    market = MarketData(CsvDirectoryProvider(shared_data))
    (tmp_path / "earnings.csv").write_text("IWM,2024-01-05\nAAPL,2024-01-05\n")
    iwm, spy = load_daily("IWM"), load_daily("SPY")
    daily = iwm[iwm.index <= "2023-12-26"]
    ev = await gather_evidence(market, daily, "IWM", market_state=MarketService(market), index="QQQ",
                               earnings=Earnings(tmp_path), rs_rank=55)
    expected = evidence_at(iwm, spy, SEED, market=market_state(load_daily("QQQ"), SEED, index="QQQ"), rs_rank=55)
    assert ev == expected  # IWM is an ETF: no earnings even when a file lists it
    assert ev.market.index == "QQQ" and ev.rs_high is False and ev.trend is not None
    aapl = await gather_evidence(market, daily, "AAPL", earnings=Earnings(tmp_path))
    assert (aapl.earnings, aapl.earnings_sessions) == (date(2024, 1, 5), 7)


async def test_a_missing_benchmark_or_index_leaves_only_that_part_out(load_daily):
    iwm = load_daily("IWM")
    daily = iwm[iwm.index <= "2023-12-26"]
    market = MarketData(FakeProvider({"IWM": iwm}))  # no SPY, no QQQ
    ev = await gather_evidence(market, daily, "IWM", market_state=MarketService(market), index="SPY")
    assert ev.rs_high is None and ev.market is None
    assert ev.volume_ratio is not None and ev.trend is not None
    assert ev == Evidence(volume_ratio=ev.volume_ratio, trend=ev.trend)


def test_rs_ranks_of_a_universe(universe_dir):
    from bot.market.csvdir import read_price_csv

    files = sorted(universe_dir.glob("*.csv.gz"))[:40]
    closes = {f.name.split(".")[0]: read_price_csv(f)["Close"] for f in files}
    ranks = rs_ranks_at(closes, SEED)
    scores = {t: rs_score(c, SEED) for t, c in closes.items()}
    assert set(ranks) == {t for t, s in scores.items() if s is not None} and len(ranks) >= 20
    best = max(ranks, key=lambda t: scores[t])
    worst = min(ranks, key=lambda t: scores[t])
    assert ranks[best] == 99 and ranks[worst] == 1
