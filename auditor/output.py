"""Safe report output: everything is written to a staging folder, then moved into place.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the output directory as it was: no
half-written report ever carries a final name. A non-empty output directory is refused unless the
user passes ``--force``; an unwritable one is a clear error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from auditor.errors import AuditorError

STAGING_PREFIX = ".auditor-staging-"


def prepare_output_dir(directory: Path, force: bool) -> Path:
    """Create the directory if needed; refuse a non-empty one without ``force``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditorError("output_unwritable", path=directory, detail=exc.strerror or str(exc)) from None
    if not directory.is_dir():
        raise AuditorError("output_unwritable", path=directory, detail="not a directory")
    leftovers = [p for p in directory.iterdir() if not p.name.startswith(STAGING_PREFIX)]
    if leftovers and not force:
        raise AuditorError("output_not_empty", path=directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise AuditorError("output_unwritable", path=directory, detail="permission denied")
    return directory


@contextmanager
def staged_output(directory: Path) -> Iterator[Path]:
    """Yield a staging folder inside ``directory``; on success move its files into place, else drop it."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    except OSError as exc:
        raise AuditorError("output_unwritable", path=directory, detail=exc.strerror or str(exc)) from None
    try:
        yield staging
        for source in sorted(staging.rglob("*")):
            if source.is_file():
                target = directory / source.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write one file through a temporary name in the same folder, then rename it into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
