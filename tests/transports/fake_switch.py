"""Start one fake-switches Cisco switch (run with .venv-fakeswitches/bin/python).

fake-switches' own launcher passes the enable password as bytes under Python 3, so
``enable`` never succeeds with it; this one passes text. Prints ``ready`` once listening.

    fake_switch.py HOST PORT HOSTNAME USERNAME PASSWORD
"""

from __future__ import annotations

import sys

from fake_switches import switch_factory
from fake_switches.transports.ssh_service import SwitchSshService
from twisted.internet import reactor

host, port, name, user, password = sys.argv[1:6]
core = switch_factory.SwitchFactory().get("cisco_2960_24TT_L", name, password)
service = SwitchSshService(
    ip=host, port=int(port), switch_core=core, users={user: password.encode()}
)
service.hook_to_reactor(reactor)
print("ready", flush=True)
reactor.run()
