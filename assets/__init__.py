"""The bundled fonts (``fonts/``), as package data (``publisher.assets``, read with importlib.resources)."""
