"""Units of length, one name each."""

PT_PER_MM = 72 / 25.4
"""PDF points (1/72 inch) per millimetre."""
INCH_PER_MM = 1 / 25.4
"""Inches per millimetre (matplotlib sizes figures in inches)."""
