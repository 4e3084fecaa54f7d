"""The ``publisher`` command: argument handling and printing over the API (:mod:`publisher.api`).

:mod:`.cli` is the click command group; :mod:`.watch` the long-running
``publisher watch`` loop and :mod:`.serve` its preview server. Nothing below
this package imports from it.
"""
