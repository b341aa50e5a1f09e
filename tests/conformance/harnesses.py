"""Conformance harnesses: the same tests run against every backend, through the `Backend` protocol only.

A harness knows how to give a bound backend for an identity and how to flip the workspace policy the tests
need (admin-only master data). Add a backend by writing an async context manager yielding a `Harness` and
listing it in `HARNESSES` (remote adapters will start their fake server there).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from adapters.backend import Backend, Identity
from adapters.local import LocalBackend, LocalBackendFactory
from adapters.models import WorkspaceSettings
from tests.support.db import migrated_engine


@dataclass
class Harness:
    name: str
    bind: Callable[[Identity], Awaitable[Backend]]
    set_admin_only_master_data: Callable[[Backend, bool], Awaitable[None]]
    """Called with the workspace admin's backend."""
    fail_next_read: Callable[[int, dict[str, str]], None] | None = None
    """Remote backends: make the fake answer the next GET with this status and headers (None for local)."""
    page_size: int | None = None
    """Remote backends: the page size the adapter was configured with, so tests can list past one page."""
    tenant_id: str = field(default_factory=lambda: f"tenant-{uuid.uuid4().hex[:12]}")
    fake: Any = None
    """Remote backends: the fake server, for tests that script what the live API would do."""

    def identity(self, who: str) -> Identity:
        return Identity(
            tenant_id=self.tenant_id,
            aad_object_id=f"aad-{who}-{self.tenant_id}",
            name=who.title(),
            email=f"{who}@example.com",
            tenant_name="Contoso",
        )


class HarnessMaker(Protocol):
    """Starts a backend (and its fake server) for one test. `small_pages=False` keeps the adapter's real
    page sizes (benchmarks); tests use small pages so a handful of rows already spans several."""

    def __call__(
        self, tmp_path: Path, *, small_pages: bool = True
    ) -> AbstractAsyncContextManager[Harness]: ...


async def _local_admin_only(backend: Backend, value: bool) -> None:
    assert isinstance(backend, LocalBackend)
    await backend.set_workspace_settings(WorkspaceSettings(admin_only_master_data=value))


def _local(kind: str) -> HarnessMaker:
    @asynccontextmanager
    async def harness(tmp_path: Path, *, small_pages: bool = True) -> AsyncIterator[Harness]:
        async with migrated_engine(kind, tmp_path) as engine:
            factory = LocalBackendFactory(engine)
            try:
                yield Harness(f"local-{kind}", factory.bind, _local_admin_only)
            finally:
                await factory.close()

    return harness


@asynccontextmanager
async def _focus(tmp_path: Path, *, small_pages: bool = True) -> AsyncIterator[Harness]:
    """Toggl Focus through its fake: each new identity becomes an organization member (the first an admin)."""
    from adapters.credentials import Connection, StaticConnections
    from adapters.focus import FocusBackendFactory
    from adapters.http import RetryPolicy
    from tests.fakes.focus import FakeFocus

    async with FakeFocus() as fake:
        org = fake.add_organization()
        connections = StaticConnections()
        retry = RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0)
        pages = {"per_page": 3} if small_pages else {}
        factory = FocusBackendFactory(fake.url, connections, retry=retry, **pages)

        async def bind(identity: Identity) -> Backend:
            if await connections.get(identity, "focus") is None:
                email = identity.email or f"{identity.aad_object_id}@example.com"
                member = fake.add_member(org, identity.name, email, admin=not org.members)
                extra = {"organization_id": str(org.id)}
                connections.add(identity, Connection("focus", member.token, None, extra))
            return await factory.bind(identity)

        async def admin_only(backend: Backend, value: bool) -> None:
            raise NotImplementedError("Toggl Focus has no workspace settings")

        try:
            yield Harness(
                "focus",
                bind,
                admin_only,
                fail_next_read=lambda status, headers: fake.fail("GET", r".*", status, headers=headers),
                page_size=3 if small_pages else None,
                fake=fake,
            )
        finally:
            await factory.close()


