"""The fast exposition writer: byte for byte what prometheus_client writes, and parseable."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pytest
from prometheus_client import generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.parser import text_string_to_metric_families

from netops.api.metrics.exposition import Series, go_float, render

ODD = ["plain", 'quo"te', "back\\slash", "new\nline", "中文接口", "", "GigabitEthernet0/0/1"]
VALUES = [
    0,
    1,
    -1,
    -0.0,
    0.0,
    0.5,
    1e-9,
    123456789.0,
    1e21,
    10_000_000_000,
    -2.5e7,
    math.inf,
    -math.inf,
]


class Fixed:
    """A registry-like object yielding given families (what generate_latest needs)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def families() -> list[Metric]:
    gauge = GaugeMetricFamily("netops_g", "a gauge\nwith \\ help", labels=["device", "b_label"])
    series = Series("netops_s", "a gauge kept as rows", ["device", "b_label"])
    counter = CounterMetricFamily("netops_c_total", "a counter", labels=["zeta", "alpha"])
    series_counter = Series("netops_sc_total", "rows", ["zeta", "alpha"], typ="counter")
    for n, (text, value) in enumerate(zip(ODD * 2, VALUES + VALUES, strict=False)):
        gauge.add_metric([text, str(n)], value)
        series.add_metric([text, str(n)], value)
        counter.add_metric([str(n), text], abs(value))
        series_counter.add_metric([str(n), text], abs(value))
    created = CounterMetricFamily("netops_made", "with created", labels=["x"], created=1700000000.5)
    created.add_metric(["y"], 3, created=1700000001.25)
    info = InfoMetricFamily("netops_build", "info", labels=["version"])
    info.add_metric(["1.0"], {"extra": 'a"b'})
    plain = GaugeMetricFamily("netops_plain", "no labels", value=7)
    stamped = GaugeMetricFamily("netops_stamped", "timestamp", labels=["a"])
    stamped.add_metric(["b"], 2, timestamp=1700000000.123)
    summary = SummaryMetricFamily("netops_sum", "summary", labels=["a"])
    summary.add_metric(["b"], count_value=3, sum_value=1.5)
    histogram = HistogramMetricFamily("netops_hist", "histogram", labels=["a"])
    histogram.add_metric(["b"], buckets=[("1", 1), ("+Inf", 2)], sum_value=3)
    empty = Series("netops_empty", "no rows", ["a"])
    no_labels = Series("netops_nolabels", "rows without labels", [])
    no_labels.add_metric([], 4.25)
    return [
        gauge, series, counter, series_counter, created, info, plain, stamped, summary,
        histogram, empty, no_labels,
    ]  # fmt: skip


def test_same_bytes_as_prometheus_client() -> None:
    fams = families()
    assert render(fams) == generate_latest(Fixed(fams))  # type: ignore[arg-type]


def test_series_renders_like_the_family_it_stands_for() -> None:
    gauge = GaugeMetricFamily("netops_x", "doc", labels=["b", "a"])
    series = Series("netops_x", "doc", ["b", "a"])
    for n in range(50):
        gauge.add_metric([f"d{n}", f"i{n % 7}"], n / 3)
        series.add_metric([f"d{n}", f"i{n % 7}"], n / 3)
    assert render([series]) == render([gauge]) == generate_latest(Fixed([gauge]))  # type: ignore[arg-type]
    assert series.samples == gauge.samples
    assert series == gauge


def test_parses_back_to_the_same_samples() -> None:
    fams = families()
    ours = list(text_string_to_metric_families(render(fams).decode()))
    theirs = list(text_string_to_metric_families(generate_latest(Fixed(fams)).decode()))  # type: ignore[arg-type]
    assert [f.name for f in ours] == [f.name for f in theirs]
    assert [f.samples for f in ours] == [f.samples for f in theirs]
    by_name = {f.name: f for f in ours}
    assert {s.labels["device"] for s in by_name["netops_s"].samples} == set(ODD)


@pytest.mark.parametrize("value", [*VALUES, math.nan, 1e-300, 12345678.9, 0.1 + 0.2, True])
def test_values_are_written_as_go_writes_them(value: float) -> None:
    from prometheus_client.utils import floatToGoString

    assert go_float(value) == floatToGoString(value)


def test_series_checks_its_rows() -> None:
    series = Series("netops_y", "doc", ["a", "b"])
    with pytest.raises(ValueError, match="2 label values"):
        series.add_metric(["only one"], 1)
    with pytest.raises(ValueError, match="gauge or a counter"):
        Series("netops_z", "doc", [], typ="summary")
