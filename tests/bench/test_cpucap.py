"""`bench.cpucap`: a process is moved into a cgroup of its own with the asked-for CFS quota, and the group is
removed once the process has ended. Needs a writable cgroup `cpu` controller (root, as on the CI machine)."""

from __future__ import annotations

import subprocess

import pytest

from bench.cpucap import V1, V2, CpuCap


def test_a_process_is_capped_in_a_group_of_its_own_which_goes_with_it() -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        try:
            cap = CpuCap(sleeper.pid, 0.25, "test")
        except (RuntimeError, OSError) as exc:
            pytest.skip(f"no writable cgroup cpu controller here: {exc}")
        members = (cap.group / "cgroup.procs").read_text().split()
        assert str(sleeper.pid) in members
        if cap.group.parent == V1:
            assert (cap.group / "cpu.cfs_quota_us").read_text().strip() == "25000"
        else:
            assert cap.group.parent == V2
            assert (cap.group / "cpu.max").read_text().split() == ["25000", "100000"]
    finally:
        sleeper.kill()
        sleeper.wait()
    cap.remove()
    assert not cap.group.exists()


def test_a_share_beyond_the_machine_is_refused_before_anything_is_made() -> None:
    with pytest.raises(ValueError, match="CPU share"):
        CpuCap(1, 10_000.0, "test")
