"""Keeping credentials and secrets out of every file the tool writes: redaction by name and by shape.

:func:`redact` returns a copy of a JSON value in which every secret is replaced by ``***REDACTED***``:

- **by name** — a non-empty string, list or mapping under a key that names a secret (``SecretAccessKey``,
  ``SessionToken``, ``MasterUserPassword``, ``DB_PASS``, ``client_secret``, ``api_key`` …); flags and
  numbers under such keys (``PasswordReusePrevention: 5``) are facts and stay;
- **name/value entries** — ``{"Key": "password", "Value": …}`` tags, ``[{"name": "DB_PASSWORD",
  "value": …}]`` environment lists (Cloud Run, Cloud Functions, ECS), ``ParameterKey``/``ParameterValue``
  pairs: the value is judged by the entry's name as if it were a key;
- **high-entropy values under names that may hold a secret** — a random-looking token under a key such
  as ``stripeKey`` or ``auth`` (a stage variable, an environment variable);
- **by shape anywhere in a string** — PEM private keys, the password of a credential-bearing URL
  (``postgres://user:pw@host``), and secret query parameters (``sig=``, ``token=``, ``X-Amz-Signature=`` …).

:func:`redact_counted` also says how many values were replaced. Redaction is idempotent: redacting a
redacted document changes nothing, so a re-derived report equals one written from the original.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

REDACTED = "***REDACTED***"

#: Keys (lower case, without separators) whose values are credentials or secrets.
_SECRET_KEYS = frozenset({
    "secretaccesskey", "sessiontoken", "securitytoken", "password", "passwd", "passphrase", "clientsecret",
    "privatekey", "privatekeydata", "privatekeypem", "token", "accesstoken", "refreshtoken", "idtoken",
    "accesskeyid", "secretkey", "secret", "apikey", "connectionstring", "sastoken", "accountkey",
    "sharedaccesskey", "primarykey", "secondarykey", "authorization", "credentials", "credential", "pwd",
})
#: Key endings that mark a secret (``MasterUserPassword``, ``DB_PASSWORD``, ``db_pass``, ``api_token`` …).
_SECRET_SUFFIXES = (
    "password", "passwd", "pass", "pwd", "secret", "token", "privatekey", "secretaccesskey", "connectionstring",
    "apikey", "accesskey", "secretkey", "credentials", "credential",
)
#: Keys that end like a secret but are not one (pagination cursors, idempotency tokens).
_NOT_SECRET = frozenset({
    "nexttoken", "nextpagetoken", "pagetoken", "continuationtoken", "skiptoken", "paginationtoken",
    "clienttoken", "idempotencytoken", "nextcontinuationtoken", "startingtoken", "bypass", "compass",
})
#: Key endings that may hold a secret; the value is hidden when it looks random (see :func:`looks_random`).
_MAYBE_SECRET_SUFFIXES = ("key", "auth", "cred", "sig", "signature", "salt", "hmac", "bearer", "webhook")
#: Keys ending like that which name a key's identity, not its material (KMS keys are evidence).
_KEY_IDENTITY = ("kmskey", "keyid", "keyname", "keyarn", "keyring", "publickey", "partitionkey", "sortkey",
                 "hashkey", "rangekey", "primarykeyname", "tagkey", "sshkey")
#: Field names that carry an entry's name, and those that carry its value, in name/value entries.
_ENTRY_NAMES = frozenset({"name", "key", "parameterkey", "parametername", "optionname", "tagkey", "variable"})
_ENTRY_VALUES = frozenset({"value", "parametervalue", "tagvalue", "stringvalue", "secretvalue"})

_PEM_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----", re.S)
#: ``scheme://user:password@`` — the password part of a URL's user information.
_URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.\-]*://[^\s:/?#@\"']*:)([^\s/?#@\"']+)(@)", re.I)
#: Query parameters whose value is a credential (SAS ``sig``, pre-signed URLs, OAuth tokens, API keys).
_SECRET_QUERY = re.compile(
    r"([?&](?:sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|x-goog-signature"
    r"|x-goog-credential|token|access_token|refresh_token|id_token|api_key|apikey|key|password|passwd|pwd"
    r"|secret|client_secret|code)=)([^&\s\"'#]+)",
    re.I,
)
_RANDOM_ALPHABET = re.compile(r"^[A-Za-z0-9+/=_\-.~]+$")
#: A value with this many ``/`` is a resource path (``projects/p/locations/l/keyRings/r``), not key material.
PATH_MIN_SLASHES = 3
#: Key endings of mappings that *point to* a secret (``secretKeyRef``, ``valueFrom``): the names in them
#: (``{"secret": "db-password", "version": "latest"}``) identify where the secret is kept and stay.
_REFERENCE_SUFFIXES = ("ref", "reference", "selector", "valuefrom", "valuesource")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
#: A random-looking value is at least this long and at least this many bits of entropy per character.
RANDOM_MIN_LENGTH = 16
RANDOM_MIN_BITS_PER_CHAR = 3.5


def _normal(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def is_secret_key(key: object) -> bool:
    """True when values under this key are credentials or secrets, whatever they look like."""
    if not isinstance(key, str):
        return False
    norm = _normal(key)
    if not norm or norm in _NOT_SECRET:
        return False
    return norm in _SECRET_KEYS or norm.endswith(_SECRET_SUFFIXES)


def _may_be_secret_key(key: str) -> bool:
    norm = _normal(key)
    return norm.endswith(_MAYBE_SECRET_SUFFIXES) and not norm.endswith(_KEY_IDENTITY)


def looks_random(value: str) -> bool:
    """A single token of base64/hex/url-safe characters, long and varied enough to be generated key material."""
    if len(value) < RANDOM_MIN_LENGTH or not _RANDOM_ALPHABET.match(value) or _UUID.match(value):
        return False
    if value.count("/") >= PATH_MIN_SLASHES:
        return False
    if not (re.search(r"[0-9]", value) and re.search(r"[A-Za-z]", value)):
        return False
    counts = Counter(value)
    bits = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return bits >= RANDOM_MIN_BITS_PER_CHAR


def _hideable(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value) and value != REDACTED
    return isinstance(value, Mapping | list | tuple) and bool(value)


def _hidden_under(key: object, value: Any) -> bool:
    """Whether ``value`` found under ``key`` (a mapping key or an entry's name) is replaced as a whole."""
    if not isinstance(key, str) or not _hideable(value):
        return False
    if is_secret_key(key):
        return True
    return isinstance(value, str) and _may_be_secret_key(key) and looks_random(value)


def redact_string(text: str) -> str:
    """The text with private keys, URL passwords and secret query parameters replaced."""
    if "PRIVATE KEY-----" in text:
        text = _PEM_PRIVATE_KEY.sub(REDACTED, text)
    if "@" in text and "://" in text:
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + (m.group(2) if m.group(2) == REDACTED else REDACTED)
                                 + m.group(3), text)
    if "=" in text and ("?" in text or "&" in text):
        text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _entry_name(mapping: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(name, value field)`` when a mapping is a name/value entry (``{"Key": …, "Value": …}``)."""
    names = [k for k in mapping if isinstance(k, str) and _normal(k) in _ENTRY_NAMES and isinstance(mapping[k], str)]
    values = [k for k in mapping if isinstance(k, str) and _normal(k) in _ENTRY_VALUES]
    if len(names) == 1 and len(values) == 1:
        return mapping[names[0]], values[0]
    return None


def _is_reference(key: object) -> bool:
    return isinstance(key, str) and _normal(key).endswith(_REFERENCE_SUFFIXES)


def redact(value: Any, *, reference: bool = False) -> Any:
    """A copy of a JSON value with every secret replaced by ``***REDACTED***``.

    Inside a mapping that points to a secret (``reference``), names are kept and only the shapes
    that are secrets wherever they appear (private keys, URL passwords …) are replaced.
    """
    if isinstance(value, Mapping):
        entry = None if reference else _entry_name(value)
        cleaned = {}
        for key, item in value.items():
            secret = not reference and (_hidden_under(key, item) or (entry is not None and key == entry[1]
                                                                     and _hidden_under(entry[0], item)))
            cleaned[key] = REDACTED if secret else redact(item, reference=reference or _is_reference(key))
        return cleaned
    if isinstance(value, list | tuple):
        return [redact(v, reference=reference) for v in value]
    if isinstance(value, str):
        return redact_string(value)
    return value


def count_redactions(value: Any) -> int:
    """How many redaction markers a JSON value holds."""
    if isinstance(value, Mapping):
        return sum(count_redactions(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(count_redactions(v) for v in value)
    return value.count(REDACTED) if isinstance(value, str) else 0


def redact_counted(value: Any) -> tuple[Any, int]:
    """The redacted copy and how many values this redaction replaced."""
    cleaned = redact(value)
    return cleaned, count_redactions(cleaned) - count_redactions(value)


#: The key under which snapshot.json and the bundle manifest record what was redacted.
REDACTION_KEY = "redaction"


def redaction_record(by_file: Mapping[str, int]) -> dict[str, Any]:
    """How snapshot.json and the bundle manifest describe a redaction: the marker and the counts per file."""
    return {"marker": REDACTED, "values_redacted": sum(by_file.values()), "by_file": dict(by_file)}
