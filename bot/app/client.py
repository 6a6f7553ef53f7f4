"""The Discord client: ``BreakoutBot`` and the one factory that builds it.

``create_bot`` is used by ``python -m bot run`` and by the tests, so both run the same
wiring. The bot is given its dependencies (``bot.settings`` and ``bot.services``, the use
cases of :mod:`bot.services`); cogs read them from there, never from globals. The services
open with the bot (``setup_hook``) and close with it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord.ext import commands

from bot.app import error_handler
from bot.app.extensions import EXTENSIONS
from bot.app.gateway_guard import guard_parsers
from bot.app.rate import RateBucket
from bot.app.views import expired_press
from bot.services.composition import Services
from bot.settings import Settings
from bot.store.faults import answering
from bot.threads import loop_first

log = logging.getLogger(__name__)

# The bot never joins voice: without this, every start warns that PyNaCl and davey (voice
# libraries) are missing, which reads like a broken install.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def build_intents() -> discord.Intents:
    """Default intents plus message content (privileged: enable it in the Developer Portal)."""
    intents = discord.Intents.default()
    intents.message_content = True
    return intents


class BreakoutTree(discord.app_commands.CommandTree):
    """The slash-command tree: a member waits for every slash command and autocomplete, so each
    use of the store is bounded (``bot.store.faults.answering``)."""

    async def _call(self, interaction: discord.Interaction) -> None:
        with answering():
            await super()._call(interaction)


class BreakoutBot(commands.Bot):
    """A ``commands.Bot`` carrying its dependencies and the extension list it loads."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        **client_options,
    ):
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.prefix),
            intents=build_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids) or None,
            case_insensitive=True,
            strip_after_prefix=True,
            tree_cls=BreakoutTree,
            **client_options,
        )
        self.settings = settings
        self.services = services
        self.render_bucket = RateBucket()  # every member's one bucket for renders and screens (bot.app.rate)
        self.extension_names: tuple[str, ...] = tuple(extensions)
        self.loaded_extensions: list[str] = []
        self.failed_extensions: dict[str, str] = {}
        self.tree.error(self._on_app_command_error)  # the slash commands' error handler

    def _get_state(self, **options):
        """The library's connection state, whose gateway event parsers skip an event they
        cannot read instead of ending the process (bot.app.gateway_guard)."""
        state = super()._get_state(**options)
        guard_parsers(state.parsers)
        return state

    async def setup_hook(self) -> None:
        loop_first()
        await self.services.open()
        await self.load_all_extensions()
        self.services.started()
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d application commands to dev guild %s", len(synced), guild.id)

    async def load_all_extensions(self) -> None:
        """Load every extension; one that is missing or broken is logged and skipped."""
        for name in self.extension_names:
            if name in self.extensions:
                continue
            try:
                await self.load_extension(name)
            except commands.ExtensionNotFound:
                self.failed_extensions[name] = "not found"
                log.warning("extension %s not found; skipping it", name)
            except Exception as exc:  # a broken cog must not keep the others down
                reason = f"{type(exc.__cause__ or exc).__name__}: {exc.__cause__ or exc}"
                self.failed_extensions[name] = reason
                log.error("extension %s failed to load; skipping it", name, exc_info=exc)
            else:
                self.loaded_extensions.append(name)
        log.info("loaded extensions: %s", ", ".join(self.loaded_extensions) or "none")

    async def on_interaction(self, interaction: discord.Interaction, /) -> None:
        """Buttons on a message from before a restart: answered, never "This interaction failed"."""
        await expired_press(interaction)

    async def invoke(self, ctx: commands.Context, /) -> None:
        """Prefix (and hybrid) commands: a member waits, so each use of the store is bounded."""
        with answering():
            await super().invoke(ctx)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self.services.close()

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError, /) -> None:
        await error_handler.handle_command_error(ctx, error)

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: discord.app_commands.AppCommandError, /
    ) -> None:
        await error_handler.handle_app_command_error(interaction, error)


class ShardedBreakoutBot(BreakoutBot, commands.AutoShardedBot):
    """The bot over some of the shards (``BOT_SHARD_COUNT``, ``BOT_SHARD_IDS``): one gateway
    connection per shard, in one process; other processes run the other shards on the same store."""


def create_bot(
    settings: Settings,
    services: Services | None = None,
    *,
    market=None,
    db=None,
    extensions: Sequence[str] = EXTENSIONS,
) -> BreakoutBot:
    """Build the bot around ``services`` (or, for tests and benchmarks, around a market data
    and a database). Nothing connects until ``bot.start``/``bot.run``."""
    if services is None:
        services = Services(market, db)
    if settings.shard_count:
        ids = list(settings.shard_ids) if settings.shard_ids is not None else None
        return ShardedBreakoutBot(settings, services, extensions=extensions, shard_count=settings.shard_count,
                                  shard_ids=ids)
    return BreakoutBot(settings, services, extensions=extensions)
