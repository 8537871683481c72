"""Steward Desk: a desktop workstation for the stewards of online sim-racing leagues."""

__version__ = "0.1.0"
