"""``auditor permissions PROVIDER``: the least-privilege, read-only grant the checks need.

Generated from the permissions each check declares, so it always matches what the adapter calls.
"""

from __future__ import annotations

from typing import Any

import click

from auditor.commands.common import catalogue_of, pop_provider_options, with_provider_options


@click.command()
@click.argument("provider_name", metavar="PROVIDER")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@with_provider_options
@click.pass_context
def permissions(ctx: click.Context, provider_name: str, fmt: str, **params: Any) -> None:
    """Print the read-only permissions a city must grant. / 付与すべき読み取り専用権限を表示"""
    catalogue = catalogue_of(ctx)
    provider = catalogue.provider(provider_name)
    options = pop_provider_options(params)
    click.echo(provider.permissions(list(provider.checks()), options, fmt))
