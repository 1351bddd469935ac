"""Validation of patrol-area polygons, with shapely doing the geometry.

Problems are reported as codes the PWA translates (``geometry_self_intersection``),
followed, where it helps, by the coordinates where the problem is:
``geometry_self_intersection: 116.455 39.935``.
"""

import json
import math
import re

from shapely import is_valid_reason, to_geojson
from shapely.errors import ShapelyError
from shapely.geometry import shape

ALLOWED_TYPES = {"Polygon", "MultiPolygon"}
# GEOS's validity reasons, e.g. "Ring Self-intersection[116.455 39.935]", by their start.
GEOS_REASONS = {
    "Self-intersection": "geometry_self_intersection",
    "Ring Self-intersection": "geometry_self_intersection",
    "Too few points": "geometry_too_few_points",
    "Hole lies outside shell": "geometry_hole_outside",
    "Nested shells": "geometry_nested_shells",
    "Interior is disconnected": "geometry_interior_disconnected",
}
LOCATION = re.compile(r"\[([-\d.e]+ [-\d.e]+)\]")


class GeometryProblem(ValueError):
    def __init__(self, code: str, where: str | None = None, **params):
        super().__init__(f"{code}: {where}" if where else code)
        self.code = code
        self.params = {"at": where, **params} if where else params


def _geos_problem(reason: str) -> GeometryProblem:
    code = next((c for start, c in GEOS_REASONS.items() if reason.startswith(start)), "geometry_invalid")
    location = LOCATION.search(reason)
    return GeometryProblem(code, location.group(1) if location else None)


def _check_rings(geometry) -> None:
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            if ring.is_empty:
                raise GeometryProblem("geometry_malformed")
            for lon, lat, *_ in ring.coords:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise GeometryProblem("geometry_out_of_range", f"{lon} {lat}")


# A community's patrol area drawn by hand has tens of vertices; an imported survey, hundreds.
MAX_VERTICES = 5000


def _check_structure(geojson: dict) -> None:
    """Coordinates nested as GeoJSON says, every position two or three finite numbers, few enough.

    shapely accepts some of what GeoJSON does not (objects for arrays, strings for numbers)
    and crashes on other shapes, so the structure is checked before it is asked.
    """
    polygons = geojson["coordinates"] if geojson["type"] == "MultiPolygon" else [geojson["coordinates"]]
    if not isinstance(polygons, list):
        raise GeometryProblem("geometry_malformed")
    vertices = 0
    for rings in polygons:
        if not isinstance(rings, list):
            raise GeometryProblem("geometry_malformed")
        for ring in rings:
            if not isinstance(ring, list):
                raise GeometryProblem("geometry_malformed")
            vertices += len(ring)
            if vertices > MAX_VERTICES:
                raise GeometryProblem("geometry_too_many_points", max=MAX_VERTICES)
            for position in ring:
                if not isinstance(position, list) or len(position) not in (2, 3):
                    raise GeometryProblem("geometry_malformed")
                for number in position:
                    if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                        raise GeometryProblem("geometry_malformed")


def normalize_area_geometry(geojson) -> dict:
    """Return the polygon as clean GeoJSON, or raise GeometryProblem saying what is wrong."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ALLOWED_TYPES:
        raise GeometryProblem("geometry_not_polygon")
    if "coordinates" not in geojson:
        raise GeometryProblem("geometry_malformed")
    _check_structure(geojson)
    try:
        geometry = shape(geojson)
    except ValueError as exc:
        if "at least 4 coordinates" in str(exc):
            raise GeometryProblem("geometry_too_few_points") from exc
        raise GeometryProblem("geometry_malformed") from exc
    except (TypeError, IndexError, AttributeError, ShapelyError) as exc:
        raise GeometryProblem("geometry_malformed") from exc
    if geometry.is_empty:
        raise GeometryProblem("geometry_empty")
    _check_rings(geometry)
    if not geometry.is_valid:
        raise _geos_problem(is_valid_reason(geometry))
    if geometry.area == 0:
        raise GeometryProblem("geometry_no_area")
    return json.loads(to_geojson(geometry))
