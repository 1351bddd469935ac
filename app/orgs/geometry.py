"""Validation of patrol-area polygons, with shapely doing the geometry."""

import json
import warnings

from shapely import is_valid_reason, to_geojson
from shapely.errors import ShapelyError
from shapely.geometry import shape

ALLOWED_TYPES = {"Polygon", "MultiPolygon"}


class GeometryProblem(ValueError):
    pass


def _check_rings(geometry) -> None:
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            if ring.is_empty:
                raise GeometryProblem("a ring has no coordinates")
            for lon, lat, *_ in ring.coords:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise GeometryProblem(f"coordinate {lon} {lat} is not a WGS 84 longitude, latitude")


def normalize_area_geometry(geojson) -> dict:
    """Return the polygon as clean GeoJSON, or raise GeometryProblem saying what is wrong."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ALLOWED_TYPES:
        raise GeometryProblem("expected a GeoJSON object of type Polygon or MultiPolygon")
    if "coordinates" not in geojson:
        raise GeometryProblem("the object has no coordinates")
    try:
        # NaN coordinates make numpy warn; the range check below reports them properly.
        with warnings.catch_warnings(action="ignore", category=RuntimeWarning):
            geometry = shape(geojson)
    except (ValueError, TypeError, IndexError, AttributeError, ShapelyError) as exc:
        raise GeometryProblem(f"malformed coordinates ({exc})") from exc
    if geometry.is_empty:
        raise GeometryProblem("the polygon is empty")
    _check_rings(geometry)
    if not geometry.is_valid:
        raise GeometryProblem(is_valid_reason(geometry))
    if geometry.area == 0:
        raise GeometryProblem("the polygon has no area")
    return json.loads(to_geojson(geometry))
