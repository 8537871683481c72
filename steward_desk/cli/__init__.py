"""Headless commands (CLI.md). Never imports the UI."""
