"""Validation of patrol-area polygons, with shapely doing the geometry.

Problems are reported as codes the PWA translates (``geometry_self_intersection``),
followed, where it helps, by the coordinates where the problem is:
``geometry_self_intersection: 116.455 39.935``.
"""

import json
import re
import warnings

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
    def __init__(self, code: str, where: str | None = None):
        super().__init__(f"{code}: {where}" if where else code)


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


def normalize_area_geometry(geojson) -> dict:
    """Return the polygon as clean GeoJSON, or raise GeometryProblem saying what is wrong."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ALLOWED_TYPES:
        raise GeometryProblem("geometry_not_polygon")
    if "coordinates" not in geojson:
        raise GeometryProblem("geometry_malformed")
    try:
        # NaN coordinates make numpy warn; the range check below reports them properly.
        with warnings.catch_warnings(action="ignore", category=RuntimeWarning):
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
