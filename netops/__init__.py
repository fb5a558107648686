"""netops: network and infrastructure management for government private networks."""

__version__ = "0.1.0"
