"""Charts as self-contained SVG documents, rendered on the server.

Overview charts come from pygal, served as ``image/svg+xml`` and shown with ``<img>``: an image cannot run
script or fetch anything, so the page's strict CSP stays intact and the charts need no JavaScript. pygal's
output is cleaned first: its config ``<script>`` and its comments (which carry pygal's home-page URLs) are
dropped, so no chart names any host but ours. The session timeline is drawn here directly as inline SVG
styled by our own stylesheet, because pygal has no time-span chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from swgdb_bridge.textsafe import xml_safe

_SVG_NS = "{http://www.w3.org/2000/svg}"

# Colours chosen for contrast on white (WCAG AA for text) and to stay apart for colour-blind readers.
CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#111111",
    foreground_subtle="#52606d",
    colors=("#1d5fa8", "#b4480a", "#2d7a3e", "#7b3fa0", "#8a6d00", "#a3153f"),
    font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=12,
    title_font_size=15,
    legend_font_size=13,
)


def _strip_script_and_comments(root: ElementTree.Element) -> ElementTree.Element:
    """pygal always embeds a config script and credit comments with URLs: neither belongs in our pages."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag is ElementTree.Comment or child.tag in ("script", f"{_SVG_NS}script"):
                parent.remove(child)
    return root


def _config(title: str, **options: object) -> dict[str, object]:
    return {
        "title": title,
        "style": CHART_STYLE,
        "js": [],
        "width": 720,
        "height": 320,
        "show_legend": False,
        "disable_xml_declaration": True,
        "no_data_text": "No sessions in this range",
        "x_label_rotation": 30,
        "truncate_label": 12,
        **options,
    }


def _labels(labels: Sequence[str]) -> list[str]:
    """Labels as an SVG document can hold them: names come from uploads, and one character XML 1.0 forbids
    (a control character, U+FFFE) would make the whole chart unreadable; pygal escapes the rest."""
    return [xml_safe(label) for label in labels]


def _render(chart: pygal.graph.graph.Graph) -> str:
    chart.add_xml_filter(_strip_script_and_comments)
    return chart.render(is_unicode=True)


def rate_chart(title: str, labels: Sequence[str], values: Sequence[float | None]) -> str:
    """A line of a per-hour rate over time buckets (days, weeks or months).

    The axis starts at zero: from the lowest value up, a day at 1,400 XP/h looked a tenth of one at 6,000."""
    chart = pygal.Line(
        **_config(title, show_minor_x_labels=False, x_labels_major_count=8, include_x_axis=True)
    )
    chart.x_labels = _labels(labels)
    chart.add(title, [None if v is None else round(v, 1) for v in values])
    return _render(chart)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Horizontal bars: categories (planets) read better as rows than as rotated column labels."""
    chart = pygal.HorizontalBar(**_config(title, x_label_rotation=0, truncate_label=20))
    chart.x_labels = _labels(labels[::-1])  # pygal draws the first bar at the bottom: biggest goes on top
    chart.add(title, [round(v, 1) for v in reversed(values)])
    return _render(chart)


@dataclass(frozen=True, slots=True)
class Span:
    """One bar of the session timeline: where the character was, or an AFK or stuck period."""

    lane: str  # "location", "afk" or "stuck"
    start: datetime
    end: datetime
    label: str


LANES = (("location", "Locations"), ("afk", "AFK"), ("stuck", "Stuck"))
_WIDTH, _LANE_HEIGHT, _LEFT = 720.0, 34.0, 90.0


def timeline_svg(start: datetime, end: datetime, spans: Sequence[Span]) -> Markup:
    """An inline SVG timeline (classes only, no style attributes: the page's CSP forbids inline styles)."""
    total = max((end - start).total_seconds(), 1.0)
    plot = _WIDTH - _LEFT - 10

    def x(moment: datetime) -> float:
        offset = min(max((moment - start).total_seconds(), 0.0), total)
        return _LEFT + plot * offset / total

    height = _LANE_HEIGHT * len(LANES) + 24
    parts = [
        (
            f'<svg class="timeline" viewBox="0 0 {_WIDTH:.0f} {height:.0f}" role="img" '
            f'aria-labelledby="timeline-title"><title id="timeline-title">Session timeline from '
            f"{escape(start.strftime('%H:%M'))} to {escape(end.strftime('%H:%M'))} UTC</title>"
        )
    ]
    for row, (lane, name) in enumerate(LANES):
        y = row * _LANE_HEIGHT
        parts.append(f'<text class="lane-label" x="0" y="{y + 22:.0f}">{name}</text>')
        parts.append(
            f'<line class="lane-rule" x1="{_LEFT}" x2="{_WIDTH - 10}" y1="{y + 17:.0f}" y2="{y + 17:.0f}"/>'
        )
        for span in (s for s in spans if s.lane == lane):
            left = x(span.start)
            width = max(x(span.end) - left, 3.0)
            parts.append(
                f'<rect class="span span-{lane}" x="{left:.1f}" y="{y + 6:.0f}" width="{width:.1f}" '
                f'height="22" rx="3"><title>{escape(span.label)}</title></rect>'
            )
    axis_y = _LANE_HEIGHT * len(LANES) + 16
    parts.append(
        f'<text class="axis-label" x="{_LEFT}" y="{axis_y:.0f}">{escape(start.strftime("%H:%M"))}</text>'
    )
    parts.append(
        f'<text class="axis-label" x="{_WIDTH - 10}" y="{axis_y:.0f}" text-anchor="end">'
        f"{escape(end.strftime('%H:%M'))}</text></svg>"
    )
    return Markup("".join(parts))
