"""An SVG picture of data flows between institutions, drawn with lxml.

One institution's flows read best as a star: the institution in the middle, the institutions it
receives documents from on the left, those it sends to on the right. With no institution, the
institutions sit on a circle. Each arrow is labelled with the number of documents on it; the
full lists are in the JSON and GraphML forms of the same graph.
"""

from __future__ import annotations

import math

import networkx as nx
from lxml import etree

SVG = "http://www.w3.org/2000/svg"
WIDTH, ROW = 960, 56
BOX_W, BOX_H = 300, 40


def _element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: object
) -> etree._Element:
    node = etree.SubElement(
        parent, f"{{{SVG}}}{tag}", {k.replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        node.text = text
    return node


def _positions(
    graph: nx.DiGraph[str], centre: str | None
) -> tuple[dict[str, tuple[float, float]], int]:
    if centre is None or centre not in graph:
        count = max(len(graph), 1)
        radius = max(220.0, count * 28.0)
        height = int(2 * radius + 2 * BOX_H + 40)
        return {
            node: (
                WIDTH / 2 + (radius + 60) * math.cos(2 * math.pi * i / count) * 0.9,
                height / 2 + radius * math.sin(2 * math.pi * i / count),
            )
            for i, node in enumerate(graph.nodes)
        }, height
    sources = [n for n in graph.predecessors(centre)]
    targets = [n for n in graph.successors(centre) if n not in sources]
    rows = max(len(sources), len(targets), 1)
    height = rows * ROW + 80
    positions = {centre: (WIDTH / 2, height / 2)}
    for column, nodes in ((BOX_W / 2 + 10, sources), (WIDTH - BOX_W / 2 - 10, targets)):
        top = (height - len(nodes) * ROW) / 2 + ROW / 2
        for i, node in enumerate(nodes):
            positions[node] = (column, top + i * ROW)
    return positions, height


def draw(graph: nx.DiGraph[str], centre: str | None = None, title: str = "") -> bytes:
    """SVG bytes; node attribute ``name``, edge attribute ``documents`` (a list)."""
    positions, height = _positions(graph, centre)
    width = WIDTH if centre else int(max(WIDTH, height * 1.4))
    root = etree.Element(
        f"{{{SVG}}}svg",
        nsmap={None: SVG},
        width=str(width),
        height=str(height + 30),
        viewBox=f"0 0 {width} {height + 30}",
        role="img",
    )
    _element(root, "title", title or "Kurumlar arası veri akışı")
    defs = _element(root, "defs")
    marker = _element(
        defs,
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
    for source, target, data in graph.edges(data=True):
        if source not in positions or target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[source], positions[target]
        dx = (BOX_W / 2) if x2 > x1 else -(BOX_W / 2)
        start, end = (x1 + dx, y1), (x2 - dx, y2)
        _element(
            root,
            "line",
            x1=f"{start[0]:.0f}",
            y1=f"{start[1]:.0f}",
            x2=f"{end[0]:.0f}",
            y2=f"{end[1]:.0f}",
            stroke="#444",
            stroke_width=1.5,
            marker_end="url(#arrow)",
        )
        count = len(data.get("documents", []))
        _element(
            root,
            "text",
            f"{count} belge",
            x=f"{(start[0] + end[0]) / 2:.0f}",
            y=f"{(start[1] + end[1]) / 2 - 4:.0f}",
            font_size=12,
            text_anchor="middle",
            fill="#222",
        )
    for node, (x, y) in positions.items():
        group = _element(root, "g")
        _element(group, "title", f"{graph.nodes[node].get('name', '')} ({node})")
        _element(
            group,
            "rect",
            x=f"{x - BOX_W / 2:.0f}",
            y=f"{y - BOX_H / 2:.0f}",
            width=BOX_W,
            height=BOX_H,
            rx=6,
            fill="#eef3fb" if node != centre else "#fde9c8",
            stroke="#1d3b6e",
        )
        name = str(graph.nodes[node].get("name", node))
        _element(
            group,
            "text",
            name if len(name) <= 44 else name[:43] + "…",
            x=f"{x:.0f}",
            y=f"{y + 5:.0f}",
            font_size=13,
            text_anchor="middle",
            fill="#111",
        )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
