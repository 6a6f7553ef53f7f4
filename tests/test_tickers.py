import pytest

from bot.errors import InvalidTicker, TooManyTickers
from bot.tickers import normalize_ticker, normalize_tickers, yahoo_symbol


@pytest.mark.parametrize(
    "text, expected",
    [("$iwm", "IWM"), (" spy ", "SPY"), ("brk.b", "BRK.B"), ("BF-B", "BF-B"), ("^gspc", "^GSPC"),
     ("btc-usd", "BTC-USD"), ("es=f", "ES=F"), ("eurusd=x", "EURUSD=X")],
)
def test_accepts_and_normalises(text, expected):
    assert normalize_ticker(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "???", "TOOLONGTICKERNAME", "IW M", "123", "$", "<@123>", "a/b", "^^X", "DROP TABLE"])
def test_rejects_with_message(text):
    with pytest.raises(InvalidTicker) as err:
        normalize_ticker(text)
    assert str(err.value)


def test_many_dedupes_and_bounds():
    assert normalize_tickers(["iwm", "$IWM", "spy"]) == ["IWM", "SPY"]
    with pytest.raises(TooManyTickers):
        normalize_tickers([f"T{c}" for c in "ABCDEFG"], maximum=6)
    with pytest.raises(InvalidTicker):
        normalize_tickers(["IWM", "iwm"], minimum=2)


def test_yahoo_spelling():
    assert yahoo_symbol("BRK.B") == "BRK-B"
    assert yahoo_symbol("BTC-USD") == "BTC-USD"


def test_yahoo_symbol_keeps_exchange_suffixes():
    # US share classes are dashed on Yahoo; exchange suffixes keep their dot.
    assert yahoo_symbol("BF.B") == "BF-B" and yahoo_symbol("BRK.A") == "BRK-A"
    for symbol in ("SHOP.TO", "BHP.AX", "0700.HK", "SAP.DE", "VOD.L", "7203.T", "RY.TO", "NESN.SW"):
        assert yahoo_symbol(normalize_ticker(symbol)) == symbol


async def test_non_us_ticker_reaches_yahoo_with_its_dot():
    from datetime import date

    import pandas as pd
    from fakes import synthetic_daily

    from bot.market.yahoo import YahooProvider

    seen = {}

    def download(**kwargs):
        seen.update(kwargs)
        df = synthetic_daily()
        df["Adj Close"] = df["Close"]
        return pd.concat({"SHOP.TO": df}, axis=1, names=["Ticker", "Price"])

    got = await YahooProvider(download=download).fetch(["SHOP.TO"], date(2023, 1, 2))
    assert seen["tickers"] == ["SHOP.TO"] and set(got) == {"SHOP.TO"}
