"""Monthly re-check on the emulator: two audits with a change in between, then ``auditor diff``.

The second month fixes the SSH exposure and adds an unencrypted volume: the diff must name the fix
and the regression (matched by check and resource, not by message), exit 1 because something
regressed, and both runs must be in the history.
"""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from auditor.cli import cli
from tests.aws.conftest import TOKYO
from tests.aws.estates import security_group, volume

TARGET = "wakaba-city/madoguchi"


def audit(out) -> int:
    result = CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "aws", "--regions", TOKYO,
                                      "--target", TARGET, "--output", str(out), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code


def test_diff_names_the_regression_and_the_fix(account, tmp_path):
    os.environ["AWS_MAX_ATTEMPTS"] = "1"
    volume(account, TOKYO, "app-data", encrypted=True)
    security_group(account, "admin-ssh", 22)
    assert audit(tmp_path / "2026-10") == 1

    ec2 = account.client("ec2")
    (group,) = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["admin-ssh"]}])[
        "SecurityGroups"]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    volume(account, TOKYO, "scratch", encrypted=False)
    audit(tmp_path / "2026-11")

    runner = CliRunner()
    changes = runner.invoke(cli, ["diff", "--target", TARGET, "--format", "json"])
    assert changes.exit_code == 1, changes.output  # something regressed
    data = json.loads(changes.output)
    assert data["regressed"] is True
    new = [(f["check_id"], f["resource_name"]) for f in data["new_failures"]]
    assert ("aws.ec2.volume_encrypted", "scratch") in new
    fixed = [(f["check_id"], f["resource_name"]) for f in data["fixed"]]
    assert any(check == "aws.ec2.security_group_admin_ports" and name.startswith("admin-ssh") for check, name in fixed)
    assert not any(name == "app-data" for _, name in new + fixed)

    listed = json.loads(runner.invoke(cli, ["history", "--target", TARGET, "--format", "json"]).output)
    assert len(listed["runs"]) == 2

    table = runner.invoke(cli, ["--lang", "en", "diff", "--target", TARGET])
    assert table.exit_code == 1 and "scratch" in table.output
