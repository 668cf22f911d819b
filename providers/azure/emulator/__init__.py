"""A local stand-in for the Azure services the adapter reads, and the estates it serves.

:mod:`.server` is the HTTPS emulator (tokens, dispatch, TLS; the ARM, Resource Graph and Microsoft
Graph answers are in :mod:`.routes`), :mod:`.estate` the in-memory estate it serves (its store in
:mod:`.estate_store`, the ARM resource builders in :mod:`.estate_resources`); :mod:`.samples` holds
the sample estates of the tests and benchmarks and :mod:`.demo` the estate ``auditor demo`` audits.
Only the plugin's ``demo_estate``, the tests and the benchmarks import this package; the adapter
never does.
"""
