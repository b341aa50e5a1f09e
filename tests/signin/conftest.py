from collections.abc import Iterator

import pytest

from tests.fakes.entra import FakeEntra
from tests.support.db import database_url, engine  # noqa: F401  (fixtures)


@pytest.fixture
def fake_entra() -> Iterator[FakeEntra]:
    with FakeEntra() as fake:
        yield fake
