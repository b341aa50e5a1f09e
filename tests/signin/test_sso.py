"""The bot's own validation of Teams SSO tokens (signin/tokenExchange): signature via the tenant's JWKS,
audience, issuer v1 or v2, tenant, user and expiry — each refusal its own test."""

from __future__ import annotations

import jwt
import pytest

from bot.signin.sso import SsoRejected, SsoValidator
from tests.fakes.entra import EntraUser, FakeEntra
from tests.support.jwt_keys import SigningKey

CLIENT = "5d7c2a8e-1b3f-4c6d-9e0a-7f1b2c3d4e5f"
RESOURCE = f"api://bot.example/botid-{CLIENT}"


@pytest.fixture
def ada(fake_entra: FakeEntra) -> EntraUser:
    return fake_entra.add_user("ada@contoso.example", "Ada Lovelace")


@pytest.fixture
def validator(fake_entra: FakeEntra) -> SsoValidator:
    return SsoValidator(client_id=CLIENT, resource=RESOURCE, http=fake_entra.http())


async def check(validator: SsoValidator, token: str, user: EntraUser) -> str:
    return (await validator.validate(token, tenant_id=user.tenant_id, aad_object_id=user.oid)).oid


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("audience", [RESOURCE, CLIENT])
async def test_v1_and_v2_tokens_for_the_resource_or_the_client_id_are_accepted(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser, version: int, audience: str
) -> None:
    token = fake_entra.sso_token(ada, audience, version=version)
    identity = await validator.validate(token, tenant_id=ada.tenant_id, aad_object_id=ada.oid)
    assert (identity.oid, identity.tenant_id, identity.username) == (ada.oid, ada.tenant_id, ada.upn)


async def test_keys_are_fetched_once_per_tenant(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    for _ in range(3):
        await check(validator, fake_entra.sso_token(ada, RESOURCE), ada)
    fetched = [p for m, p, _ in fake_entra.requests if "keys" in p or "openid-configuration" in p]
    assert len(fetched) == 3  # v2 configuration, v1 configuration, JWKS


async def test_wrong_audience(validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser) -> None:
    with pytest.raises(SsoRejected, match="audience"):
        await check(validator, fake_entra.sso_token(ada, "api://botid-someone-else"), ada)


async def test_wrong_issuer(validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser) -> None:
    token = fake_entra.sso_token(ada, RESOURCE, issuer="https://login.microsoftonline.com/common/v2.0")
    with pytest.raises(SsoRejected, match="issuer"):
        await check(validator, token, ada)


async def test_issuer_of_another_tenant(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    other = fake_entra.add_user("eve@fabrikam.example", "Eve")
    token = fake_entra.sso_token(ada, RESOURCE, issuer=f"https://sts.windows.net/{other.tenant_id}/")
    with pytest.raises(SsoRejected, match="issuer"):
        await check(validator, token, ada)


async def test_token_of_another_tenant(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    eve = fake_entra.add_user("eve@fabrikam.example", "Eve")
    with pytest.raises(SsoRejected, match="another tenant"):
        await validator.validate(
            fake_entra.sso_token(eve, RESOURCE), tenant_id=ada.tenant_id, aad_object_id=eve.oid
        )
    assert not [p for _, p, _ in fake_entra.requests if eve.tenant_id in p]  # nothing fetched for it


async def test_token_of_another_user(validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser) -> None:
    bob = fake_entra.add_user("bob@contoso.example", "Bob", tenant_id=ada.tenant_id)
    with pytest.raises(SsoRejected, match="another user"):
        await check(validator, fake_entra.sso_token(bob, RESOURCE), ada)


async def test_expired(validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser) -> None:
    with pytest.raises(SsoRejected, match="expired"):
        await check(validator, fake_entra.sso_token(ada, RESOURCE, lifetime=-600), ada)


async def test_within_clock_skew_is_accepted(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    assert await check(validator, fake_entra.sso_token(ada, RESOURCE, lifetime=-60), ada) == ada.oid


async def test_unknown_key(validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser) -> None:
    with pytest.raises(SsoRejected, match="unknown key"):
        await check(validator, fake_entra.sso_token(ada, RESOURCE, key=SigningKey()), ada)


async def test_a_forged_signature_under_a_known_kid(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser
) -> None:
    token = fake_entra.sso_token(ada, RESOURCE, key=SigningKey(), kid=fake_entra.key.kid)
    with pytest.raises(SsoRejected, match="InvalidSignatureError"):
        await check(validator, token, ada)


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
async def test_other_algorithms(
    validator: SsoValidator, fake_entra: FakeEntra, ada: EntraUser, algorithm: str
) -> None:
    claims = jwt.decode(fake_entra.sso_token(ada, RESOURCE), options={"verify_signature": False})
    token = jwt.encode(claims, "s" * 32 if algorithm == "HS256" else None, algorithm=algorithm)  # type: ignore[arg-type]
    with pytest.raises(SsoRejected, match="header"):
        await check(validator, token, ada)


async def test_not_a_jwt(validator: SsoValidator, ada: EntraUser) -> None:
    with pytest.raises(SsoRejected, match="not a JWT"):
        await check(validator, "abc.def", ada)
