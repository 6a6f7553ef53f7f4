"""`alerts intraday on|off` stored per server (both engines): off by default, kept beside the
other settings, and the servers the watch posts to are those with alerts and the switch on."""

from bot.store.guilds import GuildSettingsRepo

# ``db``: tests/store_engines.py (each test runs on SQLite and on PostgreSQL)


async def test_intraday_switch_is_per_server_and_off_by_default(db):
    guilds = GuildSettingsRepo(db)
    assert not (await guilds.get(1)).intraday_enabled
    await guilds.set_channel(1, 100)
    assert not (await guilds.get(1)).intraday_enabled  # alerts on does not turn intraday on
    assert (await guilds.set_intraday(1, True)).intraday_enabled
    assert not (await guilds.get(2)).intraday_enabled
    await guilds.set_intraday(2, True)  # on, but alerts are off: not a target
    await guilds.set_digest(1, True)
    s = await guilds.get(1)
    assert s.intraday_enabled and s.digest_enabled and s.alerts_channel_id == 100
    assert await guilds.intraday_targets() == [(1, 100)]
    await guilds.disable(1)
    assert await guilds.intraday_targets() == []
    assert not (await guilds.set_intraday(2, False)).intraday_enabled
