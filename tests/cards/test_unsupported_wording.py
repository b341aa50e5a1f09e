"""A refusal names the backend and the missing feature in the person's language."""

from __future__ import annotations

import pytest

from adapters.errors import Unsupported
from bot.features.respond import problem_for
from bot.replies import say


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "Toggl Track doesn't support working hours, so I can't do that there."),
        ("de-DE", "Toggl Track unterstützt Arbeitszeiten nicht, daher geht das dort nicht."),
    ],
)
def test_the_missing_feature_is_named_in_the_persons_language(locale: str, expected: str) -> None:
    problem = problem_for(Unsupported("working hours"), None, "toggl")
    assert say(problem.key, locale, problem.params) == expected


def test_a_feature_the_catalogue_does_not_know_stays_as_the_backend_said_it_escaped() -> None:
    problem = problem_for(Unsupported("restarting a *finished* entry"), None, "awork")
    assert "restarting a \\*finished\\* entry" in say(problem.key, "de", problem.params)
