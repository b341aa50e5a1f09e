"""The deployed bench starts and completes: `timebot serve` with real settings behind the fake Teams.

Not a timing test: it runs a handful of requests through the whole set-up (JWT verified, outbound token from
the fake Entra through its TLS proxy, Teams' limits enforced) and checks each one got its reply.
"""

from __future__ import annotations

import subprocess
import sys

from tests.support.processes import REPO


def test_deployed_bench_runs_a_handful_of_requests() -> None:
    options = (
        "--rows sqlite --people 40 --tenants 2 --seconds 0.3 --warmup 0.1 --concurrency 2 --scenarios status"
    )
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--deployed", *options.split()],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    [row] = [line for line in run.stdout.splitlines() if line.startswith("| timebot, SQLite |")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    replies_per_request, throttled, errors = cells[8], cells[9], cells[11]
    assert (replies_per_request, throttled, errors) == ("1.00", "0 / 0", "0"), row
    assert "No timer running" in run.stdout  # the bot's own answer, not an error reply
