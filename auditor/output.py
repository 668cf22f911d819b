"""Safe report output: a complete folder is staged beside the output folder, then published with one rename.

- :func:`prepare_output_dir` checks, before anything is collected and without creating anything,
  that the reports can be published: a non-empty folder is refused unless the user passes
  ``--force``, and ``--force`` replaces only an earlier report folder (one holding ``results.json``),
  never a folder of other files.
- :func:`staged_output` gives a staging folder next to the output folder (same file system), and on
  success publishes it: the previous folder is moved aside, the staging folder renamed into its
  place, the previous one removed. A reader therefore sees the old reports or the new ones, never a
  mix of two runs and never a half-written file. The output folder (and any missing parent) is
  created only then, when there is something to write.
- :func:`dated_output_dir` fills in ``{date}``, ``{month}`` and ``{timestamp}`` in ``--output``, so
  a monthly job given ``--output reports/{timestamp}`` never meets last month's reports.
- The staging folder holds the unredacted snapshot while reports are rendered: it is removed on
  success, on any error and on Ctrl-C, and one left behind by a killed process is removed by the
  next run publishing to the same folder.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from auditor.errors import AuditorError

STAGING_PREFIX = ".auditor-staging-"
ASIDE_PREFIX = ".auditor-previous-"
#: The file that marks a folder as an earlier report folder, which ``--force`` may replace.
RESULTS_FILE = "results.json"
#: Placeholders ``--output`` may hold, filled in from the local time when the command starts: every
#: scheduled run then writes a folder of its own, and no scheduler or shell has to expand a date.
DATE_PLACEHOLDERS = {"{date}": "%Y-%m-%d", "{month}": "%Y-%m", "{timestamp}": "%Y-%m-%dT%H%M%S"}


def dated_output_dir(directory: Path, now: datetime, force: bool = False) -> Path:
    """``directory`` with its date placeholders filled in.

    A dated folder that already exists (a second run in the same month, or second) becomes
    ``…-2``, ``…-3`` and so on, unless ``force`` asks to replace it; a path without placeholders is
    returned as it is.
    """
    text = str(directory)
    if not any(placeholder in text for placeholder in DATE_PLACEHOLDERS):
        return directory
    for placeholder, pattern in DATE_PLACEHOLDERS.items():
        text = text.replace(placeholder, now.strftime(pattern))
    dated, number = Path(text), 2
    while not force and (dated.exists() or dated.is_symlink()):
        dated, number = Path(f"{text}-{number}"), number + 1
    return dated


def prepare_output_dir(directory: Path, force: bool) -> Path:
    """Check that reports can be published at ``directory``; nothing is created here."""
    target = directory.resolve()
    if target == target.parent:
        raise AuditorError("output_unwritable", path=directory, detail="a file system root cannot be replaced")
    if target.exists():
        if not target.is_dir():
            raise AuditorError("output_unwritable", path=directory, detail="not a directory")
        entries = sorted(p.name for p in target.iterdir())
        if entries and not force:
            raise AuditorError("output_not_empty", path=directory)
        if entries and not (target / RESULTS_FILE).is_file():
            raise AuditorError("output_foreign", path=directory, example=entries[0])
        if Path.cwd().resolve().is_relative_to(target):
            raise AuditorError("output_unwritable", path=directory,
                               detail="it contains the current folder; run the audit from another folder")
    ancestor = _nearest_existing(target.parent)
    if not ancestor.is_dir():
        raise AuditorError("output_unwritable", path=directory, detail=f"{ancestor} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise AuditorError("output_unwritable", path=directory, detail=f"permission denied on {ancestor}")
    return directory


@contextmanager
def staged_output(directory: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block succeeds, publish it as ``directory`` in one rename.

    Whatever happens, the staging folder is gone afterwards; on failure the output folder is as it
    was and no parent folder created for it is left behind. A failure to write is one clear error.
    """
    target = directory.resolve()
    created = _make_parents(target.parent, directory)
    staging: Path | None = None
    try:
        _remove_abandoned(target)
        staging = Path(tempfile.mkdtemp(prefix=_sibling_prefix(target, STAGING_PREFIX), dir=target.parent))
        yield staging
        _publish(staging, target)
        created = []
    except OSError as exc:
        raise AuditorError("output_unwritable", path=directory, detail=exc.strerror or str(exc)) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):
            with suppress(OSError):
                folder.rmdir()


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


def _publish(staging: Path, target: Path) -> None:
    """Move the previous folder aside, rename the staging folder into place, then remove the previous one."""
    os.chmod(staging, _folder_mode(target))
    if not target.exists():
        os.rename(staging, target)
        return
    aside = target.parent / f"{_sibling_prefix(target, ASIDE_PREFIX)}{uuid.uuid4().hex[:12]}"
    os.rename(target, aside)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _sibling_prefix(target: Path, kind: str) -> str:
    """``.audit-report.auditor-staging-<pid>-``: hidden, named after the output folder and the process."""
    return f".{target.name}{kind}{os.getpid()}-"


def _remove_abandoned(target: Path) -> None:
    """Remove staging and set-aside folders of ``target`` whose process no longer runs (killed runs)."""
    if not target.parent.is_dir():
        return
    for kind in (STAGING_PREFIX, ASIDE_PREFIX):
        prefix = f".{target.name}{kind}"
        for sibling in target.parent.glob(f"{prefix}*"):
            pid = sibling.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)) and sibling.is_dir() and not sibling.is_symlink():
                shutil.rmtree(sibling, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else (or the platform cannot tell): leave it alone
    return True


def _folder_mode(target: Path) -> int:
    """The previous folder's permissions, else the default for a new folder (0777 less the umask)."""
    if target.is_dir():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _make_parents(folder: Path, directory: Path) -> list[Path]:
    """Create the missing parents of the output folder; return those created, outermost first."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            created.append(path)
    except OSError as exc:
        for path in reversed(created):
            with suppress(OSError):
                path.rmdir()
        raise AuditorError("output_unwritable", path=directory, detail=exc.strerror or str(exc)) from None
    return created
