"""``smarthame``: the command line, thin over the layers."""

from server.cli.main import main

__all__ = ["main"]
