"""Account operations: which backend a person uses (`connect`) and which of its workspaces (`workspace`).

These run before a backend is bound (a broken or missing connection must not stop someone from fixing it),
so they take an `Account` instead of a `UserContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from adapters.backend import Identity
from adapters.credentials import Connection
from adapters.errors import BackendError, Unauthorized, Unavailable
from adapters.models import Workspace
from bot.operations import ChooseWorkspace, Connect
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.outcomes import ConnectForm, ConnectionsShown, Notice, Outcome, Problem, WorkspacesShown
from bot.service.resolve import match_name
from bot.store.state import UserPrefs
from bot.views.backends import BACKEND_NAMES


@runtime_checkable
class WorkspaceDirectory(Protocol):
    """Backends whose users may belong to several workspaces list them here."""

    async def list_workspaces(self) -> list[Workspace]: ...


@dataclass
class Account:
    identity: Identity
    prefs: UserPrefs
    scope: Literal["personal", "groupChat", "channel"]
    services: Services
    registry: BackendRegistry
    default_backend: str = "local"

    @property
    def backend(self) -> str:
        return self.prefs.backend or self.default_backend

    async def switch(self, backend: str, workspace_id: str | None = None) -> None:
        await self.services.store.save_prefs(
            self.prefs.model_copy(update={"backend": backend, "workspace_id": workspace_id})
        )
        self.registry.forget(self.identity)


async def connect(account: Account, op: Connect) -> Outcome:
    if op.backend is None:
        connected = []
        for kind in account.registry.kinds:
            store = account.services.connections
            has = kind == "local" or (
                store is not None and await store.get(account.identity, kind) is not None
            )
            connected.append((kind, has))
        return ConnectionsShown(current=account.backend, backends=connected)
    if op.backend not in account.registry.kinds:
        return Problem("account.not_configured", {"backend": BACKEND_NAMES[op.backend]})
    if op.backend == "local":
        await account.switch("local")
        return Notice("account.switched", {"backend": BACKEND_NAMES["local"]})
    if account.scope != "personal":
        return Problem("account.personal_only", {"backend": BACKEND_NAMES[op.backend]})
    return ConnectForm(op.backend)


async def save_connection(account: Account, backend: str, secret: str, extra: dict[str, str]) -> Outcome:
    """Store the token (encrypted), then prove it works by binding; a rejected token is removed again."""
    store = account.services.connections
    if store is None or backend not in account.registry.kinds or backend == "local":
        return Problem("account.not_configured", {"backend": BACKEND_NAMES.get(backend, backend)})
    if account.scope != "personal":
        return Problem("account.personal_only", {"backend": BACKEND_NAMES[backend]})
    secret = secret.strip()
    if not secret:
        return ConnectForm(backend, error_key="account.token_missing")
    await store.save(
        account.identity, Connection(backend, secret, extra={k: v for k, v in extra.items() if v})
    )
    account.registry.forget(account.identity)
    try:
        bound = await account.registry.bind(account.identity, backend)
    except Unauthorized:
        await store.delete(account.identity, backend)
        return ConnectForm(backend, error_key="account.token_rejected")
    except Unavailable:
        await account.switch(backend)
        return Notice("account.saved_unverified", {"backend": BACKEND_NAMES[backend]})
    except BackendError as exc:  # e.g. the token works but the backend has no such user for it
        await store.delete(account.identity, backend)
        return ConnectForm(backend, error_key="account.connect_failed", error_params={"detail": exc.message})
    await account.switch(backend, bound.workspace.id)
    return Notice(
        "account.connected",
        {"backend": BACKEND_NAMES[backend], "workspace": bound.workspace.name, "user": bound.user.name},
    )


async def choose_workspace(account: Account, op: ChooseWorkspace) -> Outcome:
    backend = await account.registry.bind(account.identity, account.backend)
    workspaces = (
        await backend.list_workspaces() if isinstance(backend, WorkspaceDirectory) else [backend.workspace]
    )
    if op.name is None:
        return WorkspacesShown(
            backend=account.backend,
            current=backend.workspace.id,
            workspaces=[(w.id, w.name) for w in workspaces],
        )
    chosen, candidates = match_name(op.name, workspaces)
    if chosen is None:
        names = ", ".join(w.name for w in (candidates or workspaces)[:5])
        return Problem("account.unknown_workspace", {"name": op.name, "choices": names})
    if account.services.connections is not None and account.backend != "local":
        await account.services.connections.set_workspace(account.identity, account.backend, chosen.id)
    await account.switch(account.backend, chosen.id)
    return Notice("account.workspace_set", {"workspace": chosen.name})
