"""Where to connect and as whom: endpoints, tenant, client, subscriptions and TLS trust.

Values come from the provider options first, then from the standard environment variables
(DESIGN §6): ``AUDITOR_AZURE_ARM_ENDPOINT``, ``AUDITOR_AZURE_GRAPH_ENDPOINT``,
``AZURE_AUTHORITY_HOST``, ``AZURE_TENANT_ID``, ``AZURE_CLIENT_ID``; secrets only from the
environment (``AZURE_CLIENT_SECRET``, ``AZURE_CLIENT_CERTIFICATE_PATH``), never from the command
line. TLS trust follows ``REQUESTS_CA_BUNDLE`` unless ``connection_verify`` names a CA file.
Timeouts and retries follow :class:`auditor.network.NetworkLimits` (``AUDITOR_CONNECT_TIMEOUT``,
``AUDITOR_READ_TIMEOUT``, ``AUDITOR_MAX_ATTEMPTS``), and so do the page limits of every listing.
SDK-free, so it can be tested and imported cheaply.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.network import NetworkLimits

PUBLIC_ARM = "https://management.azure.com"
PUBLIC_GRAPH = "https://graph.microsoft.com"
PUBLIC_AUTHORITY = "https://login.microsoftonline.com"
#: Authorities MSAL knows; any other (a sovereign proxy, a local emulator) skips instance discovery.
KNOWN_AUTHORITIES = frozenset({
    "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.microsoftonline.de",
})


@dataclass(frozen=True)
class Settings:
    arm_endpoint: str = PUBLIC_ARM
    graph_endpoint: str = PUBLIC_GRAPH
    authority_host: str = ""
    tenant: str = ""
    client_id: str = ""
    client_secret: str = ""
    client_certificate_path: str = ""
    client_certificate_password: str = ""
    subscriptions: tuple[str, ...] = ()
    connection_verify: str | bool = True
    retries: int = NetworkLimits().retries
    connect_timeout: float = NetworkLimits().connect_timeout
    read_timeout: float = NetworkLimits().read_timeout
    max_pages: int = NetworkLimits().max_pages
    workers: int = 8

    @property
    def transport(self) -> dict[str, Any]:
        """The azure-core transport and retry keywords every pipeline of the audit is built with."""
        return {"connection_timeout": self.connect_timeout, "read_timeout": self.read_timeout,
                "retry_total": self.retries}

    @property
    def credential_transport(self) -> dict[str, Any]:
        """The same for token requests, except that an authority that does not answer is not asked again:
        the first message about a silent endpoint comes after one read timeout."""
        return {**self.transport, "retry_read": 0}

    @property
    def arm_scope(self) -> str:
        return self.arm_endpoint.rstrip("/") + "/.default"

    @property
    def graph_scope(self) -> str:
        return self.graph_endpoint.rstrip("/") + "/.default"

    @property
    def authority_is_known(self) -> bool:
        host = self.authority_host.split("://", 1)[-1].split("/", 1)[0].lower()
        return not host or host in KNOWN_AUTHORITIES

    @classmethod
    def from_options(cls, options: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def pick(option: str, variable: str = "", default: str = "") -> str:
            value = options.get(option)
            if value:
                return str(value)
            return env.get(variable, default) if variable else default

        verify: str | bool = pick("connection_verify") or True
        limits = NetworkLimits.from_environ(env)
        subscriptions = tuple(s.strip().lower() for s in options.get("subscription") or () if s and s.strip())
        return cls(
            arm_endpoint=pick("arm_endpoint", "AUDITOR_AZURE_ARM_ENDPOINT", PUBLIC_ARM).rstrip("/"),
            graph_endpoint=pick("graph_endpoint", "AUDITOR_AZURE_GRAPH_ENDPOINT", PUBLIC_GRAPH).rstrip("/"),
            authority_host=pick("authority_host", "AZURE_AUTHORITY_HOST").rstrip("/"),
            tenant=pick("tenant", "AZURE_TENANT_ID"),
            client_id=pick("client_id", "AZURE_CLIENT_ID"),
            client_secret=pick("client_secret", "AZURE_CLIENT_SECRET"),
            client_certificate_path=pick("client_certificate_path", "AZURE_CLIENT_CERTIFICATE_PATH"),
            client_certificate_password=pick("client_certificate_password", "AZURE_CLIENT_CERTIFICATE_PASSWORD"),
            subscriptions=subscriptions,
            connection_verify=verify,
            retries=int(options.get("retries", limits.retries)),
            connect_timeout=limits.connect_timeout,
            read_timeout=limits.read_timeout,
            max_pages=limits.max_pages,
        )
