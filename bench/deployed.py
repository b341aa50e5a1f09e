"""`python -m bench --deployed`: the bot as `timebot serve` deploys it, under an operator's load.

The load (issue #13): `--people` (2,048) people in `--tenants` (128) tenants, each in their own 1:1
conversation, `--concurrency` (16) requests in flight (closed loop: a virtual user sends the next person's
message as soon as its previous one was answered), people taken in turn, so each conversation and tenant sees
an even share. Every person first sends `status` once (warm-up: first contact, their database rows), then each
scenario — `status`, `log 30m` — runs `--seconds` after `--warmup` seconds.

What runs, each in its own process:
* the **bot** under test: the real CLI (`timebot serve`) with real settings — a Microsoft app id, password
  and tenant, so every inbound activity carries a Bot Framework JWT that the bot verifies (against a local
  OpenID metadata/JWKS, `tests.support.jwt_keys`), and every reply carries the bearer token the bot fetched
  with MSAL from the fake Entra in `bench.teams`; the rate limiter on with Teams' limits;
* `bench.teams`: the fake Bot Connector enforcing Teams' limits with 429 + Retry-After, and the fake Entra;
* the **anchor**: a bare aiohttp handler doing only the protocol work (parse, one pooled reply, 200);
* this process: the load generator (and the JWKS, fetched once per bot process).

Rows: `anchor`; `sqlite` (the default database); `postgres` (`TIMEBOT_DATABASE_URL=postgresql://…/test?
search_path=<fresh schema>`); `postgres-redis` (one process with the rate-limit buckets in Redis, as several
processes need them) and `postgres-x2` (two processes, buckets in Redis, on one port with SO_REUSEPORT:
`TIMEBOT_REUSE_PORT=1`, no proxy hop). CPU per request is the server processes' user + system CPU from
/proc over the measured seconds; "machine busy" is the share of all cores in use then (everything here
shares them: bot, connector, load generator, PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.cpucap import CpuCap
from bench.load import Measured, closed_loop, cpu_seconds, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {"status": "status", "log": "log 30m yesterday"}
ROWS = {
    "anchor": "bare aiohttp anchor",
    "sqlite": "timebot, SQLite",
    "postgres": "timebot, PostgreSQL",
    "postgres-redis": "timebot, PostgreSQL, limits in Redis",
    "postgres-x2": "2 × timebot, PostgreSQL, limits in Redis",
}
DEFAULT_ROWS = "anchor,sqlite,postgres,postgres-redis,postgres-x2"
POSTGRES = "postgresql://127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"
TENANT_ID = "11111111-2222-3333-4444-555555555555"  # the bot's own (SingleTenant) Entra tenant


@dataclass
class Result(Measured):
    row: str = ""
    busy: float | None = None  # share of the machine's cores in use
    connector: dict[str, Any] = field(default_factory=dict)


def cpu_of(pid: int) -> float:
    seconds = cpu_seconds(pid)
    if seconds is None:
        raise RuntimeError("the deployed bench reads the bot's CPU time from /proc (Linux only)")
    return seconds


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Child:
    """A process of the bench, in its own session, logging to a file."""

    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], folder: Path, cap: float | None = None
    ) -> None:
        self.name = name
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.cap: CpuCap | None = None
        if cap is not None:
            try:
                self.cap = CpuCap(self.proc.pid, cap, name)
            except Exception:
                self.stop()  # no uncapped server left running behind a failed cap
                raise

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def ready_line(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log.read_text(errors="replace").splitlines():
                if line.startswith("READY "):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not start:\n{self.output()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)  # a profiled bot writes its report first
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.cap is not None:
            self.cap.remove()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMEBOT_", "Microsoft", "MICROSOFT_"))}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def timebot_argv(profile: bool = False) -> list[str]:
    """`timebot serve`; with `profile`, the same CLI under `bench.profiled` (pyinstrument on signals)."""
    if profile:
        return [sys.executable, "-m", "bench.profiled", "serve"]
    script = Path(sys.executable).parent / "timebot"
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "bot", "serve"]


@dataclass
class World:
    """What every row shares: the fake Microsoft side, the JWKS, the app's identity."""

    folder: Path
    connector_url: str
    proxy_url: str
    metadata_url: str
    app_id: str
    inbound_token: str


