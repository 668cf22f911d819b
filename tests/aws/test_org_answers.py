"""An organisation member whose sts:AssumeRole comes back as an HTML page (a proxy or a captive portal
in the way) becomes a gap of that account with a readable cause; the other accounts are audited.

The adapter talks to a small HTTP server on 127.0.0.1 that forwards every request to moto, except
AssumeRole for one member's role, which it answers with a login page.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest

from auditor.status import Status
from providers.localhttp import EmulatorRequestHandler
from tests.aws.conftest import TOKYO, VIRGINIA, Account, credentials_for
from tests.aws.estates import volume
from tests.endpoints import HTML, serving

HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@contextmanager
def portal_for(upstream: str, role_arn: str, status: int) -> Iterator[str]:
    """Yield the URL of a forwarder to ``upstream`` that answers AssumeRole of ``role_arn`` with ``status``
    and an HTML page."""
    target = urlsplit(upstream)

    class Forwarder(EmulatorRequestHandler):
        def _dispatch(self, method: str) -> None:
            body = self._body()
            form = parse_qs(body.decode("utf-8", "replace"))
            if form.get("Action") == ["AssumeRole"] and form.get("RoleArn") == [role_arn]:
                self._answer(status, [("Content-Type", "text/html; charset=utf-8")], HTML)
                return
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                connection.request(method, self.path, body=body, headers=dict(self.headers.items()))
                answer = connection.getresponse()
                self._answer(answer.status, answer.getheaders(), answer.read())
            finally:
                connection.close()

        def _answer(self, code: int, headers: list[tuple[str, str]], payload: bytes) -> None:
            self.send_response(code)
            for name, value in headers:
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    with serving(Forwarder) as url:
        yield url


@pytest.mark.parametrize("status", [200, 403])
def test_a_member_whose_assume_role_answers_html_is_a_gap_and_the_others_are_audited(account, status):
    organizations = account.client("organizations", VIRGINIA)
    organizations.create_organization(FeatureSet="ALL")
    blocked, reached = (organizations.create_account(Email=f"{name}@example.jp", AccountName=name)
                        ["CreateAccountStatus"]["AccountId"] for name in ("blocked", "reached"))
    member = Account(account.endpoint, reached, credentials_for(account.endpoint, reached))
    volume(member, TOKYO, "reached-data", encrypted=True)
    role = f"arn:aws:iam::{blocked}:role/AuditReadOnly"
    with portal_for(account.endpoint, role, status) as portal:
        behind = Account(portal, account.account_id, account.credentials)
        audit = behind.audit(kinds=frozenset({"aws.ec2.volume"}), org=True, org_role="AuditReadOnly")
    (gap,) = audit.collection.gaps
    assert (gap.scope, gap.region, gap.source, gap.resource_types) == (blocked, "*", "sts:AssumeRole",
                                                                        ("aws.ec2.volume",))
    assert gap.error_code == f"HTTP {status}"
    assert f"The STS endpoint {portal} answered with an HTML page, not AWS XML" in gap.message_in("en")
    assert "check the proxy / endpoint" in gap.message_in("en") and role in gap.message_in("en")
    assert "HTML のページを返しました" in gap.message_in("ja") and "プロキシ" in gap.message_in("ja")
    assert set(audit.collection.scope.scopes) == {account.account_id, blocked, reached}
    unknown = [f for f in audit.of("aws.ec2.volume_in_japan") if f.scope == blocked]
    assert unknown and {f.status for f in unknown} == {Status.UNKNOWN}
    assert audit.one("aws.ec2.volume_in_japan", "reached-data").scope == reached
