"""A small inline SVG bar chart: questions received and answered per minute.

No script, no external reference; colours come from the page's CSS classes
(`received`, `answered`, `axis`) so the chart follows light and dark mode.
Every label is our own number or time, escaped all the same. Times are in
the recap's zone, named under the axis (`Europe/Rome`); the description
gives the span with the zone's abbreviations (`20:00 CEST`).
"""
from __future__ import annotations

from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from store.export import i18n
from store.export.figures import Timeline
from store.zones import clock, stamp

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 30, 40  # plot margins


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def chart(line: Timeline, words: dict[str, str], zone: ZoneInfo) -> str:
    unit = words["per_minute"] if line.step == 1 else words["per_minutes"].format(step=line.step)
    title = words["chart_title"].format(unit=unit)
    most = max(max(line.received, default=0), max(line.answered, default=0), 1)
    dated = not i18n.same_day(line.start, line.end, zone)
    desc = words["chart_desc"].format(start=stamp(line.start, zone, with_date=dated),
                                      end=stamp(line.end, zone, with_date=dated), most=most)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(line.received)
    bar = min(max(slot * 0.4, 0.5), 24.0)
    base = TOP + plot_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}"/>',
        f'<text class="label" x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>',
        f'<text class="label" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{most}</text>',
    ]
    for index, (received, answered) in enumerate(zip(line.received, line.answered)):
        x = LEFT + index * slot + (slot - 2 * bar) / 2
        for offset, count, kind in ((0.0, received, "received"), (bar, answered, "answered")):
            if count:
                height = plot_h * count / most
                out.append(
                    f'<rect class="{kind}" x="{_number(x + offset)}" y="{_number(base - height)}" '
                    f'width="{_number(bar)}" height="{_number(height)}"/>'
                )
    middle = line.start + timedelta(minutes=line.step * len(line.received) / 2)
    for x, moment, anchor in ((LEFT, line.start, "start"), (LEFT + plot_w / 2, middle, "middle"),
                              (WIDTH - RIGHT, line.end, "end")):
        out.append(f'<text class="label" x="{_number(x)}" y="{base + 18}" text-anchor="{anchor}">'
                   f'{escape(clock(moment, zone))}</text>')
    out.append(f'<text class="label" x="{_number(LEFT + plot_w / 2)}" y="{HEIGHT - 4}" text-anchor="middle">'
               f'{escape(zone.key)}</text>')
    legend_x = LEFT
    for kind in ("received", "answered"):
        label = words[f"legend_{kind}"]
        out.append(f'<rect class="{kind}" x="{legend_x}" y="8" width="12" height="12"/>')
        out.append(f'<text class="label" x="{legend_x + 16}" y="18">{escape(label)}</text>')
        legend_x += 24 + 8 * len(label)
    out.append("</svg>")
    return "\n".join(out)
