"""The generated monthly job, run for real: the cron line, the systemd service and the CI script each
call the installed ``auditor`` against an AWS account on the emulator, month after month, with the same
``--output`` — every run writes a folder of its own and the job succeeds each time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditor.history.ci_workflow import github_workflow
from auditor.history.schedule import ScheduleRequest, cron_entry, systemd_service
from tests.aws.conftest import ENVIRONMENT, TOKYO
from tests.history.test_schedule import cron_command, systemd_exec_argv, unit_settings

AUDITOR = Path(sys.executable).with_name("auditor")
pytestmark = pytest.mark.slow
ARGS = ("-p", "aws", "--regions", TOKYO, "--target", "vendor-a", "--format", "json", "--output", "./reports")


def test_the_generated_job_succeeds_every_month(account, tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    env_file = tmp_path / "auditor.env"
    settings = {**ENVIRONMENT, "AWS_ENDPOINT_URL": account.endpoint, "AWS_MAX_ATTEMPTS": "1", **account.credentials}
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()), encoding="utf-8")
    env_file.chmod(0o600)
    request = ScheduleRequest(ARGS, workdir=str(work), env_file=str(env_file), executable=str(AUDITOR),
                              store=str(tmp_path / "history.sqlite"), lang="en")
    base = {"PATH": f"{AUDITOR.parent}:/usr/bin:/bin", "HOME": str(tmp_path)}

    _when, command = cron_command(cron_entry(request))
    for _month in range(2):  # month 2 used to fail: the output folder was not empty
        done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=base, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    service = unit_settings(systemd_service(request))["Service"]
    [store] = systemd_exec_argv(service["Environment"])
    unit_env = {**base, **settings, "AUDITOR_STORE": store.split("=", 1)[1]}
    done = subprocess.run(systemd_exec_argv(service["ExecStart"]), capture_output=True, text=True, timeout=300,
                          cwd=service["WorkingDirectory"], env=unit_env)
    assert done.returncode == 0, done.stdout + done.stderr

    steps = yaml.safe_load(github_workflow(request))["jobs"]["audit"]["steps"]
    [script] = [step["run"] for step in steps if step.get("shell") == "sh"]
    done = subprocess.run(["/bin/sh", "-e", "-c", script], capture_output=True, text=True, cwd=work, timeout=300,
                          env={**base, **settings, "AUDITOR_STORE": str(tmp_path / "history.sqlite")})
    assert done.returncode == 0, done.stdout + done.stderr

    folders = sorted((work / "reports").iterdir())
    assert len(folders) == 4 and all((folder / "results.json").is_file() for folder in folders)
    listed = subprocess.run([str(AUDITOR), "history", "--target", "vendor-a", "--format", "json"], text=True,
                            capture_output=True, env={**base, "AUDITOR_STORE": str(tmp_path / "history.sqlite")})
    assert len(json.loads(listed.stdout)["runs"]) == 4
    assert os.listdir(work) == ["reports"]
