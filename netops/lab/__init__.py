"""The lab: the network of an inventory simulated on loopback, with faults on demand.

Every device answers SNMP (v2c and v3 authPriv) and SSH (its platform's CLI) from one
process (:mod:`netops.lab.runtime`), at its own 127.x.y.z address. Device state is built
from the inventory (:mod:`netops.lab.state`); the running configuration is the truth that
SNMP views and CLI outputs are derived from (:mod:`netops.lab.configfacts`), so SNMP, SSH
and config never disagree. Faults (:mod:`netops.lab.faults`) change exactly what they
should, at start (scenarios) or at run time (``netops lab fault add``).
"""
