"""Intake in the app: importing ACC results and incident reports as a steward does it."""
