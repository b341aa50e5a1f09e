"""Processes a test starts and stops: the real `timebot serve`, the Playground, helper bots.

Each runs in its own session (so it and its children stop together), logging into a file the test can read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds for a process to come up (first run: migrations, cold npm cache)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Service:
    """A process started by a fixture, in its own session so it and its children stop together."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    url: str

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_process(
    name: str, argv: list[str], *, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], Path]:
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def wait_healthy(service: Service, health_url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not service.alive():
            service.stop()
            pytest.fail(f"{service.name} exited during start-up:\n{service.output()}", pytrace=False)
        if _http_ok(health_url):
            return
        time.sleep(0.2)
    service.stop()
    pytest.fail(f"{service.name} did not answer {health_url}:\n{service.output()}", pytrace=False)


def bot_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("microsoftapp", "microsoft_app"))}
    # The Playground sends no JWT: local mode (no app id), loopback only; a fresh embedded database.
    env.update({"MicrosoftAppId": "", "TIMEBOT_DATA_DIR": str(data_dir), "TIMEBOT_DATABASE_URL": ""})
    return env


def timebot_executable() -> Path:
    for candidate in (Path(sys.executable).parent / "timebot", REPO / ".venv" / "bin" / "timebot"):
        if candidate.exists():
            return candidate
    pytest.fail("the `timebot` console script is not installed (pip install -e .)", pytrace=False)
