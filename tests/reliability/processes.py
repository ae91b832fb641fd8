"""``lou`` as a separate process, for the tests that kill, interrupt or race it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BASE_ENV

LOU = [sys.executable, "-m", "lou_library"]


def lou_env(db: Path | str) -> dict[str, str]:
    return {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "60"}


def run_lou(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LOU, *args], env=lou_env(db), capture_output=True, text=True, check=False
    )
