"""Database HA pairs: node collection, HA verdicts, backup status and restore verification."""
