"""Ed25519 signatures on the evidence bundle's manifest: who vouches for the bundle, and when.

A key pair is two PEM files (RFC 7468; the explanatory lines before the PEM block name the signer and
the key's fingerprint): the private key, written 0600, and the public key (``…​.pub.pem``) that a
city pins. The fingerprint is ``SHA256:`` and the hex SHA-256 of the raw 32-byte public key; the
vendor and the city compare it out of band (telephone, the contract papers).

A signature is ``signature.json`` beside ``manifest.json``: the signed *statement* (the manifest's
SHA-256, the signer's name, the key fingerprint, the signing time in UTC, whether the key is a demo
key) and the Ed25519 signature over the statement's canonical JSON. Changing any of them, or any
byte of the manifest, breaks the signature.

Core module: uses ``cryptography`` only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditor.errors import AuditorError
from auditor.i18n import os_problem
from auditor.serialize import iso

SIGNATURE_FILE = "signature.json"
SIGNATURE_KIND = "auditor-bundle-signature"
SIGNATURE_VERSION = 1
ALGORITHM = "ed25519"
PUBLIC_SUFFIX = ".pub.pem"
#: The largest key file read (a PEM Ed25519 key is about 120 bytes, with its header lines a few hundred).
MAX_KEY_FILE_BYTES = 64 * 1024

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----\r?\n.*?-----END \1-----", re.S)
_SIGNER_LINE = re.compile(r"^Signer: (.*)$", re.M)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """``SHA256:<hex>`` of the raw public key, the value a city pins."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def readable(fingerprint_text: str) -> str:
    """The fingerprint in groups of four, for reading aloud: ``SHA256:3f2a 9b1c …``."""
    prefix, _, digest = fingerprint_text.partition(":")
    return f"{prefix}:" + " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


@dataclass(frozen=True)
class SigningKey:
    """A private key and the name that signs with it; ``demo`` marks a key made for one demo run."""

    private_key: Ed25519PrivateKey
    signer: str
    demo: bool = False

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @classmethod
    def generate(cls, signer: str, demo: bool = False) -> SigningKey:
        return cls(Ed25519PrivateKey.generate(), signer, demo)


@dataclass(frozen=True)
class Statement:
    """What a signature vouches for."""

    manifest_sha256: str
    signer: str
    key_fingerprint: str
    signed_at: str  # ISO 8601, UTC
    demo_key: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"manifest_sha256": self.manifest_sha256, "signer": self.signer,
                "key_fingerprint": self.key_fingerprint, "signed_at": self.signed_at, "demo_key": self.demo_key}


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_manifest(manifest: bytes, key: SigningKey, signed_at: datetime) -> bytes:
    """The bytes of ``signature.json`` for this manifest."""
    statement = Statement(hashlib.sha256(manifest).hexdigest(), key.signer, key.fingerprint,
                          iso(signed_at.replace(microsecond=0)), key.demo).to_dict()
    signature = key.private_key.sign(_canonical(statement))
    document = {"kind": SIGNATURE_KIND, "schema_version": SIGNATURE_VERSION, "algorithm": ALGORITHM,
                "statement": statement, "signature": base64.b64encode(signature).decode("ascii")}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(frozen=True)
class SignatureCheck:
    """What checking a bundle's signature found.

    ``state``: ``unsigned`` (no signature file), ``unchecked`` (signed, but no public key was given),
    ``valid``, ``invalid`` (``problem_ja``/``problem_en`` say why) or ``missing`` (a public key was
    given but the bundle carries no signature).
    """

    state: str
    statement: Statement | None = None
    problem_ja: str = ""
    problem_en: str = ""

    @property
    def failed(self) -> bool:
        return self.state in ("invalid", "missing")


def _invalid(ja: str, en: str, statement: Statement | None = None) -> SignatureCheck:
    return SignatureCheck("invalid", statement, ja, en)


