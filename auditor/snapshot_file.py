"""Reading a snapshot file that may come from anywhere: one bounded read, then the snapshot's JSON form
(:mod:`auditor.serialize`) with every string and every level of nesting checked against the limits of
:mod:`auditor.limits`; anything wrong is one clear :class:`~auditor.errors.AuditorError` naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError
from auditor.i18n import os_problem
from auditor.limits import MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_DEPTH, MAX_SNAPSHOT_STRING_CHARS, read_bounded
from auditor.model import Evidence, Gap, RunInfo
from auditor.records import Record, RecordError
from auditor.serialize import SNAPSHOT_SCHEMA_VERSION, evidence_from_dict, gap_from_dict, run_from_dict


def read_snapshot(path: Path) -> tuple[RunInfo, tuple[Evidence, ...], tuple[Gap, ...]]:
    """Load a snapshot file; anything wrong with it is one clear :class:`AuditorError`.

    Only a regular file of at most ``MAX_SNAPSHOT_BYTES`` is read; a string longer than
    ``MAX_SNAPSHOT_STRING_CHARS`` or nesting deeper than ``MAX_SNAPSHOT_DEPTH`` is refused, and a
    field of the wrong type is reported with its path (``evidence[3].collected_at``).
    """
    try:
        data = json.loads(read_bounded(path, MAX_SNAPSHOT_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditorError("snapshot_unreadable", path=path, detail=_reason(exc)) from None
    except RecursionError:
        raise AuditorError("snapshot_invalid", path=path, where="(document)",
                           detail=f"nested deeper than {MAX_SNAPSHOT_DEPTH} levels") from None
    if not isinstance(data, dict) or data.get("kind") != "auditor-snapshot":
        raise AuditorError("snapshot_unreadable", path=path, detail="not an auditor snapshot (kind is missing)")
    if data.get("schema_version") != SNAPSHOT_SCHEMA_VERSION:
        raise AuditorError(
            "snapshot_unreadable", path=path,
            detail=f"schema_version {data.get('schema_version')!r} is not supported"
            f" (expected {SNAPSHOT_SCHEMA_VERSION})",
        )
    try:
        _check_bounds(data)
        snapshot = Record.of(data, "")
        run = run_from_dict(snapshot.value("run"))
        evidence = tuple(evidence_from_dict(e.data, e.where) for e in snapshot.records("evidence"))
        gaps = tuple(gap_from_dict(g.data, g.where) for g in snapshot.records("gaps"))
    except RecordError as exc:
        raise AuditorError("snapshot_invalid", path=path, where=exc.where, detail=exc.detail) from None
    return run, evidence, gaps


def _reason(exc: Exception) -> str | tuple[str, str]:
    return os_problem(exc) if isinstance(exc, OSError) else str(exc)


def _check_bounds(document: Any) -> None:
    """Refuse a string longer than ``MAX_SNAPSHOT_STRING_CHARS`` or nesting deeper than ``MAX_SNAPSHOT_DEPTH``."""
    pending: list[tuple[Any, Any, int]] = [(document, None, 0)]
    while pending:
        value, trail, depth = pending.pop()
        if isinstance(value, str):
            if len(value) > MAX_SNAPSHOT_STRING_CHARS:
                raise RecordError(_path(trail), f"a text of {len(value):,} characters is longer than the"
                                  f" limit of {MAX_SNAPSHOT_STRING_CHARS:,}")
        elif isinstance(value, (dict, list)):
            if depth >= MAX_SNAPSHOT_DEPTH:
                raise RecordError(_path(trail), f"nested deeper than {MAX_SNAPSHOT_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            pending.extend((item, (trail, key), depth + 1) for key, item in items)


def _path(trail: Any) -> str:
    """``evidence[3].raw.Policy`` from the chain of (parent, key) pairs the walk above keeps."""
    parts: list[str] = []
    while trail is not None:
        trail, key = trail
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".") or "(document)"

