"""The Azure adapter: Resource Graph inventory, a few ARM reads and Microsoft Graph, all read-only.

``plugin`` holds the cheap-to-import :data:`~providers.azure.plugin.provider` object the CLI finds
through the ``auditor.providers`` entry point; everything that loads an Azure SDK is imported only
when an audit actually collects.
"""
