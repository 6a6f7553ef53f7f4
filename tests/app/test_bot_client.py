"""create_bot wiring: dependencies, intents, mentions, extension loading, dev-guild sync, db lifecycle."""

from __future__ import annotations

import logging

import discord
import pytest
from discord_harness import BOT_ID, GUILD_ID, FailingProvider

from bot.app.client import BreakoutBot, create_bot
from bot.app.extensions import EXTENSIONS
from bot.errors import DataSourceError
from bot.market.service import MarketData
from bot.settings import Settings
from bot.store.db import Database


@pytest.fixture
def market():
    return MarketData(FailingProvider(DataSourceError("offline")))


def test_create_bot_wires_dependencies_without_connecting(market):
    settings = Settings(token="t", prefix="$", owner_ids=frozenset({7}))
    db = Database(":memory:")
    bot = create_bot(settings, market=market, db=db)
    assert isinstance(bot, BreakoutBot)
    assert bot.settings is settings and bot.services.market is market and bot.services.db is db
    assert bot.extension_names == EXTENSIONS
    assert bot.intents.message_content and bot.intents.guilds and not bot.intents.members
    assert bot.allowed_mentions.to_dict() == {"parse": []}
    assert bot.help_command is None and bot.owner_ids == {7}


async def test_prefix_and_mention_both_work(make_harness, market):
    h = await make_harness(market, settings=Settings(token="t", prefix="$"))
    for text in ("$help", f"<@{BOT_ID}> help", f"<@!{BOT_ID}> help"):
        sent = [m for m in await h.prefix(text) if m["kind"] == "message"]
        assert len(sent) == 1 and sent[0]["embeds"][0]["title"] == "breakout-bot commands", text
    assert [m for m in await h.prefix("!help") if m["kind"] == "message"] == []  # not our prefix


async def test_a_broken_or_missing_cog_does_not_stop_the_others(make_harness, market, tmp_path,
                                                               monkeypatch, caplog):
    (tmp_path / "broken_at_import.py").write_text("raise RuntimeError('syntax of doom')\n")
    (tmp_path / "broken_setup.py").write_text("async def setup(bot):\n    raise ValueError('no table')\n")
    (tmp_path / "no_setup.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("cogs.meta", "broken_at_import", "broken_setup", "no_setup", "cogs.not_written_yet", "cogs.charts")
    h = await make_harness(market, extensions=names)
    assert h.bot.loaded_extensions == ["cogs.meta", "cogs.charts"]
    assert set(h.bot.failed_extensions) == {"broken_at_import", "broken_setup", "no_setup", "cogs.not_written_yet"}
    assert "syntax of doom" in h.bot.failed_extensions["broken_at_import"]
    assert {c.name for c in h.bot.commands} >= {"base", "compare", "perf", "chart", "help", "about"}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "bot.app.client"]
    assert len(errors) == 3 and all(r.exc_info for r in errors)
    (about,) = [m for m in await h.prefix("!about") if m["kind"] == "message"]
    modules = {f["name"]: f["value"] for f in about["embeds"][0]["fields"]}["Modules not loaded"]
    assert "broken_setup" in modules


async def test_dev_guild_gets_a_copy_of_the_commands_on_start(make_harness, market):
    h = await make_harness(market, settings=Settings(token="t", dev_guild_id=GUILD_ID))
    (sync,) = [m for m in h.sent if m["kind"] == "sync"]
    assert {"base", "compare"} <= {c["name"] for c in sync["payload"]["commands"]}
    guild_cmds = h.bot.tree.get_commands(guild=discord.Object(id=GUILD_ID))
    assert "base" in {c.name for c in guild_cmds}


async def test_no_dev_guild_means_no_sync_on_start(make_harness, market):
    h = await make_harness(market)
    assert not [m for m in h.sent if m["kind"] == "sync"]


async def test_the_bot_starts_with_the_loop_first_switch_interval(make_harness, market):
    """The loop takes the GIL back from the lane within 1 ms, not Python's default 5 ms."""
    import sys

    from bot.threads import LOOP_SWITCH_INTERVAL

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        await make_harness(market)
        assert sys.getswitchinterval() == pytest.approx(LOOP_SWITCH_INTERVAL)
    finally:
        sys.setswitchinterval(before)


async def test_setup_opens_and_close_closes_the_database(make_harness, market, tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    h = await make_harness(market, db=db)
    from bot.store.migrate import HEAD

    assert await db.version() == HEAD  # migrations ran
    await h.close()
    with pytest.raises(RuntimeError):
        _ = db.engine


async def test_every_slash_command_fits_discords_limits(make_harness, market):
    """What sync would send: names, descriptions, options and choices within Discord's limits."""
    import re

    h = await make_harness(market)
    payloads = [c.to_dict(h.bot.tree) for c in h.bot.tree.get_commands()]
    assert {"base", "compare", "perf", "chart", "help", "about"} <= {p["name"] for p in payloads}
    assert len(payloads) <= 100

    def check(node, depth=0):
        assert re.fullmatch(r"[-_a-z0-9]{1,32}", node["name"]), node["name"]
        assert 1 <= len(node["description"]) <= 100, node
        options = node.get("options") or []
        assert len(options) <= 25
        required_seen_optional = False
        for option in options:
            if option["type"] in (1, 2):
                check(option, depth + 1)
                continue
            check({"name": option["name"], "description": option["description"]}, depth + 1)
            assert len(option.get("choices") or []) <= 25
            if option.get("required"):
                assert not required_seen_optional, f"required option after optional in {node['name']}"
            else:
                required_seen_optional = True

    for payload in payloads:
        check(payload)


async def test_shard_settings_make_an_auto_sharded_bot_that_posts_for_its_shards_only(make_harness, market):
    from discord.ext import commands

    from bot.store.shards import ShardSet

    settings = Settings(token="t", shard_count=4, shard_ids=(2, 3))
    h = await make_harness(market, settings=settings, extensions=("cogs.announcer",))
    assert isinstance(h.bot, commands.AutoShardedBot) and isinstance(h.bot, BreakoutBot)
    assert (h.bot.shard_count, h.bot.shard_ids) == (4, [2, 3])
    assert h.bot.get_cog("Announcer").sender.shards == ShardSet(4, frozenset({2, 3}))
    plain = create_bot(Settings(token="t"), market=market, db=Database(":memory:"))
    assert not isinstance(plain, commands.AutoShardedBot) and plain.shard_count is None