def bot_env(world: World, row: str, port: int, schema: str | None, data_dir: Path) -> dict[str, str]:
    env = _env(
        MicrosoftAppId=world.app_id,
        MicrosoftAppPassword="bench-secret-not-real",
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=TENANT_ID,
        TIMEBOT_OPENID_METADATA_URL=world.metadata_url,
        TIMEBOT_TOKEN_ISSUER="https://api.botframework.com",
        TIMEBOT_HOST="127.0.0.1",
        TIMEBOT_PORT=str(port),
        TIMEBOT_DATA_DIR=str(data_dir),
        TIMEBOT_SECRET_KEY="bench-" + "k" * 40,
        HTTPS_PROXY=world.proxy_url,
        NO_PROXY="127.0.0.1,localhost",
        REQUESTS_CA_BUNDLE=str(world.folder / "entra.pem"),
    )
    if schema is not None:
        env["TIMEBOT_DATABASE_URL"] = f"{POSTGRES}?search_path={schema}"
    if row in ("postgres-redis", "postgres-x2"):
        env["TIMEBOT_REDIS_URL"] = REDIS
    if row == "postgres-x2":
        env["TIMEBOT_REUSE_PORT"] = "1"
    return env


async def _postgres(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def activity(person: int, tenants: int, text: str, service_url: str, n: int) -> bytes:
    tenant = f"bench-tenant-{person % tenants:04d}"
    return json.dumps(
        {
            "type": "message",
            "id": f"bench-{person}-{n}",
            "timestamp": "2026-11-17T14:00:00.000Z",
            "localTimezone": "Europe/Berlin",
            "channelId": "msteams",
            "serviceUrl": service_url,
            "from": {
                "id": f"29:bench-{person}",
                "name": f"Person {person}",
                "aadObjectId": str(uuid.UUID(int=person + 1)),
            },
            "recipient": {"id": "28:timebot", "name": "timebot"},
            "conversation": {"id": f"a:bench-{person}", "conversationType": "personal", "tenantId": tenant},
            "channelData": {"tenant": {"id": tenant}},
            "entities": [{"type": "clientInfo", "locale": "en-US", "timezone": "Europe/Berlin"}],
            "text": text,
            "textFormat": "plain",
            "locale": "en-US",
        }
    ).encode()


class Load:
    """The closed-loop load generator: `concurrency` virtual users over `people` in turn."""

    def __init__(self, session: aiohttp.ClientSession, world: World, args: argparse.Namespace) -> None:
        self.session = session
        self.world = world
        self.args = args
        self.people = itertools.count()
        self.ids = itertools.count(1)
        self.headers = {"Authorization": f"Bearer {world.inbound_token}"}

    def body(self, text: str) -> bytes:
        person = next(self.people) % self.args.people
        return activity(person, self.args.tenants, text, self.world.connector_url, next(self.ids))

    async def run(self, base: str, text: str, *, seconds: float | None, count: int | None) -> Result:
        measured = await closed_loop(
            self.session,
            base + "/api/messages",
            lambda _user: self.body(text),
            concurrency=self.args.concurrency,
            seconds=seconds,
            count=count,
            headers=self.headers,
        )
        return Result(**vars(measured))


async def _connector(session: aiohttp.ClientSession, world: World, verb: str) -> dict[str, Any]:
    async with session.request(verb, world.connector_url + ("/stats" if verb == "GET" else "/reset")) as r:
        data: dict[str, Any] = await r.json()
        return data


def _listening(child: Child) -> bool:
    return child.name == "anchor" or "timebot listening on" in child.log.read_text(errors="replace")


async def _healthy(session: aiohttp.ClientSession, base: str, children: list[Child]) -> None:
    def alive() -> bool:
        return all(c.proc.poll() is None for c in children)

    if not await wait_healthy(session, base, alive=alive, within=90):
        raise RuntimeError("the server did not become healthy:\n" + "\n".join(c.output() for c in children))
    # Every process must listen before the load opens its keep-alive connections: the kernel spreads
    # connections only among the sockets bound when they arrive (two processes started 3 s apart had the
    # second one serve nothing but background work).
    deadline = time.monotonic() + 90
    while not all(_listening(c) for c in children):
        if not alive() or time.monotonic() > deadline:
            raise RuntimeError("not listening:\n" + "\n".join(c.output() for c in children))
        await asyncio.sleep(0.1)


def start_row(
    world: World, row: str, folder: Path, profile: Path | None = None, cap: float | None = None
) -> tuple[list[Child], int, str | None]:
    port = free_port()
    if row == "anchor":
        env = _env(BENCH_TOKEN_URL=world.connector_url + "/bench/token", BENCH_PORT=str(port))
        anchor = Child("anchor", [sys.executable, "-m", "bench.servers", "anchor"], env, folder, cap)
        return [anchor], port, None
    schema = None if row == "sqlite" else f"bench_{os.getpid()}_{row.replace('-', '_')}"
    if schema is not None:
        asyncio.run(_postgres(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"'))
    data_dir = folder / row
    data_dir.mkdir()
    env = bot_env(world, row, port, schema, data_dir)
    profiled = profile is not None
    if profiled:
        env["BENCH_PROFILE"] = str(profile / f"{row}-1")
    children = [Child(f"{row}-1", timebot_argv(profiled), env, folder, cap)]
    if row == "postgres-x2":
        time.sleep(3)  # let the first one run the migrations (they take an advisory lock anyway)
        if profiled:
            env = dict(env, BENCH_PROFILE=str(profile / f"{row}-2"))
        children.append(Child(f"{row}-2", timebot_argv(profiled), env, folder, cap))
    return children, port, schema


async def measure_row(world: World, row: str, args: argparse.Namespace) -> list[Result]:
    folder = world.folder
    started = await asyncio.to_thread(start_row, world, row, folder, args.profile, args.cpu_cap)
    children, port, schema = started
    base = f"http://127.0.0.1:{port}"
    results: list[Result] = []
    try:
        pool = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
        async with aiohttp.ClientSession(connector=pool, timeout=aiohttp.ClientTimeout(total=60)) as session:
            await _healthy(session, base, children)
            load = Load(session, world, args)
            # Everyone once; with several processes everyone more often, so that each person has met every
            # process (each keeps its own caches: a turn lands on a random one of the spread connections, and
            # after five turns about 6 % of people are still cold in one of two processes).
            passes = 1 if len(children) == 1 else 5
            first = await load.run(base, "status", seconds=None, count=args.people * passes)
            if first.errors:
                raise RuntimeError(
                    f"{row}: {first.errors} of the first requests failed:\n{children[0].output()}"
                )
            for scenario, text in SCENARIOS.items():
                if scenario not in args.scenarios:
                    continue
                await load.run(base, text, seconds=args.warmup, count=None)
                await asyncio.sleep(0.3)  # let the warm-up's replies land before counting
                await _connector(session, world, "POST")
                cpu = [cpu_of(c.proc.pid) for c in children]
                ticks = machine_ticks()
                profiling = args.profile is not None and row != "anchor"
                if profiling:
                    for child in children:
                        child.proc.send_signal(signal.SIGUSR1)
                result = await load.run(base, text, seconds=args.seconds, count=None)
                ticks_after = machine_ticks()
                if profiling:
                    for child in children:
                        child.proc.send_signal(signal.SIGUSR2)
                result.server_cpu = sum(cpu_of(c.proc.pid) - b for c, b in zip(children, cpu, strict=True))
                result.busy = (ticks_after[0] - ticks[0]) / max(1, ticks_after[1] - ticks[1])
                await asyncio.sleep(0.3)
                result.connector = await _connector(session, world, "GET")
                result.row, result.scenario = row, scenario
                results.append(result)
                print(progress(result), file=sys.stderr, flush=True)
    finally:
        for child in children:
            child.stop()
        if schema is not None:
            await _postgres(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return results


def progress(r: Result) -> str:
    c = r.connector
    return (
        f"  {ROWS[r.row]:<40} {r.scenario:<7} {r.rps:8.1f} req/s  p50 {r.pct(0.5):6.1f} ms  "
        f"p99 {r.pct(0.99):7.1f} ms  cpu {r.cpu_us or 0:6.0f} µs/req  busy {100 * (r.busy or 0):3.0f}%  "
        f"replies {c.get('accepted', 0)}  429s {c.get('throttled', 0)}  errors {r.errors}\n"
        f"    said: {c.get('said', [])[:3]}"
    )


def table(results: list[Result], args: argparse.Namespace) -> str:
    anchor = {r.scenario: r for r in results if r.row == "anchor"}
    lines = [
        "| server | scenario | req/s | p50 ms | p99 ms | ratio vs anchor | server CPU µs/req | machine busy "
        "| replies/req | 429s (conversation / tenant) | sent during Retry-After | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        base = anchor.get(r.scenario)
        ratio = r.rps / base.rps if base and base.rps else float("nan")
        c = r.connector
        replies = c.get("accepted", 0) / r.requests if r.requests else 0.0
        lines.append(
            f"| {ROWS[r.row]} | `{SCENARIOS[r.scenario]}` | {r.rps:.0f} | {r.pct(0.5):.1f} "
            f"| {r.pct(0.99):.1f} | {ratio:.2f} | {r.cpu_us or 0:.0f} | {100 * (r.busy or 0):.0f}% "
            f"| {replies:.2f} | {c.get('over_conversation', 0)} / {c.get('over_tenant', 0)} "
            f"| {c.get('during_retry_after', 0)} | {r.errors} |"
        )
    one = {r.scenario: r for r in results if r.row == "postgres-redis"}
    two = {r.scenario: r for r in results if r.row == "postgres-x2"}
    notes = []
    for scenario in two:
        if scenario in one and one[scenario].rps:
            notes.append(
                f"- two processes / one (PostgreSQL, limits in Redis), `{SCENARIOS[scenario]}`: "
                f"{two[scenario].rps / one[scenario].rps:.2f}×"
            )
    header = (
        f"{args.people:,} people in {args.tenants} tenants, {args.concurrency} requests in flight "
        "(closed loop), "
        f"{args.seconds:g} s per scenario after {args.warmup:g} s warm-up; {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}"
        + (f"; every server process capped to {args.cpu_cap:g} of a core" if args.cpu_cap else "")
    )
    said = sorted(
        {f"- {ROWS[r.row]}, `{SCENARIOS[r.scenario]}`: {r.connector.get('said', [])[:2]}" for r in results}
    )
    return "\n".join(
        [header, "", *lines, "", *notes, "", "What the replies said (most common first lines):", *said]
    )


async def run(args: argparse.Namespace) -> list[Result]:
    from tests.support.jwt_keys import TokenIssuer, clear_botbuilder_key_cache

    clear_botbuilder_key_cache()
    with tempfile.TemporaryDirectory(prefix="timebot-bench-") as tmp, TokenIssuer() as issuer:
        folder = Path(tmp)
        teams = Child("teams", [sys.executable, "-m", "bench.teams", str(folder)], _env(), folder)
        try:
            _, connector_port, proxy_port = teams.ready_line().split()
            connector_url = f"http://127.0.0.1:{connector_port}"
            app_id = str(uuid.uuid4())  # fresh per run: the Redis buckets are keyed by it
            world = World(
                folder=folder,
                connector_url=connector_url,
                proxy_url=f"http://127.0.0.1:{proxy_port}",
                metadata_url=issuer.metadata_url,
                app_id=app_id,
                inbound_token=issuer.mint(audience=app_id, service_url=connector_url, lifetime=7200),
            )
            results: list[Result] = []
            for row in args.rows:
                results += await measure_row(world, row, args)
            return results
        finally:
            teams.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench --deployed", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2048)
    parser.add_argument("--tenants", type=int, default=128)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rows", default=DEFAULT_ROWS, help="comma-separated subset of: " + ", ".join(ROWS))
    parser.add_argument("--scenarios", default="status,log", help="comma-separated: status, log")
    parser.add_argument(
        "--cpu-cap",
        type=float,
        metavar="SHARE",
        help="cap every server process (the anchor's and each bot's) to SHARE of one core, each in a cgroup "
        "of its own (bench/cpucap.py: how two processes scale on a machine whose cores the rest already "
        "fills; root only)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="folder: profile each bot during the measured seconds with pyinstrument, reports there "
        "(<row>-<process>-<n>.txt, n counting the scenarios run; pip install -e '.[profile]')",
    )
    args = parser.parse_args(argv)
    args.rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if unknown := [r for r in args.rows if r not in ROWS] + [s for s in args.scenarios if s not in SCENARIOS]:
        parser.error(f"unknown rows or scenarios: {', '.join(unknown)}")
    if "anchor" in args.rows:
        args.rows = ["anchor"] + [r for r in args.rows if r != "anchor"]
    results = asyncio.run(run(args))
    print(table(results, args))
    return 0
