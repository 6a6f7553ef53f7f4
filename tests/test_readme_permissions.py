"""The README's invite permissions are the integers discord.py gives for the permissions it names."""

from __future__ import annotations

import re
from pathlib import Path

import discord

README = Path(__file__).resolve().parents[1] / "README.md"
NEEDED = dict(send_messages=True, embed_links=True, attach_files=True, use_application_commands=True,
              create_public_threads=True, send_messages_in_threads=True)


def test_invite_integers_are_the_named_permissions():
    text = README.read_text(encoding="utf-8")
    invite = int(re.search(r"oauth2/authorize\?[^`\s]*permissions=(\d+)", text).group(1))
    assert invite == discord.Permissions(**NEEDED).value
    wider = int(re.search(r"use `permissions=(\d+)`", text).group(1))
    assert wider == discord.Permissions(**NEEDED, view_channel=True, read_message_history=True).value
    assert f"`{invite}` = " in text


def test_the_announcer_asks_for_the_thread_permissions_the_readme_names():
    from cogs.announcer import NEEDED as POSTING
    from cogs.announcer import THREAD_NEEDED

    assert set(POSTING) | set(THREAD_NEEDED) <= set(NEEDED) | {"view_channel"}
