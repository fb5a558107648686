"""The ``netops`` command line (typer): one module per command group."""
