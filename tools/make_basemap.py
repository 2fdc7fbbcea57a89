"""Make data/basemap.geojson, the locator map's land and borders, from Natural Earth (public domain).

Input: ``countries-110m.json`` and ``countries-50m.json`` of the npm package world-atlas 2.0.2 (Natural Earth's
Admin 0 countries as TopoJSON, ISC licence; the data are in the public domain), e.g. from ``npm pack world-atlas@2``.
Output: one GeoJSON FeatureCollection with two layers (property ``panel``): ``overview`` (1:110m, clipped to the
overview's box, coordinates rounded to 0.25°) and ``inset`` (1:50m, clipped to the inset's box, rounded to
0.02°). Run: ``python tools/make_basemap.py path/to/world-atlas/package``; no dependency beyond Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BOXES = {"overview": ((28.0, 36.0), (146.0, 62.0), 0.25, "countries-110m.json"),
         "inset": ((121.5, 38.3), (133.0, 44.2), 0.02, "countries-50m.json")}
OUT = Path(__file__).resolve().parents[1] / "data" / "basemap.geojson"


def decode(topo: dict, name: str = "countries"):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes):
        out = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    for geom in topo["objects"][name]["geometries"]:
        polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom.get("arcs", []) if geom["type"] == "MultiPolygon" else []
        yield geom.get("properties", {}).get("name", ""), [[ring(r) for r in poly] for poly in polys]


def clip(points, lo, hi):
    """Sutherland–Hodgman: a ring clipped to the box lo–hi (lon, lat)."""
    def edge(pts, inside, cut):
        out = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
        return out

    def at_x(x):
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    pts = list(points)
    for inside, cut in ((lambda p: p[0] >= lo[0], at_x(lo[0])), (lambda p: p[0] <= hi[0], at_x(hi[0])),
                        (lambda p: p[1] >= lo[1], at_y(lo[1])), (lambda p: p[1] <= hi[1], at_y(hi[1]))):
        if not pts:
            break
        pts = edge(pts, inside, cut)
    return pts


def densified(points, lo, hi, most=0.5):
    """Points added along the clip box's edges, so that a map drawing edges as great circles keeps them straight."""
    out = []
    for i, (x, y) in enumerate(points):
        if i:
            px, py = points[i - 1]
            on_box = (x == px and x in (lo[0], hi[0])) or (y == py and y in (lo[1], hi[1]))
            n = int(max(abs(x - px), abs(y - py)) / most) if on_box else 0
            out += [(px + (x - px) * k / (n + 1), py + (y - py) * k / (n + 1)) for k in range(1, n + 1)]
        out.append((x, y))
    return out


def rounded(points, step):
    out = []
    for x, y in points:
        p = (round(round(x / step) * step, 4), round(round(y / step) * step, 4))
        if not out or p != out[-1]:
            out.append(p)
    return out


def main(folder: Path) -> None:
    features = []
    for panel, (lo, hi, step, file) in BOXES.items():
        topo = json.loads((folder / file).read_text(encoding="utf-8"))
        for name, polys in decode(topo):
            kept = []
            for poly in polys:
                rings = [rounded(clip(r, lo, hi), step) for r in poly]
                rings = [densified(r + [r[0]], lo, hi, max(step, 0.5)) for r in rings if len(r) >= 3]
                if rings and len(rings[0]) >= 4:
                    kept.append(rings[:1])  # outer ring only: lakes and holes do not show at this scale
            if kept:
                features.append({"type": "Feature", "properties": {"panel": panel, "name": name},
                                 "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(features)} features, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
