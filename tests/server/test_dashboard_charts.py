"""The dashboard's charts drawn honestly: what a reader compares by eye must compare as the numbers do."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from hypothesis import example, given, settings
from hypothesis import strategies as st

from swgdb_bridge.server.dashboard.charts import bar_chart, rate_chart

_LABEL = re.compile(r"<text[^>]*>([^<]*)</text>")


def _y_labels(svg: str) -> list[float]:
    return [float(text) for text in _LABEL.findall(svg) if re.fullmatch(r"-?\d+(?:\.\d+)?", text)]


def test_a_rate_chart_axis_starts_at_zero_whatever_the_lowest_rate() -> None:
    """A day at 1,400 XP/h must not sit at the bottom of the frame as if it were nothing."""
    labels = _y_labels(rate_chart("XP per hour", ["d1", "d2", "d3"], [1400.0, 6000.0, 2500.0]))
    assert min(labels) == 0 and max(labels) >= 6000


def test_a_negative_rate_keeps_zero_inside_the_axis() -> None:
    """Credits per hour fall below zero on a day of buying: zero stays on the axis, below and above."""
    labels = _y_labels(rate_chart("Credits per hour", ["d1", "d2"], [-300.0, 900.0]))
    assert min(labels) <= -300 and 0 in labels and max(labels) >= 900


@given(st.lists(st.text(max_size=30), min_size=1, max_size=4))
@example(["tat\x01ooine", "\x1b[31mnaboo", "rori\ufffe", "\ud800"])  # each a character XML 1.0 forbids
@settings(max_examples=40)  # each example renders two charts (~5 ms)
def test_every_chart_is_well_formed_xml_whatever_its_labels(labels: list[str]) -> None:
    """Labels are names from uploads (planets): any text, control characters and U+FFFF included."""
    values = [float(n) for n in range(len(labels))]
    for svg in (bar_chart("Planets", labels, values), rate_chart("XP per hour", labels, values)):
        ElementTree.fromstring(svg)