def check_signature(signature: bytes | None, manifest: bytes, public_key: Ed25519PublicKey | None) -> SignatureCheck:
    """Check ``signature.json`` against the manifest and, when given, the pinned public key."""
    if signature is None:
        return SignatureCheck("missing" if public_key is not None else "unsigned")
    try:
        document = json.loads(signature.decode("utf-8"))
        data = document["statement"]
        statement = Statement(str(data["manifest_sha256"]), str(data["signer"]), str(data["key_fingerprint"]),
                              str(data["signed_at"]), bool(data.get("demo_key", False)))
        raw_signature = base64.b64decode(document["signature"], validate=True)
        if document.get("kind") != SIGNATURE_KIND or document.get("algorithm") != ALGORITHM:
            raise ValueError("not an auditor Ed25519 bundle signature")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        return _invalid(f"{SIGNATURE_FILE} が壊れています（{exc}）", f"{SIGNATURE_FILE} is damaged ({exc})")
    if public_key is None:
        return SignatureCheck("unchecked", statement)
    pinned = fingerprint(public_key)
    if statement.key_fingerprint != pinned:
        return _invalid(
            f"指定した公開鍵（{pinned}）ではなく別の鍵（{statement.key_fingerprint}）で署名されています",
            f"signed with another key ({statement.key_fingerprint}), not the public key given ({pinned})", statement)
    try:
        public_key.verify(raw_signature, _canonical(data))
    except InvalidSignature:
        return _invalid(f"{SIGNATURE_FILE} の署名が公開鍵で検証できません（署名内容が改変されています）",
                        f"the signature in {SIGNATURE_FILE} does not verify with the public key "
                        "(the signed statement was altered)", statement)
    if statement.manifest_sha256 != hashlib.sha256(manifest).hexdigest():
        return _invalid("manifest.json が署名後に変更されています（署名したハッシュ値と一致しません）",
                        "manifest.json was changed after signing (its SHA-256 is not the one signed)", statement)
    return SignatureCheck("valid", statement)


# ---------------------------------------------------------------- key files


def _key_error(path: Path, ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=f"鍵ファイル {path} を使えません: {ja}", en=f"Cannot use key file {path}: {en}")


def _read_key_file(path: Path, kind: str) -> tuple[bytes, str]:
    """The PEM block of ``kind`` (``PRIVATE KEY`` / ``PUBLIC KEY``) and the signer line of a key file."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise _key_error(path, *os_problem(exc)) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise _key_error(path, "鍵ファイルとしては大きすぎます", "too large to be a key file")
    block = next((m.group(0) for m in _PEM_BLOCK.finditer(data) if m.group(1).decode() == kind), None)
    if block is None:
        raise _key_error(path, f"PEM 形式の {kind} がありません", f"it holds no PEM {kind}")
    header = data[: data.find(block)].decode("utf-8", errors="replace")
    signer = _SIGNER_LINE.search(header)
    return block, signer.group(1).strip() if signer else ""


def load_signing_key(path: Path) -> SigningKey:
    """The private key written by ``auditor keys generate``, with its signer name."""
    block, signer = _read_key_file(path, "PRIVATE KEY")
    try:
        key = serialization.load_pem_private_key(block, password=None)
    except (ValueError, TypeError) as exc:
        raise _key_error(path, f"秘密鍵を読み込めません（{exc}）", f"not a readable private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _key_error(path, "Ed25519 の秘密鍵ではありません", "not an Ed25519 private key")
    return SigningKey(key, signer or fingerprint(key.public_key()))


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A pinned Ed25519 public key (``….pub.pem``)."""
    block, _ = _read_key_file(path, "PUBLIC KEY")
    try:
        key = serialization.load_pem_public_key(block)
    except (ValueError, TypeError) as exc:
        raise _key_error(path, f"公開鍵を読み込めません（{exc}）", f"not a readable public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise _key_error(path, "Ed25519 の公開鍵ではありません", "not an Ed25519 public key")
    return key


def public_key_pem(key: SigningKey) -> bytes:
    """The public key file's content: signer and fingerprint lines, then the PEM block."""
    pem = key.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _header(key) + pem


def _header(key: SigningKey) -> bytes:
    lines = [f"Signer: {key.signer}", f"Fingerprint: {key.fingerprint}"]
    if key.demo:
        lines.append("Demo: this key was generated for one demo run and vouches for nothing else")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_key_pair(key: SigningKey, private_path: Path, force: bool = False) -> Path:
    """Write the private key (0600) and ``<name>.pub.pem`` beside it; return the public key's path.

    An existing file is kept unless ``force``: overwriting a signing key by accident cannot be undone.
    """
    public_path = public_path_for(private_path)
    for path in (private_path, public_path):
        if path.exists() and not force:
            raise AuditorError("raw", ja=f"{path} は既にあります。上書きする場合は --force を指定してください。",
                               en=f"{path} already exists. Use --force to overwrite it.")
    pem = key.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    try:
        write_private(private_path, _header(key) + pem)
        public_path.write_bytes(public_key_pem(key))
    except OSError as exc:
        raise _key_error(private_path, *os_problem(exc)) from None
    return public_path


def public_path_for(private_path: Path) -> Path:
    name = private_path.name.removesuffix(".pem")
    return private_path.with_name(name + PUBLIC_SUFFIX)


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (0600), also when it already existed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        os.chmod(path, 0o600)
        stream.write(data)
