"""The built-in chart kinds, one module each (see :mod:`publisher.charts.kind`).

Every module here is imported by :func:`publisher.charts.registry`: a new
kind is a new module (and, for an HTML kind, its template
``styles/base/templates/charts/NAME.html.j2``).
"""
