"""The AWS adapter: live, read-only collection with boto3 and the checks that decide each control.

The entry point ``providers.aws.plugin:provider`` is cheap to import; boto3 is loaded only when an
audit collects. See ``docs/aws.md`` for the delegated role a city asks a vendor for.
"""
