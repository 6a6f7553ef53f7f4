"""The words of a base, shared by the CLI summary and the embeds; the vocabulary they are made of."""

from datetime import date

import pandas as pd

from bot.analysis.models import BaseResult, Comparison, Level, NoBase
from bot.analysis.models import Test as Touch
from bot.words import base as words
from bot.words import vocabulary
from bot.words.compare import comparison_fields


def base(status="testing", **kw):
    defaults = dict(
        as_of=date(2023, 12, 15), timeframe="weekly", status=status, last_close=197.04, last_date=date(2023, 12, 15),
        resistance=Level(199.26, 198.75, 201.99), support=Level(162.5, 161.67, 162.78),
        tests=(Touch(date(2022, 8, 16), 201.99), Touch(date(2023, 2, 2), 199.26), Touch(date(2023, 7, 31), 198.75),
               Touch(date(2023, 12, 14), 200.04)),
        start=date(2022, 4, 4), weeks=88.0, depth_pct=18.4, distance_pct=-1.12, base_type="consolidation",
    )
    defaults.update(kw)
    return BaseResult(**defaults)


def test_headlines_say_what_the_status_means():
    assert words.base_headline("IWM", base()) == "IWM is testing resistance at 199.26 (4th test of a 1.7-year base)"
    # lengths as the announcement titles and the chart say them: weeks, from 78 weeks on years
    assert words.base_headline("IWM", base("in_base")) == "IWM is in a 1.7-year base, 1.1% below resistance"
    assert words.base_headline("IWM", base("in_base", weeks=18.0)) == "IWM is in an 18-week base, 1.1% below resistance"
    assert words.base_headline("IWM", base("in_base", weeks=43.0)) == "IWM is in a 43-week base, 1.1% below resistance"
    assert words.base_headline("IWM", base("in_base", weeks=8 * 52.0)) == "IWM is in an 8-year base, 1.1% below resistance"
    assert words.base_headline("IWM", base("breakout", breakout_date=date(2023, 12, 26))).endswith("broken out of its 1.7-year base")
    pressing = words.base_headline("IWM", base("pressing"))
    assert "above the 201.99 top" in pressing and "line 203.00" in pressing  # 201.99 x 1.005
    assert "failed" in words.base_headline("IWM", base("failed", breakout_date=date(2023, 12, 26)))
    none = BaseResult(as_of=date(2024, 1, 5), timeframe="weekly", status="no_base", last_close=1.0,
                      last_date=date(2024, 1, 5), why=NoBase("tested_once", price=478.52))
    assert words.base_headline("SPY", none) == "SPY: no base right now"
    assert ("Why", "No base: resistance near 478.52 was tested only once.") in words.base_fields(none)


def test_fields_list_every_test_with_its_date():
    fields = dict(words.base_fields(base()))
    assert fields["Tests (4)"].startswith("2022-08-16 (201.99), 2023-02-02 (199.26)")
    assert fields["Resistance"] == "199.26 (zone 198.75–201.99)"
    assert fields["To resistance"] == "-1.1% from 199.26"


def test_articles():
    assert [vocabulary.article(n) for n in (8, 11, 18, 80, 88, 100, 7, 21, 800)] == [
        "an", "an", "an", "an", "an", "a", "a", "a", "an"]


def test_ordinals():
    assert [vocabulary.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd"]


def test_ratio_wording_has_no_double_negative():
    idx = pd.to_datetime(["2023-01-03", "2023-01-04"])
    norm = pd.DataFrame({"IWM": [1.0, 1.05], "SPY": [1.0, 1.10]}, index=idx)
    c = Comparison(period="ytd", start=date(2023, 1, 3), end=date(2023, 1, 4), tickers=("IWM", "SPY"),
                   returns={"IWM": 5.0, "SPY": 10.0}, normalized=norm, ratio=norm["IWM"] / norm["SPY"])
    ratio = dict(comparison_fields(c))["Ratio IWM/SPY"]
    assert ratio == "0.955 — IWM underperformed SPY by 4.5%"
