"""Typesetting engines behind the output writers.

Everything that reaches into an engine's internals lives in one subpackage
per engine (:mod:`publisher.engine.weasyprint`), behind that engine's version
gate; the rest of the publisher talks to it only through the
:class:`~publisher.output.Writer` protocol.
"""
