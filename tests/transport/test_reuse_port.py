"""`TIMEBOT_REUSE_PORT=1`: several `timebot serve` processes on one host share one port (SO_REUSEPORT)."""

from __future__ import annotations

import socket
import sys

import pytest

from tests.support.processes import (
    Service,
    bot_env,
    free_port,
    start_process,
    timebot_executable,
    wait_healthy,
)

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "SO_REUSEPORT") or sys.platform != "linux", reason="SO_REUSEPORT is Linux's"
)


def _serve(name: str, tmp_path, port: int, reuse: bool) -> Service:
    folder = tmp_path / name
    folder.mkdir()
    env = bot_env(tmp_path / "data")  # one database for both, as replicas share theirs
    env.update(TIMEBOT_PORT=str(port), TIMEBOT_HOST="127.0.0.1", TIMEBOT_REUSE_PORT="1" if reuse else "0")
    process, log = start_process(name, [str(timebot_executable()), "serve"], cwd=folder, env=env)
    return Service(name, process, log, f"http://127.0.0.1:{port}")


def test_two_processes_listen_on_one_port_with_reuse_port(tmp_path) -> None:
    port = free_port()
    first = _serve("first", tmp_path, port, reuse=True)
    try:
        wait_healthy(first, first.url + "/healthz")
        second = _serve("second", tmp_path, port, reuse=True)
        try:
            wait_healthy(second, second.url + "/healthz")
            assert first.alive() and second.alive()
        finally:
            second.stop()
    finally:
        first.stop()


def test_without_reuse_port_the_second_process_cannot_bind(tmp_path) -> None:
    port = free_port()
    first = _serve("first", tmp_path, port, reuse=False)
    try:
        wait_healthy(first, first.url + "/healthz")
        second = _serve("second", tmp_path, port, reuse=False)
        assert second.process.wait(timeout=60) != 0, second.output()
        assert "address already in use" in second.output().lower(), second.output()
    finally:
        first.stop()
