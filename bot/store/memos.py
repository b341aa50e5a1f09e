"""The state store's answers from memory (preferences, saved conversation references), kept true when
several processes write: each change is announced on the bus and the others' changes dropped here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.broadcast import Bus


class Memos:
    """Wraps the store's memo dicts. Preferences are answered from memory on SQLite (one process) and, with
    a bus, while it is listening; a load that raced a change is not kept (`epoch`)."""

    def __init__(
        self, prefs: dict[tuple[str, str], Any], refs: dict[str, Any], *, single: bool, bus: Bus | None
    ) -> None:
        self.prefs, self.refs, self._single, self._bus = prefs, refs, single, bus
        self.epoch = 0
        if bus is not None:
            bus.subscribe("prefs", self.drop_prefs, self.clear)
            bus.subscribe("ref", self.drop_ref, self.clear)

    def trusted(self) -> bool:
        return self._single or (self._bus is not None and self._bus.live)

    def drop_prefs(self, key: Sequence[str]) -> None:
        self.prefs.pop((key[0], key[1]), None)
        self.epoch += 1

    def drop_ref(self, key: Sequence[str]) -> None:
        self.refs.pop(key[0], None)

    def clear(self) -> None:
        self.prefs.clear()
        self.refs.clear()
        self.epoch += 1

    def announce(self, topic: str, *key: str) -> None:
        if self._bus is not None:
            self._bus.publish(topic, *key)
