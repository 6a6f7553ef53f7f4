"""discord.py's hybrid command decorators, typed for a cog's methods.

discord.py types a command's callback as the union of a cog method's signature and a free
function's; mypy cannot match a method against that union (it reports the ``def (Never, ...)``
argument error at every decorated method). At run time these are discord.py's own decorators;
for the type checker they take a cog's method only, the one form the cogs use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from discord.ext import commands

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Concatenate, ParamSpec

    CogT = TypeVar("CogT", bound=commands.Cog)
    P = ParamSpec("P")
    P2 = ParamSpec("P2")
    T = TypeVar("T")
    U = TypeVar("U")
    # a cog's command: (self, ctx, *its parameters) -> coroutine
    Method = Callable[Concatenate[CogT, commands.Context[Any], P], Coroutine[Any, Any, T]]

    class CogGroup(commands.HybridGroup[CogT, P, T]):
        """A hybrid group whose subcommands are methods of its cog."""

        # (narrower than HybridGroup.command, which also takes a free function)
        def command(  # type: ignore[override]
            self, name: str = ..., *args: Any, with_app_command: bool = True, **kwargs: Any
        ) -> Callable[[Method[CogT, P2, U]], commands.HybridCommand[CogT, P2, U]]: ...

    def hybrid_command(
        name: str = ..., *, with_app_command: bool = True, **attrs: Any
    ) -> Callable[[Method[CogT, P, T]], commands.HybridCommand[CogT, P, T]]: ...

    def hybrid_group(
        name: str = ..., *, with_app_command: bool = True, **attrs: Any
    ) -> Callable[[Method[CogT, P, T]], CogGroup[CogT, P, T]]: ...

else:
    hybrid_command = commands.hybrid_command
    hybrid_group = commands.hybrid_group

__all__ = ["hybrid_command", "hybrid_group"]
