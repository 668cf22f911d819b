"""Reading an evidence bundle (a folder or a zip) safely, before anything in it is believed.

A zip is checked as a whole before a byte is extracted: more than :data:`MAX_MEMBERS` entries, two
entries with the same name (``unzip`` extracts the first, Python reads the last, so they could show
different reports), an entry the manifest does not list, a path that leaves the bundle, a member that
would unpack to more than :data:`MAX_MEMBER_BYTES` (or all of them to more than
:data:`MAX_TOTAL_BYTES`), or one that unpacks more than :data:`MAX_COMPRESSION_RATIO` times its packed
size (a zip bomb) is refused with :class:`BundleRefused`, naming the entry. The members are then
copied, streaming, into a private temporary folder while their SHA-256 is computed; nothing is held
whole in memory.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from auditor.errors import AuditorError
from auditor.i18n import os_problem
from auditor.signing import SIGNATURE_FILE

BUNDLE_DIR = "bundle"
MANIFEST = "manifest.json"
MIB = 1024 * 1024
#: Most entries a bundle zip may hold (a bundle has a dozen files; 10,000 is far beyond any real one).
MAX_MEMBERS = 10_000
#: Largest size one member may unpack to (the largest snapshot ``auditor evaluate`` reads is 512 MiB).
MAX_MEMBER_BYTES = 512 * MIB
#: Largest size all members together may unpack to.
MAX_TOTAL_BYTES = 2048 * MIB
#: Highest unpacked-to-packed size ratio accepted for a member larger than :data:`RATIO_CHECKED_FROM`
#: (JSON reports pack 10–40 times; deflate bombs reach about 1,000).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM = 1 * MIB
#: Largest manifest read to learn which entries belong in the zip.
MAX_MANIFEST_BYTES = 64 * MIB
CHUNK_BYTES = MIB


class BundleRefused(Exception):
    """The bundle is refused as a whole; ``name`` is the entry that caused it."""

    def __init__(self, name: str, ja: str, en: str) -> None:
        self.name, self.ja, self.en = name, ja, en
        super().__init__(en)


@dataclass(frozen=True)
class BundleFiles:
    """A bundle's files on disk (``root``) and the SHA-256 of each, by its path inside the bundle."""

    root: Path
    digests: Mapping[str, str]

    def path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> bytes | None:
        """A (small) file's bytes, or None when the bundle has no such file."""
        return self.path(name).read_bytes() if name in self.digests else None


def unreadable(path: Path, ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=f"証跡パッケージ {path} を読めません: {ja}", en=f"Cannot read bundle {path}: {en}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _size(n: int) -> str:
    return f"{n / MIB:.0f} MiB" if n >= MIB else f"{n} bytes"


def check_members(infos: Iterable[zipfile.ZipInfo], label: str = "") -> None:
    """Refuse too many members, duplicate names, and members too large or too compressed to unpack."""
    where = f"{label} の" if label else ""
    where_en = f" in {label}" if label else ""
    seen: set[str] = set()
    total = 0
    for count, info in enumerate(infos, start=1):
        if count > MAX_MEMBERS:
            raise BundleRefused(label or info.filename, f"{where}エントリが {MAX_MEMBERS} 個を超えるため拒否しました",
                                f"more than {MAX_MEMBERS} entries{where_en}: refused")
        key = _normal_name(info.filename).casefold()
        if key in seen:
            raise BundleRefused(info.filename,
                                f"{where}zip に同じ名前のエントリ {info.filename} が複数あるため拒否しました"
                                "（展開するツールによって別の内容が見えます）",
                                f"duplicate zip entry {info.filename}{where_en}: refused "
                                "(different tools would show different contents)")
        seen.add(key)
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleRefused(info.filename,
                                f"{where}{info.filename} は展開すると {_size(info.file_size)} になり、"
                                f"上限 {_size(MAX_MEMBER_BYTES)} を超えるため拒否しました",
                                f"{info.filename}{where_en} unpacks to {_size(info.file_size)}, above the limit of "
                                f"{_size(MAX_MEMBER_BYTES)}: refused")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise BundleRefused(info.filename,
                                f"{where}{info.filename} の圧縮率 {ratio:.0f} 倍は上限 {MAX_COMPRESSION_RATIO} 倍を"
                                "超えるため拒否しました（zip 爆弾の疑い）",
                                f"{info.filename}{where_en} unpacks {ratio:.0f} times its packed size, above the "
                                f"limit of {MAX_COMPRESSION_RATIO}: refused (a zip bomb)")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleRefused(info.filename,
                                f"{where}展開後の合計が上限 {_size(MAX_TOTAL_BYTES)} を超えるため拒否しました",
                                f"the entries{where_en} unpack to more than {_size(MAX_TOTAL_BYTES)}: refused")


def _normal_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).as_posix()


