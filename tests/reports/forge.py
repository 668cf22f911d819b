"""What a forger does to a bundle folder after editing a file: make its manifest digest match again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def rehash(folder: Path, name: str) -> None:
    """Forge the manifest digest and size of ``name`` so that the digests match again."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == name:
            data = (folder / name).read_bytes()
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
