"""Validation of patrol-area polygons, with shapely doing the geometry."""

import json

from shapely import is_valid_reason, to_geojson
from shapely.geometry import shape

ALLOWED_TYPES = {"Polygon", "MultiPolygon"}


class GeometryProblem(ValueError):
    pass


def _check_ring_coordinates(geometry) -> None:
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            for lon, lat, *_ in ring.coords:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise GeometryProblem(f"coordinate {lon} {lat} is not a WGS 84 longitude, latitude")


def normalize_area_geometry(geojson) -> dict:
    """Return the polygon as clean GeoJSON, or raise GeometryProblem saying what is wrong."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ALLOWED_TYPES:
        raise GeometryProblem("expected a GeoJSON object of type Polygon or MultiPolygon")
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise GeometryProblem(f"malformed coordinates ({exc})") from exc
    if geometry.is_empty:
        raise GeometryProblem("the polygon is empty")
    _check_ring_coordinates(geometry)
    if not geometry.is_valid:
        raise GeometryProblem(is_valid_reason(geometry))
    if geometry.area == 0:
        raise GeometryProblem("the polygon has no area")
    return json.loads(to_geojson(geometry))