def _unsafe(relative: str) -> bool:
    path = PurePosixPath(relative)
    return path.is_absolute() or ".." in path.parts or relative in ("", ".") or ":" in relative


@contextmanager
def open_bundle(path: Path) -> Iterator[BundleFiles]:
    """The files of a bundle folder or zip; a zip is checked, then unpacked into a temporary folder."""
    path = Path(path)
    if path.is_dir():
        root = path / BUNDLE_DIR if not (path / MANIFEST).exists() and (path / BUNDLE_DIR / MANIFEST).exists() \
            else path
        try:
            digests = {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}
        except OSError as exc:
            raise unreadable(path, *os_problem(exc)) from None
        yield BundleFiles(root, digests)
        return
    if not path.exists():
        raise unreadable(path, "ファイルがありません", "the file does not exist")
    work = Path(tempfile.mkdtemp(prefix="auditor-verify-"))
    try:
        yield BundleFiles(work, _unpack(path, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpack(path: Path, target: Path) -> dict[str, str]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            check_members(infos)
            names = [_normal_name(i.filename) for i in infos]
            prefix = f"{BUNDLE_DIR}/" if names and all(n.startswith(f"{BUNDLE_DIR}/") for n in names) else ""
            members = {name[len(prefix):]: info for name, info in zip(names, infos, strict=True)}
            listed = _listed(archive, members.get(MANIFEST))
            for relative, info in members.items():
                if _unsafe(relative):
                    raise BundleRefused(info.filename, f"zip のエントリ {info.filename} は証跡パッケージの外を指すため"
                                        "拒否しました", f"zip entry {info.filename} points outside the bundle: refused")
                if listed is not None and relative not in listed and relative not in (MANIFEST, SIGNATURE_FILE):
                    raise BundleRefused(info.filename, f"zip のエントリ {info.filename} は manifest.json に"
                                        "載っていないため拒否しました",
                                        f"zip entry {info.filename} is not listed in manifest.json: refused")
            return {relative: _extract(archive, info, target / relative) for relative, info in members.items()}
    except OSError as exc:
        raise unreadable(path, *os_problem(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise unreadable(path, f"zip ファイルとして読めません（{exc}）", f"not a readable zip file ({exc})") from None


def _listed(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> set[str] | None:
    """The paths the manifest lists, or None when there is no readable manifest (verify reports that)."""
    if info is None or info.file_size > MAX_MANIFEST_BYTES:
        return None
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
        return {str(entry["path"]) for entry in manifest["files"]}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str:
    """Copy one member to ``target`` in chunks, hashing it; refuse one that unpacks beyond its declared size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(info) as source, open(target, "wb") as sink:
            while chunk := source.read(CHUNK_BYTES):
                size += len(chunk)
                if size > info.file_size:
                    raise BundleRefused(info.filename, f"{info.filename} は申告より大きく展開されるため拒否しました",
                                        f"{info.filename} unpacks beyond its declared size: refused")
                digest.update(chunk)
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BundleRefused(info.filename, f"zip のエントリ {info.filename} が壊れているか改変されています（{exc}）",
                            f"zip entry {info.filename} is damaged or altered ({exc})") from None
    return digest.hexdigest()
