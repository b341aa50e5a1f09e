"""`LocalBackend`: the `Backend` protocol over the bot's own SQL database (the reference implementation).

Assembled from one part per domain, each small enough to read at once: `masterdata` (workspace settings,
clients, projects, tasks, tags), `edits` (renaming, archiving and deleting those), `entries` (time entries,
the timer), `workinghours`, `feed`, `reports`; the shared plumbing and rules are in `base`, row → model in
`rows`. See `base` for the transaction and invariant rules every part follows.
"""

from __future__ import annotations

from adapters.backend import Capability
from adapters.local.edits import MasterDataEdits
from adapters.local.entries import TimeEntries
from adapters.local.feed import Feed
from adapters.local.masterdata import MasterData
from adapters.local.reports import Reports
from adapters.local.workinghours import WorkingHours

LOCAL_CAPABILITIES = (
    Capability.TIME_ENTRIES
    | Capability.TIMER
    | Capability.CLIENTS
    | Capability.PROJECTS
    | Capability.TASKS
    | Capability.TAGS
    | Capability.WORKING_HOURS
    | Capability.FEED
    | Capability.FEED_WRITE
    | Capability.WORKSPACE_SETTINGS
    | Capability.REPORTS
)


class LocalBackend(MasterData, MasterDataEdits, TimeEntries, WorkingHours, Feed, Reports):
    """One user's view of one workspace in the embedded database. Get one from `LocalBackendFactory.bind`."""

    kind = "local"
    capabilities = LOCAL_CAPABILITIES
