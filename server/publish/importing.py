"""An import published as a release: ``server.graph.imports.run.import_files`` with
``server.publish.publishing.publish_version`` as its publisher (``smarthame import``, ``POST /publish``
and the Graph Store writes all call this).

    outcome = import_files([Path("new-projects.xlsx")], settings, by="smarthame import")
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.graph.imports import run
from server.graph.imports.run import ImportOutcome
from server.graph.releases import Release, ReleaseNotes
from server.publish.publishing import publish_version
from server.settings import Settings


def import_files(paths: list[Path], settings: Settings, **options: Any) -> ImportOutcome:
    """``run.import_files(paths, settings, **options)``, publishing through ``publish_version``."""
    started = datetime.now(UTC).replace(microsecond=0)

    def publish(dataset: ox.Dataset, notes: ReleaseNotes, extra: Callable[[Path, str], None]) -> Release:
        return publish_version(dataset, settings, notes, started=started, extra_files=extra)

    return run.import_files(paths, settings, publish=publish, **options)
