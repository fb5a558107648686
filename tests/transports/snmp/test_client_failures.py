"""Every failure is a TransportError with the right reason, in bounded time; restarts and
engine changes are handled. Uses our agent (per-address sockets) with its fault hooks."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest

from netops.errors import TransportError
from netops.transports.snmp.agent import Agent, SimDevice
from netops.transports.snmp.client import SnmpClient
from netops.transports.targets import SnmpTarget
from tests.transports.snmp.conftest import (
    COMMUNITY,
    LoopThread,
    interface_view,
    lab_users,
    v2c_target,
    v3_target,
)

IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_HC_IN = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)


class Faulty:
    def __init__(self, lt: LoopThread, agent: Agent, device: SimDevice, port: int) -> None:
        self.lt, self.agent, self.device, self.port = lt, agent, device, port

    def v2c(self) -> SnmpTarget:
        return v2c_target("127.0.78.1", self.port)

    def v3(self, **kw: str) -> SnmpTarget:
        return v3_target("127.0.78.1", self.port, **kw)


@pytest.fixture
def faulty(loop_thread: LoopThread) -> Iterator[Faulty]:
    agent = Agent()
    device = SimDevice("faulty", community=COMMUNITY, users=lab_users())
    device.view = interface_view(device, name="faulty")
    loop_thread.run(agent.start())
    _host, port = loop_thread.call(lambda: agent.add(device, "127.0.78.1", 0))
    yield Faulty(loop_thread, agent, device, port)
    loop_thread.run(agent.stop())


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _walk(target: SnmpTarget, **kw):  # type: ignore[no-untyped-def]
    async with SnmpClient() as client:
        return await client.walk(target, [IF_DESCR, IF_HC_IN], **kw)


def test_black_hole_times_out_in_bounded_time() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as hole:
        hole.bind(("127.0.0.1", 0))
        target = v2c_target("127.0.0.1", hole.getsockname()[1])
        started = time.monotonic()
        with pytest.raises(TransportError) as err:
            run(_walk(target, timeout=0.3, retries=2))
        elapsed = time.monotonic() - started
    assert err.value.reason == "timeout" and "3 tries" in str(err.value)
    assert 0.85 <= elapsed < 0.3 * 3 + 0.4


def test_closed_port_is_unreachable_at_once() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        run(_walk(v2c_target("127.0.0.1", port), timeout=2.0, retries=1))
    assert err.value.reason == "unreachable"
    assert time.monotonic() - started < 1.0


def test_wrong_v3_auth_key_is_auth(faulty: Faulty) -> None:
    with pytest.raises(TransportError) as err:
        run(_walk(faulty.v3(auth_key="not-the-key-1"), timeout=0.5, retries=0))
    assert err.value.reason == "auth"


def test_garbage_reply_is_malformed(faulty: Faulty) -> None:
    faulty.device.faults.garbage = True
    for target in (faulty.v2c(), faulty.v3()):
        with pytest.raises(TransportError) as err:
            run(_walk(target, timeout=0.5, retries=0))
        assert err.value.reason == "malformed", target.version


def test_agent_dying_mid_walk_is_partial(faulty: Faulty) -> None:
    faulty.device.faults.answer_budget = 2
    with pytest.raises(TransportError) as err:
        run(_walk(faulty.v2c(), max_repetitions=10, timeout=0.3, retries=1))
    assert err.value.reason == "partial"
    assert "after 2 requests" in str(err.value)


def test_dropping_agent_is_timeout_and_slow_agent_is_waited_for(faulty: Faulty) -> None:
    faulty.device.faults.drop = True
    with pytest.raises(TransportError) as err:
        run(_walk(faulty.v3(), timeout=0.2, retries=0))
    assert err.value.reason == "timeout"
    faulty.device.faults.drop = False
    faulty.device.faults.delay = 0.15
    result = run(_walk(faulty.v2c(), timeout=1.0, retries=0))
    assert len(result[IF_DESCR]) == 51


def test_rejected_credentials_are_auth(faulty: Faulty) -> None:
    faulty.device.faults.reject = True
    with pytest.raises(TransportError) as err:
        run(_walk(faulty.v3(), timeout=0.5, retries=0))
    assert err.value.reason == "auth" and "unknown user" in str(err.value)


def test_wrong_engine_is_auth(faulty: Faulty) -> None:
    faulty.device.faults.wrong_engine = True
    with pytest.raises(TransportError) as err:
        run(_walk(faulty.v3(), timeout=0.5, retries=0))
    assert err.value.reason == "auth"


def test_agent_restart_resynchronises_engine_time(faulty: Faulty) -> None:
    async def go() -> tuple[int, int]:
        async with SnmpClient() as client:
            target = faulty.v3()
            first = await client.walk(target, [IF_DESCR])
            faulty.device.restart()  # boots + 1, time 0: our next message is out of window
            second = await client.walk(target, [IF_DESCR])
            return len(first[IF_DESCR]), len(second[IF_DESCR])

    boots = faulty.device.engine.boots
    assert run(go()) == (51, 51)
    assert faulty.device.engine.boots == boots + 1
    assert faulty.device.engine.stats[(1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0)] == 1


def test_walk_result_shape(faulty: Faulty) -> None:
    result = run(_walk(faulty.v3(), max_repetitions=7))
    assert list(result) == [IF_DESCR, IF_HC_IN]
    assert [vb.oid for vb in result[IF_DESCR]] == [(*IF_DESCR, i) for i in range(1, 52)]
    assert result[IF_HC_IN][0].value == 2**40 + 12345
    # a column that does not exist ends at once; the others go on
    result = run(_walk(faulty.v2c(), max_repetitions=50))
    assert len(result[IF_HC_IN]) == 51


def test_missing_column_and_get(faulty: Faulty) -> None:
    async def go():  # type: ignore[no-untyped-def]
        async with SnmpClient() as client:
            walked = await client.walk(faulty.v2c(), [(1, 3, 6, 1, 2, 1, 2, 2, 1, 99), IF_DESCR])
            got = await client.get(faulty.v3(), [SYS_NAME])
            return walked, got

    walked, got = run(go())
    assert walked[(1, 3, 6, 1, 2, 1, 2, 2, 1, 99)] == [] and len(walked[IF_DESCR]) == 51
    assert got[0].value == b"faulty"


def _count_walk(faulty: Faulty, client_kw: dict[str, float], **kw: float) -> tuple[object, int]:
    async def go() -> object:
        async with SnmpClient(**client_kw) as client:  # type: ignore[arg-type]
            return await client.walk(faulty.v2c(), [IF_DESCR, IF_HC_IN], max_repetitions=5, **kw)

    before = faulty.device.requests
    result = run(go())
    return result, faulty.device.requests - before


def test_a_slow_agent_is_waited_for_not_reported_down(faulty: Faulty) -> None:
    fast, needed = _count_walk(faulty, {}, timeout=0.3, retries=1)
    faulty.device.faults.delay = 0.7  # slower than both fixed tries of 0.3 s together
    with pytest.raises(TransportError) as err:
        _count_walk(faulty, {}, timeout=0.3, retries=1)
    assert err.value.reason == "timeout"
    # backoff (0.3 s, then 0.6 s) catches the first answer; the wait then follows the
    # measured response time, so no later request of the walk is sent twice
    slow, sent = _count_walk(faulty, {"backoff": 2.0, "max_timeout": 5.0}, timeout=0.3, retries=1)
    assert slow == fast
    assert sent == needed + 1


def test_backoff_bounds_the_wait_for_a_dead_agent(faulty: Faulty) -> None:
    faulty.device.faults.drop = True
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        _count_walk(faulty, {"backoff": 2.0, "max_timeout": 0.5}, timeout=0.2, retries=2)
    elapsed = time.monotonic() - started
    assert err.value.reason == "timeout" and "3 tries in 1.1s" in str(err.value)  # .2+.4+.5
    assert 1.05 <= elapsed < 1.5
