"""A local stand-in for the Google APIs the GCP adapter reads, and the estates it serves.

:mod:`.server` is the HTTP emulator (auth, dispatch; the API answers are in :mod:`.routes`),
:mod:`.estate` the in-memory estate it serves and :mod:`.estate_assets` the REST-shaped payload
builders that seed it; :mod:`.samples` holds the sample estates of the tests and benchmarks and
:mod:`.demo` the estate ``auditor demo`` audits. Only the plugin's ``demo_estate``, the tests and
the benchmarks import this package; the adapter never does.
"""
