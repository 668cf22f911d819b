"""``auditor permissions PROVIDER``: the least-privilege, read-only grant the checks need.

Generated from the permissions each check declares, so it always matches what the adapter calls.
Only the provider options that shape the grant are offered (see ``ProviderOption.grant``);
``--policy-only`` prints just the document the cloud takes as it is.
"""

from __future__ import annotations

import functools
from typing import Any

import click

from auditor.commands.common import catalogue_of, lang_of, pop_provider_options, with_provider_options


@click.command()
@click.argument("provider_name", metavar="PROVIDER")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("--policy-only", is_flag=True,
              help="Only the policy document, to paste into the cloud as it is (AWS: the IAM policy JSON; "
                   "GCP: the custom role file).")
@functools.partial(with_provider_options, grant_only=True)
@click.pass_context
def permissions(ctx: click.Context, provider_name: str, fmt: str, policy_only: bool, **params: Any) -> None:
    """Print the read-only permissions a city must grant. / 付与すべき読み取り専用権限を表示

    PROVIDER is aws, azure or gcp (whichever are installed).
    """
    catalogue = catalogue_of(ctx)
    provider = catalogue.provider(provider_name)
    options = pop_provider_options(params)
    fmt = "policy" if policy_only else fmt
    click.echo(provider.permissions(list(provider.checks()), options, fmt, lang=lang_of(ctx)))
