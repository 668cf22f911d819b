"""Every check writes its reasons in Japanese and English: the ``Verdict`` calls of the provider check
modules pass ``(Japanese, English)`` pairs, and every check's title and expected value have English.

The walk reads the check modules' source: a reason given as a bare string (or f-string, or a
concatenation of strings) is Japanese only, and English reports would show it as recorded. The
functions still written that way are listed in ``JAPANESE_ONLY`` — converting one removes it there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from providers.aws.checks import CHECKS as AWS_CHECKS
from providers.azure.checks import CHECKS as AZURE_CHECKS
from providers.gcp.checks import CHECKS as GCP_CHECKS

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*ROOT.glob("providers/*/checks/*.py"), *ROOT.glob("providers/*/checks.py")])
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

#: The argument positions that carry a reason, by the helper's name.
REASON_ARGS = {"passed": (0,), "failed": (0,), "not_applicable": (0,), "unknown": (0,), "of": (1, 2),
               "make": (1,), "regional_service": (2, 3)}

#: Check functions whose reasons are still Japanese only (module, function).
JAPANESE_ONLY: set[tuple[str, str]] = {
    *(('providers/gcp/checks/encryption.py', name) for name in (
        'encrypted_at_rest',
    )),
    *(('providers/gcp/checks/identity.py', name) for name in (
        '_federated', 'admin_two_step_verification', 'no_basic_roles', 'project_access_restricted',
        'service_account_key_age',
    )),
    *(('providers/gcp/checks/logs.py', name) for name in (
        'admin_activity_always_on', 'data_access_logging', 'log_bucket_locked', 'log_bucket_retention',
    )),
    *(('providers/gcp/checks/network.py', name) for name in (
        'backend_has_cloud_armor', 'firewall_admin_ports_closed', 'http_redirects_to_https', 'proxy_min_tls',
        'sql_requires_ssl', 'threat_detection',
    )),
    *(('providers/gcp/checks/operations.py', name) for name in (
        'alerting', 'vm_threat_detection', 'vulnerability_report',
    )),
    *(('providers/gcp/checks/residency.py', name) for name in (
        'forwarding_rule_in_japan', 'in_japan', 'resource_locations_policy', 'secret_in_japan',
        'sql_backups_in_japan',
    )),
    *(('providers/gcp/checks/resilience.py', name) for name in (
        'disk_snapshot_schedule', 'gke_multi_zone', 'mig_regional', 'sql_backups_enabled',
        'sql_high_availability',
    )),
}


def _stringy(node: ast.AST) -> bool:
    """A bare string expression: a constant, an f-string, a concatenation or choice of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _stringy(node.left) or _stringy(node.right)
    if isinstance(node, ast.IfExp):
        return _stringy(node.body) or _stringy(node.orelse)
    return False


def _helper(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "Verdict":
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _assigned_strings(scope: ast.AST) -> set[str]:
    """Names a function (or module) binds to a bare string: passing one of them is a Japanese-only reason."""
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and _stringy(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def japanese_only_sites(root: Path = ROOT, modules: list[Path] = MODULES) -> set[tuple[str, str]]:
    """(module, function) of every check function that passes a bare-string reason."""
    found = set()
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = str(path.relative_to(root))
        module_strings = _assigned_strings(ast.Module(body=[n for n in tree.body if isinstance(n, ast.Assign)],
                                                      type_ignores=[]))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            strings = module_strings | _assigned_strings(function)
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                for position in REASON_ARGS.get(_helper(call), ()):
                    if position < len(call.args):
                        arg = call.args[position]
                        if _stringy(arg) or (isinstance(arg, ast.Name) and arg.id in strings):
                            found.add((module, function.name))
    return found


def test_every_reason_of_a_check_has_english_except_the_listed_ones():
    sites = japanese_only_sites()
    assert sites - JAPANESE_ONLY == set(), "write these reasons as (Japanese, English) pairs"
    assert JAPANESE_ONLY - sites == set(), "converted: remove these from JAPANESE_ONLY"


def test_the_walk_finds_a_japanese_only_reason(tmp_path):
    """The measure itself: a bare-string reason is found, a pair is not."""
    module = tmp_path / "providers" / "x" / "checks" / "sample.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "def bare(e):\n    return Verdict.passed(f'暗号化 {e}')\n"
        "def named(e):\n    why = '暗号化'\n    return Verdict.of(True, ('a', 'b'), why)\n"
        "def pair(e):\n    return Verdict.failed(('暗号化なし', 'not encrypted'))\n", encoding="utf-8")
    sites = japanese_only_sites(tmp_path, [module])
    assert sites == {("providers/x/checks/sample.py", "bare"), ("providers/x/checks/sample.py", "named")}


def test_every_check_has_an_english_title_and_expected_value():
    missing = [c.id for c in (*AWS_CHECKS, *AZURE_CHECKS, *GCP_CHECKS)
               if JAPANESE.search(c.title) or JAPANESE.search(c.expected_in("en"))]
    assert set(missing) - EXPECTED_IN_JAPANESE_ONLY == set(), "give these checks an English title and expected value"
    assert EXPECTED_IN_JAPANESE_ONLY - set(missing) == set(), "converted: remove these from EXPECTED_IN_JAPANESE_ONLY"


#: Checks whose title or expected value has no English yet.
EXPECTED_IN_JAPANESE_ONLY: set[str] = {
    'gcp.accesscontext.project_restricted', 'gcp.artifactregistry.repository_in_japan',
    'gcp.bigquery.dataset_encrypted', 'gcp.bigquery.dataset_in_japan', 'gcp.compute.backend_cloud_armor_waf',
    'gcp.compute.disk_encrypted', 'gcp.compute.disk_in_japan', 'gcp.compute.disk_snapshot_schedule',
    'gcp.compute.firewall_admin_ports_closed', 'gcp.compute.forwarding_rule_in_japan',
    'gcp.compute.http_redirects_to_https', 'gcp.compute.image_encrypted', 'gcp.compute.image_in_japan',
    'gcp.compute.instance_in_japan', 'gcp.compute.instance_time_sync', 'gcp.compute.instance_vulnerability_report',
    'gcp.compute.mig_regional', 'gcp.compute.proxy_min_tls12', 'gcp.compute.snapshot_encrypted',
    'gcp.compute.snapshot_in_japan', 'gcp.container.cluster_in_japan', 'gcp.container.cluster_multi_zone',
    'gcp.filestore.instance_in_japan', 'gcp.functions.function_in_japan', 'gcp.iam.admin_2sv', 'gcp.iam.no_basic_roles',
    'gcp.iam.service_account_key_rotated', 'gcp.kms.key_ring_in_japan', 'gcp.logging.admin_activity_always_on',
    'gcp.logging.bucket_in_japan', 'gcp.logging.bucket_locked', 'gcp.logging.bucket_retention_1y',
    'gcp.logging.data_access_enabled', 'gcp.monitoring.alerting_configured', 'gcp.orgpolicy.resource_locations_japan',
    'gcp.project.threat_detection', 'gcp.project.vm_threat_detection', 'gcp.redis.instance_in_japan',
    'gcp.run.service_in_japan', 'gcp.secretmanager.secret_in_japan', 'gcp.sql.backups_enabled',
    'gcp.sql.backups_in_japan', 'gcp.sql.high_availability', 'gcp.sql.instance_encrypted', 'gcp.sql.instance_in_japan',
    'gcp.sql.ssl_required', 'gcp.storage.bucket_encrypted', 'gcp.storage.bucket_in_japan',
}
