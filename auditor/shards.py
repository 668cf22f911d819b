"""Sharded audits: which shard collects which account / subscription / project, and run group names.

A shard is ``K/N`` with ``K`` counted **from 1** (``1/4`` … ``4/4``). A scope belongs to the shard
``sha256("provider:scope") mod N + 1``: the assignment depends on the scope's id alone, never on the
order in which the cloud lists its accounts, so every shard agrees on it without talking to the
others, and a scope stays in its shard month after month as long as ``N`` stays.

``auto/N`` takes ``K`` from the job engine: Kubernetes Indexed Jobs set ``JOB_COMPLETION_INDEX``,
AWS Batch array jobs ``AWS_BATCH_JOB_ARRAY_INDEX``; both count from 0, so ``K`` is that index + 1 (the
first of them that is set is used). A GitHub Actions matrix sets no index variable of its own: the
workflow (``auditor schedule --github-actions``) gives each job its matrix value as ``K``,
``--shard "${{ matrix.shard }}/N"``.

A run group names one sharded audit (the same for every shard and for the merge). It may hold
``{date}`` (the day in Japan, ``20261101``) or ``{month}`` (``202611``), filled in when the command
starts, so that a scheduled job and its merge step, started hours apart, name the same group.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from auditor.errors import AuditorError
from auditor.model import JST

INDEX_VARIABLES = ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")
MAX_SHARDS = 10_000
GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (``index`` from 1)."""

    index: int
    count: int

    def owns(self, provider: str, scope: str) -> bool:
        return shard_of(provider, scope, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(provider: str, scope: str, count: int) -> int:
    """The shard (from 1) that collects ``scope`` of ``provider`` when the audit is cut into ``count``."""
    digest = hashlib.sha256(f"{provider}:{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def _bad(text: str, why_ja: str, why_en: str) -> AuditorError:
    return AuditorError(
        "raw",
        ja=f"--shard '{text}' が不正です（{why_ja}）。K/N の形で、K は 1 から N まで（例: 1/4）、"
           "または auto/N（K をジョブの JOB_COMPLETION_INDEX か AWS_BATCH_JOB_ARRAY_INDEX に 1 を足して取る）"
           "で指定してください。",
        en=f"Invalid --shard '{text}' ({why_en}). Give K/N with K from 1 to N (e.g. 1/4), or auto/N "
           "(K is the job's JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX + 1).",
    )


def parse_shard(text: str, environ: Mapping[str, str]) -> Shard:
    """``--shard K/N`` or ``auto/N``; anything else is one clear error."""
    match = re.fullmatch(r"\s*(auto|\d+)\s*/\s*(\d+)\s*", text or "")
    if not match:
        raise _bad(text, "形式が違います", "not of the form K/N")
    count = int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise _bad(text, f"N は 1 から {MAX_SHARDS} まで", f"N must be 1 to {MAX_SHARDS}")
    if match.group(1) != "auto":
        index = int(match.group(1))
    else:
        found = next(((name, environ[name].strip()) for name in INDEX_VARIABLES if environ.get(name, "").strip()),
                     None)
        if found is None:
            raise _bad(text, f"auto には環境変数 {' か '.join(INDEX_VARIABLES)} が必要です",
                       f"auto needs the environment variable {' or '.join(INDEX_VARIABLES)}")
        name, value = found
        if not value.isdigit():
            raise _bad(text, f"{name}={value} は 0 以上の整数ではありません", f"{name}={value} is not a whole number")
        index = int(value) + 1
    if not 1 <= index <= count:
        raise _bad(text, f"K={index} は 1 から {count} の範囲外です", f"K={index} is not between 1 and {count}")
    return Shard(index, count)


def run_group_name(template: str, now: datetime) -> str:
    """The run group named by ``--run-group``, ``{date}`` / ``{month}`` filled in with the day in Japan."""
    japan = now.astimezone(JST)
    name = (template or "").strip().replace("{date}", japan.strftime("%Y%m%d")).replace("{month}",
                                                                                        japan.strftime("%Y%m"))
    if not GROUP_NAME.fullmatch(name):
        raise AuditorError(
            "raw",
            ja=f"--run-group '{template}' が不正です。英数字と . _ - の 64 文字以内で、英数字で始めてください"
               "（{date}、{month} は実行日に置き換わります）。",
            en=f"Invalid --run-group '{template}': use up to 64 letters, digits, '.', '_' and '-', starting with a "
               "letter or digit ({date} and {month} are replaced by the day of the run).",
        )
    return name


def shard_run_id(group: str, shard: Shard) -> str:
    """The run id of one shard of a group: the same on every attempt, so a retried shard continues its work."""
    return f"{group}.shard-{shard.index}-of-{shard.count}"
