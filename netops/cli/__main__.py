"""``python -m netops.cli``: the netops command."""

from netops.cli.main import run

run()
