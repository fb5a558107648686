"""Rates from two polls of the same counters: wraps, resets and reboots handled (pure functions).

- A counter that went down wrapped if it is a 32-bit counter and the rate the wrap implies
  is plausible (at most ``tolerance`` x the interface speed); a 64-bit counter that went
  down was reset (``reset counters``, a line card swap): no rate for that poll.
- A reboot (sysUpTime went back, and not because its 32-bit TimeTicks wrapped after 497
  days) resets every counter: no rates for that poll, the next one starts afresh.
"""

from __future__ import annotations

from collections.abc import Iterable

from netops.models import Interface

TIMETICKS_WRAP_SECONDS = 2**32 / 100.0  # sysUpTime is TimeTicks (hundredths), 32 bits


def rebooted(
    previous_uptime: float | None, uptime: float | None, elapsed: float, slack: float = 30.0
) -> bool:
    """True when sysUpTime went back for any reason other than its 497-day wrap."""
    if previous_uptime is None or uptime is None or uptime >= previous_uptime:
        return False
    expected = (previous_uptime + elapsed) % TIMETICKS_WRAP_SECONDS
    wrapped = previous_uptime + elapsed >= TIMETICKS_WRAP_SECONDS
    return not (wrapped and abs(expected - uptime) <= slack + 0.1 * elapsed)


def counter_delta(
    previous: int | None,
    current: int | None,
    bits: int | None,
    elapsed: float,
    max_rate: float | None = None,
) -> int | None:
    """How much a counter grew, or None when it cannot be known (reset, unknown width)."""
    if previous is None or current is None or elapsed <= 0:
        return None
    if current >= previous:
        return current - previous
    if bits != 32:
        return None  # a 64-bit counter does not wrap in practice: it was reset
    delta = current + 2**32 - previous
    if max_rate is not None and delta / elapsed > max_rate:
        return None  # too fast to be a wrap: a reset
    return delta


def with_rates(
    current: Iterable[Interface],
    previous: Iterable[Interface],
    elapsed: float,
    *,
    restarted: bool = False,
    tolerance: float = 1.1,
) -> list[Interface]:
    """``current`` with in/out bits per second and errors per second since ``previous``.

    Interfaces are matched by ifIndex (then name); no match, a reboot or a reset leaves the
    rate empty rather than wrong.
    """
    before: dict[object, Interface] = {}
    for iface in previous:
        before[("i", iface.if_index) if iface.if_index is not None else ("n", iface.name)] = iface
    out: list[Interface] = []
    for iface in current:
        key = ("i", iface.if_index) if iface.if_index is not None else ("n", iface.name)
        old = before.get(key)
        if restarted or old is None or old.name != iface.name or elapsed <= 0:
            out.append(iface)
            continue
        bits = iface.counter_bits if iface.counter_bits == old.counter_bits else None
        max_bytes = iface.speed_bps * tolerance / 8 if iface.speed_bps else None
        d_in = counter_delta(old.in_octets, iface.in_octets, bits, elapsed, max_bytes)
        d_out = counter_delta(old.out_octets, iface.out_octets, bits, elapsed, max_bytes)
        e_in = counter_delta(old.in_errors, iface.in_errors, 32, elapsed)
        e_out = counter_delta(old.out_errors, iface.out_errors, 32, elapsed)
        out.append(
            iface.model_copy(
                update={
                    "in_bps": None if d_in is None else round(d_in * 8 / elapsed, 3),
                    "out_bps": None if d_out is None else round(d_out * 8 / elapsed, 3),
                    "in_errors_per_second": None if e_in is None else round(e_in / elapsed, 6),
                    "out_errors_per_second": None if e_out is None else round(e_out / elapsed, 6),
                }
            )
        )
    return out
