"""The lab: the reference network simulated on loopback (real PostgreSQL pair included)."""
