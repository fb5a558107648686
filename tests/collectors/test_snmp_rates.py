"""Rates: 32-bit wraps, 64-bit resets, reboots, sysUpTime's own 497-day wrap."""

from __future__ import annotations

import pytest

from netops.collectors.rates import TIMETICKS_WRAP_SECONDS, counter_delta, rebooted, with_rates
from netops.models import Interface


def iface(in_octets: int, out_octets: int, bits: int = 64, speed: int = 1_000_000_000) -> Interface:
    return Interface(
        device="d",
        name="Gi0/0/1",
        if_index=6,
        in_octets=in_octets,
        out_octets=out_octets,
        counter_bits=bits,  # type: ignore[arg-type]
        speed_bps=speed,
        in_errors=10,
        out_errors=0,
    )


def test_plain_rate() -> None:
    [now] = with_rates([iface(2_000_000, 1_000)], [iface(1_000_000, 1_000)], 10.0)
    assert now.in_bps == pytest.approx(800_000.0)
    assert now.out_bps == 0.0
    assert now.in_errors_per_second == 0.0


def test_32_bit_wrap_is_counted_through() -> None:
    before = iface(2**32 - 1_000, 0, bits=32)
    after = iface(4_000, 0, bits=32)
    [now] = with_rates([after], [before], 10.0)
    assert now.in_bps == pytest.approx((5_000 * 8) / 10.0)


def test_32_bit_drop_too_fast_to_be_a_wrap_is_a_reset() -> None:
    before = iface(2**32 - 1_000, 0, bits=32, speed=10_000_000)  # 10 Mbit/s port
    after = iface(3_000_000_000, 0, bits=32, speed=10_000_000)
    [now] = with_rates([after], [before], 10.0)
    assert now.in_bps is None


def test_64_bit_drop_is_a_reset_not_a_wrap() -> None:
    [now] = with_rates([iface(5, 5)], [iface(10**12, 10**12)], 60.0)
    assert now.in_bps is None and now.out_bps is None


def test_reboot_gives_no_rates() -> None:
    [now] = with_rates([iface(10**9, 10**9)], [iface(1, 1)], 60.0, restarted=True)
    assert now.in_bps is None


def test_uptime_going_back_is_a_reboot_unless_timeticks_wrapped() -> None:
    assert rebooted(86_400.0, 30.0, 60.0)
    assert not rebooted(86_400.0, 86_460.0, 60.0)
    near_wrap = TIMETICKS_WRAP_SECONDS - 20.0
    assert not rebooted(near_wrap, 40.0, 60.0)  # 497 days: TimeTicks wrapped, no reboot
    assert rebooted(near_wrap, 5_000.0, 60.0)


def test_counter_delta_edges() -> None:
    assert counter_delta(None, 5, 64, 10) is None
    assert counter_delta(5, 5, 64, 10) == 0
    assert counter_delta(10, 5, None, 10) is None


def test_interface_renumbered_is_not_compared() -> None:
    old = iface(1_000, 1_000).model_copy(update={"name": "Gi0/0/9"})
    [now] = with_rates([iface(2_000, 2_000)], [old], 10.0)
    assert now.in_bps is None
