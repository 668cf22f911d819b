"""``auditor permissions PROVIDER``: the least-privilege, read-only grant the checks need.

Generated from the permissions each check declares, so it always matches what the adapter calls.
Each installed provider is a sub-command that offers only its own options that shape the grant
(see ``ProviderOption.grant``); an option of another cloud, or one that only matters for an audit,
is refused in one line that says so. ``--policy-only`` prints just the document the cloud takes as
it is.
"""

from __future__ import annotations

from typing import Any

import click

from auditor.commands.common import catalogue_of, lang_of, provider_click_option
from auditor.help_text import OneLanguageContext
from auditor.plugins import Provider
from auditor.usage_errors import LocalizedUsageError


class PermissionsGroup(click.Group):
    """One sub-command per installed provider, made when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(catalogue_of(ctx).providers)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        providers = catalogue_of(ctx).providers
        if cmd_name not in providers:
            return None
        if cmd_name not in self.commands:
            self.add_command(_provider_command(providers[cmd_name], providers), cmd_name)
        return self.commands[cmd_name]

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and not args[0].startswith("-"):
            catalogue_of(ctx).provider(args[0])  # an unknown provider: the one-line error that lists the known
        return super().resolve_command(ctx, args)


@click.group(cls=PermissionsGroup, no_args_is_help=False, subcommand_metavar="PROVIDER [OPTIONS]")
def permissions() -> None:
    """Print the read-only permissions a city must grant. / 付与すべき読み取り専用権限を表示

    PROVIDER is aws, azure or gcp (whichever are installed); each offers only the options that shape its
    grant (auditor permissions PROVIDER --help).

    PROVIDER は aws・azure・gcp（インストール済みのもの）です。付与する権限を左右するオプションだけを、
    プロバイダーごとに受け付けます（auditor permissions PROVIDER --help）。
    """


class _ProviderPermissions(click.Command):
    """``auditor permissions <cloud>``: refuses, in one line, the options of other clouds and the audit-only ones."""

    context_class = OneLanguageContext

    def __init__(self, *args: Any, others: dict[str, str], audit_only: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others, self.audit_only = others, audit_only

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            option = error.option_name.split("=", 1)[0]
            command = f"auditor permissions {ctx.info_name}"
            if option in self.audit_only:
                ja = f"{option} は監査だけに使うオプションで、付与する権限を変えません。"
                en = f"{option} only matters for an audit and does not change the grant;"
            elif option in self.others:
                ja = f"{option} は {self.others[option]} のオプションです。"
                en = f"{option} is an option of {self.others[option]};"
            else:
                raise
            raise LocalizedUsageError(f"{ja}{command} には指定できません。", f"{en} {command} does not take it.",
                                      ctx) from error


def _provider_command(provider: Provider, providers: dict[str, Provider]) -> click.Command:
    own = {f"--{option.name}" for option in provider.options}
    others = {f"--{option.name}": name for name, other in providers.items() if other is not provider
              for option in other.options if f"--{option.name}" not in own}
    audit_only = {f"--{option.name}" for option in provider.options if not option.grant}

    def run(fmt: str, policy_only: bool, **options: Any) -> None:
        ctx = click.get_current_context()
        checks = list(provider.checks())
        click.echo(provider.permissions(checks, options, "policy" if policy_only else fmt, lang=lang_of(ctx)))

    params: list[click.Parameter] = [
        click.Option(["--format", "fmt"], type=click.Choice(["json", "text"]), default="json", show_default=True,
                     help="What to print: json (documents and notes) or text (for a person to read). / "
                          "出力の形式: json（文書と注記）、text（読む人向け）"),
        click.Option(["--policy-only"], is_flag=True,
                     help="Only the policy document, to paste into the cloud as it is (AWS: the IAM policy JSON; "
                          "GCP: the custom role file). / クラウドにそのまま貼り付ける権限の文書だけを出力"
                          "（AWS: IAM ポリシーの JSON、GCP: カスタムロールのファイル）"),
    ]
    for option in provider.options:
        if option.grant:
            params.append(provider_click_option(option, for_grant=True))
    return _ProviderPermissions(
        provider.name, callback=run, params=params, others=others, audit_only=audit_only,
        help=f"The read-only grant for {provider.title}. / {provider.title} に付与する読み取り専用権限",
        short_help=f"The read-only grant for {provider.title}. / {provider.title} に付与する読み取り専用権限",
    )
