"""Is a position inside a patrol area? shapely, without PostGIS.

Each area's polygon is projected once onto a local plane in metres (equirectangular around
its centre: good to centimetres at a community's scale) and prepared, and the result is cached
per area and geometry, so a check-in costs a point-in-polygon test and a distance, not a parse.
"""

import json
import math
from functools import lru_cache

import numpy
from shapely import prepare, transform
from shapely.geometry import Point, shape

from app.orgs.models import Area

METRES_PER_DEGREE_LAT = 110_574
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320


class LocalPlane:
    """Degrees to metres around a centre, and back."""

    def __init__(self, lon: float, lat: float):
        self.lon, self.lat = lon, lat
        self.lon_scale = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat))

    def to_metres(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon) * self.lon_scale, (lat - self.lat) * METRES_PER_DEGREE_LAT

    def coordinates_to_metres(self, coordinates: numpy.ndarray) -> numpy.ndarray:
        scale = numpy.array([self.lon_scale, METRES_PER_DEGREE_LAT])
        return (coordinates - numpy.array([self.lon, self.lat])) * scale


@lru_cache(maxsize=2048)
def _projected(area_id: int, geometry_json: str, centre: tuple[float, float]):
    plane = LocalPlane(*centre)
    outline = transform(shape(json.loads(geometry_json)), plane.coordinates_to_metres)
    prepare(outline)
    return plane, outline


def distance_to_area_m(area: Area, lon: float, lat: float) -> float:
    """0 inside the area, else the shortest distance to its edge, in metres."""
    geometry_json = json.dumps(area.geometry, sort_keys=True)
    plane, outline = _projected(area.id, geometry_json, (area.centroid_lon, area.centroid_lat))
    point = Point(plane.to_metres(lon, lat))
    return 0.0 if outline.contains(point) else outline.distance(point)
