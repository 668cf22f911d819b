"""Start-up time of the ``auditor`` command: the median wall time of N runs of ``auditor --help`` and
``auditor --version`` (target: under 0.3 s each), plus a few sub-commands' own help for comparison.

Usage: python bench/startup.py [--runs N] [--command "audit --help"]...

Each run is a fresh process, as a user starts it: the ``auditor`` script next to this Python when it
is installed there, else ``python -m auditor``. ``python -X importtime -m auditor --help`` shows where
the remaining time goes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.3
DEFAULT_COMMANDS = ("--help", "--version", "permissions --help", "audit --help")


def launcher() -> list[str]:
    script = Path(sys.executable).with_name("auditor")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "auditor"]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--command", action="append", default=None, help="arguments after 'auditor' (repeatable)")
    args = parser.parse_args()
    base = launcher()
    median_seconds([*base, "--version"], 2)  # warm the file cache and the bytecode
    over = False
    for command in args.command or DEFAULT_COMMANDS:
        seconds = median_seconds([*base, *command.split()], args.runs)
        targeted = command in ("--help", "--version")
        over |= targeted and seconds >= TARGET_SECONDS
        note = f"(target < {TARGET_SECONDS} s)" if targeted else ""
        print(f"auditor {command:<22} median {seconds * 1000:7.1f} ms over {args.runs} runs {note}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
