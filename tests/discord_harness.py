"""Drive the real bot through discord.py's own dispatch, with no network.

Everything below the HTTP layer is real: command parsing, converters, checks, cooldowns,
hybrid/slash transformers, autocomplete, views, embeds and attachments as discord.py
serialises them. Only the two exits to Discord are replaced by recorders:
``bot.http`` (channel messages) and ``discord.webhook.async_.async_context``
(interaction responses and followups).

API
---
``harness = await DiscordHarness.start(bot)``  (or the ``make_harness`` fixture)
    Runs ``bot._async_setup_hook()`` and ``bot.setup_hook()`` (db + extensions), gives the
    connection a ClientUser, an application id and one guild with text channel
    ``harness.channel``. ``await harness.close()`` closes the bot (and its db).
``harness.member(manage_guild=False, owner=False, user_id=None) -> Author``
    A server member; ``manage_guild=True`` gives them a role with Manage Server,
    ``owner=True`` makes them the guild owner. ``harness.user`` is a plain member,
    ``harness.admin`` one with Manage Server.
``await harness.prefix("!base IWM", author=None) -> list[dict]``
    Builds a ``discord.Message`` and runs ``bot.get_context`` + ``bot.invoke``; waits for
    the error handler and other scheduled events; returns what the bot sent meanwhile.
``await harness.slash("base", {"ticker": "IWM"}, author=None) -> list[dict]``
    An application-command interaction (``"watch add"`` reaches a subcommand) through
    ``bot.tree._call``. Option types come from the registered command.
``await harness.autocomplete("base", {"ticker": "IW"}, focused="ticker") -> list[dict]``
    Returns the suggested choices (``[{"name":…, "value":…}]``).
``await harness.click(custom_id, message, author=None) -> list[dict]``
    A button press on a recorded message, dispatched by ``parse_interaction_create``.
``harness.view_for(message)`` — the live View on a recorded message (e.g. to call ``on_timeout``).
``harness.reset_cooldowns()`` — forget every command's cooldown.
``harness.sent`` — every recorded message/edit, oldest first; ``harness.reset()`` clears.
Threads: ``message.create_thread`` is recorded as kind "thread" (``id`` the thread's, which is
the message's as on Discord; ``payload`` its name and archive duration) and the thread can be
fetched; a thread edit is kind "thread_edit". A message's ``channel_id`` says where it went (a
thread's id for a post in it). ``harness.delete_thread(id)`` makes Discord answer 404 there.

A recorded message is a dict: ``kind`` ("message" = channel send, "response" = interaction
reply, "followup", "edit", "defer", "delete", "autocomplete", "typing", "sync" = command
upload, "reaction" = the bot reacting to a member's message: ``payload["emoji"]``),
``id``/``message_id`` (the message created, edited or deleted),
``content``, ``embeds`` (list of embed dicts), ``files`` (list of ``{"name", "bytes"}``),
``allowed_mentions``, ``ephemeral`` (bool), ``components``, ``payload`` (raw JSON).
``harness.messages()`` lists the ones users would see (new messages and responses).

Also here: ``FailingProvider(error)`` and ``HangingProvider()`` (price sources for error
paths), ``is_png(bytes)``, and the ids ``GUILD_ID``, ``CHANNEL_ID``, ``BOT_ID``, ``OWNER_ID``.
Test modules import from here directly (``tests/`` is on ``sys.path`` under pytest).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import Any

import discord
from discord.utils import time_snowflake, utcnow

GUILD_ID = 900_000_000_000_000_001
CHANNEL_ID = 900_000_000_000_000_002
BOT_ID = 900_000_000_000_000_003
APP_ID = 900_000_000_000_000_004
MANAGER_ROLE_ID = 900_000_000_000_000_005
OWNER_ID = 900_000_000_000_000_006
EVERYONE_PERMS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True,
                                     attach_files=True, read_message_history=True, use_application_commands=True)
EPHEMERAL = 64


# What members saw that they must never see (a host path, a URL, a traceback line): every test
# fails on one (the autouse fixture below), whatever the test itself checks.
LEAKS: list[str] = []


def member_texts(payload: dict) -> list[str]:
    """Every text of a message as a member reads it: content, embeds, button labels."""
    out = [payload.get("content") or ""]
    for e in payload.get("embeds") or []:
        out += [e.get("title") or "", e.get("description") or "", (e.get("footer") or {}).get("text") or "",
                (e.get("author") or {}).get("name") or ""]
        out += [f"{f.get('name', '')}\n{f.get('value', '')}" for f in e.get("fields") or []]
    for row in payload.get("components") or []:
        out += [c.get("label") or "" for c in row.get("components") or []]
    return [t for t in out if t]


def leaks_in(payload: dict) -> list[str]:
    from bot.words.errors import leaks

    return [leak for text in member_texts(payload) for leak in leaks(text)]


EMBED_TOTAL_MAX, DESCRIPTION_MAX, FIELD_MAX = 6000, 4096, 1024  # Discord's embed limits


def only_reply(sent: list[dict]) -> dict:
    """The one message a member saw (a message, a slash response or its follow-up)."""
    visible = [m for m in sent if m["kind"] in ("message", "response", "followup")]
    assert len(visible) == 1, visible
    return visible[0]


def check_embed_limits(embed: dict) -> None:
    """Fails unless Discord would take ``embed``: its total, its description and each field."""
    total = len(embed.get("title", "")) + len(embed.get("description", "")) + len(embed.get("footer", {}).get("text", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    assert total <= EMBED_TOTAL_MAX and len(embed.get("description", "")) <= DESCRIPTION_MAX
    assert all(len(f["value"]) <= FIELD_MAX for f in embed.get("fields", []))


@dataclass(frozen=True)
class Author:
    id: int
    name: str
    manage_guild: bool = False

    def user_payload(self) -> dict:
        return {"id": str(self.id), "username": self.name, "discriminator": "0", "global_name": self.name,
                "avatar": None, "bot": False}

    def member_payload(self, *, with_user: bool = True) -> dict:
        roles = [str(MANAGER_ROLE_ID)] if self.manage_guild else []
        perms = EVERYONE_PERMS.value | (discord.Permissions(manage_guild=True).value if self.manage_guild else 0)
        data = {"roles": roles, "joined_at": utcnow().isoformat(), "deaf": False, "mute": False, "flags": 0,
                "permissions": str(perms)}
        if with_user:
            data["user"] = self.user_payload()
        return data


def _role(role_id: int, name: str, perms: int, position: int) -> dict:
    return {"id": str(role_id), "name": name, "permissions": str(perms), "position": position, "color": 0,
            "hoist": False, "managed": False, "mentionable": False, "flags": 0}


def decode(payload: dict | None, multipart: list | None, files) -> tuple[dict, list[dict]]:
    """The JSON body and the files of one request, whether multipart or not."""
    if payload is None and multipart:
        payload = next((json.loads(p["value"]) for p in multipart if p.get("name") == "payload_json"), {})
    out = []
    for f in files or ():
        f.reset()
        out.append({"name": f.filename, "bytes": f.fp.read()})
    return dict(payload or {}), out


DM_OFFSET = 10**19  # a member's DM channel id: their id + this (no real channel id is that large)


@dataclass(frozen=True)
class _Response:
    """What discord.HTTPException reads of an aiohttp response."""

    status: int
    reason: str


class DiscordHarness:
    def __init__(self, bot, worker: int = 0):
        self.bot = bot
        self.worker = worker  # the snowflake's worker bits: processes sharing one "Discord" need their own
        self.state = bot._connection
        self.sent: list[dict] = []
        self.stored: dict[int, dict] = {}  # message id -> message payload as Discord would return it
        self.originals: dict[str, int] = {}  # interaction token -> id of its original response
        self._ids = itertools.count(1)
        self._events: set[asyncio.Task] = set()
        self._recorder = _WebhookRecorder(self)
        self._previous_adapter = None
        self.threads: dict[int, dict] = {}  # thread id -> its payload
        self.deleted: set[int] = set()  # channel/thread ids that Discord now answers 404 for
        self.user = self.member()
        self.admin = self.member(manage_guild=True)
        # DMs: a member's DM channel id is their id + DM_OFFSET; members whose DMs refuse the bot
        # (a 403 like Discord's) and members who left the server (fetch_member: 404)
        self.dm_closed: set[int] = set()
        self.departed: set[int] = set()

    # ---- set-up --------------------------------------------------------------------
    @classmethod
    async def start(cls, bot, worker: int = 0) -> "DiscordHarness":
        self = cls(bot, worker)
        await bot._async_setup_hook()
        self._install_recorders()
        self.state.user = discord.ClientUser(state=self.state, data=self._bot_user())
        self.state.application_id = APP_ID
        self.guild = self.state._add_guild_from_data(self._guild_payload())
        self.channel = self.guild.get_channel(CHANNEL_ID)
        await bot.setup_hook()
        return self

    async def close(self) -> None:
        await self.settle()
        store = self.state._view_store
        for view in {item.view for items in store._views.values() for item in items.values() if item.view}:
            view.stop()  # cancels its timeout task
        await self.bot.close()
        if self._previous_adapter is not None:
            discord.webhook.async_.async_context.set(self._previous_adapter)

    def member(self, *, manage_guild: bool = False, owner: bool = False, user_id: int | None = None) -> Author:
        uid = OWNER_ID if owner else (user_id or self._snowflake())
        return Author(uid, f"user{uid % 10_000}", manage_guild=manage_guild)

    def _snowflake(self) -> int:
        """A new id, laid out as Discord's: milliseconds, then 10 worker bits, then a 12-bit
        increment. Two processes posting in the same millisecond differ by their worker (a thread's
        id is its message's, so a shared id would merge two servers' threads)."""
        return time_snowflake(utcnow()) | (self.worker & 0x3FF) << 12 | next(self._ids) & 0xFFF

    def _bot_user(self) -> dict:
        return {"id": str(BOT_ID), "username": "breakout-bot", "discriminator": "0", "avatar": None,
                "bot": True, "global_name": None}

    def _guild_payload(self) -> dict:
        return {
            "id": str(GUILD_ID), "name": "Test Traders", "owner_id": str(OWNER_ID), "unavailable": False,
            "roles": [_role(GUILD_ID, "@everyone", EVERYONE_PERMS.value, 0),
                      _role(MANAGER_ROLE_ID, "Managers", discord.Permissions(manage_guild=True).value, 1)],
            "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "charts", "position": 0,
                          "permission_overwrites": [], "guild_id": str(GUILD_ID), "nsfw": False}],
            "members": [{"user": self._bot_user(), "roles": [], "joined_at": utcnow().isoformat(),
                         "deaf": False, "mute": False, "flags": 0}],
            "member_count": 2, "emojis": [], "stickers": [], "features": [], "threads": [],
            "premium_tier": 0, "preferred_locale": "en-US",
        }

    # ---- recorders -----------------------------------------------------------------
    def _install_recorders(self) -> None:
        http = self.bot.http
        http.send_message = self._send_message
        http.edit_message = self._edit_message
        http.delete_message = self._delete_message
        http.send_typing = self._typing
        http.add_reaction = self._react
        http.bulk_upsert_global_commands = self._upsert_commands
        http.bulk_upsert_guild_commands = self._upsert_guild_commands
        http.application_info = self._application_info
        http.start_thread_with_message = self._start_thread
        self._get_channel = http.get_channel
        http.get_channel = self._fetch_channel
        http.edit_channel = self._edit_channel
        http.start_private_message = self._start_private_message
        http.get_user = self._get_user
        http.get_member = self._get_member
        http.logs_from = self._logs_from
        self._previous_adapter = discord.webhook.async_.async_context.get()
        self._use_recorder()
        original = self.bot._schedule_event

        def schedule(*args, **kwargs):
            task = original(*args, **kwargs)
            self._events.add(task)
            task.add_done_callback(self._events.discard)
            return task

        self.bot._schedule_event = schedule

    def _use_recorder(self) -> None:
        # Context variables do not always flow from a fixture into the test: set it per call.
        discord.webhook.async_.async_context.set(self._recorder)

    def _message_payload(self, payload: dict, files: list[dict], *, message_id: int | None = None,
                         channel_id: int = CHANNEL_ID) -> dict:
        mid = message_id or self._snowflake()
        attachments = [{"id": str(self._snowflake()), "filename": f["name"], "size": len(f["bytes"]),
                        "url": f"https://cdn.invalid/{f['name']}", "proxy_url": f"https://cdn.invalid/{f['name']}"}
                       for f in files]
        msg = {"id": str(mid), "channel_id": str(channel_id), "author": self._bot_user(),
               "content": payload.get("content") or "", "embeds": payload.get("embeds") or [],
               "attachments": attachments, "components": payload.get("components") or [],
               "timestamp": utcnow().isoformat(), "edited_timestamp": None, "tts": False,
               "mention_everyone": False, "mentions": [], "mention_roles": [], "pinned": False, "type": 0,
               "flags": payload.get("flags", 0) or 0}
        if channel_id < DM_OFFSET:  # the guild's channel or one of its threads
            msg["guild_id"] = str(GUILD_ID)
        self.stored[mid] = msg
        return msg

    def record(self, kind: str, payload: dict, files: list[dict], *, message_id: int | None = None) -> dict:
        LEAKS.extend(f"{kind}: {leak}" for leak in leaks_in(payload))
        entry = {"kind": kind, "id": message_id, "message_id": message_id, "content": payload.get("content"),
                 "embeds": payload.get("embeds") or [], "files": files,
                 "allowed_mentions": payload.get("allowed_mentions"),
                 "ephemeral": bool((payload.get("flags") or 0) & EPHEMERAL),
                 "components": payload.get("components") or [], "payload": payload}
        self.sent.append(entry)
        return entry

    def _new_message(self, kind: str, payload: dict, files: list[dict], *, message_id: int | None = None,
                     channel_id: int = CHANNEL_ID) -> dict:
        msg = self._message_payload(payload, files, message_id=message_id, channel_id=channel_id)
        entry = self.record(kind, payload, files, message_id=int(msg["id"]))
        entry["channel_id"] = channel_id
        entry["dm_to"] = channel_id - DM_OFFSET if channel_id > DM_OFFSET else None
        return msg

    def _edited(self, message_id: int, payload: dict, files: list[dict]) -> dict:
        self.record("edit", payload, files, message_id=message_id)
        old = self.stored.get(message_id, {})
        merged = {k: v for k, v in old.items()} | {k: v for k, v in payload.items() if k in ("content", "embeds", "components", "flags")}
        if "attachments" in payload or files:
            return self._message_payload(merged, files, message_id=message_id)
        msg = self._message_payload(merged, [], message_id=message_id)
        msg["attachments"] = old.get("attachments", [])
        return msg

    async def _send_message(self, channel_id, *, params):
        if int(channel_id) in self.deleted:
            raise self.not_found("Unknown Channel", 10003)
        payload, files = decode(params.payload, params.multipart, params.files)
        channel_id = int(channel_id)
        if channel_id > DM_OFFSET and channel_id - DM_OFFSET in self.dm_closed:
            raise discord.Forbidden(_Response(403, "Forbidden"),
                                    {"code": 50007, "message": "Cannot send messages to this user"})
        return self._new_message("message", payload, files, channel_id=channel_id)

    @staticmethod
    def not_found(message: str, code: int) -> discord.NotFound:
        from types import SimpleNamespace

        return discord.NotFound(SimpleNamespace(status=404, reason="Not Found"), {"code": code, "message": message})

    def delete_thread(self, thread_id: int) -> None:
        self.deleted.add(int(thread_id))

    async def _start_thread(self, channel_id, message_id, *, name, auto_archive_duration, rate_limit_per_user=None,
                            reason=None):
        tid = int(message_id)
        data = {"id": str(tid), "guild_id": str(GUILD_ID), "parent_id": str(channel_id), "owner_id": str(BOT_ID),
                "name": name, "type": 11, "last_message_id": None, "rate_limit_per_user": rate_limit_per_user or 0,
                "message_count": 0, "member_count": 1, "flags": 0,
                "thread_metadata": {"archived": False, "auto_archive_duration": auto_archive_duration,
                                    "archive_timestamp": utcnow().isoformat(), "locked": False}}
        self.threads[tid] = data
        self.record("thread", {"name": name, "auto_archive_duration": auto_archive_duration}, [], message_id=tid)
        self.sent[-1]["channel_id"] = int(channel_id)
        return data

    async def _fetch_channel(self, channel_id):
        cid = int(channel_id)
        if cid in self.deleted:
            raise self.not_found("Unknown Channel", 10003)
        if cid in self.threads:
            return self.threads[cid]
        return await self._get_channel(channel_id)

    async def _edit_channel(self, channel_id, *, reason=None, **options):
        cid = int(channel_id)
        if cid in self.deleted:
            raise self.not_found("Unknown Channel", 10003)
        self.record("thread_edit", dict(options), [], message_id=cid)
        if cid in self.threads and "archived" in options:
            self.threads[cid]["thread_metadata"]["archived"] = options["archived"]
        return self.threads.get(cid, {})

    async def _start_private_message(self, user_id):
        uid = int(user_id)
        return {"id": str(uid + DM_OFFSET), "type": 1, "last_message_id": None,
                "recipients": [Author(uid, f"user{uid % 10_000}").user_payload()]}

    async def _get_user(self, user_id):
        uid = int(user_id)
        return Author(uid, f"user{uid % 10_000}").user_payload()

    async def _get_member(self, guild_id, user_id):
        uid = int(user_id)
        if uid in self.departed:
            raise discord.NotFound(_Response(404, "Not Found"), {"code": 10007, "message": "Unknown Member"})
        return Author(uid, f"user{uid % 10_000}").member_payload()

    async def _logs_from(self, channel_id, limit, before=None, after=None, around=None):
        mine = [m for m in self.stored.values() if int(m["channel_id"]) == int(channel_id)]
        return sorted(mine, key=lambda m: -int(m["id"]))[:limit]

    def dms(self, user_id: int) -> list[dict]:
        """What the bot sent the member by DM."""
        return [m for m in self.sent if m.get("dm_to") == user_id]

    async def _edit_message(self, channel_id, message_id, *, params):
        payload, files = decode(params.payload, params.multipart, params.files)
        return self._edited(int(message_id), payload, files)

    async def _delete_message(self, channel_id, message_id, *, reason=None):
        self.record("delete", {}, [], message_id=int(message_id))

    async def _react(self, channel_id, message_id, emoji):
        self.record("reaction", {"emoji": emoji}, [], message_id=int(message_id))

    async def _typing(self, channel_id):
        self.record("typing", {}, [])

    async def _upsert_commands(self, application_id, payload):
        self.record("sync", {"commands": payload}, [])
        return [dict(p, id=str(self._snowflake()), application_id=str(APP_ID), version="1") for p in payload]

    async def _upsert_guild_commands(self, application_id, guild_id, payload):
        return await self._upsert_commands(application_id, payload)

    async def _application_info(self):
        return {"id": str(APP_ID), "name": "breakout-bot", "icon": None, "description": "", "bot_public": True,
                "bot_require_code_grant": False, "owner": Author(OWNER_ID, "owner").user_payload(),
                "verify_key": "0" * 64, "flags": 0, "summary": ""}

    # ---- driving -------------------------------------------------------------------
    async def settle(self) -> None:
        """Wait for dispatched events (e.g. on_command_error) and button callbacks to finish."""
        store = self.state._view_store
        for _ in range(50):
            pending = [t for t in self._events | store._ViewStore__tasks if not t.done()]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)

    def _since(self, start: int) -> list[dict]:
        return self.sent[start:]

    def reset(self) -> None:
        self.sent.clear()

    def view_for(self, message: dict | int):
        """The live View attached to a recorded message."""
        mid = message if isinstance(message, int) else int(message["message_id"])
        return self.state._view_store._synced_message_views[mid]

    def reset_cooldowns(self) -> None:
        """Forget every command's cooldown (for tests that invoke a command many times)."""
        for command in self.bot.walk_commands():
            if command._buckets.valid:
                command._buckets._cache.clear()
        from bot.app.rate import RateBucket

        self.bot.render_bucket = RateBucket()  # the members' one bucket for renders and screens

    def messages(self) -> list[dict]:
        return [m for m in self.sent if m["kind"] in ("message", "response", "followup")]

    async def prefix(self, content: str, *, author: Author | None = None) -> list[dict]:
        author = author or self.user
        self._use_recorder()
        start = len(self.sent)
        data = {"id": str(self._snowflake()), "channel_id": str(CHANNEL_ID), "guild_id": str(GUILD_ID),
                "author": author.user_payload(), "member": author.member_payload(with_user=False),
                "content": content, "timestamp": utcnow().isoformat(), "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": [], "pinned": False, "type": 0, "flags": 0}
        message = discord.Message(state=self.state, channel=self.channel, data=data)
        ctx = await self.bot.get_context(message)
        await self.bot.invoke(ctx)
        await self.settle()
        return self._since(start)

    def _interaction(self, itype: int, data: dict, author: Author, message: dict | None = None) -> dict:
        payload = {"id": str(self._snowflake()), "application_id": str(APP_ID), "type": itype,
                   "token": f"itx-{next(self._ids)}", "version": 1, "guild_id": str(GUILD_ID),
                   "channel_id": str(CHANNEL_ID),
                   "channel": {"id": str(CHANNEL_ID), "type": 0, "name": "charts", "guild_id": str(GUILD_ID),
                               "position": 0, "permission_overwrites": [], "nsfw": False},
                   "member": author.member_payload(), "app_permissions": str(discord.Permissions.all().value),
                   "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
                   "authorizing_integration_owners": {}, "context": 0, "attachment_size_limit": 10 * 1024 * 1024,
                   "data": data}
        if message is not None:
            payload["message"] = message
        return payload

    def _command_data(self, name: str, options: dict[str, Any], focused: str | None = None) -> dict:
        parts = name.split()
        command = self.bot.tree.get_command(parts[0])
        if command is None:
            raise LookupError(f"no slash command named {parts[0]!r}")
        leaf = command
        for part in parts[1:]:
            leaf = leaf.get_command(part)
        types = {p.name: p.type.value for p in leaf.parameters}
        opts = [{"name": k, "type": types.get(k, 3), "value": v, **({"focused": True} if k == focused else {})}
                for k, v in options.items() if v is not None]
        for depth, part in reversed(list(enumerate(parts[1:], start=1))):
            opts = [{"name": part, "type": 1 if depth == len(parts) - 1 else 2, "options": opts}]
        return {"id": str(self._snowflake()), "name": parts[0], "type": 1, "options": opts}

    async def _run_tree(self, interaction: discord.Interaction) -> None:
        try:
            await self.bot.tree._call(interaction)
        except discord.app_commands.AppCommandError as exc:  # as CommandTree._from_interaction does
            await self.bot.tree._dispatch_error(interaction, exc)

    async def slash(self, name: str, options: dict[str, Any] | None = None, *,
                    author: Author | None = None) -> list[dict]:
        self._use_recorder()
        start = len(self.sent)
        data = self._interaction(2, self._command_data(name, options or {}), author or self.user)
        await self._run_tree(discord.Interaction(state=self.state, data=data))
        await self.settle()
        return self._since(start)

    async def autocomplete(self, name: str, options: dict[str, Any], *, focused: str,
                           author: Author | None = None) -> list[dict]:
        self._use_recorder()
        start = len(self.sent)
        data = self._interaction(4, self._command_data(name, options, focused), author or self.user)
        await self._run_tree(discord.Interaction(state=self.state, data=data))
        await self.settle()
        found = [m for m in self._since(start) if m["kind"] == "autocomplete"]
        return found[-1]["payload"]["choices"] if found else []

    async def click(self, custom_id: str, message: dict | int, *, author: Author | None = None) -> list[dict]:
        """Press button ``custom_id`` on a recorded message (its dict from ``sent`` or its id)."""
        mid = message if isinstance(message, int) else int(message["message_id"])
        self._use_recorder()
        start = len(self.sent)
        data = self._interaction(3, {"custom_id": custom_id, "component_type": 2}, author or self.user,
                                 message=self.stored[mid])
        self.originals[data["token"]] = mid
        self.state.parse_interaction_create(data)
        await self.settle()
        return self._since(start)


