"""Fixtures for the GCP adapter tests: the local Google APIs emulator and credentials that reach it.

Every test gets its own emulator on 127.0.0.1 (port 0) and its own estate, so tests are independent
and xdist-safe. The service-account key is a throwaway RSA key generated here; its key file names
the emulator's token endpoint, so the real google-auth flow (JWT-bearer grant) runs over HTTP.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auditor.checks import resource_types_for, run_checks
from auditor.model import Finding
from auditor.plugins import Collection, CollectRequest
from auditor.status import Status
from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.server import GoogleApisEmulator
from providers.gcp.plugin import provider

AUDITOR = "auditor@audit-host.iam.gserviceaccount.com"


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_file_info(key: rsa.RSAPrivateKey, email: str, token_uri: str) -> dict[str, str]:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {
        "type": "service_account", "project_id": "audit-host", "private_key_id": secrets.token_hex(20),
        "private_key": pem, "client_email": email, "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }


@dataclass
class Gcp:
    """One test's emulator, estate and environment, and the calls that audit it."""

    emulator: GoogleApisEmulator
    estate: Estate
    key_file: Path

    def collect(self, **options) -> Collection:
        request = CollectRequest(resource_types_for(provider.checks()), options)
        return provider.collect(request)

    def audit(self, **options) -> tuple[Collection, list[Finding]]:
        collection = self.collect(**options)
        return collection, run_checks(provider.checks(), collection.evidence, collection.gaps)


@pytest.fixture
def gcp(rsa_key, tmp_path, monkeypatch) -> Iterator[Gcp]:
    estate = Estate()
    with GoogleApisEmulator(estate) as emulator:
        estate.register_service_account(AUDITOR, rsa_key.public_key())
        key_file = tmp_path / "auditor-key.json"
        key_file.write_text(json.dumps(key_file_info(rsa_key, AUDITOR, emulator.token_uri)), encoding="utf-8")
        for name, value in emulator.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
        for name in ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GCLOUD_PROJECT"):
            monkeypatch.delenv(name, raising=False)
        yield Gcp(emulator, estate, key_file)


def by_check(findings: list[Finding], check_id: str) -> list[Finding]:
    return [f for f in findings if f.check_id == check_id]


def statuses(findings: list[Finding], check_id: str) -> dict[str, Status]:
    """Resource name (last path segment of the id) → status, for one check."""
    return {f.resource_id.rstrip("/").rsplit("/", 1)[-1]: f.status for f in by_check(findings, check_id)}


def one(findings: list[Finding], check_id: str) -> Finding:
    found = by_check(findings, check_id)
    assert len(found) == 1, [(f.resource_id, f.status, f.reason) for f in found]
    return found[0]


ORG_NUMBER = "1234567890"
PROJECT = "app-prod"
PROJECT_NUMBER = "100000000001"


def org_and_project(estate: Estate, project: str = PROJECT, number: str = PROJECT_NUMBER) -> str:
    """An organisation holding one project; returns ``organizations/N``."""
    org = estate.add_organization(ORG_NUMBER)
    estate.add_project(project, number, org)
    return org
