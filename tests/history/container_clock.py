"""The report folder a merge container names for ``--output …/{date}`` at a given instant, computed in a separate
Python process with only the container's own environment variables (``TZ`` among them) added, the way the
container's ``auditor report`` would."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

_SCRIPT = """
import sys
from datetime import datetime
from pathlib import Path
from auditor.output import dated_output_dir
print(dated_output_dir(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]).astimezone()))
"""


def folder_named(output: str, instant: datetime, environment: dict[str, str]) -> str:
    env = {key: value for key, value in os.environ.items() if key != "TZ"} | environment
    done = subprocess.run([sys.executable, "-c", _SCRIPT, output, instant.isoformat()], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()