class _WebhookRecorder:
    """Stands in for discord.py's AsyncWebhookAdapter: interaction responses and followups."""

    def __init__(self, harness: DiscordHarness):
        self.h = harness

    async def create_interaction_response(self, interaction_id, token, *, session, proxy=None,
                                          proxy_auth=None, params):
        body, files = decode(params.payload, params.multipart, params.files)
        rtype, data = body.get("type"), body.get("data") or {}
        resource: dict[str, Any] = {"type": rtype}
        if rtype == 4:  # a message
            msg = self.h._message_payload(data, files)
            self.h.record("response", data, files, message_id=int(msg["id"]))
            self.h.originals[token] = int(msg["id"])
            resource["message"] = msg
        elif rtype == 7:  # update the clicked message
            resource["message"] = self.h._edited(self.h.originals[token], data, files)
        elif rtype == 8:  # autocomplete result
            self.h.record("autocomplete", data, [])
        else:  # 5: deferred "thinking…", 6: deferred update
            self.h.record("defer", {"flags": data.get("flags", 0), "type": rtype}, [])
            if rtype == 5:
                placeholder = self.h._message_payload({"flags": data.get("flags", 0)}, [])
                self.h.originals[token] = int(placeholder["id"])
        return {"interaction": {"id": str(interaction_id), "type": rtype,
                                "response_message_loading": rtype == 5,
                                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL)},
                "resource": resource}

    async def execute_webhook(self, webhook_id, token, *, session, proxy=None, proxy_auth=None, payload=None,
                              multipart=None, files=None, thread_id=None, wait=False, with_components=False):
        body, got = decode(payload, multipart, files)
        return self.h._new_message("followup", body, got)

    async def get_original_interaction_response(self, application_id, token, *, session, proxy=None,
                                                proxy_auth=None):
        return self.h.stored[self.h.originals[token]]

    async def edit_original_interaction_response(self, application_id, token, *, session, proxy=None,
                                                 proxy_auth=None, payload=None, multipart=None, files=None):
        body, got = decode(payload, multipart, files)
        return self.h._edited(self.h.originals[token], body, got)

    async def delete_original_interaction_response(self, application_id, token, *, session, proxy=None,
                                                   proxy_auth=None):
        self.h.record("delete", {}, [], message_id=self.h.originals.get(token))

    async def edit_webhook_message(self, webhook_id, token, message_id, *, session, proxy=None, proxy_auth=None,
                                   payload=None, multipart=None, files=None, thread_id=None,
                                   with_components=False):
        body, got = decode(payload, multipart, files)
        return self.h._edited(int(message_id), body, got)

    async def delete_webhook_message(self, webhook_id, token, message_id, *, session, proxy=None,
                                     proxy_auth=None, thread_id=None):
        self.h.record("delete", {}, [], message_id=int(message_id))


