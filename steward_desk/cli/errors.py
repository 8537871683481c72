"""How a command says no: a message for stderr and the exit code of CLI.md."""

from __future__ import annotations


class CliError(Exception):
    """Refused or failed: exit 1, the message says what and why, the database unchanged."""

    exit_code = 1


class UsageError(CliError):
    exit_code = 2
