"""`alert` commands (members' own alerts) through discord.py's real dispatch, prefix and slash:
every command and bad input, privacy (another member never sees them; ephemeral on slash, DM
for `!alert list`), a member leaving, the bot leaving, the limits, `alerts status` counts only."""

from __future__ import annotations

import pytest
from discord_harness import CHANNEL_ID, GUILD_ID
from scan_fakes import write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.store.personal_alerts import PersonalAlertRepo

EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.personal")


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "SPY"])))


def seen(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


def texts(sent):
    return [m["content"] for m in seen(sent)]


async def last_close(h, ticker="IWM") -> float:
    return await h.bot.services.personal._last_close(ticker)


async def test_add_list_remove_via_prefix_and_slash(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    close = await last_close(h)
    above = round(close * 1.1, 2)
    (reply,) = texts(await h.prefix(f"!alert add IWM above {above}"))
    assert "Alert set: IWM above" in reply and "(1 of 25)" in reply and "by DM" in reply
    (reply,) = seen(await h.slash("alert add", {"ticker": "iwm", "what": "breakout"}))
    assert reply["ephemeral"] and "IWM: a breakout" in reply["content"] and "(2 of 25)" in reply["content"]
    (reply,) = texts(await h.prefix("!alert add $IWM move 5%"))
    assert "daily move of 5.0% or more" in reply
    (reply,) = texts(await h.prefix(f"!alert add IWM below {round(close * 0.9, 2)}"))
    assert "(4 of 25)" in reply

    # !alert list: by DM, never in the channel
    sent = await h.prefix("!alert list")
    dms = h.dms(h.user.id)
    assert len(dms) == 1 and "1. IWM above" in dms[0]["content"] and "4. IWM below" in dms[0]["content"]
    in_channel = [m for m in seen(sent) if m.get("dm_to") is None]
    assert [m["content"] for m in in_channel] == ["📬 I sent your alerts to you by DM."]
    (listing,) = seen(await h.slash("alert list", {}))
    assert listing["ephemeral"] and "2. IWM: a breakout" in listing["content"]

    (reply,) = texts(await h.prefix("!alert remove 2"))
    assert reply == "Removed: IWM: a breakout."
    (reply,) = seen(await h.slash("alert remove", {"which": "9"}))
    assert reply["ephemeral"] and "a number from 1 to 3" in reply["content"]
    (reply,) = seen(await h.slash("alert via", {"where": "channel"}))
    assert reply["ephemeral"] and "has none yet" in reply["content"]
    (reply,) = texts(await h.prefix("!alert via pigeon"))
    assert "say `dm` or `channel`" in reply
    (reply,) = texts(await h.prefix("!alert remove all"))
    assert "Removed all your alerts here (3 alerts)" in reply
    assert await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id) == []


@pytest.mark.parametrize("args, expected", [
    ("IWM above 0", "give a price above 0"),
    ("IWM above -5", "give a price above 0"),
    ("IWM above abc", "`abc` is not a level"),
    ("IWM above", "`above` needs a price"),
    ("IWM move 0%", "give a percentage above 0"),
    ("IWM sideways", "`sideways` is not something I can watch"),
    ("NOPE above 10", "I have no price data for `NOPE`"),
    ("IWM breakout 5", "`breakout` takes no number"),
])
async def test_bad_input_one_line_nothing_stored(make_harness, market, args, expected):
    h = await make_harness(market, extensions=EXTENSIONS)
    for run in (lambda: h.prefix(f"!alert add {args}"),
                lambda: h.slash("alert add", dict(zip(("ticker", "what", "value"), args.split())))):
        replies = seen(await run())
        assert len(replies) == 1 and expected in replies[0]["content"], replies
        assert "\n" not in replies[0]["content"]
    assert await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id) == []


async def test_already_crossed_and_duplicate(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    close = await last_close(h)
    level = int(close) - 1  # the last close is above it
    (reply,) = texts(await h.prefix(f"!alert add IWM above {level}"))
    assert reply.endswith(f"IWM closed at {close:,.2f}, already above {level} — did you mean below? Nothing was stored.")
    (reply,) = texts(await h.prefix("!alert add IWM test"))
    assert "Alert set" in reply
    (reply,) = seen(await h.slash("alert add", {"ticker": "IWM", "what": "test"}))
    assert reply["ephemeral"] and "You already have that alert (IWM: a test of resistance)" in reply["content"]
    assert len(await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id)) == 1


