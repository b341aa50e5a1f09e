"""MSAL through the fake Entra ID: on-behalf-of, silent refresh, errors, per-person caches encrypted at rest,
written only when MSAL changed them, safe when two processes refresh one person at once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msal
import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from bot.signin.entra import Entra, EntraMisconfigured, SignInRequired, client_credential
from bot.store import tables as t
from bot.store.tokens import TokenStore
from tests.fakes.entra import EntraUser, FakeEntra
from tests.support.db import engine_for

CLIENT, SECRET = "5d7c2a8e-1b3f-4c6d-9e0a-7f1b2c3d4e5f", "bot-secret"
TIMEGHOST = "api://timeghost-api/user_impersonation"
GRAPH = "https://graph.microsoft.com/Calendars.Read"
ROOT = b"root-secret-for-token-caches-" * 2
AUTHORITY = "https://login.microsoftonline.com/organizations"


def identity(user: EntraUser) -> Identity:
    return Identity(user.tenant_id, user.oid, user.name)


def client(fake: FakeEntra, store: TokenStore, secret: str = SECRET) -> Entra:
    return Entra(CLIENT, secret, AUTHORITY, store, http=fake.http())


@pytest.fixture
def ada(fake_entra: FakeEntra) -> EntraUser:
    fake_entra.register_app(CLIENT, SECRET, redirect_uris=["https://bot.example/auth/callback"])
    user = fake_entra.add_user("ada@contoso.example", "Ada Lovelace")
    fake_entra.consent(user, TIMEGHOST, GRAPH)
    return user


def token_posts(fake: FakeEntra) -> list[str]:
    return [form.get("grant_type", "") for method, path, form in fake.requests if path.endswith("/token")]


async def raw_row(engine: AsyncEngine) -> sa.Row[tuple[object, ...]] | None:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(t.token_caches))).one_or_none()


async def test_obo_stores_the_cache_encrypted_and_silent_answers_from_it(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    entra = client(fake_entra, TokenStore(engine, [ROOT]))
    sso = fake_entra.sso_token(ada, f"api://botid-{CLIENT}")
    token = await entra.on_behalf_of(identity(ada), sso, [TIMEGHOST])
    claims = fake_entra.verify(token.access_token, "api://timeghost-api")
    assert claims is not None and claims["oid"] == ada.oid and token.username == ada.upn
    assert f"/{ada.tenant_id}/oauth2/v2.0/token" in [p for _, p, _ in fake_entra.requests][-1]  # own tenant
    row = await raw_row(engine)
    assert row is not None and row.version == 1
    assert token.access_token.encode() not in bytes(row.blob) and b"refresh" not in bytes(row.blob)

    again = await entra.silent(identity(ada), [TIMEGHOST])
    assert again.access_token == token.access_token and token_posts(fake_entra).count("refresh_token") == 0
    assert (await raw_row(engine)).version == 1  # type: ignore[union-attr]  # unchanged cache: not written
    assert await entra.username(identity(ada)) == ada.upn


async def test_silent_uses_the_refresh_token_for_another_resource_and_when_expired(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    fake_entra.access_token_lifetime = 60  # MSAL treats tokens expiring within 5 minutes as expired
    entra = client(fake_entra, TokenStore(engine, [ROOT]))
    await entra.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
    graph = await entra.silent(identity(ada), [GRAPH])
    assert fake_entra.verify(graph.access_token, "https://graph.microsoft.com") is not None
    await entra.silent(identity(ada), [TIMEGHOST])
    assert token_posts(fake_entra).count("refresh_token") == 2
    assert (await raw_row(engine)).version == 3  # type: ignore[union-attr]


async def test_without_an_account_silent_asks_for_sign_in(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    with pytest.raises(SignInRequired) as refused:
        await client(fake_entra, TokenStore(engine, [ROOT])).silent(identity(ada), [TIMEGHOST])
    assert refused.value.reason == "no_account" and await raw_row(engine) is None


async def test_a_revoked_refresh_token_asks_for_sign_in_and_stores_nothing(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    fake_entra.access_token_lifetime = 60
    entra = client(fake_entra, TokenStore(engine, [ROOT]))
    await entra.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
    before = await raw_row(engine)
    fake_entra.revoke(ada)
    with pytest.raises(SignInRequired) as refused:
        await entra.silent(identity(ada), [TIMEGHOST])
    assert refused.value.reason == "invalid_grant" and "AADSTS50173" in refused.value.detail
    after = await raw_row(engine)
    assert (
        after is not None
        and before is not None
        and (after.version, after.blob) == (before.version, before.blob)
    )


async def test_missing_consent_and_mfa_are_told_apart(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    entra = client(fake_entra, TokenStore(engine, [ROOT]))
    sso = fake_entra.sso_token(ada, f"api://botid-{CLIENT}")
    with pytest.raises(SignInRequired) as consent:
        await entra.on_behalf_of(identity(ada), sso, ["api://timeghost-api/admin"])
    assert consent.value.reason == "consent_required"
    ada.mfa_required = True
    with pytest.raises(SignInRequired) as mfa:
        await entra.on_behalf_of(identity(ada), sso, [TIMEGHOST])
    assert mfa.value.reason == "interaction_required" and await raw_row(engine) is None


async def test_a_wrong_client_secret_is_the_operators_problem(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    entra = client(fake_entra, TokenStore(engine, [ROOT]), secret="wrong")
    with pytest.raises(EntraMisconfigured) as refused:
        await entra.on_behalf_of(
            identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST]
        )
    assert "invalid_client" in str(refused.value) and "wrong" not in str(refused.value)


async def test_sign_out_removes_the_account_and_the_stored_cache(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    entra = client(fake_entra, TokenStore(engine, [ROOT]))
    await entra.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
    assert await entra.sign_out(identity(ada))
    assert await raw_row(engine) is None and await entra.username(identity(ada)) is None
    with pytest.raises(SignInRequired):
        await entra.silent(identity(ada), [TIMEGHOST])
    assert not await entra.sign_out(identity(ada))


async def test_caches_are_per_person_and_a_copied_row_does_not_decrypt(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    bob = fake_entra.add_user("bob@contoso.example", "Bob", tenant_id=ada.tenant_id)
    fake_entra.consent(bob, TIMEGHOST)
    store = TokenStore(engine, [ROOT])
    entra = client(fake_entra, store)
    await entra.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
    cache = msal.SerializableTokenCache()
    cache.deserialize((await store.load(identity(ada), "entra")).text)
    assert [a["home_account_id"] for a in cache.search(msal.TokenCache.CredentialType.ACCOUNT)] == [
        f"{ada.oid}.{ada.tenant_id}"
    ]
    async with engine.begin() as conn:
        await conn.execute(t.token_caches.update().values(aad_object_id=bob.oid))
    assert (await store.load(identity(bob), "entra")).text is None
    with pytest.raises(SignInRequired):
        await entra.silent(identity(bob), [TIMEGHOST])


async def test_key_rotation_re_encrypts_on_next_use(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    old, new = b"old-root-secret-" * 3, b"new-root-secret-" * 3
    await client(fake_entra, TokenStore(engine, [old])).on_behalf_of(
        identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST]
    )
    await client(fake_entra, TokenStore(engine, [new, old])).silent(identity(ada), [TIMEGHOST])
    assert (await TokenStore(engine, [old]).load(identity(ada), "entra")).text is None
    assert (await TokenStore(engine, [new]).load(identity(ada), "entra")).text is not None


async def test_two_processes_refreshing_one_person_never_corrupt_the_cache(
    database_url: str, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    fake_entra.access_token_lifetime = 60  # every silent call refreshes
    async with engine_for(database_url) as first, engine_for(database_url, migrate=False) as second:
        one, two = (
            client(fake_entra, TokenStore(first, [ROOT])),
            client(fake_entra, TokenStore(second, [ROOT])),
        )
        await one.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
        results = await asyncio.gather(
            *(
                process.silent(identity(ada), [scope])
                for process in (one, two, one, two)
                for scope in (TIMEGHOST, GRAPH)
            )
        )
        assert all(r.access_token for r in results)
        stored = await TokenStore(first, [ROOT]).load(identity(ada), "entra")
        cache = json.loads(stored.text or "{}")
        assert len(cache["Account"]) == 1
        targets = sorted(at["target"] for at in cache["AccessToken"].values())
        assert targets == sorted([TIMEGHOST, GRAPH])  # both resources survived every interleaving
        refreshes = token_posts(fake_entra).count("refresh_token")
        assert stored.version >= 2 and refreshes >= 8  # lost races ran again on the newer cache


async def test_a_lost_compare_and_set_runs_the_step_again_on_the_newer_state(engine: AsyncEngine) -> None:
    store, other = TokenStore(engine, [ROOT]), TokenStore(engine, [ROOT])
    who = Identity("t", "o", "n")
    seen: list[str | None] = []

    def step(text: str | None) -> tuple[int, str]:
        seen.append(text)
        if len(seen) == 1:  # another process writes while this one was busy
            asyncio.run_coroutine_threadsafe(other.store(who, "entra", "theirs", 0), loop).result()
        return len(seen), (text or "") + "+mine"

    loop = asyncio.get_running_loop()
    assert await store.update(who, "entra", step) == 2
    assert seen == [None, "theirs"] and (await store.load(who, "entra")).text == "theirs+mine"


async def test_a_certificate_instead_of_a_secret(
    tmp_path: Path, engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "timebot")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    pem = tmp_path / "bot.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    fake_entra.register_app(CLIENT, None, certificate=cert)
    entra = Entra(
        CLIENT, client_credential("", pem), AUTHORITY, TokenStore(engine, [ROOT]), http=fake_entra.http()
    )
    token = await entra.on_behalf_of(
        identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST]
    )
    assert fake_entra.verify(token.access_token, "api://timeghost-api") is not None
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    forged = Entra(
        CLIENT, client_credential("", pem), AUTHORITY, TokenStore(engine, [ROOT]), http=fake_entra.http()
    )
    with pytest.raises(EntraMisconfigured, match="invalid_client"):
        await forged.on_behalf_of(
            identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST]
        )


async def test_a_guest_whose_home_account_is_elsewhere_finds_their_one_account(
    engine: AsyncEngine, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    """A B2B guest's MSAL account is `<home oid>.<home tid>`, not the ids Teams shows in the host tenant."""
    store = TokenStore(engine, [ROOT])
    entra = client(fake_entra, store)
    await entra.on_behalf_of(identity(ada), fake_entra.sso_token(ada, f"api://botid-{CLIENT}"), [TIMEGHOST])
    guest = Identity(ada.tenant_id, "guest-object-id-in-the-host-tenant", "Ada (Guest)")
    text = (await store.load(identity(ada), "entra")).text
    assert text is not None and await store.store(guest, "entra", text, 0)
    assert (await entra.silent(guest, [TIMEGHOST])).access_token
    assert await entra.username(guest) == ada.upn