@asynccontextmanager
async def _timeghost(tmp_path: Path, *, small_pages: bool = True) -> AsyncIterator[Harness]:
    """timeghost through its fake: each new identity joins one workspace (the first as admin), by API key."""
    from adapters.credentials import Connection, StaticConnections
    from adapters.http import RetryPolicy
    from adapters.timeghost import TimeghostBackendFactory
    from tests.fakes.timeghost import FakeTimeghost

    fake = FakeTimeghost()
    url = await fake.start()
    workspace_id = fake.add_workspace("Contoso")
    connections = StaticConnections()
    retry = RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0)
    # A conformance script runs a person's whole day in a second: 100 calls per minute (the real connector's
    # throttle, tested in tests/adapters/test_timeghost.py) would make it wait a minute here.
    budget = (1000, 60.0)
    factory = TimeghostBackendFactory(url, connections, retry=retry, cosmos_delay=0.01, budget=budget)

    async def bind(identity: Identity) -> Backend:
        if await connections.get(identity, "timeghost") is None:
            admin = not fake.workspaces[workspace_id].members
            _, key = fake.add_user(workspace_id, identity.name, identity.email, admin=admin)
            connections.add(identity, Connection("timeghost", key, workspace_id))
        return await factory.bind(identity)

    async def admin_only(backend: Backend, value: bool) -> None:
        raise NotImplementedError("timeghost's API cannot change workspace settings")

    try:
        yield Harness(
            "timeghost",
            bind,
            admin_only,
            fail_next_read=lambda status, headers: fake.fail(status, headers=headers, method="GET"),
            fake=fake,
        )
    finally:
        await factory.close()
        await fake.close()
    assert not fake.violations, fake.violations


@asynccontextmanager
async def _awork(tmp_path: Path, *, small_pages: bool = True) -> AsyncIterator[Harness]:
    """awork through its fake: each new identity becomes a user of one workspace with its own bearer token."""
    from adapters.awork import AworkBackendFactory
    from adapters.credentials import Connection, StaticConnections
    from adapters.http import RetryPolicy
    from tests.fakes.awork import FakeAwork, serve

    fake = FakeAwork()
    runner, url = await serve(fake)
    connections = StaticConnections()
    retry = RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0)
    pages = {"page_size": 5} if small_pages else {}
    factory = AworkBackendFactory(url, connections, retry=retry, **pages)

    async def bind(identity: Identity) -> Backend:
        if await connections.get(identity, "awork") is None:
            _, token = fake.add_user(identity.name)
            connections.add(identity, Connection("awork", token))
        return await factory.bind(identity)

    async def admin_only(backend: Backend, value: bool) -> None:
        raise NotImplementedError("awork's API has no such workspace setting")

    try:
        yield Harness(
            "awork",
            bind,
            admin_only,
            fail_next_read=lambda status, headers: fake.fail(status, headers=headers, method="GET"),
            page_size=5 if small_pages else None,
            fake=fake,
        )
    finally:
        await factory.close()
        await runner.cleanup()


@asynccontextmanager
async def _toggl(tmp_path: Path, *, small_pages: bool = True) -> AsyncIterator[Harness]:
    """Toggl Track through its fake: each new identity signs up into one workspace (the first as admin) and
    connects with its API token. Profiles are in Europe/Berlin: Toggl keeps the zone per person, not entry."""
    from adapters.credentials import Connection, StaticConnections
    from adapters.http import RetryPolicy
    from adapters.toggl import TogglBackendFactory
    from tests.fakes.toggl import FakeToggl

    fake = await FakeToggl().start()
    workspace = fake.add_workspace("Contoso")
    connections = StaticConnections()
    retry = RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0)
    pages = {"page_size": 5, "report_page_size": 5} if small_pages else {}
    factory = TogglBackendFactory(
        fake.track_url, fake.reports_url, fake.webhooks_url, connections=connections, retry=retry, **pages
    )

    async def bind(identity: Identity) -> Backend:
        if await connections.get(identity, "toggl") is None:
            email = identity.email or f"{identity.aad_object_id}@example.com"
            admin = not workspace.members
            account = fake.add_account(
                identity.name, email, workspace=workspace, admin=admin, timezone="Europe/Berlin"
            )
            connections.add(identity, Connection("toggl", account.api_token))
        return await factory.bind(identity)

    async def admin_only(backend: Backend, value: bool) -> None:
        workspace.only_admins_may_create_projects = workspace.only_admins_may_create_tags = value

    try:
        yield Harness(
            "toggl",
            bind,
            admin_only,
            fail_next_read=lambda status, headers: fake.fail_next(status, headers=headers, method="GET"),
            page_size=5 if small_pages else None,
            fake=fake,
        )
    finally:
        await factory.close()
        await fake.stop()
    assert not fake.violations, fake.violations


HARNESSES: dict[str, HarnessMaker] = {
    "local-sqlite": _local("sqlite"),
    "local-postgres": _local("postgres"),
    "focus": _focus,
    "timeghost": _timeghost,
    "awork": _awork,
    "toggl": _toggl,
}

PARAMS = [
    pytest.param("local-sqlite", id="local-sqlite"),
    pytest.param("local-postgres", id="local-postgres", marks=pytest.mark.postgres),
    pytest.param("focus", id="focus"),
    pytest.param("timeghost", id="timeghost"),
    pytest.param("awork", id="awork"),
    pytest.param("toggl", id="toggl"),
]
