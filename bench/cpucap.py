"""A process's CPU capped to a share of one core, with a cgroup of its own (the CFS quota).

Why: on a 2-core machine one bot process already takes a core and the load generator, the fake connector
and PostgreSQL the other, so a second bot process has no core to run on and "two processes vs one" says
nothing about how the bot scales. With every server process capped (say to 0.4 of a core) there is room
left for everything else, and two capped processes against one capped process measure what a second core
per process would give. Needs root and the cgroup v1 `cpu` controller (or v2 with `cpu` delegated at the
root), as on the development machine; the bench says so and stops when they are not there.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PERIOD_US = 100_000
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")


class CpuCap:
    """One cgroup holding one process, allowed `share` of a core; `remove()` once the process has ended."""

    def __init__(self, pid: int, share: float, name: str) -> None:
        if not 0.01 <= share <= (os.cpu_count() or 1):
            raise ValueError(f"a CPU share of {share} is not between 0.01 and the number of cores")
        quota = int(share * PERIOD_US)
        if (V1 / "cgroup.procs").exists():
            self.group = V1 / f"timebot-bench-{name}-{pid}"
            self.group.mkdir()
            (self.group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.group / "cpu.cfs_quota_us").write_text(str(quota))
        elif "cpu" in _read(V2 / "cgroup.subtree_control").split():
            self.group = V2 / f"timebot-bench-{name}-{pid}"
            self.group.mkdir()
            (self.group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            raise RuntimeError(
                "--cpu-cap needs a cgroup cpu controller this process may write (cgroup v1 at "
                f"{V1}, or v2 with cpu in {V2 / 'cgroup.subtree_control'}); run as root, or leave it out"
            )
        (self.group / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        with contextlib.suppress(OSError):  # already gone
            self.group.rmdir()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
