"""Sign-in prompts: a valid Adaptive Card 1.5 with one link button, the OAuthCard and `loginRequest` shapes
Teams expects, and a sign-in page that shows what it is given as text."""

from __future__ import annotations

import pytest

from cards.signin import LOGIN_REQUEST, OAUTH_CARD, login_request, oauth_card, page, signin_card
from tests.support.cards import assert_valid_card

LINK = "https://bot.example.com/auth/start?state=" + "s" * 43


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
@pytest.mark.parametrize(
    "reason", ["no_account", "invalid_grant", "interaction_required", "consent_required"]
)
@pytest.mark.parametrize(
    ("backend", "provider"), [("timeghost", "entra"), ("awork", "awork"), ("calendar", "entra")]
)
def test_the_link_prompt_is_a_valid_card(backend: str, provider: str, reason: str, locale: str) -> None:
    card = signin_card(backend, provider, LINK, locale, reason=reason)
    assert_valid_card(card)
    buttons = [a for e in card["body"] if e.get("type") == "ActionSet" for a in e["actions"]]
    assert [(b["type"], b["url"]) for b in buttons] == [("Action.OpenUrl", LINK)]


def test_oauth_card_and_login_request() -> None:
    card = oauth_card("timeghost", LINK, "en-US", resource="api://botid-x", exchange_id="state-1")
    assert card["contentType"] == OAUTH_CARD
    content = card["content"]
    assert content["tokenExchangeResource"] == {"id": "state-1", "uri": "api://botid-x"}
    assert content["buttons"] == [{"type": "signin", "title": "Sign in", "value": LINK}]
    body = login_request("timeghost", LINK, "de-DE", resource=None, exchange_id="state-2")
    assert body["statusCode"] == 401 and body["type"] == LOGIN_REQUEST
    assert "tokenExchangeResource" not in body["value"] and body["value"]["buttons"][0]["title"] == "Anmelden"


def test_the_page_shows_text_never_markup() -> None:
    html = page('<script>alert(1)</script> & "quotes"', "de-DE")
    assert "<script>" not in html and "&lt;script&gt;" in html and 'lang="de"' in html
