"""``python -m netops.cli`` runs the ``netops`` command."""

from netops.cli.main import run

run()
