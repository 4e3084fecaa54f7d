"""Numbers as Chinese reports print them."""

from __future__ import annotations


def format_number(value: float, decimals: int | None = None) -> str:
    """A number as written: ``8.0`` stays ``8.0``, ``704.83`` stays ``704.83``.

    Chinese practice (GB/T 15835) groups digits only from five digits up, so
    ``2700`` stays as is and ``30000`` becomes ``30,000``… but reports rarely
    print grouped numbers below 10 万; we group from 100000 up.
    """
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1e6):
        text = str(int(value))
    else:
        text = repr(float(value))
        if "e" in text:
            text = f"{value:f}".rstrip("0").rstrip(".")
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if len(digits) >= 6:
        digits = f"{int(digits):,}"
    return f"{sign}{digits}{dot}{frac}"
