"""Events: the engine that turns daily bars into breakout / failed / test events, its state and
parameters, the replay over history, and how each breakout ended (outcomes)."""

from bot.analysis.events.engine import KIND_PRIORITY, EventEngine, base_id_of
from bot.analysis.events.params import EngineParams
from bot.analysis.events.state import TickerState
from bot.analysis.events.types import Event

__all__ = ["Event", "EventEngine", "EngineParams", "TickerState", "KIND_PRIORITY", "base_id_of"]
