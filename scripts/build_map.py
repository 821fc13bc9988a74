"""Build the dashboard's map: Kanta-Häme's eleven municipalities as one small GeoJSON file, with attribution.

    python scripts/build_map.py            # reads ../shared/reference/geo, writes server/web/static/geo/
    python scripts/build_map.py --check    # exit 1 if the committed file differs from what would be built

Input: ``../shared/reference/geo/kuntarajat-2023.geojson`` (National Land Survey of Finland, *Division into
administrative areas (vector)*, 2023 division, WGS84; CC BY 4.0; see that folder's README). The project
must not read ``../shared`` at run time, so the subset it needs is built into the package by this script
and committed, like ``data/*.ttl`` is by ``smarthame convert``.

What it does: keeps the eleven municipalities of Kanta-Häme (the README's list, the codes of the graph's
``kunta:`` IRIs), simplifies each ring with Douglas–Peucker at ``TOLERANCE`` degrees (never below four
points, so a ring stays a ring), rounds coordinates to ``DECIMALS`` places, and writes the features with
their code, Finnish and Swedish names and ``kunta:`` IRI. The collection carries the attribution, licence
and source as foreign members (RFC 7946 §6.1), and the dashboard shows the attribution under the map.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "reference" / "geo" / "kuntarajat-2023.geojson"
TARGET = ROOT / "server" / "web" / "static" / "geo" / "kanta-hame-2023.geojson"
KUNTA = "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/"
# ../shared/reference/geo/README.md: "Kanta-Häme's eleven municipalities are 061 Forssa, 082 Hattula, ..."
KANTA_HAME = ("061", "082", "086", "103", "109", "165", "169", "433", "694", "834", "981")
TOLERANCE = 0.0005  # degrees, about 30-55 m here: below what a 600-pixel map of the region can show
DECIMALS = 4  # about 11 m of latitude, 5 m of longitude at 61° N
ATTRIBUTION = {
    "fi": "Kuntarajat © Maanmittauslaitos, CC BY 4.0",
    "sv": "Kommungränser © Lantmäteriverket (Maanmittauslaitos), CC BY 4.0",
    "en": "Boundaries © National Land Survey of Finland (Maanmittauslaitos), CC BY 4.0",
}

Point = list[float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from ``p`` to the segment ``a``-``b``, in degrees (flat: the region is 100 km across)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return float(((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return float(((p[0] - a[0] - t * dx) ** 2 + (p[1] - a[1] - t * dy) ** 2) ** 0.5)


def simplify(line: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the points of ``line`` that keep it within ``tolerance`` of the original."""
    if len(line) < 3:
        return line
    index, furthest = 0, -1.0
    for i in range(1, len(line) - 1):
        d = _distance(line[i], line[0], line[-1])
        if d > furthest:
            index, furthest = i, d
    if furthest <= tolerance:
        return [line[0], line[-1]]
    return simplify(line[: index + 1], tolerance)[:-1] + simplify(line[index:], tolerance)


def simplify_ring(ring: list[Point]) -> list[Point]:
    """A closed ring simplified and rounded; only rounded if simplifying would leave under four points."""
    rounded = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring]
    out = simplify(rounded, TOLERANCE)
    if len(out) < 4:
        out = rounded
    deduplicated = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    if deduplicated[0] != deduplicated[-1]:
        deduplicated.append(deduplicated[0])
    return deduplicated


def _polygons(geometry: dict) -> list[list[list[Point]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry type {geometry['type']}")


def build(source: Path) -> dict:
    """The Kanta-Häme FeatureCollection built from the national file at ``source``."""
    national = json.loads(source.read_text(encoding="utf-8"))
    by_code = {f["properties"]["NATCODE"]: f for f in national["features"]}
    missing = [c for c in KANTA_HAME if c not in by_code]
    if missing:
        raise ValueError(f"{source}: no municipality with NATCODE {', '.join(missing)}")
    features = []
    for code in KANTA_HAME:
        feature = by_code[code]
        polygons = [[simplify_ring(ring) for ring in polygon] for polygon in _polygons(feature["geometry"])]
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": props["NAMEFIN"],
                    "name_fi": props["NAMEFIN"],
                    "name_sv": props["NAMESWE"],
                    "iri": KUNTA + code,
                },
                "geometry": geometry,
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "source": "National Land Survey of Finland, Division into administrative areas (vector), 2023, "
        "via ../shared/reference/geo/kuntarajat-2023.geojson; built by scripts/build_map.py",
        "features": features,
    }


def render(collection: dict) -> str:
    # One feature per line: small, and a diff shows which municipality changed.
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return opening + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=TARGET)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is not up to date")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(
            f"{args.source}: not found (the reference data lives in ../shared/reference/geo)", file=sys.stderr
        )
        return 2
    collection = build(args.source)
    text = render(collection)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is not up to date; run scripts/build_map.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"{len(text)} bytes, {len(collection['features'])} municipalities written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
