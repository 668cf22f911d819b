"""The bounds on what the core reads from the user, in one place (documented in ``docs/limits.md``).

Every file the user hands in is read through :func:`read_bounded`: regular files only (never a
device, a FIFO or a folder), and never more than the limit for its kind, so a careless or hostile
input is refused in a moment with one clear message instead of exhausting memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from auditor.errors import AuditorError

MIB = 1024 * 1024

#: Largest attestation file read (answers to a few hundred items are a few hundred kilobytes).
MAX_ATTESTATION_BYTES = 4 * MIB
#: Longest single string value in an attestation file (an answer, a document name, a comment).
MAX_ATTESTATION_STRING_CHARS = 10_000
#: Largest snapshot ``auditor evaluate`` reads (tens of thousands of resources with raw payloads).
MAX_SNAPSHOT_BYTES = 512 * MIB
#: Longest single string value in a snapshot (a policy document or a credential report fits easily).
MAX_SNAPSHOT_STRING_CHARS = 16 * MIB
#: Deepest nesting of lists and mappings in a snapshot's JSON.
MAX_SNAPSHOT_DEPTH = 200


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``; a device, FIFO, folder or a file over ``limit`` is refused.

    The file is opened without blocking (a FIFO with no writer would otherwise wait forever) and
    checked before anything is read; at most ``limit`` + 1 bytes are ever read, so a file that grows
    while it is read is refused too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise AuditorError("not_a_regular_file", path=path, kind=_kind(status.st_mode))
        if status.st_size > limit:
            raise AuditorError("file_too_large", path=path, limit=_size_text(limit))
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(MIB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:
        raise AuditorError("file_too_large", path=path, limit=_size_text(limit))
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _size_text(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit} bytes"
