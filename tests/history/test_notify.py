"""Notifications reach real servers on 127.0.0.1: an SMTP server (aiosmtpd, plain and STARTTLS with
login) and an HTTP webhook; failures are clear errors; ``auditor diff`` notifies only on a regression."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from aiosmtpd.smtp import SMTP, AuthResult
from click.testing import CliRunner

from auditor.cli import cli
from auditor.errors import AuditorError
from auditor.history import diff_runs, open_store
from auditor.notify import SmtpSettings, compose, post_webhook, send_email, webhook_payload
from tests.history import estate


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right-password", handled=False)

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


class SmtpServer:
    """aiosmtpd's SMTP protocol served by an asyncio loop in a thread, on a free port of 127.0.0.1."""

    def __init__(self, inbox: Inbox, **options) -> None:
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(self.loop.create_server(
                lambda: SMTP(inbox, hostname="mail.test", authenticator=inbox.authenticate, **options),
                "127.0.0.1", 0))
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        assert ready.wait(10)

    def close(self) -> None:
        def stop() -> None:
            self.server.close()
            self.loop.stop()

        self.loop.call_soon_threadsafe(stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpServer]]:
    box = Inbox()
    server = SmtpServer(box, auth_require_tls=False)
    yield box, server
    server.close()


class Hook:
    """A webhook receiver: records each POST, answers with ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[tuple[str, dict, bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append((self.path, dict(self.headers), body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.status = status
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/audit?token=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook()
    yield receiver
    receiver.close()


@pytest.fixture
def changes(catalogue):
    return diff_runs(estate.january(catalogue), estate.february(catalogue))


def test_an_email_reaches_the_smtp_server(inbox, changes):
    box, server = inbox
    message = compose(changes, "ja")
    send_email(SmtpSettings("127.0.0.1", "auditor@city.example", server.port, "none", "auditor", "right-password"),
               ["security@city.example", "vendor@example.com"], message)
    assert box.logins == [(b"auditor", b"right-password")]
    [envelope] = box.envelopes
    assert envelope.mail_from == "auditor@city.example"
    assert envelope.rcpt_tos == ["security@city.example", "vendor@example.com"]
    [mail] = box.messages()
    assert mail["Subject"] == f"[auditor] aws:{estate.ACCOUNT}: 前回から悪化あり"
    body = mail.get_content()
    assert "新たな不適合: 2" in body and "vol-new" in body and "是正済み: 1" in body and "vol-old" in body
    assert "20260101T030000Z-aaaa0001" in body and "20260201T030000Z-bbbb0002" in body


def test_starttls_with_a_trusted_certificate(changes, tmp_path: Path, monkeypatch):
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    box = Inbox()
    server = SmtpServer(box, tls_context=context, require_starttls=True)
    try:
        send_email(SmtpSettings("127.0.0.1", "auditor@city.example", server.port, "starttls", "auditor",
                                "right-password"), ["security@city.example"], compose(changes, "en"))
    finally:
        server.close()
    assert box.logins == [(b"auditor", b"right-password")]
    assert box.messages()[0]["Subject"].endswith("regressed since the previous run")


def test_smtp_failures_are_clear_errors(changes):
    server = SmtpServer(Inbox(), auth_require_tls=False)
    try:
        with pytest.raises(AuditorError, match="Could not send the notification e-mail"):
            send_email(SmtpSettings("127.0.0.1", "a@city.example", server.port, "none", "auditor", "wrong"),
                       ["b@city.example"], compose(changes, "en"))
    finally:
        server.close()
    with pytest.raises(AuditorError, match=f"127.0.0.1:{server.port}"):  # nobody listens there any more
        send_email(SmtpSettings("127.0.0.1", "a@city.example", server.port, "none", timeout=5),
                   ["b@city.example"], compose(changes, "en"))


def test_a_webhook_receives_the_diff_as_json(hook, changes):
    post_webhook(hook.url, webhook_payload(changes, compose(changes, "en")))
    [(path, headers, body)] = hook.requests
    assert path == "/hooks/audit?token=abc"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body.decode("utf-8"))
    assert data["diff"]["regressed"] is True and data["diff"]["summary"]["new_failures"] == 2
    assert data["text"].startswith("[auditor] aws:")


def test_webhook_failures_are_clear_errors(changes):
    failing = Hook(status=500)
    try:
        with pytest.raises(AuditorError, match="answered HTTP 500") as raised:
            post_webhook(failing.url, {"text": "x"})
        assert "token=abc" not in raised.value.message("en")  # the query may hold a secret
    finally:
        failing.close()
    with pytest.raises(AuditorError, match="http or https only"):
        post_webhook("file:///etc/passwd", {})
    with pytest.raises(AuditorError, match="Could not reach webhook"):
        post_webhook(failing.url, {}, timeout=5)


def test_diff_notifies_on_a_regression_only(store_url, catalogue, inbox, hook):
    box, server = inbox
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        store.save_run(estate.february(catalogue))
    env = {"AUDITOR_SMTP_HOST": "127.0.0.1", "AUDITOR_SMTP_PORT": str(server.port),
           "AUDITOR_SMTP_FROM": "auditor@city.example", "AUDITOR_SMTP_SECURITY": "none",
           "AUDITOR_SMTP_USER": "auditor", "AUDITOR_SMTP_PASSWORD": "right-password",
           "AUDITOR_NOTIFY_WEBHOOK": hook.url, "AUDITOR_STORE": store_url}
    result = CliRunner().invoke(cli, ["diff", "--notify-email", "security@city.example"], env=env)
    assert result.exit_code == 1, result.output
    assert len(box.envelopes) == 1 and len(hook.requests) == 1
    # the same run against itself: nothing regressed, nobody is disturbed ...
    quiet = CliRunner().invoke(cli, ["diff", "20260201", "20260201", "--notify-email", "security@city.example"],
                               env=env)
    assert quiet.exit_code == 0 and len(box.envelopes) == 1 and len(hook.requests) == 1
    # ... unless asked to report every time
    always = CliRunner().invoke(cli, ["diff", "20260201", "20260201", "--notify-always"], env=env)
    assert always.exit_code == 0 and len(hook.requests) == 2


def test_diff_refuses_incomplete_mail_settings(tmp_path):
    result = CliRunner().invoke(cli, ["--lang", "en", "diff", "--store", str(tmp_path / "h.sqlite"),
                                      "--notify-email", "a@city.example"], env={"AUDITOR_SMTP_HOST": ""})
    assert result.exit_code == 2 and "--smtp-host and --smtp-from" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "diff", "--notify-email", "a@city.example", "--smtp-host",
                                      "127.0.0.1", "--smtp-from", "x@city.example", "--smtp-user", "u"],
                                env={"AUDITOR_SMTP_PASSWORD": ""})
    assert result.exit_code == 2 and "AUDITOR_SMTP_PASSWORD" in result.output


def test_a_failed_notification_exits_2(store_url, catalogue):
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        store.save_run(estate.february(catalogue))
    failing = Hook(status=503)
    try:
        result = CliRunner().invoke(cli, ["--lang", "en", "diff", "--store", store_url, "--notify-webhook",
                                          failing.url])
    finally:
        failing.close()
    assert result.exit_code == 2 and "answered HTTP 503" in result.output


def test_the_notification_names_each_account_that_got_worse_or_better(store_url, catalogue, hook):
    january, february = estate.org_months(catalogue)
    worse = compose(diff_runs(january, february, catalogue.checklists, catalogue.controls), "ja")
    assert "アカウント別の悪化した項目: " in worse.body and "アカウント別の改善した項目: 0" in worse.body
    account_lines = [line for line in worse.body.splitlines() if estate.OTHER in line]
    assert "  ↓ aws 210987654321 ext-service-requirements#34: ○ 適合 → × 不適合" in account_lines
    assert not any(estate.ACCOUNT in line for line in worse.body.splitlines())
    better = compose(diff_runs(february, january, catalogue.checklists, catalogue.controls), "en")
    assert "Items worse by account: 0" in better.body
    assert "  ↑ aws 210987654321 ext-service-requirements#34: × 不適合 → ○ 適合" in better.body
    # through the command, to a real receiver: the text and the diff both carry the accounts
    with open_store(store_url) as store:
        store.save_run(january)
        store.save_run(february)
    result = CliRunner().invoke(cli, ["--lang", "en", "diff", "--target", estate.ORG_TARGET, "--notify-webhook",
                                      hook.url], env={"AUDITOR_STORE": store_url})
    assert result.exit_code == 1, result.output
    payload = json.loads(hook.requests[0][2])
    assert "  ↓ aws 210987654321 ext-service-requirements#34: ○ 適合 → × 不適合" in payload["text"]
    assert payload["diff"]["summary"]["scope_items_worse"] >= 1
    assert payload["diff"]["summary"]["scope_items_better"] == 0
    assert {(c["scope"], c["item_id"], c["worse"]) for c in payload["diff"]["scope_changes"]} >= {
        (estate.OTHER, "34", True)}
