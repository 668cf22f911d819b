"""Sharded and resumed organisation audits, end to end: N ``auditor`` processes against one moto server and
one real PostgreSQL store, merged by ``auditor report``, give the result of one unsharded run; a missing or
failed shard stops the merge unless ``--allow-incomplete``; a run that crashed continues with ``--resume``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.run import Catalogue, load_catalogue
from auditor.shards import shard_of
from providers.aws.plugin import AwsProvider
from tests.aws.conftest import (
    ENVIRONMENT,
    TOKYO,
    VIRGINIA,
    Account,
    credentials_for,
    new_account,
    policy_document,
)
from tests.aws.estates import bucket, volume
from tests.history.conftest import postgres_server  # noqa: F401  (the fixture, shared with the history tests)

MEMBERS = 5
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Organisation:
    management: Account
    members: list[Account]

    @property
    def accounts(self) -> list[str]:
        return [self.management.account_id, *(m.account_id for m in self.members)]


@pytest.fixture
def organisation(emulator: str) -> Organisation:
    """A management account and five members, each with something that passes and something that fails."""
    management = new_account(emulator)
    # real AWS names an assumed role by its stable role id; moto invents a new one per call unless the role exists
    management.client("iam").create_role(RoleName="test-setup", AssumeRolePolicyDocument=policy_document(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}))
    organizations = management.client("organizations", VIRGINIA)
    organizations.create_organization(FeatureSet="ALL")
    members = []
    for n in range(MEMBERS):
        created = organizations.create_account(Email=f"member{n}@example.jp", AccountName=f"member{n}")
        member_id = created["CreateAccountStatus"]["AccountId"]
        members.append(Account(emulator, member_id, credentials_for(emulator, member_id)))
    for n, account in enumerate([management, *members]):
        volume(account, TOKYO, f"data-{n}", encrypted=n % 2 == 0)
        if n % 3 == 0:
            bucket(account, f"abroad-{account.account_id}", VIRGINIA)
    return Organisation(management, members)


def environment(org: Organisation, store: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JOB_COMPLETION"))}
    env.update({**ENVIRONMENT, "AWS_ENDPOINT_URL": org.management.endpoint, **org.management.credentials,
                "AWS_MAX_ATTEMPTS": "1", "AUDITOR_STORE": store, "AUDITOR_LANG": "en",
                "PYTHONPATH": str(ROOT), **extra})
    return env


AUDIT = ["audit", "--provider", "aws", "--org", "--regions", TOKYO, "--target", "vendor-org"]


def auditor(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "auditor", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def comparable(folder: Path) -> dict:
    """results.json without what differs between any two runs of the same estate: run ids and times."""
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    for key in ("id", "started_at", "finished_at"):
        data["run"].pop(key)
    for record in (*data["findings"], *data["gaps"]):
        record.pop("collected_at")
    return data


def run_shards(org: Organisation, store: str, group: str, count: int, indexes, cwd: Path) -> list[tuple[int, str]]:
    """Shards as a Kubernetes Indexed Job runs them: the same command, JOB_COMPLETION_INDEX 0 … N-1, at once."""
    processes = [auditor(*AUDIT, "--shard", f"auto/{count}", "--run-group", group, cwd=cwd,
                         env=environment(org, store, JOB_COMPLETION_INDEX=str(index - 1))) for index in indexes]
    return [finished(p) for p in processes]


def test_shards_run_concurrently_merge_into_the_unsharded_result(organisation, postgres_server, tmp_path):  # noqa: F811
    store = postgres_server.new_database()
    env = environment(organisation, store)
    code, output = finished(auditor(*AUDIT, "--output", str(tmp_path / "whole"), "--format", "json", env=env))
    assert code == 1, output  # the estate has failures
    outcomes = run_shards(organisation, store, "vendor-org-{date}", 3, [1, 2, 3], tmp_path)
    for index, (code, output) in enumerate(outcomes, start=1):
        assert code == 0, output
        mine = [a for a in organisation.accounts if shard_of("aws", a, 3) == index]
        assert f"Recorded shard {index}/3 of run group vendor-org-" in output
        assert f"collected {len(mine)} of {len(organisation.accounts)} accounts" in output
    assert not (tmp_path / "audit-report").exists()  # a shard writes no reports: the merge does
    code, output = finished(auditor("report", "--run-group", "vendor-org-{date}", "--output", str(tmp_path / "merged"),
                                    "--format", "json,csv", env=env))
    assert code == 1, output
    merged, whole = comparable(tmp_path / "merged"), comparable(tmp_path / "whole")
    diff = [(a, b) for a, b in zip(merged["findings"], whole["findings"], strict=False) if a != b]
    assert not diff, json.dumps(diff[:2], ensure_ascii=False)
    assert merged == whole
    assert merged["run"]["providers"][0]["scopes"] == organisation.accounts
    assert {f["scope"] for f in merged["findings"] if f["status"] == "FAIL"} >= {
        organisation.accounts[1], organisation.accounts[3]}
    assert (tmp_path / "merged" / "findings.csv").is_file()
    history = subprocess.run([sys.executable, "-m", "auditor", "history", "--target", "vendor-org", "--format", "json"],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert len(json.loads(history.stdout)) == 2, history.stderr  # the unsharded run and the merge; no partial runs


def test_a_missing_shard_stops_the_merge_unless_allowed_and_its_accounts_become_unknown(
        organisation, postgres_server, tmp_path):  # noqa: F811
    store = postgres_server.new_database()
    env = environment(organisation, store)
    left_out = shard_of("aws", organisation.members[0].account_id, 3)
    ran = [k for k in (1, 2, 3) if k != left_out]
    assert all(code == 0 for code, _ in run_shards(organisation, store, "g2", 3, ran, tmp_path))
    code, output = finished(auditor("report", "--run-group", "g2", "--output", str(tmp_path / "refused"), env=env))
    assert code == 2
    assert f"shard {left_out}/3 was never recorded" in output and "--allow-incomplete" in output
    assert "Traceback" not in output and not (tmp_path / "refused").exists()
    code, output = finished(auditor("report", "--run-group", "g2", "--allow-incomplete", "--output",
                                    str(tmp_path / "partial"), "--format", "json", env=env))
    assert code == 1, output
    data = json.loads((tmp_path / "partial" / "results.json").read_text(encoding="utf-8"))
    lost = {a for a in organisation.accounts if shard_of("aws", a, 3) == left_out}
    assert data["run"]["providers"][0]["scopes"] == organisation.accounts  # nobody is dropped
    for account in lost:
        unknown = [f for f in data["findings"] if f["scope"] == account]
        assert unknown and {f["status"] for f in unknown} == {"UNKNOWN"}
        assert {f["source"] for f in unknown} == {f"shard {left_out}/3"}
    assert {g["scope"] for g in data["gaps"] if g["error_code"] == "ShardNotCollected"} == lost
    controls = {c["control_id"]: c["status"] for c in data["controls"]}
    assert controls["encryption.at-rest"] == "FAIL"  # what the other shards proved still stands


def test_shard_arguments_are_checked_before_anything_is_collected(tmp_path):
    runner = CliRunner()
    for args, message in [
        (["--shard", "0/4", "--run-group", "g"], "K=0 is not between 1 and 4"),
        (["--shard", "5/4", "--run-group", "g"], "K=5 is not between 1 and 4"),
        (["--shard", "two/4", "--run-group", "g"], "not of the form K/N"),
        (["--shard", "auto/4", "--run-group", "g"], "JOB_COMPLETION_INDEX"),
        (["--shard", "1/4"], "--shard needs --run-group"),
        (["--shard", "1/4", "--run-group", "bad group"], "Invalid --run-group"),
        (["--shard", "1/4", "--run-group", "g", "--no-history"], "cannot go with --no-history"),
    ]:
        result = runner.invoke(cli, ["--lang", "en", "audit", "-p", "aws", *args, "-o", str(tmp_path / "o")],
                               env={"JOB_COMPLETION_INDEX": "", "AWS_BATCH_JOB_ARRAY_INDEX": ""})
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, (args, result.output)


class Crash(RuntimeError):
    """Stands for whatever stops a process midway (a bug, an exhausted machine)."""


def crashing_catalogue(installed: Catalogue, provider: AwsProvider, after: int) -> Catalogue:
    """The installed catalogue whose AWS collection stops dead after ``after`` accounts are complete."""

    class Crashing(AwsProvider):
        def collect(self, request):
            seen = []

            def done(part):
                request.scope_done(part)
                seen.append(part.scope)
                if len(seen) == after:
                    raise Crash(f"stopped after {after} accounts")

            return super().collect(replace(request, scope_done=done))

    return replace(installed, providers={**installed.providers, "aws": Crashing(provider.settings)})


def test_a_crashed_org_run_resumes_from_the_accounts_already_collected(organisation, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_STORE", str(tmp_path / "history.sqlite"))
    installed = load_catalogue()
    management = organisation.management
    runner = CliRunner()
    with management.environment():
        whole = runner.invoke(cli, ["--lang", "en", *AUDIT, "-o", str(tmp_path / "whole"), "--format", "json"],
                              obj={"catalogue": replace(installed, providers={
                                  **installed.providers, "aws": management.provider()})})
        assert whole.exit_code == 1, whole.output
        crashed = runner.invoke(cli, ["--lang", "en", *AUDIT, "-o", str(tmp_path / "resumed"), "--format", "json"],
                                obj={"catalogue": crashing_catalogue(installed, management.provider(), after=2)})
        assert crashed.exit_code == 2 and "stopped after 2 accounts" in crashed.output, crashed.output
        run_id = crashed.output.split("Run id: ")[1].split()[0]
        assert f"--resume {run_id}" in crashed.output and not (tmp_path / "resumed").exists()
        management.calls.clear()
        resumed_at = datetime.now(UTC)
        resumed = runner.invoke(cli, ["--lang", "en", *AUDIT, "--resume", run_id, "-o", str(tmp_path / "resumed"),
                                      "--format", "json"],
                                obj={"catalogue": replace(installed, providers={
                                    **installed.providers, "aws": management.provider()})})
    assert resumed.exit_code == 1, resumed.output
    assert "2 accounts already recorded are not collected again" in resumed.output
    data = json.loads((tmp_path / "resumed" / "results.json").read_text(encoding="utf-8"))
    assert data["run"]["id"] == run_id
    kept = {f["scope"] for f in data["findings"] if datetime.fromisoformat(f["collected_at"]) < resumed_at}
    assert len(kept) == 2  # the two accounts recorded before the crash, as they were collected then
    assumed = {p.get("RoleArn", "").split(":")[4] for _s, op, p in management.calls if op == "AssumeRole"}
    assert assumed == {m.account_id for m in organisation.members} - kept  # only the rest is collected again
    assert comparable(tmp_path / "resumed") == comparable(tmp_path / "whole")
    again = runner.invoke(cli, ["--lang", "en", *AUDIT, "--resume", run_id, "-o", str(tmp_path / "x")])
    assert again.exit_code == 2 and f"No collection of run '{run_id}' is recorded" in again.output


def test_a_run_group_is_one_audit_shards_collected_with_other_regions_are_refused(organisation, tmp_path):
    store = str(tmp_path / "history.sqlite")
    env = environment(organisation, store)
    whole = ["audit", "--provider", "aws", "--org", "--target", "vendor-org", "--run-group", "g3"]
    code, output = finished(auditor(*whole, "--regions", TOKYO, "--shard", "1/2", env=env))
    assert code == 0, output
    code, output = finished(auditor(*whole, "--regions", VIRGINIA, "--shard", "1/2", env=env))  # a re-run, changed
    assert code == 2, output
    assert (f"Shard 1/2 of run group g3 was collected with --regions {TOKYO}, not --regions {VIRGINIA}"
            in output and "Traceback" not in output), output
    code, output = finished(auditor(*whole, "--regions", f"{VIRGINIA},{TOKYO}", "--shard", "2/2", env=env))
    assert code == 0, output
    code, output = finished(auditor("report", "--run-group", "g3", "--output", str(tmp_path / "mixed"), env=env))
    assert code == 2, output
    assert (f"shard 1/2 with --regions {TOKYO}, shard 2/2 with --regions {TOKYO},{VIRGINIA}" in output
            and "Traceback" not in output), output
    assert not (tmp_path / "mixed").exists()  # never one report over accounts audited in different regions
    code, output = finished(auditor(*whole, "--regions", TOKYO, "--regions", VIRGINIA, "--shard", "2/2", env=env))
    assert code == 0, output  # the same regions, written otherwise
    # the earlier attempt's start is said, so a group name reused for a new month's audit is noticed
    said = (r"Continuing run g3\.shard-2-of-2, started \d{4}-\d\d-\d\d \d\d:\d\d JST \(\d accounts already recorded "
            r"are not collected again; a new audit needs another --run-group\)")
    assert re.search(said, output), output


def test_a_failed_shard_is_named_with_its_cause_in_the_readers_language(organisation, tmp_path):
    env = environment(organisation, str(tmp_path / "history.sqlite"))
    shard = ["audit", "--provider", "aws", "--org", "--regions", TOKYO, "--run-group", "g4", "--shard"]
    assert finished(auditor(*shard, "1/2", env=env))[0] == 0
    unreachable = {**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens on the discard port
    assert finished(auditor(*shard, "2/2", env=unreachable))[0] == 2
    for lang, cause, other in [("ja", "シャード 2/2 は失敗しました（AWS のエンドポイント http://127.0.0.1:9 に"
                                      "接続できません", "could not be reached"),
                               ("en", "shard 2/2 failed (The AWS endpoint http://127.0.0.1:9 could not be reached",
                                "接続できません")]:
        code, output = finished(auditor("report", "--run-group", "g4", "--output", str(tmp_path / lang),
                                        env={**env, "AUDITOR_LANG": lang}))
        assert code == 2 and cause in output and other not in output, output
        assert len(output.strip().splitlines()) == 1 and not (tmp_path / lang).exists(), output


def test_an_account_that_joined_after_its_shard_listed_the_organisation_is_never_dropped(organisation, tmp_path):
    env = environment(organisation, str(tmp_path / "history.sqlite"))
    shard = ["audit", "--provider", "aws", "--org", "--regions", TOKYO, "--run-group", "g5", "--shard"]
    assert finished(auditor(*shard, "1/2", env=env))[0] == 0
    organizations = organisation.management.client("organizations", VIRGINIA)
    joined = []
    while not joined or shard_of("aws", joined[-1], 2) != 1:  # until one joins that shard 1 should have collected
        created = organizations.create_account(Email=f"late{len(joined)}@example.jp", AccountName=f"late{len(joined)}")
        joined.append(created["CreateAccountStatus"]["AccountId"])
        assert len(joined) < 40
    late = joined[-1]
    assert finished(auditor(*shard, "2/2", env=env))[0] == 0  # lists the newcomer, leaves it to shard 1
    code, output = finished(auditor("report", "--run-group", "g5", "--output", str(tmp_path / "refused"), env=env))
    assert code == 2 and f"shard 1/2 did not collect the accounts {late}" in output, output
    assert not (tmp_path / "refused").exists()
    code, output = finished(auditor("report", "--run-group", "g5", "--allow-incomplete", "--format", "json",
                                    "--output", str(tmp_path / "partial"), env=env))
    data = json.loads((tmp_path / "partial" / "results.json").read_text(encoding="utf-8"))
    assert late in data["run"]["providers"][0]["scopes"], output
    assert {f["status"] for f in data["findings"] if f["scope"] == late} == {"UNKNOWN"}
    assert finished(auditor(*shard, "1/2", env=env))[0] == 0  # run again: it lists the organisation anew
    code, output = finished(auditor("report", "--run-group", "g5", "--format", "json", "--output",
                                    str(tmp_path / "whole"), env=env))
    assert code == 1, output
    data = json.loads((tmp_path / "whole" / "results.json").read_text(encoding="utf-8"))
    assert set(data["run"]["providers"][0]["scopes"]) == {*organisation.accounts, *joined}
    assert "UNKNOWN" not in {f["status"] for f in data["findings"] if f["scope"] == late}


def test_a_shard_started_beside_an_earlier_report_folder_runs_and_leaves_it_alone(organisation, tmp_path):
    earlier = tmp_path / "audit-report"  # the default folder, left by an unsharded audit in the same place
    earlier.mkdir()
    (earlier / "results.json").write_text("{}", encoding="utf-8")
    env = environment(organisation, str(tmp_path / "history.sqlite"))
    code, output = finished(auditor(*AUDIT, "--shard", "1/2", "--run-group", "g6", env=env, cwd=tmp_path))
    assert code == 0 and "Recorded shard 1/2 of run group g6" in output, output
    assert [p.name for p in earlier.iterdir()] == ["results.json"]
    assert (earlier / "results.json").read_text(encoding="utf-8") == "{}"
