"""Process-wide settings applied before Prefect or GX are imported: offline, quiet, local.

With no `PREFECT_API_URL`, Prefect starts its embedded ephemeral API in-process; a set
`PREFECT_API_URL` (a standing server) is honoured untouched.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

QUIET_OFFLINE_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",
}


def configure(prefect_home: Path | None = None) -> None:
    """Set defaults (never overriding the caller's environment) before importing prefect."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home or PROJECT_ROOT / ".prefect"))
    for key, value in QUIET_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    # GX logs its ephemeral-context housekeeping at INFO; only problems belong on a run's console.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
