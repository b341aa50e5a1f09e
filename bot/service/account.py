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
from bot.operations import ChooseWorkspace, Connect, SignInTo, SignOut
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.outcomes import (
    ConnectForm,
    ConnectionsShown,
    Notice,
    Outcome,
    Problem,
    SignInPrompt,
    WorkspacesShown,
)
from bot.service.resolve import match_name
from bot.signin.awork import AworkUnavailable
from bot.signin.entra import EntraMisconfigured, EntraUnavailable, SignInRequired
from bot.signin.service import SIGNED_IN
from bot.store.state import UserPrefs
from bot.views.backends import BACKEND_NAMES, ConnectionView, backend_name


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
        return ConnectionsShown(current=account.backend, backends=await connections_of(account))
    if op.backend not in account.registry.kinds:
        return Problem("account.not_configured", {"backend": BACKEND_NAMES[op.backend]})
    if op.backend == "local":
        await account.switch("local")
        return Notice("account.switched", {"backend": BACKEND_NAMES["local"]})
    if account.scope != "personal":
        return Problem("account.personal_only", {"backend": BACKEND_NAMES[op.backend]})
    signin = account.services.signin
    return ConnectForm(op.backend, can_sign_in=signin is not None and signin.offers(op.backend))


async def connections_of(account: Account) -> list[ConnectionView]:
    """For each configured backend: signed in (as whom), connected by API key, or not connected."""
    store, signin = account.services.connections, account.services.signin
    views = []
    for kind in account.registry.kinds:
        offered = signin is not None and signin.offers(kind)
        if kind == "local":
            views.append(ConnectionView(kind, "builtin"))
            continue
        connection = await store.get(account.identity, kind) if store is not None else None
        if connection is None:
            views.append(ConnectionView(kind, "none", can_sign_in=offered))
        elif connection.extra.get("auth") == SIGNED_IN:
            views.append(ConnectionView(kind, "signin", connection.extra.get("account"), can_sign_in=offered))
        else:
            views.append(ConnectionView(kind, "api_key", can_sign_in=offered))
    return views


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


async def use_signed_in(account: Account, backend: str, signed_in_as: str | None) -> Outcome:
    """After signing in: prove the new token works by binding, then make `backend` the person's tracker."""
    account.registry.forget(account.identity)
    name = backend_name(backend)
    if backend not in account.registry.kinds:  # not a tracker (the calendar): nothing to switch to
        return Notice(
            "signin.done_other", {"backend": name, "account": signed_in_as or account.identity.name}
        )
    try:
        bound = await account.registry.bind(account.identity, backend)
    except Unavailable:
        await account.switch(backend)
        return Notice("account.saved_unverified", {"backend": name})
    except BackendError as exc:  # signed in, but the tracker has no user for this account (or refuses it)
        return Problem("account.connect_failed", {"detail": exc.message})
    await account.switch(backend, bound.workspace.id)
    return Notice("signin.done", {"backend": name, "account": signed_in_as or bound.user.name})


def _signin_target(account: Account, asked: str | None) -> str | None:
    """What `signin`/`signout` without a name means: the tracker in use if it offers sign-in, else the
    first one that does."""
    signin = account.services.signin
    if signin is None:
        return None
    if asked is not None:
        return asked
    if signin.offers(account.backend):
        return account.backend
    return signin.backends[0] if signin.backends else None


async def sign_in(account: Account, op: SignInTo) -> Outcome:
    """The prompt to sign in — or, when the stored sign-in still works, who is signed in."""
    signin = account.services.signin
    backend = _signin_target(account, op.backend)
    if signin is None or backend is None:
        return Problem("signin.none_offered")
    name = backend_name(backend)
    if not signin.offers(backend):
        return Problem("signin.not_offered", {"backend": name, "command": backend})
    signed_in_as = await signin.account(account.identity, backend)
    if signed_in_as is None:
        return SignInPrompt(backend, "no_account", resume=False)
    try:
        await signin.token(account.identity, backend)
    except SignInRequired as exc:
        return SignInPrompt(backend, exc.reason, resume=False)
    except (EntraUnavailable, AworkUnavailable):
        return Problem("signin.unavailable")
    except EntraMisconfigured:
        return Problem("signin.misconfigured")
    return Notice("signin.already", {"backend": name, "account": signed_in_as or name, "command": backend})


async def sign_out(account: Account, op: SignOut) -> Outcome:
    """Forget the sign-in: the account leaves the MSAL cache (or awork's tokens go), and its connection."""
    signin = account.services.signin
    backend = _signin_target(account, op.backend)
    if signin is None or backend is None:
        return Problem("signin.none_offered")
    name = backend_name(backend)
    if not await signin.sign_out(account.identity, backend):
        return Problem("signin.not_signed_in", {"backend": name})
    await forget_synced(account.services, account.identity)
    account.registry.forget(account.identity)
    return Notice("signin.signed_out", {"backend": name})


async def forget_synced(services: Services, identity: Identity) -> None:
    """Drop what feed sources synced for the person (their calendar meetings) once they signed out."""
    for source in services.feed_sources:
        forget = getattr(source, "forget", None)
        if forget is not None:
            await forget(identity)
