"""Fixtures of the command-line tests: a Discord login that never touches the network."""

from __future__ import annotations

import logging

import discord
import pytest


@pytest.fixture
def fake_discord(monkeypatch):
    """Log in without a network: static_login and application_info answer, connect returns."""
    calls = {}

    async def static_login(self, token):
        calls["token"] = token
        return {"id": "1", "username": "breakout-bot", "discriminator": "0", "avatar": None, "bot": True}

    async def application_info(self):
        return {"id": "2", "name": "breakout-bot", "icon": None, "description": "", "bot_public": True,
                "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0, "summary": "",
                "owner": {"id": "3", "username": "owner", "discriminator": "0", "avatar": None}}

    async def connect(self, *, reconnect=True):
        calls["extensions"] = list(self.extensions)
        logging.getLogger("discord.gateway").info("pretending to connect")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", static_login)
    monkeypatch.setattr(discord.http.HTTPClient, "application_info", application_info)
    monkeypatch.setattr(discord.Client, "connect", connect)
    return calls


@pytest.fixture(autouse=True)
def restore_root_logger():
    """The CLI sets the root logger's level and handler (``-vv`` is DEBUG): put them back after
    each test, so later tests do not print every library's debug lines."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