async def test_another_member_never_sees_or_removes_them(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    other = h.member()
    await h.prefix("!alert add IWM breakout")
    (reply,) = seen(await h.slash("alert list", {}, author=other))
    assert reply["ephemeral"] and "You have no alerts" in reply["content"] and "breakout" not in reply["content"]
    await h.prefix("!alert list", author=other)
    assert h.dms(other.id) and all("breakout" not in m["content"] for m in h.dms(other.id))
    (reply,) = texts(await h.prefix("!alert remove 1", author=other))
    assert "You have no alerts" in reply
    (reply,) = texts(await h.prefix("!alert remove all", author=other))
    assert "You had no alerts here." == reply
    assert len(await PersonalAlertRepo(h.bot.services.db).list(GUILD_ID, h.user.id)) == 1


async def test_list_with_closed_dms_says_so_in_one_line(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    await h.prefix("!alert add IWM breakout")
    h.dm_closed.add(h.user.id)
    (reply,) = texts(await h.prefix("!alert list"))
    assert "can't DM you" in reply and "IWM" not in reply


async def test_member_leaving_and_bot_leaving_delete_their_alerts(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    stayer = h.member()
    await h.prefix("!alert add IWM breakout")
    await h.prefix("!alert add IWM failed", author=stayer)
    repo = PersonalAlertRepo(h.bot.services.db)
    # Discord's GUILD_MEMBER_REMOVE through the connection's own parser
    h.state.parse_guild_member_remove({"guild_id": str(GUILD_ID), "user": h.user.user_payload()})
    await h.settle()
    assert await repo.list(GUILD_ID, h.user.id) == []
    assert len(await repo.list(GUILD_ID, stayer.id)) == 1
    h.state.parse_guild_delete({"id": str(GUILD_ID)})  # the bot was removed from the server
    await h.settle()
    assert await repo.list(GUILD_ID, stayer.id) == []


async def test_limits_are_stated_and_hold(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    repo = PersonalAlertRepo(h.bot.services.db)
    for i in range(25):
        await repo.add(GUILD_ID, h.user.id, "IWM", "move", float(i + 1))
    (reply,) = texts(await h.prefix("!alert add IWM breakout"))
    assert "You have 25 alerts in this server, the most a member can have." in reply
    (reply,) = seen(await h.slash("alert add", {"ticker": "IWM", "what": "breakout"}))
    assert reply["ephemeral"] and "the most a member can have" in reply["content"]
    assert len(await repo.list(GUILD_ID, h.user.id)) == 25
    # the server's limit: 1,000 over the members
    for m in range(1, 40):
        for i in range(25):
            if 25 * m + i >= 1000:
                break
            await repo.add(GUILD_ID, 10_000 + m, "IWM", "move", float(i + 1))
    (reply,) = texts(await h.prefix("!alert add IWM breakout", author=h.member()))
    assert "This server has 1,000 personal alerts, the most a server can have." in reply


async def test_alerts_status_shows_counts_only(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    await h.prefix("!alert add IWM breakout")
    await h.prefix("!alert add SPY any")
    await h.prefix("!alert add IWM test", author=h.member())
    (status,) = texts(await h.prefix("!alerts status", author=h.admin))
    assert "Personal alerts: 2 members, 3 alerts (IWM 2, SPY 1)." in status
    assert f"<@{h.user.id}>" not in status and "breakout" not in status


async def test_via_channel_with_an_alerts_channel(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    await h.prefix(f"!alerts channel <#{CHANNEL_ID}>", author=h.admin)
    (reply,) = texts(await h.prefix("!alert via channel"))
    assert reply == "Your alerts will be posted in the alerts channel, mentioning only you."
    await h.prefix("!alert add IWM any")
    await h.prefix("!alert list")
    assert "in the alerts channel, mentioning you" in h.dms(h.user.id)[-1]["content"]
