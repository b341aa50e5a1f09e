"""`python -m bench.profiled serve`: `timebot serve` (the real CLI), profiling only what the bench measures.

SIGUSR1 starts pyinstrument (`pip install -e '.[profile]'`), SIGUSR2 stops it and writes its text
report to `$BENCH_PROFILE-<n>.txt` (n = 1, 2, … per stop). So a profile shows the measured scenario alone,
not start-up or the warm-up's first contacts.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any

from bot.cli import main

_state: dict[str, Any] = {"profiler": None, "n": 0, "gc": {}, "t0": 0.0, "max": 0.0, "sql": None}


def _statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    """Counts each statement the bot sends while profiling, by its first words (which round trips a turn
    makes is what the profile's time does not show: the drivers' wait is spent outside Python)."""
    sql = _state["sql"]
    if sql is not None:
        words = statement.split(None, 4)
        key = " ".join(words[:4] if words[:1] == ["SELECT"] else words[:3])
        sql[key] = sql.get(key, 0) + 1


def _gc(phase: str, info: dict[str, Any]) -> None:
    import time

    if phase == "start":
        _state["t0"] = time.perf_counter()
        return
    spent = time.perf_counter() - _state["t0"]
    n, total = _state["gc"].get(info["generation"], (0, 0.0))
    _state["gc"][info["generation"]] = (n + 1, total + spent)
    _state["max"] = max(_state["max"], spent)


def _start(_sig: int, _frame: FrameType | None) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled", interval=0.0005)
    import gc

    _state["gc"], _state["max"], _state["sql"] = {}, 0.0, {}
    gc.callbacks.append(_gc)
    profiler.start()
    _state["profiler"] = profiler


def _stop(_sig: int, _frame: FrameType | None) -> None:
    profiler = _state["profiler"]
    if profiler is None:
        return
    profiler.stop()
    _state["profiler"] = None
    sql, _state["sql"] = _state["sql"] or {}, None
    _state["n"] += 1
    path = f"{os.environ['BENCH_PROFILE']}-{_state['n']}.txt"
    with open(path + ".part", "w") as out:
        import gc

        gc.callbacks.remove(_gc)
        out.write(
            f"gc: {_state['gc']} longest {_state['max'] * 1000:.1f} ms; counts {gc.get_count()}, "
            f"objects {len(gc.get_objects())}\n"
        )
        out.write(f"statements: {sum(sql.values())}\n")
        for key, count in sorted(sql.items(), key=lambda kv: -kv[1]):
            out.write(f"  {count:7d}  {key}\n")
        out.write(profiler.output_text(unicode=True, show_all=False))
        out.write(profiler.output_text(unicode=True, flat=True))
    os.replace(path + ".part", path)


if __name__ == "__main__":
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", _statement)
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    sys.exit(main(sys.argv[1:]))
