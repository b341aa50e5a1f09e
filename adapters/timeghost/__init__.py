"""The timeghost adapter: `TimeghostBackendFactory(base_url, connections)` → `TimeghostBackend`.

Sources: the certified Power Platform connector definition
(vendored as `tests/specs/timeghost/apiDefinition.swagger.json`, 2022), the connector's current documentation
(Microsoft Learn, which adds the working-hours operations), and third-party production code (absentify, [ABS]:
`x-api-key`, `add/comego`, `delete/comego/{id}`, the Cosmos 500).

Every connector operation and its counterpart here: `adapters/timeghost/operations.py` (`OPERATIONS`),
checked against the definition by `tests/adapters/test_timeghost_mapping.py`. Decisions:
`adapters/timeghost/backend.py`.
"""

from adapters.timeghost.backend import TimeghostBackend, TimeghostBackendFactory
from adapters.timeghost.mapping import Group

__all__ = ["Group", "TimeghostBackend", "TimeghostBackendFactory"]