# ---- fixtures (registered for every test module by tests/conftest.py's pytest_plugins) ----
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402


@pytest.fixture(autouse=True)
def _members_never_see_paths_or_urls():
    """Issue 20: scan every member-visible string the suite produces through the harness."""
    LEAKS.clear()
    yield
    found, LEAKS[:] = list(LEAKS), []
    assert not found, f"a member was shown a path, URL or traceback: {found[:5]}"


@pytest_asyncio.fixture
async def make_harness():
    """``await make_harness(market, settings=None, extensions=EXTENSIONS)`` -> a started harness
    around ``create_bot`` with an in-memory database; all are closed at teardown."""
    from bot.app.client import create_bot
    from bot.app.extensions import EXTENSIONS
    from bot.settings import Settings
    from bot.store.db import Database

    made: list[DiscordHarness] = []

    async def factory(market, *, settings: Settings | None = None, extensions=EXTENSIONS, db=None):
        settings = settings or Settings(token="test-token-not-real", prefix="!")
        bot = create_bot(settings, market=market, db=db or Database(":memory:"), extensions=extensions)
        harness = await DiscordHarness.start(bot)
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        await harness.close()


# ---- price sources for error paths ---------------------------------------------------------
class FailingProvider:
    """A price provider whose every fetch raises ``error`` (e.g. DataTimeout(...))."""

    name = "failing"

    def __init__(self, error: BaseException):
        self.error = error
        self.calls = 0

    async def fetch(self, tickers, start=None, end=None):
        self.calls += 1
        raise self.error


class HangingProvider:
    """A price provider that never answers (until cancelled)."""

    name = "hanging"

    async def fetch(self, tickers, start=None, end=None):
        await asyncio.Event().wait()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def is_png(data: bytes) -> bool:
    return data[:8] == PNG_SIGNATURE and b"IEND" in data[-16:]
