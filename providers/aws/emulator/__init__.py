"""A local stand-in for the AWS APIs the adapter reads, and the estate ``auditor demo`` audits.

:mod:`.server` starts moto's server on 127.0.0.1 (every region and service on one port), with the
Systems Manager reads moto lacks added by :mod:`.ssm`; :mod:`.estate` is the model of a seeded estate
and the helpers its parts share, seeded by service family in :mod:`.estate_network`,
:mod:`.estate_compute`, :mod:`.estate_data`, :mod:`.estate_logging` and :mod:`.estate_identity`;
:mod:`.demo` is the estate ``auditor demo`` audits, its description and its planted mistakes. Only
the plugin's ``demo_estate``, the tests and the benchmarks import this package; the adapter never does.
"""
