"""``auditor schedule``: the cron line, the systemd units and the CI workflow are valid, carry the
user's arguments exactly (the job is run through a real shell with a stand-in ``auditor`` that
records its arguments), keep the exit-code contract, and keep secrets off the command line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import cli
from auditor.history.ci_workflow import github_workflow
from auditor.history.schedule import ScheduleRequest, cron_entry, systemd_service, systemd_timer

TRICKY = ("-p", "aws", "--target", "vendor a's \"portal\" 50% $HOME `id`; \\x", "--attestations",
          "answers/2026 年度.yaml", "--profile-option", "usage=cloud", "--role-arn",
          "arn:aws:iam::123456789012:role/auditor-read")

FAKE_AUDITOR = """#!{python}
import json, os, sys
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "store": os.environ.get("AUDITOR_STORE"),
                          "profile": os.environ.get("AWS_PROFILE")}}) + "\\n")
sys.exit(int(os.environ.get("FAKE_" + sys.argv[1].upper() + "_RC", "0")))
"""


@pytest.fixture
def place(tmp_path: Path):
    """A work folder, an environment file and a stand-in auditor that logs each call."""
    work = tmp_path / "work dir"
    work.mkdir()
    executable = tmp_path / "bin" / "auditor"
    executable.parent.mkdir()
    executable.write_text(FAKE_AUDITOR.format(python=sys.executable), encoding="utf-8")
    executable.chmod(0o755)
    log = tmp_path / "calls.jsonl"
    env_file = tmp_path / "auditor.env"
    env_file.write_text(f"AWS_PROFILE=audit-readonly\nFAKE_LOG={log}\n", encoding="utf-8")
    env_file.chmod(0o600)

    class Place:
        def request(self, args=TRICKY, **extra) -> ScheduleRequest:
            return ScheduleRequest(audit_args=tuple(args), workdir=str(work), env_file=str(env_file),
                                   executable=str(executable), **extra)

        def calls(self) -> list[dict]:
            return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []

        def set_codes(self, audit: int, diff: int) -> None:
            env_file.write_text(f"AWS_PROFILE=audit-readonly\nFAKE_LOG={log}\nFAKE_AUDIT_RC={audit}\n"
                                f"FAKE_DIFF_RC={diff}\n", encoding="utf-8")

    Place.work, Place.env_file, Place.log, Place.executable = work, env_file, log, executable
    return Place()


def entry_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def cron_command(text: str) -> tuple[list[str], str]:
    [line] = entry_lines(text)
    fields = line.split(" ", 5)
    assert len(fields) == 6
    assert re.search(r"(?<!\\)%", fields[5]) is None, "every % must be escaped for cron"
    return fields[:5], fields[5].replace("\\%", "%")  # what cron hands to /bin/sh


def assert_audited_with(call: dict, args) -> None:
    assert call["argv"][0] == "audit"
    assert call["argv"][1:1 + len(args)] == list(args)
    assert call["argv"][1 + len(args):] == ["--output", "reports/{timestamp}"]  # the audit fills in the time


def test_the_cron_line_runs_the_audit_with_the_users_arguments(place):
    schedule, command = cron_command(cron_entry(place.request(day=5, hour=2, minute=30)))
    assert schedule == ["30", "2", "5", "*", "*"]
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    audit, diff = place.calls()
    assert_audited_with(audit, TRICKY)
    assert audit["cwd"] == str(place.work) and audit["profile"] == "audit-readonly"
    assert audit["store"] == f"{place.work}/history.sqlite"
    assert diff["argv"] == ["diff", "--target", TRICKY[3]]


@pytest.mark.parametrize(("audit", "diff", "expected", "diffed"), [
    (0, 0, 0, True),   # nothing failed, nothing regressed
    (1, 0, 0, True),   # failures, but none new
    (1, 1, 1, True),   # regressed: the scheduler alerts
    (2, 0, 2, False),  # the audit could not run: no diff, the job fails
])
def test_the_job_keeps_the_exit_code_contract(place, audit, diff, expected, diffed):
    place.set_codes(audit, diff)
    _schedule, command = cron_command(cron_entry(place.request()))
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == expected
    assert [c["argv"][0] for c in place.calls()] == (["audit", "diff"] if diffed else ["audit"])


def test_a_missing_environment_file_stops_the_job(place):
    request = place.request()
    place.env_file.unlink()
    _schedule, command = cron_command(cron_entry(request))
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode != 0 and not place.log.exists()


def systemd_exec_argv(value: str) -> list[str]:
    """How systemd turns an ExecStart= value into argv (systemd.service(5), systemd.syntax(7)):
    words split on blanks, double quotes with C escapes, then %% → % (specifiers) and $$ → $."""
    assert "$" not in value.replace("$$", ""), "a bare $ would be expanded by systemd"
    assert "%" not in value.replace("%%", ""), "a bare % is a specifier"
    words, word, quoted, index = [], [], False, 0
    escapes = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}
    in_word = False
    while index < len(value):
        char = value[index]
        if char == "\\":
            word.append(escapes[value[index + 1]])
            index += 2
            in_word = True
            continue
        if char == '"':
            quoted = not quoted
            in_word = True
        elif char in " \t" and not quoted:
            if in_word:
                words.append("".join(word))
            word, in_word = [], False
        else:
            word.append(char)
            in_word = True
        index += 1
    assert not quoted
    if in_word:
        words.append("".join(word))
    return [w.replace("%%", "%").replace("$$", "$") for w in words]


def unit_settings(text: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in entry_lines(text):
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current[key] = value
    return sections


def test_the_systemd_units_are_valid_and_run_the_same_job(place, tmp_path: Path):
    request = place.request()
    service, timer = systemd_service(request), systemd_timer(request)
    units = tmp_path / "units"
    units.mkdir()
    (units / "auditor-monthly.service").write_text(service, encoding="utf-8")
    (units / "auditor-monthly.timer").write_text(timer, encoding="utf-8")
    if shutil.which("systemd-analyze"):
        checked = subprocess.run(["systemd-analyze", "verify", "--man=no", str(units / "auditor-monthly.service"),
                                  str(units / "auditor-monthly.timer")], capture_output=True, text=True)
        problems = [line for line in checked.stderr.splitlines() if "auditor-monthly" in line
                    and not re.search(r"Special user|user .* does not exist|Failed to resolve user", line)]
        assert checked.returncode == 0 and not problems, checked.stderr
        calendar = subprocess.run(["systemd-analyze", "calendar", unit_settings(timer)["Timer"]["OnCalendar"]],
                                  capture_output=True, text=True)
        assert calendar.returncode == 0, calendar.stderr
    settings = unit_settings(service)
    assert set(settings) == {"Unit", "Service"} and set(unit_settings(timer)) == {"Unit", "Timer", "Install"}
    assert settings["Service"]["Type"] == "oneshot" and settings["Service"]["User"] == "auditor"
    assert settings["Service"]["EnvironmentFile"] == str(place.env_file)
    assert unit_settings(timer)["Timer"]["OnCalendar"] == "*-*-01 03:00:00"
    assert unit_settings(timer)["Timer"]["Unit"] == "auditor-monthly.service"
    [environment] = systemd_exec_argv(settings["Service"]["Environment"])
    argv = systemd_exec_argv(settings["Service"]["ExecStart"])
    assert argv[:2] == ["/bin/sh", "-c"] and len(argv) == 3
    env = {"PATH": "/usr/bin:/bin", environment.split("=", 1)[0]: environment.split("=", 1)[1]}
    env.update(line.split("=", 1) for line in place.env_file.read_text().splitlines())  # EnvironmentFile=
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=settings["Service"]["WorkingDirectory"])
    assert done.returncode == 0, done.stderr
    audit, diff = place.calls()
    assert_audited_with(audit, TRICKY)
    assert audit["store"] == f"{place.work}/history.sqlite" and audit["cwd"] == str(place.work)
    assert diff["argv"] == ["diff", "--target", TRICKY[3]]


WORKFLOW_KEYS = {"name", "on", "permissions", "env", "jobs", "concurrency", "defaults", "run-name"}
JOB_KEYS = {"runs-on", "timeout-minutes", "env", "steps", "permissions", "needs", "if", "name", "environment"}
STEP_KEYS = {"name", "uses", "with", "run", "shell", "if", "env", "id", "working-directory", "continue-on-error"}


def valid_workflow(text: str) -> dict:
    """The workflow parsed, after checking its structure as GitHub Actions reads it (workflow syntax:
    known keys at every level, a job runs on a runner, each step either uses an action or runs a
    script, ``with`` only for actions, ``shell`` only for scripts, actions pinned to a version)."""
    workflow = yaml.safe_load(text)
    if True in workflow:  # YAML 1.1 reads a bare `on` as true; GitHub reads it as the key "on"
        workflow["on"] = workflow.pop(True)
    assert set(workflow) <= WORKFLOW_KEYS and {"on", "jobs"} <= set(workflow)
    assert set(workflow["on"]) <= {"schedule", "workflow_dispatch", "push", "pull_request"}
    for entry in workflow["on"].get("schedule", []):
        assert set(entry) == {"cron"} and len(entry["cron"].split()) == 5
    assert all(value in ("read", "write", "none") for value in workflow.get("permissions", {}).values())
    for job in workflow["jobs"].values():
        assert set(job) <= JOB_KEYS and isinstance(job["runs-on"], str) and job["steps"]
        assert all(isinstance(v, str) for v in job.get("env", {}).values())
        for step in job["steps"]:
            assert set(step) <= STEP_KEYS and ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert "shell" not in step and re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step
                assert all(isinstance(v, str) for v in step.get("with", {}).values()), step
            else:
                assert "with" not in step and isinstance(step["run"], str), step
    return workflow


def test_the_ci_workflow_is_valid_yaml_and_runs_the_same_job(place, tmp_path: Path):
    request = place.request(notify_emails=("security@city.example",), notify_webhook=True)
    workflow = valid_workflow(github_workflow(request))
    triggers = workflow["on"]
    assert triggers["schedule"] == [{"cron": "0 3 1 * *"}] and "workflow_dispatch" in triggers
    job = workflow["jobs"]["audit"]
    assert workflow["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["env"]["AUDITOR_STORE"] == "${{ secrets.AUDITOR_STORE }}"
    assert job["env"]["AUDITOR_SMTP_PASSWORD"] == "${{ secrets.AUDITOR_SMTP_PASSWORD }}"
    assert job["env"]["AUDITOR_NOTIFY_WEBHOOK"] == "${{ secrets.AUDITOR_NOTIFY_WEBHOOK }}"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert "aws-actions/configure-aws-credentials@v4" in uses
    assert not any(u.startswith(("azure/login", "google-github-actions/auth")) for u in uses)
    aws = next(step for step in job["steps"] if step.get("uses", "").startswith("aws-actions/"))
    assert aws["with"]["role-to-assume"] == "${{ secrets.AUDITOR_AWS_ROLE_ARN }}"
    [script] = [step["run"] for step in job["steps"] if "audit" in step.get("run", "") and "pip" not in step["run"]]
    bin_dir = str(place.executable.parent)
    done = subprocess.run(["/bin/sh", "-e", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_LOG": str(place.log), "FAKE_AUDIT_RC": "1",
                               "AUDITOR_STORE": "postgresql://db.example.lg.jp/audit"})  # the secret, as GitHub sets it
    assert done.returncode == 0, done.stderr  # audit found failures (1) but the job goes on to the diff
    audit, diff = place.calls()
    assert_audited_with(audit, TRICKY)
    assert diff["argv"] == ["diff", "--target", TRICKY[3], "--notify-email", "security@city.example"]


def test_every_cloud_gets_its_oidc_login():
    workflow = valid_workflow(github_workflow(ScheduleRequest(("-p", "azure", "--provider=gcp", "-p", "aws"))))
    uses = [step.get("uses", "") for step in workflow["jobs"]["audit"]["steps"]]
    assert {"azure/login@v2", "google-github-actions/auth@v2", "aws-actions/configure-aws-credentials@v4"} <= set(uses)


@pytest.mark.parametrize(("output", "dated", "kept"), [
    ((), "reports/{timestamp}", "reports/"),
    (("--output", "./reports"), "reports/{timestamp}", "reports/"),
    (("-o", "/srv/audit/out/"), "/srv/audit/out/{timestamp}", "/srv/audit/out/"),
    (("--output=reports/{month}",), "reports/{month}", "reports/"),
    (("-oarchive/{date}/aws",), "archive/{date}/aws", "archive/"),
])
def test_every_run_writes_a_folder_of_its_own(place, output, dated, kept):
    """A given --output is the folder the runs go in, never the folder of one run (month 2 would fail)."""
    args = ("-p", "aws", *output, "--target", "vendor-a")
    _schedule, command = cron_command(cron_entry(place.request(args)))
    subprocess.run(["/bin/sh", "-c", command], check=True, env={"PATH": "/usr/bin:/bin"})
    audit, _diff = place.calls()
    assert audit["argv"] == ["audit", "-p", "aws", "--target", "vendor-a", "--output", dated]
    job = valid_workflow(github_workflow(place.request(args)))["jobs"]["audit"]
    [kept_step] = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert kept_step["with"]["path"] == kept


def pip_install_step(workflow: dict) -> str:
    [step] = [step for step in workflow["jobs"]["audit"]["steps"] if "pip install" in step.get("run", "")]
    return step["run"]


def test_ci_installs_auditor_from_the_repository_or_from_what_the_user_names():
    default = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--only", "github-actions", "--", "-p", "aws"])
    assert default.exit_code == 0, default.output
    assert pip_install_step(valid_workflow(default.stdout)) == "python -m pip install ."
    assert "municipal-cloud-auditor==" not in default.stdout and "--install-from" in default.stdout
    source = "git+https://git.example.lg.jp/city/auditor.git@v0.1.0"
    for option in ("--install-from", "--install"):
        named = CliRunner().invoke(cli, ["schedule", "--only", "github-actions", option, source, "--", "-p", "aws"])
        assert named.exit_code == 0, named.output
        assert pip_install_step(valid_workflow(named.stdout)) == f"python -m pip install {source}"
    wheel = "dist/municipal_cloud_auditor-0.1.0-py3-none-any.whl"
    named = CliRunner().invoke(cli, ["schedule", "--only", "github-actions", "--install-from", wheel, "-p", "aws"])
    assert pip_install_step(valid_workflow(named.stdout)) == f"python -m pip install {wheel}"


def test_the_cli_prints_every_entry_and_keeps_the_arguments():
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--day", "3", "--at", "04:15", "--executable",
                                      "/opt/auditor/bin/auditor", "--", "audit", *TRICKY])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for title in ("cron (one crontab line)", "systemd service", "systemd timer", "GitHub Actions workflow"):
        assert title in out
    assert "15 4 3 * * cd /var/lib/auditor" in out and "/opt/auditor/bin/auditor audit -p aws" in out
    assert "OnCalendar=*-*-03 04:15:00" in out
    assert "instance role" in out and "0600" in out and "OIDC" in out
    only = CliRunner().invoke(cli, ["schedule", "--only", "systemd-timer", "-p", "aws"])
    assert only.stdout.startswith("# auditor-monthly.timer") and "[Timer]" in only.stdout
    assert "[Service]" not in only.stdout


def test_without_a_target_the_entries_say_what_diff_compares():
    text = cron_entry(ScheduleRequest(("-p", "aws")))
    assert "--target" in text and "exec auditor diff" in text.splitlines()[-1]
    assert text.splitlines()[-1].endswith("exec auditor diff")


@pytest.mark.parametrize(("args", "hidden"), [
    (("-p", "azure", "--client-secret", "s3cr3t-value"), "s3cr3t-value"),
    (("-p", "aws", "--aws-secret-access-key=s3cr3t-value"), "s3cr3t-value"),
    (("-p", "aws", "--role-arn", "AKIAABCDEFGHIJKLMNOP"), "ABCDEFGHIJKLMNOP"),
    (("-p", "aws", "--store", "postgresql://auditor:hunter2@db/history"), "hunter2"),
])
def test_secrets_are_refused_without_being_echoed(args, hidden):
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--", *args])
    assert result.exit_code == 2 and "Keep secrets off the command line" in result.output
    assert hidden not in result.output


@pytest.mark.parametrize("args", [("-p", "aws", "--target", "a\nb"), ("-p", "aws", "--target", "${{ github.token }}")])
def test_arguments_no_entry_can_carry_are_refused(args):
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "line breaks" in result.output or "CI would evaluate it" in result.output


def test_a_store_url_with_a_password_is_refused_but_a_path_is_embedded():
    refused = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--store", "postgresql://a:pw@db/h", "-p", "aws"])
    assert refused.exit_code == 2 and "Keep secrets off the command line" in refused.output
    kept = CliRunner().invoke(cli, ["schedule", "--only", "systemd-service", "--store", "/srv/audit/h.sqlite", "--",
                                    "-p", "aws"])
    assert 'Environment="AUDITOR_STORE=/srv/audit/h.sqlite"' in kept.stdout


@pytest.mark.parametrize("option", [("--day", "29"), ("--at", "25:00"), ("--name", "a b"), ("--workdir", "rel")])
def test_bad_schedule_options(option):
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", *option, "--", "-p", "aws"])
    assert result.exit_code == 2
