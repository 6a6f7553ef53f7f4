"""The sentences every report shares: which tickers' prices end early, the compare chart's title."""

from datetime import date

from bot.words.charts import compare_title
from bot.words.reports import ends_earlier


def test_ends_earlier_groups_by_day_and_names_the_rest():
    d1, d2, d3 = date(2025, 9, 24), date(2025, 9, 25), date(2025, 9, 26)
    assert ends_earlier({"SPY": d3, "QQQ": d3}) == ""
    assert ends_earlier({}) == ""
    assert ends_earlier({"SPY": d3, "XLK": d2, "XLC": d2}) == "Prices of XLC, XLK end on 2025-09-25, before SPY's (2025-09-26)."
    text = ends_earlier({"A": d1, "B": d2, "C": d3, "D": d3, "E": d3, "F": d3})
    assert text == "Prices of A end on 2025-09-24; B end on 2025-09-25, before the others' (2025-09-26)."


def test_compare_title_writes_the_period_as_the_text_does():
    assert compare_title(["IWM", "SPY"], "ytd") == "IWM vs SPY · YTD"
    assert compare_title(list("ABCDE"), "1y") == "5 tickers · 1Y"
