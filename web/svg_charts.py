"""Small server-side SVG charts (no JavaScript): grouped weekly bars."""
from __future__ import annotations

from lxml import etree

SVG = "http://www.w3.org/2000/svg"


def weekly_bars(points: list[dict], series: list[tuple[str, str, str]], title: str, width: int = 720,
                height: int = 240) -> str:
    """points: [{'week': date, key: int, ...}]; series: [(key, label, colour)]. Returns an <svg> string."""
    left, bottom, top = 36, 34, 28
    plot_h = height - bottom - top
    peak = max([1] + [p[key] for p in points for key, _l, _c in series])
    slot = (width - left - 10) / max(1, len(points))
    bar = max(2.0, (slot - 6) / len(series))
    svg = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG}, viewBox=f"0 0 {width} {height}", role="img",
                        width="100%")
    svg.set("aria-label", title)
    etree.SubElement(svg, f"{{{SVG}}}title").text = title
    for i in range(5):  # grid and scale
        y = top + plot_h - plot_h * i / 4
        etree.SubElement(svg, f"{{{SVG}}}line", x1=str(left), x2=str(width - 6), y1=f"{y:.1f}", y2=f"{y:.1f}",
                         stroke="#e3e8ee")
        label = etree.SubElement(svg, f"{{{SVG}}}text", x=str(left - 6), y=f"{y + 4:.1f}", fill="#5b6776")
        label.set("font-size", "10")
        label.set("text-anchor", "end")
        label.text = str(round(peak * i / 4))
    for n, point in enumerate(points):
        x0 = left + n * slot + 3
        for k, (key, label, colour) in enumerate(series):
            h = plot_h * point[key] / peak
            rect = etree.SubElement(svg, f"{{{SVG}}}rect", x=f"{x0 + k * bar:.1f}", y=f"{top + plot_h - h:.1f}",
                                    width=f"{bar - 1:.1f}", height=f"{h:.1f}", fill=colour)
            etree.SubElement(rect, f"{{{SVG}}}title").text = f"{label}: {point[key]}"
        if n % 2 == 0:
            text = etree.SubElement(svg, f"{{{SVG}}}text", x=f"{x0 + slot / 2 - 3:.1f}", y=str(height - 18),
                                    fill="#5b6776")
            text.set("font-size", "10")
            text.set("text-anchor", "middle")
            text.text = point["week"].strftime("%d.%m")
    for k, (_key, label, colour) in enumerate(series):  # legend
        x = left + k * 150
        etree.SubElement(svg, f"{{{SVG}}}rect", x=str(x), y="6", width="12", height="12", fill=colour)
        text = etree.SubElement(svg, f"{{{SVG}}}text", x=str(x + 18), y="16", fill="#1d2733")
        text.set("font-size", "12")
        text.text = label
    return etree.tostring(svg, encoding="unicode")
