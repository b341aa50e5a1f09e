"""`python -m bench [--users 16] [--seconds 10]`: closed-loop load on `POST /api/messages`.

`python -m bench --deployed` is the operator's view instead (`bench/deployed.py`): the bot started with
`timebot serve` and real settings (JWTs verified, outbound tokens, Teams' rate limits), 2,048 people in 128
tenants, on SQLite, PostgreSQL and two processes. What follows describes the in-process harness, whose
`timebot` rows lift the rate limits to measure the code alone. With 16 people, each person's second `log 30m`
overlaps their first and is answered with the overlap question, not written: its `log` row measures that.

Set-up (chosen so every row gets the same, fair conditions):
* each server under test runs in its **own process** (the load generator must not share its event loop);
* the fake Bot Connector that receives the replies runs in **another process**, shared by all rows;
* the load generator (this process) runs `--users` virtual users, each in its own 1:1 conversation, each
  sending its next message as soon as the previous one was answered (closed loop), for `--seconds` per
  scenario after a short warm-up.

Rows: the bare aiohttp **anchor** (parse, one pooled reply, 200 — the protocol work only), **timebot** (the
real app: transport + routing + service + local backend on SQLite), **timebot transport** (the transport
with an echo handler; `transport-bg` the same answering before it sends, not run by default) and
**stock botbuilder** (`CloudAdapter` + `ActivityHandler`). "ratio (req/s)" is rps / anchor rps;
"ratio (CPU)" is anchor CPU per request / this server's CPU per request (from /proc; steadier than req/s on
a busy machine, since all processes share its cores). `replies/req` = connector calls per request (1.00:
every request produced its reply). Absolute numbers depend on the machine; the ratios are the point.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.load import Measured, closed_loop, cpu_seconds, wait_healthy
from bench.messages import message

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {"status": "status", "log": "log 30m"}
TARGETS = {
    "anchor": "bare aiohttp anchor",
    "timebot": "timebot",
    "transport": "timebot transport (echo handler)",
    "transport-bg": "timebot transport, reply after answer",
    "stock": "stock botbuilder",
}


@dataclass
class Result(Measured):
    target: str = ""
    handler: str = ""
    replies: int = 0


class Process:
    """A child process that prints `READY <port> [description]` when it is listening."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), TIMEBOT_LOG_LEVEL="WARNING")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"{' '.join(args)} did not start (got {line!r})")
        _, port, *rest = line.split(" ", 2)
        self.port = int(port)
        self.description = rest[0] if rest else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def _connector_count(session: aiohttp.ClientSession, connector: str) -> int:
    async with session.get(connector + "/stats") as resp:
        return int((await resp.json())["count"])


async def _load(
    session: aiohttp.ClientSession, base: str, connector: str, text: str, users: int, seconds: float
) -> Measured:
    """Each of `users` people in their own conversation, as fast as the server answers."""
    return await closed_loop(
        session,
        base + "/api/messages",
        lambda n: json.dumps(message(n, text, connector)).encode(),
        concurrency=users,
        seconds=seconds,
    )


async def run_target(target: str, connector: str, users: int, seconds: float, warmup: float) -> list[Result]:
    server = Process("bench.servers", target)
    base = f"http://127.0.0.1:{server.port}"
    results = []
    try:
        pool = aiohttp.TCPConnector(limit=users * 2)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=pool, timeout=timeout) as session:
            if not await wait_healthy(session, base, within=5):
                raise RuntimeError(f"{base} never became healthy")
            for scenario, text in SCENARIOS.items():
                await _load(session, base, connector, text, users, warmup)
                before = await _connector_count(session, connector)
                cpu_before = cpu_seconds(server.proc.pid)
                measured = await _load(session, base, connector, text, users, seconds)
                cpu_after = cpu_seconds(server.proc.pid)
                result = Result(**vars(measured), target=target, handler=server.description)
                result.scenario = scenario
                if cpu_before is not None and cpu_after is not None:
                    result.server_cpu = cpu_after - cpu_before
                await asyncio.sleep(0.2)
                result.replies = await _connector_count(session, connector) - before
                results.append(result)
                print(
                    f"  {TARGETS[target]:<34} {scenario:<7} {result.rps:8.1f} req/s  "
                    f"p50 {result.pct(0.5):6.1f} ms  p99 {result.pct(0.99):6.1f} ms  "
                    f"cpu {result.cpu_us or 0:5.0f} us/req  errors {result.errors}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        server.stop()
    return results


def table(results: list[Result], users: int, seconds: float) -> str:
    anchor = {r.scenario: r for r in results if r.target == "anchor"}
    lines = [
        "| server | scenario | req/s | p50 ms | p99 ms | ratio vs anchor (req/s) | server CPU µs/req "
        "| ratio vs anchor (CPU) | replies/req | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        base = anchor.get(r.scenario)
        ratio = r.rps / base.rps if base and base.rps else float("nan")
        cpu = r.cpu_us
        base_cpu = base.cpu_us if base else None
        cpu_ratio = f"{base_cpu / cpu:.2f}" if cpu and base_cpu else "n/a"
        replies = r.replies / r.requests if r.requests else 0.0
        lines.append(
            f"| {TARGETS[r.target]} | `{SCENARIOS[r.scenario]}` | {r.rps:.0f} | {r.pct(0.5):.1f} | "
            f"{r.pct(0.99):.1f} | {ratio:.2f} | {f'{cpu:.0f}' if cpu else 'n/a'} | {cpu_ratio} | "
            f"{replies:.2f} | {r.errors} |"
        )
    handlers = sorted({f"- {TARGETS[r.target]}: {r.handler}" for r in results})
    header = (
        f"{users} concurrent users (closed loop), {seconds:g} s per scenario, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    return "\n".join([header, "", *lines, "", *handlers])


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument(
        "--targets",
        default="anchor,timebot,transport,stock",
        help="comma-separated subset of: " + ", ".join(TARGETS),
    )
    args = parser.parse_args(argv)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    if "anchor" in targets:
        targets = ["anchor"] + [t for t in targets if t != "anchor"]
    connector_proc = Process("bench.connector")
    connector = f"http://127.0.0.1:{connector_proc.port}"
    results: list[Result] = []
    try:
        for target in targets:
            results += await run_target(target, connector, args.users, args.seconds, args.warmup)
    finally:
        connector_proc.stop()
    print(table(results, args.users, args.seconds))
    return 0


if __name__ == "__main__":
    if "--deployed" in sys.argv[1:]:
        from bench.deployed import main as deployed

        sys.exit(deployed([a for a in sys.argv[1:] if a != "--deployed"]))
    sys.exit(asyncio.run(main()))
