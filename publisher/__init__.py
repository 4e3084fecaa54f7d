"""publisher: print-ready Chinese report PDFs from Markdown and chart specs."""

__version__ = "0.1.0"
