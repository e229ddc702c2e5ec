"""An SVG picture of an institution's IT landscape, drawn server-side with lxml.

The institution sits in the middle with its applications stacked under it; the institutions it
receives data from are on the left, those it shares data with on the right, one arrow per
partner labelled with how many integrations run that way (planned ones dashed). The names of
the integrations are in the JSON form of the same landscape.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
WIDTH, ROW = 1200, 56
BOX_W, BOX_H = 280, 40
APP_H = 30
STATUS_FILL = {"in_use": "#e6f4ea", "planned": "#fff7e0", "retired": "#eeeeee"}


def _element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: object
) -> etree._Element:
    node = etree.SubElement(
        parent, f"{{{SVG}}}{tag}", {k.replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        node.text = text
    return node


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _box(root: etree._Element, x: float, y: float, name: str, hint: str, fill: str) -> None:
    group = _element(root, "g")
    _element(group, "title", hint)
    _element(
        group,
        "rect",
        x=f"{x - BOX_W / 2:.0f}",
        y=f"{y - BOX_H / 2:.0f}",
        width=BOX_W,
        height=BOX_H,
        rx=6,
        fill=fill,
        stroke="#1d3b6e",
    )
    _element(
        group,
        "text",
        _short(name),
        x=f"{x:.0f}",
        y=f"{y + 5:.0f}",
        font_size=13,
        text_anchor="middle",
        fill="#111",
    )


def _partners(integrations: list[dict[str, Any]]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for integration in integrations:
        other = integration["other"]
        found[other["detsis_no"]].append(integration)
        names[other["detsis_no"]] = other["name"] or other["detsis_no"]
    return {number: (names[number], found[number]) for number in sorted(found)}


def draw(landscape: dict[str, Any]) -> bytes:
    """SVG bytes of ``applications.landscape``'s answer."""
    institution = landscape["institution"]
    sources = _partners(landscape["integrations_in"])
    targets = _partners(landscape["integrations_out"])
    apps = landscape["applications"]
    rows = max(len(sources), len(targets), 1)
    stack = BOX_H + len(apps) * (APP_H + 6) + 20  # the institution and its applications
    height = max(rows * ROW, stack) + 80
    centre = (WIDTH / 2, 40 + max(rows * ROW - stack, 0) / 2 + BOX_H / 2)
    root = etree.Element(
        f"{{{SVG}}}svg",
        nsmap={None: SVG},
        width=str(WIDTH),
        height=str(int(height)),
        viewBox=f"0 0 {WIDTH} {int(height)}",
        role="img",
    )
    _element(root, "title", f"{institution['name']}: bilgi teknolojileri haritası")
    marker = _element(
        _element(root, "defs"),
        "marker",
        id="arrow",
        viewBox="0 0 10 10",
        refX=10,
        refY=5,
        markerWidth=8,
        markerHeight=8,
        orient="auto-start-reverse",
    )
    _element(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#444")
    for partners, column, incoming in (
        (sources, BOX_W / 2 + 10, True),
        (targets, WIDTH - BOX_W / 2 - 10, False),
    ):
        for index, (number, (name, links)) in enumerate(partners.items()):
            y = 40 + ROW / 2 + index * ROW + (rows - len(partners)) * ROW / 2
            _box(root, column, y, name, f"{name} ({number})", "#eef3fb")
            near = column + BOX_W / 2 if incoming else column - BOX_W / 2
            far = centre[0] - BOX_W / 2 if incoming else centre[0] + BOX_W / 2
            (x1, y1), (x2, y2) = (
                ((near, y), (far, centre[1])) if incoming else ((far, centre[1]), (near, y))
            )
            planned = all(link["status"] != "in_use" for link in links)
            _element(
                root,
                "line",
                x1=f"{x1:.0f}",
                y1=f"{y1:.0f}",
                x2=f"{x2:.0f}",
                y2=f"{y2:.0f}",
                stroke="#444",
                stroke_width=1.5,
                stroke_dasharray="6 4" if planned else "none",
                marker_end="url(#arrow)",
            )
            label = _element(
                root,
                "text",
                f"{len(links)} entegrasyon",
                x=f"{(x1 + x2) / 2:.0f}",
                y=f"{(y1 + y2) / 2 - 4:.0f}",
                font_size=12,
                text_anchor="middle",
                fill="#222",
            )
            _element(label, "title", "; ".join(link["name"] for link in links))
    _box(root, *centre, institution["name"], institution["detsis_no"], "#fde9c8")
    for index, app in enumerate(apps):
        y = centre[1] + BOX_H / 2 + 20 + index * (APP_H + 6)
        group = _element(root, "g")
        _element(group, "title", f"{app['name']} ({app['hosting']}, {app['status']})")
        _element(
            group,
            "rect",
            x=f"{centre[0] - BOX_W / 2 + 20:.0f}",
            y=f"{y:.0f}",
            width=BOX_W - 40,
            height=APP_H,
            rx=4,
            fill=STATUS_FILL.get(app["status"], "#ffffff"),
            stroke="#557",
        )
        _element(
            group,
            "text",
            _short(app["name"], 36),
            x=f"{centre[0]:.0f}",
            y=f"{y + APP_H / 2 + 4:.0f}",
            font_size=12,
            text_anchor="middle",
            fill="#111",
        )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
