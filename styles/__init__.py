"""The themes shipped with the publisher, as package data (``publisher.styles``, read with importlib.resources)."""
